"""Our log lines: one JSON object each on stderr, with the level, the logger's name, a
timestamp and the request id bound at the moment."""

import json
import logging
import uuid

import structlog

from guanjia_shared.logging import configure_logging, get_logger


def lines(captured: str) -> list[dict]:
    return [json.loads(line) for line in captured.splitlines() if line.strip()]


def test_a_line_is_json_with_level_logger_time_and_request_id(capsys):
    configure_logging("INFO", json=True)
    name = f"guanjia.test.{uuid.uuid4().hex[:6]}"
    structlog.contextvars.bind_contextvars(request_id="req-1")
    try:
        get_logger(name).info("request", status=201, path="/api/v1/x")
    finally:
        structlog.contextvars.unbind_contextvars("request_id")
    [line] = lines(capsys.readouterr().err)
    assert line["event"] == "request"
    assert (line["level"], line["logger"], line["request_id"]) == ("info", name, "req-1")
    assert (line["status"], line["path"]) == (201, "/api/v1/x")
    assert line["timestamp"].endswith("Z")


def test_lines_below_the_level_are_dropped_and_errors_carry_the_traceback(capsys):
    configure_logging("WARNING", json=True)
    log = get_logger(f"guanjia.test.{uuid.uuid4().hex[:6]}")
    log.info("not shown")
    try:
        raise ValueError("broken")
    except ValueError:
        log.exception("failed", path=object())
    [line] = lines(capsys.readouterr().err)
    assert (line["event"], line["level"]) == ("failed", "error")
    assert "ValueError: broken" in line["exception"]
    assert line["path"].startswith("<object")  # what JSON cannot hold is written as its repr


def test_other_libraries_lines_come_out_alike(capsys):
    configure_logging("INFO", json=True)
    logging.getLogger("sqlalchemy.pool").warning("connection %s lost", 3)
    [line] = lines(capsys.readouterr().err)
    assert (line["event"], line["level"], line["logger"]) == (
        "connection 3 lost",
        "warning",
        "sqlalchemy.pool",
    )


def test_configuring_again_reaches_loggers_already_used(capsys):
    log = get_logger(f"guanjia.test.{uuid.uuid4().hex[:6]}")
    configure_logging("INFO", json=True)
    log.info("as json")
    configure_logging("INFO", json=False)
    log.info("for people")
    first, second = capsys.readouterr().err.splitlines()
    assert json.loads(first)["event"] == "as json"
    assert "for people" in second and not second.startswith("{")

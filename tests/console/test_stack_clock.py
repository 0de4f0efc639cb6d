"""The clock the console's journeys move (console_stack.stack_clock): every process started
with its environment follows it, and a move is answered only once they all have."""

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.console.support.console_stack import clock_environment, stack_clock

DAY = 86_400
# Answers a line on stdin with its wall clock, as the stack's services read theirs.
TELL_THE_TIME = "import sys, time\nfor _ in sys.stdin:\n    print(time.time(), flush=True)\n"


class Follower:
    def __init__(self, clock_file: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", TELL_THE_TIME],
            env={**os.environ, **clock_environment(clock_file)},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def clock(self) -> float:
        assert self.process.stdin and self.process.stdout
        self.process.stdin.write("\n")
        self.process.stdin.flush()
        return float(self.process.stdout.readline())


@pytest.fixture
def clock(tmp_path: Path) -> Iterator[tuple[str, list[Follower]]]:
    file = tmp_path / "clock"
    pids: list[int] = []
    with stack_clock(file, pids) as url:
        followers = [Follower(file) for _ in range(2)]
        pids += [follower.process.pid for follower in followers]
        try:
            yield url, followers
        finally:
            for follower in followers:
                follower.process.kill()
                follower.process.wait()


def test_every_process_is_on_the_moved_clock_when_the_move_is_answered(clock):
    url, followers = clock
    assert httpx.post(url, json={"offset_seconds": -DAY}).json() == {"offset_seconds": -DAY}
    for follower in followers:
        assert follower.clock() == pytest.approx(time.time() - DAY, abs=60)

    assert httpx.post(url, json={"offset_seconds": 0}).status_code == 200
    for follower in followers:
        assert follower.clock() == pytest.approx(time.time(), abs=60)
    assert httpx.get(url).json() == {"offset_seconds": 0}


def test_a_process_on_the_unmoved_clock_keeps_the_real_time(clock):
    """Each process starts on the real clock, whatever its start-up cost: a process behind
    the gateway by a second would find the gateway's tokens issued in its future."""
    _, followers = clock
    for follower in followers:
        asked = time.time()
        told = follower.clock()
        answered = time.time()
        assert asked - 0.02 <= told <= answered + 0.02


def test_a_move_without_an_offset_is_refused_and_moves_nothing(clock):
    url, followers = clock
    assert httpx.post(url, json={"offset_seconds": -DAY}).status_code == 200

    refused = httpx.post(url, json={"days": 1})
    assert refused.status_code == 422
    assert httpx.get(url).json() == {"offset_seconds": -DAY}
    assert followers[0].clock() == pytest.approx(time.time() - DAY, abs=60)

"""`serve` with a metrics port, as docker-compose and Kubernetes run every process: the
gateway's API port (the one published to the world) and a service's answer no /metrics,
the metrics port (never published) does. (Without one, /metrics is on the API port:
shared/tests/test_service_app.py.)"""

import sys

import httpx
import pytest

from asset_svc.database import MIGRATIONS
from gateway.testing.harness import ServiceProcess
from guanjia_shared.nats_server import free_port
from tests.faults.support.fault_harness import READY_TIMEOUT_SECONDS, service_process

pytestmark = [
    pytest.mark.timeout(90),
    pytest.mark.parametrize("database_backend", ["sqlite"], indirect=True),
]


def gateway_process(directory, **settings) -> ServiceProcess:
    port = free_port()
    values = {"data_dir": directory, "log_json": False, **settings}
    env = {f"GUANJIA_GATEWAY_{key.upper()}": str(value) for key, value in values.items()}
    command = [sys.executable, "-m", "gateway", "serve", "--port", str(port)]
    return ServiceProcess(command, env=env, log=directory / "gateway.log", port=port)


@pytest.fixture(params=["gateway", "asset"])
def make_process(request, fresh_database, nats_server_url, event_namespace, token_mint, tmp_path):
    async def make(**settings) -> ServiceProcess:
        if request.param == "gateway":
            return gateway_process(
                tmp_path, nats_url=nats_server_url, event_namespace=event_namespace, **settings
            )
        return service_process(
            "asset",
            directory=tmp_path,
            database_url=await fresh_database(MIGRATIONS),
            nats_url=nats_server_url,
            namespace=event_namespace,
            jwks_url=token_mint.jwks_url,
            **settings,
        )

    return make


async def test_metrics_answer_on_the_metrics_port_only(make_process):
    metrics_port = free_port()
    process = (await make_process(metrics_port=metrics_port)).start(READY_TIMEOUT_SECONDS)
    try:
        async with httpx.AsyncClient(timeout=10) as client:
            on_api_port = await client.get(f"{process.url}/metrics")
            assert on_api_port.status_code == 404
            assert on_api_port.headers["content-type"] == "application/problem+json"
            assert "guanjia_" not in on_api_port.text
            assert (await client.get(f"{process.url}/healthz")).status_code == 200
            scraped = await client.get(f"http://127.0.0.1:{metrics_port}/metrics")
            assert scraped.status_code == 200
            assert "guanjia_http_requests_total" in scraped.text
    finally:
        process.stop()

"""Benchmark: what the gateway costs on an authenticated list call.

Goal (issue 8): through the gateway, ≥ 80% of the throughput of calling the service
directly, and ≤ 1 ms added at p50. The call is `GET /api/v1/asset/units?limit=50` by an
agent, with a page of units in asset-svc's PostgreSQL database; the same token, URL and wrk
settings go once to the gateway and once straight to asset-svc, in the same run, alternating
so that drift on a shared machine hits both alike.

    make bench            # or: .venv/bin/python bench/gateway_overhead.py [--seconds 10]

Two loads: throughput with a few connections (enough to keep the servers busy), and
latency with one connection (an idle system, so p50 is the time a request takes and not
the time it queues; under saturation p50 only restates throughput). On 2 cores wrk competes
with the servers, so it runs one thread (`-t1`); its CPU share is printed beside the
servers' to show it is not the bottleneck. One uvicorn process per server, as deployed.
The gateway's per-caller rate limit is raised (GUANJIA_GATEWAY_RATE_LIMIT_PER_SECOND and
_BURST) so that it does not cap the load. Takes about 4 × (2 + seconds) × rounds + 15 s.
"""

from __future__ import annotations

import argparse
import statistics

from report import print_table, write_results
from stack import Stack, WrkResult, run_wrk, running_stack

PATH = "/api/v1/asset/units?limit=50"
DEPARTMENT = "后勤服务中心"
WARM_UP_SECONDS = 2
THROUGHPUT_GOAL = 0.8
ADDED_P50_GOAL_MS = 1.0


def seed_units(stack: Stack, count: int) -> None:
    admin = stack.bearer(stack.token("admin"))
    for number in range(count):
        answer = stack.client.post(
            "/api/v1/asset/units",
            json={"code": f"410100-{number:03d}", "name": f"单位{number}", "level": "municipal"},
            headers=admin,
        )
        answer.raise_for_status()


def measure(
    stack: Stack, url: str, headers: dict[str, str], *, seconds: float, connections: int
) -> WrkResult:
    watch = {"gateway": stack.gateway.pid, "asset": stack.services["asset"].pid}
    run_wrk(url, seconds=WARM_UP_SECONDS, connections=connections, headers=headers)
    result = run_wrk(url, seconds=seconds, connections=connections, headers=headers, watch=watch)
    if result.failures:
        raise RuntimeError(f"{url}: {result.errors} — every call must answer 200")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10, help="length of each measured run")
    parser.add_argument("--connections", type=int, default=8, help="for the throughput load")
    parser.add_argument("--units", type=int, default=20, help="rows in the listed page")
    parser.add_argument("--rounds", type=int, default=2, help="direct/gateway pairs per load")
    options = parser.parse_args()

    rate_limit = {"rate_limit_per_second": 1_000_000, "rate_limit_burst": 1_000_000}
    with running_stack(["asset"], gateway_env=rate_limit) as stack:
        seed_units(stack, options.units)
        headers = stack.bearer(stack.token("agent", department=DEPARTMENT))
        targets = {"direct": stack.services["asset"].url, "gateway": stack.gateway.url}
        loads = {"throughput": options.connections, "latency": 1}
        results: dict[tuple[str, str], list[WrkResult]] = {}
        for load, connections in loads.items():
            for _ in range(options.rounds):
                for target, base in targets.items():
                    results.setdefault((load, target), []).append(
                        measure(
                            stack,
                            base + PATH,
                            headers,
                            seconds=options.seconds,
                            connections=connections,
                        )
                    )

    def summary(load: str, target: str) -> dict[str, float]:
        runs = results[(load, target)]
        return {
            "req_per_s": statistics.median(r.throughput for r in runs),
            "p50_ms": statistics.median(r.latency_ms["p50"] for r in runs),
            "p99_ms": statistics.median(r.latency_ms["p99"] for r in runs),
            "wrk_cores": max(r.wrk_cores for r in runs),
            "gateway_cores": statistics.median(r.server_cores["gateway"] for r in runs),
            "asset_cores": statistics.median(r.server_cores["asset"] for r in runs),
            "gateway_cpu_ms": statistics.median(r.cpu_ms_per_request("gateway") for r in runs),
            "asset_cpu_ms": statistics.median(r.cpu_ms_per_request("asset") for r in runs),
        }

    figures = {load: {target: summary(load, target) for target in targets} for load in loads}
    ratio = (
        figures["throughput"]["gateway"]["req_per_s"] / figures["throughput"]["direct"]["req_per_s"]
    )
    added_p50 = figures["latency"]["gateway"]["p50_ms"] - figures["latency"]["direct"]["p50_ms"]
    print_table(
        f"gateway overhead: GET {PATH}, {options.units} units, wrk -t1, "
        f"median of {options.rounds} × {options.seconds:g} s",
        [
            "load",
            "via",
            "conns",
            "req/s",
            "p50 ms",
            "p99 ms",
            "wrk cores",
            "gw cores",
            "svc cores",
            "gw cpu ms/req",
            "svc cpu ms/req",
        ],
        [
            (
                load,
                target,
                loads[load],
                f["req_per_s"],
                f["p50_ms"],
                f["p99_ms"],
                f["wrk_cores"],
                f["gateway_cores"],
                f["asset_cores"],
                f["gateway_cpu_ms"],
                f["asset_cpu_ms"],
            )
            for load in loads
            for target, f in figures[load].items()
        ],
    )
    print_table(
        "gateway overhead: goals",
        ["measure", "value", "goal", "verdict"],
        [
            (
                "throughput gateway/direct",
                ratio,
                f"≥ {THROUGHPUT_GOAL}",
                "met" if ratio >= THROUGHPUT_GOAL else "MISSED",
            ),
            (
                "added p50, 1 connection (ms)",
                added_p50,
                f"≤ {ADDED_P50_GOAL_MS}",
                "met" if added_p50 <= ADDED_P50_GOAL_MS else "MISSED",
            ),
        ],
    )
    write_results(
        "gateway_overhead",
        {
            "path": PATH,
            "units": options.units,
            "seconds_per_run": options.seconds,
            "rounds": options.rounds,
            "wrk": {"threads": 1, "connections": loads},
            "figures": {
                load: {
                    target: {name: round(value, 3) for name, value in f.items()}
                    for target, f in by_target.items()
                }
                for load, by_target in figures.items()
            },
            "throughput_ratio": round(ratio, 3),
            "added_p50_ms": round(added_p50, 3),
            "goals": {"throughput_ratio": THROUGHPUT_GOAL, "added_p50_ms": ADDED_P50_GOAL_MS},
        },
    )


if __name__ == "__main__":
    main()

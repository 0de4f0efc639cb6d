"""What every benchmark prints and keeps: a table on stdout and `bench/results/<name>.json`
stamped with the machine and the date, so figures are never read without their context."""

from __future__ import annotations

import functools
import json
import os
import platform
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).parent / "results"


def machine() -> dict[str, Any]:
    memory_bytes = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return {
        "cores": os.cpu_count(),
        "memory_gib": round(memory_bytes / 2**30),
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.machine()}",
        "fixed_loop_ms": fixed_loop_ms(),
    }


@functools.cache
def fixed_loop_ms() -> float:
    """The best of several timings of one fixed pure-Python loop: this virtual machine's
    speed has varied 1.6× from one hour to the next, so figures of two runs compare only
    beside this one."""

    def loop() -> int:
        total = 0
        for number in range(300_000):
            total += number % 7
        return total

    best = float("inf")
    for _ in range(7):
        started = time.perf_counter()
        loop()
        best = min(best, time.perf_counter() - started)
    return round(best * 1000, 2)


def print_table(title: str, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Columns as wide as their widest cell; numbers right-aligned, text left-aligned."""
    cells = [[_cell(value) for value in row] for row in rows]
    widths = [max(len(str(h)), *(len(row[i]) for row in cells)) for i, h in enumerate(header)]
    numeric = [
        all(_is_number(row[i]) for row in rows) if rows else False for i in range(len(header))
    ]
    spec = machine()
    print(
        f"\n{title}  ({spec['cores']} cores, {spec['memory_gib']} GiB, "
        f"fixed loop {spec['fixed_loop_ms']} ms, {time.strftime('%Y-%m-%d')})"
    )
    print(
        "  ".join(
            h.rjust(w) if n else h.ljust(w) for h, w, n in zip(header, widths, numeric, strict=True)
        )
    )
    for row in cells:
        print(
            "  ".join(
                c.rjust(w) if n else c.ljust(w)
                for c, w, n in zip(row, widths, numeric, strict=True)
            )
        )


def write_results(name: str, payload: dict[str, Any]) -> Path:
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.json"
    document = {
        "benchmark": name,
        "date": time.strftime("%Y-%m-%d"),
        "machine": machine(),
        **payload,
    }
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
    return path


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}" if abs(value) < 1000 else f"{value:,.0f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return "" if value is None else str(value)

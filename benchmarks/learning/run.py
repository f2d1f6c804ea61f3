"""The learning benchmark: distillation methods against each other under one budget.

Student: SmolLM2-135M-Instruct after the quickstart's SFT cold start. Teacher: the quickstart's
cached SFT teacher. Each method in ``configs/`` starts from the same cold-started student and
gets the same budget (``--updates`` updates of 4 episodes), on the quickstart's task
(Household ``pick_and_place``, full history, actions listed at the start). Every agent is
evaluated greedily on the first ``--episodes`` tasks of each split. Results go to
``results/<name>.json`` as they finish (a rerun skips finished ones), then ``results/RESULTS.md``
and two plots are written from all of them.

    python benchmarks/learning/run.py                      # every method
    python benchmarks/learning/run.py --methods opd,sod    # some
    python benchmarks/learning/run.py --report             # only rewrite RESULTS.md and plots
"""

from __future__ import annotations

import argparse
import json
import math
import time
from pathlib import Path
from typing import Any

import yaml

from protege.distill.metrics import read_metrics
from protege.eval import GroupSummary, newcombe_interval, plot_learning_curve
from protege.quickstart import ensure_teacher, evaluate_agent, pick_model, train_config
from protege.quickstart.recipes import cold_start_config, sod_config

HERE = Path(__file__).resolve().parent
CONFIGS = HERE / "configs"
METHODS = sorted(path.stem for path in CONFIGS.glob("*.yaml"))
SPLITS = ("valid_seen", "valid_unseen")
HISTORY_WINDOW = 3
"""The last-k window compared against full history (evaluation only: the trainer needs the
full-history token record)."""


def merged(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """``base`` with ``override`` merged in; a ``method`` block is replaced, not merged."""
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict) and key != "method":
            out[key] = merged(out[key], value)
        else:
            out[key] = value
    return out


def method_config(
    name: str, model: str, cold: Path, teacher: Path, out: Path, updates: int
) -> dict[str, Any]:
    """The quickstart's SOD recipe with the method block and overrides of ``configs/NAME``."""
    override = yaml.safe_load((CONFIGS / f"{name}.yaml").read_text()) or {}
    return merged(sod_config(model, cold, teacher, out, updates), override)


def evaluate_splits(model: str, adapter: Path | None, episodes: int, out: Path) -> dict:
    """Overall eval summary per split."""
    return {
        split: evaluate_agent(model, adapter, episodes, out / split, split=split)
        for split in SPLITS
    }


def run(args: argparse.Namespace) -> None:
    """Train and evaluate whatever has no result file yet."""
    results, work = args.out, args.work
    results.mkdir(parents=True, exist_ok=True)
    model = pick_model("smollm2", print)
    teacher, _ = ensure_teacher(model, print)
    cold = work / "cold-start" / "final"
    if not cold.is_dir():
        cold = train_config(cold_start_config(model, work / "cold-start"))
    agents: dict[str, tuple[str, Path | None]] = {
        "cold-start": (model, cold),
        "teacher": (str(teacher), None),
    }
    for name, (path, adapter) in agents.items():
        target = results / f"{name}.json"
        if not target.exists():
            started = time.perf_counter()
            evals = evaluate_splits(path, adapter, args.episodes, work / "eval" / name)
            record = {"name": name, "eval": evals, "eval_s": time.perf_counter() - started}
            target.write_text(json.dumps(record, indent=2))
    for name in args.methods:
        target = results / f"{name}.json"
        if target.exists():
            continue
        print(f"== {name}")
        started = time.perf_counter()
        final = train_config(method_config(name, model, cold, teacher, work / name, args.updates))
        train_s = time.perf_counter() - started
        evals = evaluate_splits(model, final, args.episodes, work / "eval" / name)
        record = {
            "name": name,
            "updates": args.updates,
            "train_s": train_s,
            "eval": evals,
            "metrics": read_metrics(work / name),
        }
        target.write_text(json.dumps(record, indent=2))
    history = results / "history.json"
    if not history.exists():
        window = {
            name: evaluate_agent(
                path, adapter, args.episodes, work / "eval-history" / name,
                history=HISTORY_WINDOW,
            )
            for name, (path, adapter) in agents.items()
        }  # fmt: skip
        history.write_text(json.dumps(window, indent=2))


def _cell(summary: dict[str, Any]) -> str:
    return (
        f"{summary['successes']}/{summary['episodes']} = {summary['success_rate']:.0%} "
        f"[{summary['ci_low']:.0%}, {summary['ci_high']:.0%}]"
    )


def _versus(summary: dict[str, Any], baseline: dict[str, Any]) -> str:
    low, high = newcombe_interval(
        summary["successes"], summary["episodes"], baseline["successes"], baseline["episodes"]
    )
    mark = " *" if low > 0 or high < 0 else ""
    difference = summary["success_rate"] - baseline["success_rate"]
    return f"{difference:+.0%} [{low:+.0%}, {high:+.0%}]{mark}"


def _kl(record: dict[str, Any], which: int) -> str:
    values = [m.get("kl/mean") for m in record.get("metrics", [])]
    values = [v for v in values if v is not None and not math.isnan(v)]
    return f"{values[which]:.3f}" if values else "n/a"


def report(results: Path) -> Path:
    """``RESULTS.md`` (success per split with 95% intervals, difference to the cold start with
    Newcombe intervals, KL first and last, wall-clock) and the plots, from the result files."""
    records = {p.stem: json.loads(p.read_text()) for p in sorted(results.glob("*.json"))}
    history = records.pop("history", None)
    cold = records.get("cold-start")
    order = ["cold-start", *[m for m in METHODS if m in records], "teacher"]
    lines = [
        "| agent | " + " | ".join(f"{s} success [95% CI]" for s in SPLITS)
        + " | valid_unseen vs cold start [95% CI] | KL first → last | train wall-clock |",
        "| --- " * (len(SPLITS) + 4) + "|",
    ]  # fmt: skip
    for name in order:
        if name not in records:
            continue
        record = records[name]
        cells = [_cell(record["eval"][split]) for split in SPLITS]
        unseen = record["eval"]["valid_unseen"]
        versus = _versus(unseen, cold["eval"]["valid_unseen"]) if cold else ""
        kl = f"{_kl(record, 0)} → {_kl(record, -1)}" if record.get("metrics") else ""
        wall = f"{record['train_s'] / 60:.1f} min" if "train_s" in record else ""
        lines.append(f"| {name} | " + " | ".join([*cells, versus, kl, wall]) + " |")
    if history:
        lines += ["", f"Last-{HISTORY_WINDOW} history instead of full (valid_unseen):", ""]
        lines += ["| agent | full history | last-3 window |", "| --- | --- | --- |"]
        for name, summary in history.items():
            full = records[name]["eval"]["valid_unseen"]
            lines.append(f"| {name} | {_cell(full)} | {_cell(summary)} |")
    lines += ["", "`*`: the difference's 95% Newcombe interval excludes 0."]
    path = results / "RESULTS.md"
    path.write_text("\n".join(lines) + "\n")
    for name, record in records.items():
        if record.get("metrics"):
            plot_curve(name, record, records, results / f"curve_{name}.png")
    return path


def plot_curve(name: str, record: dict, records: dict, path: Path) -> None:
    """One method's KL and success over its updates, with the cold start and the teacher."""
    summary = {key: GroupSummary(**value["eval"]["valid_unseen"]) for key, value in records.items()}
    evaluations = [(f"{name} (eval)", record["updates"], summary[name])]
    if "cold-start" in summary:
        evaluations.insert(0, ("cold start (eval)", 0, summary["cold-start"]))
    teacher = {"teacher (eval)": summary["teacher"]} if "teacher" in summary else None
    plot_learning_curve(
        record["metrics"],
        path,
        evaluations=evaluations,
        references=teacher,
        title=f"{name} on Household pick_and_place (valid_unseen)",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--methods", default=",".join(METHODS), help="comma list, or all")
    parser.add_argument("--updates", type=int, default=6)
    parser.add_argument("--episodes", type=int, default=12, help="per split and agent")
    parser.add_argument("--out", type=Path, default=HERE / "results")
    parser.add_argument("--work", type=Path, default=Path("learning-runs"))
    parser.add_argument("--report", action="store_true", help="only rewrite RESULTS.md")
    args = parser.parse_args()
    args.methods = METHODS if args.methods == "all" else args.methods.split(",")
    unknown = sorted(set(args.methods) - set(METHODS))
    if unknown:
        parser.error(f"unknown methods {unknown}; known: {', '.join(METHODS)}")
    if not args.report:
        run(args)
    print(report(args.out).read_text())


if __name__ == "__main__":
    main()

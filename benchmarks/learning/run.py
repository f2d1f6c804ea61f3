"""The learning benchmark: distillation methods against each other under one budget.

Student: SmolLM2-135M-Instruct after the quickstart's SFT cold start. Teacher: the quickstart's
cached SFT teacher. Each method in ``configs/`` starts from the same cold-started student and
gets the quickstart distillation's budget and optimiser (``--updates`` updates of 4 episodes
sampled at temperature 0.5, lr 3e-4, 8 optimiser steps per update), on the quickstart's task
(Household ``pick_and_place``, full history, actions listed at the start). Every agent is
evaluated greedily on the first ``--episodes`` tasks of each split. Results go to
``results/<name>.json`` as they finish (a rerun skips finished ones), then ``results/RESULTS.md``
and two plots are written from all of them.

    python benchmarks/learning/run.py                      # every method
    python benchmarks/learning/run.py --methods opd,sod    # some
    python benchmarks/learning/run.py --methods none       # only the baselines and history
    python benchmarks/learning/run.py --report             # only rewrite RESULTS.md and plots
    python benchmarks/learning/run.py --eval-only cold-start,opd_fkl --episodes 24 --out DIR
                                           # the agents already trained in --work, on more tasks
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import yaml

from protege.agents.evaluate import select_tasks
from protege.distill.metrics import read_metrics
from protege.eval import GroupSummary, newcombe_interval, plot_learning_curve
from protege.quickstart import ensure_teacher, eval_config, evaluate_agent, pick_model, train_config
from protege.quickstart.recipes import (
    COLD_START_EPISODES,
    cold_start_config,
    distill_config,
    on_device,
)

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


def method_override(name: str) -> dict[str, Any]:
    """The method block and the overrides of ``configs/NAME.yaml``."""
    return yaml.safe_load((CONFIGS / f"{name}.yaml").read_text()) or {}


def method_config(
    name: str,
    model: str,
    cold: Path,
    teacher: Path,
    out: Path,
    updates: int,
    device: str = "cpu",
    eval_every: int = 0,
    eval_tasks: list[str] | None = None,
) -> dict[str, Any]:
    """The quickstart's distillation recipe with the method block and overrides of ``configs/NAME``,
    on ``device``; with ``eval_every``, greedy success on ``eval_tasks`` (valid_unseen) is
    measured every that many updates."""
    base = distill_config(model, cold, teacher, out, updates)
    config = on_device(merged(base, method_override(name)), device)
    if eval_every and eval_tasks:
        config["eval"] = {
            "every": eval_every,
            "split": "valid_unseen",
            "episodes": len(eval_tasks),
            "tasks": eval_tasks,
        }
        # one batch for the whole evaluation (training rollouts use tasks_per_update envs)
        config["rollout"]["num_envs"] = max(config["rollout"]["num_envs"], len(eval_tasks))
    return config


def evaluation_tasks(episodes: int) -> list[str]:
    """The task ids of the ``valid_unseen`` evaluation: the tasks :func:`evaluate_agent` plays."""
    return select_tasks(eval_config("tiny", None, episodes))  # the policy is not loaded


def evaluate_splits(model: str, adapter: Path | None, episodes: int, out: Path) -> dict:
    """Overall eval summary per split."""
    return {
        split: evaluate_agent(model, adapter, episodes, out / split, split=split)
        for split in SPLITS
    }


def prepare(args: argparse.Namespace) -> tuple[str, Path, Path]:
    """The base model, the teacher and the cold-started adapter (each made once, then cached)."""
    model = pick_model(args.model, print)
    teacher, _ = ensure_teacher(model, print, device=args.device)
    # one folder per size, so that a cached cold start is never reused for another size
    folder = args.work / f"cold-start-{args.cold_start}"
    cold = folder / "final"
    if not cold.is_dir():
        config = cold_start_config(model, folder, args.cold_start)
        cold = train_config(on_device(config, args.device))
    return model, teacher, cold


def train_once(config: dict[str, Any], folder: Path) -> Path:
    """``folder/final`` after training ``config`` (whose output is ``folder``) once; later
    calls reuse it. The training's wall-clock goes to ``folder/train_s.txt``."""
    final = folder / "final"
    if not final.is_dir():
        started = time.perf_counter()
        train_config(config)
        (folder / "train_s.txt").write_text(f"{time.perf_counter() - started:.1f}\n")
    return final


def train_method(args: argparse.Namespace, name: str) -> None:
    """Train one method from the cold start, evaluate it on both splits, write its result."""
    model, teacher, cold = prepare(args)
    work = args.work
    tasks = evaluation_tasks(args.episodes) if args.eval_every else None
    config = method_config(
        name, model, cold, teacher, work / name, args.updates, args.device, args.eval_every, tasks
    )
    print(f"== {name}")
    started = time.perf_counter()
    final = train_config(config)
    train_s = time.perf_counter() - started
    record = {
        "name": name,
        "cold_start_episodes": args.cold_start,
        "updates": args.updates,
        "device": args.device,
        "train_s": train_s,
        "config": {key: config[key] for key in ("method", "rollout", "optim")},
        "eval": evaluate_splits(model, final, args.episodes, work / "eval" / name),
        "metrics": read_metrics(work / name),
    }
    (args.out / f"{name}.json").write_text(json.dumps(record, indent=2))


def run(args: argparse.Namespace) -> None:
    """Train and evaluate whatever has no result file yet (``--jobs`` methods at a time)."""
    results, work = args.out, args.work
    results.mkdir(parents=True, exist_ok=True)
    model, teacher, cold = prepare(args)
    agents: dict[str, tuple[str, Path | None]] = {
        "cold-start": (model, cold),
        "teacher": (str(teacher), None),
    }
    for name, (path, adapter) in agents.items():
        evaluate_agent_once(args, name, path, adapter, work / "eval" / name)
    pending = [name for name in args.methods if not (results / f"{name}.json").exists()]
    if args.jobs > 1:  # one process per method; spawn, since CUDA does not survive a fork
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(args.jobs, mp_context=context) as pool:
            for future in [pool.submit(train_method, args, name) for name in pending]:
                future.result()
    else:
        for name in pending:
            train_method(args, name)
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


def evaluate_only(args: argparse.Namespace) -> None:
    """Evaluate agents already trained in ``WORK`` again (``--episodes`` tasks per split, e.g.
    more than they were first evaluated on), without training: the cold start, the teacher
    and each method's ``WORK/NAME/final`` adapter, as named in ``--agents``."""
    args.out.mkdir(parents=True, exist_ok=True)
    model, teacher, cold = prepare(args)
    agents = {"cold-start": (model, cold), "teacher": (str(teacher), None)}
    agents.update({name: (model, args.work / name / "final") for name in METHODS})
    for name in args.agents:
        path, adapter = agents[name]
        if adapter is not None and not adapter.is_dir():
            print(f"skipping {name}: no trained adapter at {adapter}")
            continue
        evaluate_agent_once(args, name, path, adapter, args.work / "eval-wide" / name)


def evaluate_agent_once(
    args: argparse.Namespace, name: str, path: str, adapter: Path | None, folder: Path
) -> None:
    """Evaluate one agent on both splits into ``--out/NAME.json``, unless that file exists."""
    target = args.out / f"{name}.json"
    if target.exists():
        return
    started = time.perf_counter()
    record = {
        "name": name,
        "cold_start_episodes": args.cold_start,
        "eval": evaluate_splits(path, adapter, args.episodes, folder),
        "eval_s": time.perf_counter() - started,
    }
    target.write_text(json.dumps(record, indent=2))


def repeats(episodes: list[Any]) -> dict[str, int]:
    """Turns after the first and how many of them repeat the previous action word for word
    (the loop a collapsed student falls into: ``go to X`` again after "Nothing happens.")."""
    actions = [[step.action for step in episode.steps] for episode in episodes]
    pairs = [pair for turns in actions for pair in itertools.pairwise(turns)]
    return {"turns": len(pairs), "repeated": sum(before == after for before, after in pairs)}


def success_cell(summary: dict[str, Any]) -> str:
    """``successes/episodes = rate [95% Wilson interval]``."""
    return (
        f"{summary['successes']}/{summary['episodes']} = {summary['success_rate']:.0%} "
        f"[{summary['ci_low']:.0%}, {summary['ci_high']:.0%}]"
    )


def versus_cell(summary: dict[str, Any], baseline: dict[str, Any]) -> str:
    """The success-rate difference to ``baseline`` with its 95% Newcombe interval; ``*`` when
    the interval excludes 0."""
    low, high = newcombe_interval(
        summary["successes"], summary["episodes"], baseline["successes"], baseline["episodes"]
    )
    mark = " *" if low > 0 or high < 0 else ""
    difference = summary["success_rate"] - baseline["success_rate"]
    return f"{difference:+.0%} [{low:+.0%}, {high:+.0%}]{mark}"


def kl_cell(record: dict[str, Any], which: int) -> str:
    """The sampled reverse KL of update ``which`` (Python index) of a trained record."""
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
        cells = [success_cell(record["eval"][split]) for split in SPLITS]
        unseen = record["eval"]["valid_unseen"]
        versus = versus_cell(unseen, cold["eval"]["valid_unseen"]) if cold else ""
        kl = f"{kl_cell(record, 0)} → {kl_cell(record, -1)}" if record.get("metrics") else ""
        wall = f"{record['train_s'] / 60:.1f} min" if "train_s" in record else ""
        lines.append(f"| {name} | " + " | ".join([*cells, versus, kl, wall]) + " |")
    if history:
        lines += ["", f"Last-{HISTORY_WINDOW} history instead of full (valid_unseen):", ""]
        lines += ["| agent | full history | last-3 window |", "| --- | --- | --- |"]
        for name, summary in history.items():
            full = records[name]["eval"]["valid_unseen"]
            lines.append(f"| {name} | {success_cell(full)} | {success_cell(summary)} |")
    lines += _curve_table(records)
    lines += ["", "`*`: the difference's 95% Newcombe interval excludes 0."]
    path = results / "RESULTS.md"
    path.write_text("\n".join(lines) + "\n")
    for name, record in records.items():
        if record.get("metrics"):
            plot_curve(name, record, records, results / f"curve_{name}.png")
    return path


def _curve_table(records: dict[str, Any]) -> list[str]:
    """Greedy valid_unseen success measured during training (``--eval-every``), per method."""
    curves = {
        name: [(m["update"], m["eval/success"]) for m in record.get("metrics", [])
               if "eval/success" in m]
        for name, record in records.items()
    }  # fmt: skip
    curves = {name: points for name, points in curves.items() if points}
    if not curves:
        return []
    updates = sorted({update for points in curves.values() for update, _ in points})
    lines = ["", "valid_unseen success during training, by update:", ""]
    lines += ["| method | " + " | ".join(str(u) for u in updates) + " |"]
    lines += ["| --- " * (len(updates) + 1) + "|"]
    for name, points in curves.items():
        by_update = dict(points)
        cells = [f"{by_update[u]:.0%}" if u in by_update else "" for u in updates]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return lines


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
    parser.add_argument("--methods", default=",".join(METHODS), help="comma list, all, or none")
    parser.add_argument("--updates", type=int, default=6)
    parser.add_argument("--episodes", type=int, default=12, help="per split and agent")
    parser.add_argument("--out", type=Path, default=HERE / "results")
    parser.add_argument("--work", type=Path, default=Path("learning-runs"))
    parser.add_argument("--report", action="store_true", help="only rewrite RESULTS.md")
    parser.add_argument("--device", default="cpu", help="cpu, cuda or auto (every model)")
    parser.add_argument("--jobs", type=int, default=1, help="methods trained at once")
    parser.add_argument(
        "--eval-every", type=int, default=0, help="valid_unseen success every N updates too"
    )
    parser.add_argument("--model", default="smollm2", help="smollm2, tiny or a model folder")
    parser.add_argument(
        "--cold-start",
        type=int,
        default=COLD_START_EPISODES,
        help="expert episodes of the cold start",
    )
    parser.add_argument(
        "--eval-only",
        dest="agents",
        default=None,
        help="comma list of agents (cold-start, teacher, methods) trained in WORK to evaluate "
        "again with --episodes per split, without training",
    )
    args = parser.parse_args()
    if args.agents is not None:
        args.agents = args.agents.split(",")
        unknown = sorted(set(args.agents) - {"cold-start", "teacher", *METHODS})
        if unknown:
            parser.error(f"unknown agents {unknown}")
        evaluate_only(args)
        print(report(args.out).read_text())
        return
    choices = {"all": METHODS, "none": []}
    args.methods = choices.get(args.methods, args.methods.split(","))
    unknown = sorted(set(args.methods) - set(METHODS))
    if unknown:
        parser.error(f"unknown methods {unknown}; known: {', '.join(METHODS)}")
    if not args.report:
        run(args)
    print(report(args.out).read_text())


if __name__ == "__main__":
    main()

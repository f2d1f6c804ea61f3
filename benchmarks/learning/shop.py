"""OPD against SOD and TCOD again, on a second environment: Shop (WebShop-like shopping).

Student: SmolLM2-135M-Instruct after an SFT cold start on ``--cold-start`` Shop ``train``
expert episodes. Teacher: the same model after SFT on ``--teacher-episodes`` other ``train``
expert episodes, merged (trained once, cached in ``WORK``). Each method of ``--methods`` (the
method blocks of ``configs/``, as in ``run.py``) gets ``run.py``'s budget and optimiser: 6
updates of 4 episodes sampled at temperature 0.5, lr 3e-4, 8 optimiser steps per update.
Every agent plays the same ``--episodes`` different ``valid_unseen`` goals greedily; success
(the bought product matches every attribute, option and the price) with 95% Wilson
intervals, and WebShop's graded reward (``score``) with a paired bootstrap interval of its
difference to the cold start. Results go to ``--out`` as ``<agent>.json`` (a rerun skips
finished agents), then ``RESULTS.md``. To train methods in parallel, one process each, write
the baselines first (``--methods none``): processes that start together would each evaluate
them into the same folder.

    export MALLOC_MMAP_THRESHOLD_=1048576   # large blocks back to the system (see SHOP)
    python benchmarks/learning/shop.py --out benchmarks/learning/results/shop-cpu-2026-12-05
    python benchmarks/learning/shop.py --methods none       # only the cold start and teacher
    python benchmarks/learning/shop.py --report             # only rewrite RESULTS.md
"""

from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path
from typing import Any

# this folder's run.py (the script's folder is on sys.path)
from run import kl_cell, merged, method_override, success_cell, versus_cell

from protege.agents.evaluate import evaluate
from protege.distill.metrics import read_metrics
from protege.quickstart import eval_config, merge_adapter, pick_model, train_config
from protege.quickstart.recipes import cold_start_config, distill_config, teacher_config
from protege.records import read_episodes

HERE = Path(__file__).resolve().parent
SHOP: dict[str, Any] = {
    "env": {"env_id": "protege/Shop-v1", "split": "train", "task_type": None, "max_steps": 10},
    "rollout": {"max_new_tokens": 48},
    "optim": {"gradient_checkpointing": True},
}
"""What differs from the quickstart's Household recipes: the environment, 10 steps at most
(the expert needs 4 or 5) and room for a search query. The admissible actions stay listed
only at the start: the pages name every clickable already (clicks ignore case), and the
per-turn list made an SFT update of 8 episodes take 5 min here. A Shop episode that runs to
the step limit is a training row of about 5,000 tokens, whose backward pass peaked at 11 GB;
gradient checkpointing (the same weights) and ``MALLOC_MMAP_THRESHOLD_=1048576`` bring it to
1.1 GB (``benchmarks/training_memory.py``). Session 6's and 7's rows ran without either."""
EVAL_BATCH = 8
"""Episodes played at once in an evaluation: 24 Shop pages at once held 9 GB here."""
METHODS = ("opd_fkl", "sod", "tcod_f2b", "tcod_b2f")
BOOTSTRAP_SAMPLES = 10_000


def on_shop(config: dict[str, Any]) -> dict[str, Any]:
    """A quickstart recipe moved to Shop."""
    return merged(config, SHOP)


def prepare(args: argparse.Namespace) -> tuple[str, Path, Path]:
    """The base model, the merged Shop teacher and the cold-started adapter (each made once)."""
    model = pick_model("smollm2", print)
    teacher = args.work / f"teacher-{args.teacher_episodes}"
    if not (teacher / "config.json").is_file():
        run_dir = args.work / f"teacher-{args.teacher_episodes}.run"
        config = on_shop(teacher_config(model, run_dir))
        config["updates"] = args.teacher_episodes // config["rollout"]["tasks_per_update"]
        started = time.perf_counter()
        merge_adapter(model, train_config(config), teacher)
        (teacher / "train_s.txt").write_text(f"{time.perf_counter() - started:.1f}\n")
    folder = args.work / f"cold-start-{args.cold_start}"
    cold = folder / "final"
    if not cold.is_dir():
        train_config(on_shop(cold_start_config(model, folder, args.cold_start)))
    return model, teacher, cold


def evaluate_on_shop(model: str, adapter: Path | None, episodes: int, out: Path) -> dict:
    """Greedy play of ``episodes`` different ``valid_unseen`` goals: the overall summary and
    each goal's score."""
    config = eval_config(model, adapter, episodes).model_copy(
        update={**SHOP["rollout"], "env_id": SHOP["env"]["env_id"], "task_type": None,
                "max_steps": SHOP["env"]["max_steps"], "num_envs": min(episodes, EVAL_BATCH)}
    )  # fmt: skip
    report = evaluate(config, out, overwrite=True)
    scores = {episode.task_id: episode.score for episode in read_episodes(out / "episodes.jsonl")}
    return {"summary": report.overall.model_dump(), "scores": scores}


def paired_score_difference(agent: dict[str, float], baseline: dict[str, float]) -> tuple:
    """Mean score difference on the goals both played, with a 95% paired bootstrap interval."""
    tasks = sorted(set(agent) & set(baseline))
    differences = [agent[task] - baseline[task] for task in tasks]
    rng = random.Random(0)
    means = sorted(
        sum(rng.choices(differences, k=len(differences))) / len(differences)
        for _ in range(BOOTSTRAP_SAMPLES)
    )
    low, high = means[int(0.025 * BOOTSTRAP_SAMPLES)], means[int(0.975 * BOOTSTRAP_SAMPLES) - 1]
    return sum(differences) / len(differences), low, high


def run(args: argparse.Namespace) -> None:
    """Train and evaluate every agent that has no result file yet."""
    args.out.mkdir(parents=True, exist_ok=True)
    model, teacher, cold = prepare(args)
    baselines = {"cold-start": (model, cold), "teacher": (str(teacher), None)}
    for name, (path, adapter) in baselines.items():
        target = args.out / f"{name}.json"
        if not target.exists():
            record = {"name": name, **evaluate_on_shop(path, adapter, args.episodes,
                                                        args.work / "eval" / name)}  # fmt: skip
            target.write_text(json.dumps(record, indent=2))
    for name in args.methods:
        target = args.out / f"{name}.json"
        if target.exists():
            continue
        base = on_shop(distill_config(model, cold, teacher, args.work / name, args.updates))
        config = merged(base, method_override(name))
        print(f"== {name}")
        started = time.perf_counter()
        final = train_config(config)
        record = {
            "name": name,
            "updates": args.updates,
            "train_s": time.perf_counter() - started,
            "config": {key: config[key] for key in ("method", "rollout", "optim")},
            **evaluate_on_shop(model, final, args.episodes, args.work / "eval" / name),
            "metrics": read_metrics(args.work / name),
        }
        target.write_text(json.dumps(record, indent=2))


def report(args: argparse.Namespace) -> Path:
    """``RESULTS.md``: success with 95% intervals and the Newcombe difference to the cold
    start, mean score with the paired bootstrap difference, KL first and last, wall-clock."""
    records = {p.stem: json.loads(p.read_text()) for p in sorted(args.out.glob("*.json"))}
    cold = records.get("cold-start")
    lines = [
        "| agent | valid_unseen success [95% CI] | vs cold start [Newcombe 95%] "
        "| mean score | score vs cold start [paired bootstrap 95%] | KL first → last "
        "| train wall-clock |",
        "| --- " * 7 + "|",
    ]
    for name in ["cold-start", *METHODS, "teacher"]:
        if name not in records:
            continue
        record, summary = records[name], records[name]["summary"]
        versus = score = ""
        if cold and name != "cold-start":
            versus = versus_cell(summary, cold["summary"])
            if "scores" in record:
                mean, low, high = paired_score_difference(record["scores"], cold["scores"])
                mark = " *" if low > 0 or high < 0 else ""
                score = f"{mean:+.2f} [{low:+.2f}, {high:+.2f}]{mark}"
        kl = f"{kl_cell(record, 0)} → {kl_cell(record, -1)}" if record.get("metrics") else ""
        wall = f"{record['train_s'] / 60:.1f} min" if "train_s" in record else ""
        cells = [success_cell(summary), versus, f"{summary['mean_score']:.2f}", score, kl, wall]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += ["", "`*`: the difference's 95% interval excludes 0."]
    path = args.out / "RESULTS.md"
    path.write_text("\n".join(lines) + "\n")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--methods", default=",".join(METHODS), help="comma list, or none")
    parser.add_argument("--updates", type=int, default=6)
    parser.add_argument("--episodes", type=int, default=24, help="valid_unseen goals")
    parser.add_argument("--cold-start", type=int, default=16, help="expert episodes")
    parser.add_argument("--teacher-episodes", type=int, default=64, help="expert episodes")
    parser.add_argument("--out", type=Path, default=HERE / "results" / "shop")
    parser.add_argument("--work", type=Path, default=Path("learning-shop"))
    parser.add_argument("--report", action="store_true", help="only rewrite RESULTS.md")
    args = parser.parse_args()
    args.methods = [] if args.methods == "none" else args.methods.split(",")
    unknown = sorted(set(args.methods) - set(METHODS))
    if unknown:
        parser.error(f"unknown methods {unknown}; known: {', '.join(METHODS)}")
    if not args.report:
        run(args)
    print(report(args).read_text())


if __name__ == "__main__":
    main()

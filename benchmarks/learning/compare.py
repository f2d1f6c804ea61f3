"""The methods compared under one budget on two Household task types, against one cold start.

Student: SmolLM2-135M-Instruct after an SFT cold start on expert episodes of both task types
(``--cold-start`` per type, two passes). Teacher: the privileged teacher
(``recipes.HINT_TEACHER_STAGES``: the same model reading the expert's next action after every
observation, ``teacher.hint: next_action``); Skill-SD and GRPO bring their own. Budget:
``compare/budget.yaml`` merged under each ``compare/methods/NAME.yaml`` (a ``method`` block is
replaced, other blocks merged). Training tasks: ``train`` tasks of the types, alternating, so
that every update of 4 episodes holds 2 of each. Evaluation: greedy, on every ``valid_unseen``
task of the types and on as many ``valid_seen`` tasks per type (a seeded draw), 20 steps at
most. Each agent's result goes to ``OUT/NAME-sSEED.json`` as soon as it is done (a rerun skips
it), then ``OUT/RESULTS.md`` and the plots are written from all of them.

    python benchmarks/learning/compare.py --agents cold-start,opd,sod --seeds 0
    python benchmarks/learning/compare.py --agents opd,sod,tcod_f2b,tcod_b2f --seeds 1
    python benchmarks/learning/compare.py --report
"""

from __future__ import annotations

import argparse
import json
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import gymnasium as gym
import numpy as np
import yaml
from run import (  # this folder's run.py (the script's folder is on sys.path)
    merged,
    repeats,
    success_cell,
    train_once,
)

from protege.agents.evaluate import RolloutConfig, evaluate
from protege.distill.metrics import read_metrics
from protege.eval import (
    GroupSummary,
    paired_newcombe_interval,
    paired_outcomes,
    plot_learning_curve,
    plot_turn_kl,
    task_bootstrap_interval,
)
from protege.quickstart import ensure_teacher, pick_model, train_config
from protege.quickstart import eval_config as quickstart_eval_config
from protege.quickstart.recipes import (
    ENV,
    HINT_TEACHER_STAGES,
    LORA,
    QUIET,
    ROLLOUT,
    on_device,
)
from protege.records import read_episodes

HERE = Path(__file__).resolve().parent
BUDGET = HERE / "compare" / "budget.yaml"
METHODS_DIR = HERE / "compare" / "methods"
METHODS = sorted(path.stem for path in METHODS_DIR.glob("*.yaml"))
COLD_START = "cold-start"
VERSUS = "opd"
"""The method every other one is also compared with, pairwise (the seeds' baseline)."""
TYPES = ("pick_and_place", "pick_cool_then_place")
SPLITS = ("valid_unseen", "valid_seen")
MAX_STEPS = 20
"""Every ``valid_unseen`` expert path of the two types but one (23 steps) fits."""
HINT_TEACHER = "hint-teacher"
"""The ``teacher.path`` that stands for the privileged teacher's cached folder."""


def split_tasks(split: str, task_type: str) -> list[str]:
    """The task ids of ``split`` of one type, in the environment's fixed order."""
    env = gym.make(ENV["env_id"], split=split, task_type=task_type)
    try:
        return list(env.unwrapped.task_ids())
    finally:
        env.close()


def drawn(ids: list[str], count: int, seed: int) -> list[str]:
    """``count`` of ``ids`` in a seeded random order (all of them when ``count`` is larger)."""
    order = np.random.default_rng(seed).permutation(len(ids))
    return [ids[index] for index in order[:count]]


def training_tasks(count_per_type: int, seed: int) -> list[str]:
    """``train`` tasks of the types, alternating type by type (``[t0, t1, t0, t1, ...]``)."""
    per_type = [drawn(split_tasks("train", kind), count_per_type, seed) for kind in TYPES]
    return [task for group in zip(*per_type, strict=True) for task in group]


def evaluation_tasks(split: str) -> list[str]:
    """Every ``valid_unseen`` task of the types; for ``valid_seen`` as many per type, drawn."""
    tasks = []
    for kind in TYPES:
        count = len(split_tasks("valid_unseen", kind))
        tasks += drawn(split_tasks(split, kind), count, seed=0)
    return tasks


def common(model: str, out: Path, tasks: list[str]) -> dict[str, Any]:
    """What every run of the comparison shares: env, prompt, logging."""
    return {
        "student": {"path": model, "lora": LORA, "device": "cpu"},
        "env": {"env_id": ENV["env_id"], "split": "train", "max_steps": MAX_STEPS, "tasks": tasks},
        "rollout": dict(ROLLOUT),
        "output_dir": str(out),
        **QUIET,
        "checkpoint": {"every": 0, "keep": 1},
    }


def cold_start_config(model: str, out: Path, per_type: int) -> dict[str, Any]:
    """SFT on ``per_type`` expert episodes of each type, two passes at the SFT lr."""
    episodes = per_type * len(TYPES)
    config = merged(common(model, out, training_tasks(per_type, seed=100)), {
        "method": {"name": "sft"},
        "rollout": {"tasks_per_update": episodes, "num_envs": episodes},
        "optim": {"lr": 3e-4, "minibatch_size": 1, "epochs_per_update": 2},
        "updates": 1,
        "seed": 0,
    })  # fmt: skip
    return config


def method_config(
    name: str, model: str, cold: Path, teacher: Path, out: Path, seed: int
) -> dict[str, Any]:
    """The budget with ``methods/NAME.yaml`` merged in, from the cold start, for one seed."""
    override = yaml.safe_load(BUDGET.read_text()) or {}
    override = merged(override, yaml.safe_load((METHODS_DIR / f"{name}.yaml").read_text()) or {})
    if override.get("teacher", {}).get("path") == HINT_TEACHER:
        override["teacher"] = {**override["teacher"], "path": str(teacher)}
    updates = override.get("updates", 12)
    per_update = override.get("rollout", {}).get("tasks_per_update", 4)
    config = merged(common(model, out, training_tasks(updates * per_update, seed=seed)), override)
    config["student"] = {**config["student"], "adapter": str(cold)}
    config["student"].pop("lora")  # the cold start's adapter goes on training
    config["seed"] = seed
    return on_device(config, "cpu")


def eval_config(model: str, adapter: Path | None, split: str) -> RolloutConfig:
    """Greedy play of every evaluation task of ``split`` once (the quickstart's prompt)."""
    tasks = evaluation_tasks(split)
    return quickstart_eval_config(model, adapter, len(tasks), split).model_copy(
        update={"tasks": tasks, "all_tasks": True, "task_type": None, "max_steps": MAX_STEPS,
                "num_envs": 16}
    )  # fmt: skip


def evaluate_splits(model: str, adapter: Path | None, folder: Path) -> dict[str, Any]:
    """Per split: the overall and per-type summaries, and each task's outcome."""
    results = {}
    for split in SPLITS:
        report = evaluate(eval_config(model, adapter, split), folder / split, overwrite=True)
        results[split] = {
            "overall": report.overall.model_dump(),
            "by_type": {group.name: group.model_dump() for group in report.by_task_type},
            **episode_fields(read_episodes(folder / split / "episodes.jsonl")),
        }
    return results


def episode_fields(episodes: list[Any]) -> dict[str, Any]:
    """What a split's record reads from its episodes: each task's outcome, the first words and
    the repeated turns."""
    return {
        "won": {episode.task_id: episode.won for episode in episodes},
        "first_words": first_words(episodes),
        "repeats": repeats(episodes),
    }


def reread(work: Path, out: Path) -> None:
    """Refresh :func:`episode_fields` of every finished agent from its saved episodes in
    ``work`` (no replay), for fields added after the agent was evaluated."""
    for path in sorted(out.glob("*-s*.json")):
        record = json.loads(path.read_text())
        for split in SPLITS:
            episodes = work / "eval" / path.stem / split / "episodes.jsonl"
            record["eval"][split].update(episode_fields(read_episodes(episodes)))
        path.write_text(json.dumps(record, indent=2))


def first_words(episodes: list[Any]) -> dict[str, int]:
    """How often each word starts the agent's actions, over all turns (the collapse's sign)."""
    counts: dict[str, int] = {}
    for episode in episodes:
        for step in episode.steps:
            word = (step.action or "").split(" ", 1)[0] or "(none)"
            counts[word] = counts.get(word, 0) + 1
    return dict(sorted(counts.items(), key=lambda item: -item[1]))


def prepare(args: argparse.Namespace) -> tuple[str, Path, Path]:
    """The base model, the privileged teacher and the cold start (each made once, then cached)."""
    model = pick_model("smollm2", print)
    teacher, _ = ensure_teacher(model, print, stages=HINT_TEACHER_STAGES, kind=HINT_TEACHER)
    folder = args.work / f"{COLD_START}-{args.cold_start}"
    return model, teacher, train_once(cold_start_config(model, folder, args.cold_start), folder)


def run_agent(args: argparse.Namespace, name: str, seed: int) -> None:
    """Train one agent (none for the cold start), evaluate it, write ``OUT/NAME-sSEED.json``."""
    target = args.out / f"{name}-s{seed}.json"
    if target.exists():
        return
    model, teacher, cold = prepare(args)
    record: dict[str, Any] = {"name": name, "seed": seed, "cold_start_per_type": args.cold_start}
    adapter = cold
    if name != COLD_START:
        folder = args.work / f"{name}-s{seed}"
        shutil.rmtree(folder, ignore_errors=True)  # an attempt cut short (no result) restarts
        config = method_config(name, model, cold, teacher, folder, seed)
        print(f"== {name} seed {seed}")
        started = time.perf_counter()
        adapter = train_config(config)
        record["train_s"] = time.perf_counter() - started
        record["config"] = {key: config[key] for key in ("method", "teacher", "rollout", "optim")}
        record["updates"] = config["updates"]
        record["metrics"] = read_metrics(folder)
    started = time.perf_counter()
    record["eval"] = evaluate_splits(model, adapter, args.work / "eval" / f"{name}-s{seed}")
    record["eval_s"] = time.perf_counter() - started
    args.out.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(record, indent=2))


# ----------------------------------------------------------------------------- report


def paired_cell(agent: dict[str, bool], baseline: dict[str, bool]) -> str:
    """The success difference to the baseline on the same tasks, its paired 95% interval
    (``*`` when it excludes 0) and the tasks only one of them won."""
    both, only_agent, only_base, neither = paired_outcomes(agent, baseline)
    n = both + only_agent + only_base + neither
    low, high = paired_newcombe_interval(both, only_agent, only_base, neither)
    mark = " *" if low > 0 or high < 0 else ""
    difference = (only_agent - only_base) / n
    return f"{difference:+.0%} [{low:+.0%}, {high:+.0%}]{mark} (+{only_agent}/-{only_base})"


def words_cell(words: dict[str, int], top: int = 3) -> str:
    """The ``top`` most frequent first words with their counts, and the number of turns."""
    shown = ", ".join(f"{word} {count}" for word, count in list(words.items())[:top])
    return f"{shown} of {sum(words.values())}"


def versus_table(records: dict[str, dict[str, Any]], baseline: str) -> list[str]:
    """Every other trained agent against ``baseline`` of the same seed, paired per split (the
    seeds' question: does the step-wise method beat vanilla OPD?)."""
    rows = []
    for key, record in records.items():
        other = records.get(f"{baseline}-s{record['seed']}")
        if other is None or record["name"] in (baseline, COLD_START):
            continue
        cells = [paired_cell(record["eval"][s]["won"], other["eval"][s]["won"]) for s in SPLITS]
        rows.append(f"| {key} | " + " | ".join(cells) + " |")
    if not rows:
        return []
    header = " | ".join(f"{split} vs {baseline}, paired [95%]" for split in SPLITS)
    table = [f"| agent | {header} |", "| --- " * 3 + "|", *rows]
    return ["", f"Against {baseline} of the same seed:", "", *table]


def pooled_table(records: dict[str, dict[str, Any]]) -> list[str]:
    """Every method over both splits and all its seeds: per task, the mean over the seeds of its
    success less the cold start's (and less OPD's of the same seed), with a task-bootstrap 95%
    interval (the seeds of a task are resampled together). Twice the tasks of one split's
    paired interval, so a narrower interval for a method that moves both splits alike."""
    by_name: dict[str, list[dict[str, Any]]] = {}
    for record in records.values():
        by_name.setdefault(record["name"], []).append(record)
    cold = records.get(f"{COLD_START}-s0")
    if cold is None:
        return []
    rows = []
    for name, runs in sorted(by_name.items()):
        if name == COLD_START:
            continue
        seeds = ",".join(str(run["seed"]) for run in runs)
        label = f"{name} (seed{'s' if len(runs) > 1 else ''} {seeds})"
        cells = [pooled_cell(runs, lambda run: cold), ""]
        if name != VERSUS:
            cells[1] = pooled_cell(runs, lambda run: records.get(f"{VERSUS}-s{run['seed']}"))
        rows.append(f"| {label} | " + " | ".join(cells) + " |")
    if not rows:
        return []
    table = [f"| agent | vs cold start, {' + '.join(SPLITS)} | vs {VERSUS} of the same seed |"]
    title = "Splits and seeds pooled (per task the mean over the seeds, task bootstrap [95%]):"
    return ["", title, "", *table, "| --- | --- | --- |", *rows]


def pooled_cell(
    runs: list[dict[str, Any]], baseline_of: Callable[[dict[str, Any]], dict[str, Any] | None]
) -> str:
    """The mean per-task difference of ``runs`` to each run's baseline over both splits, with
    its task-bootstrap interval (``*`` when it excludes 0); empty when a baseline is missing."""
    baselines = [baseline_of(run) for run in runs]
    if any(baseline is None for baseline in baselines):
        return ""
    differences = []
    for split in SPLITS:
        for task in runs[0]["eval"][split]["won"]:
            differences.append(np.mean([
                float(run["eval"][split]["won"][task]) - float(base["eval"][split]["won"][task])
                for run, base in zip(runs, baselines, strict=True)
            ]))  # fmt: skip
    low, high = task_bootstrap_interval(differences)
    mark = " *" if low > 0 or high < 0 else ""
    return f"{np.mean(differences):+.0%} [{low:+.0%}, {high:+.0%}]{mark} ({len(differences)} tasks)"


def repeats_cell(evaluation: dict[str, Any]) -> str:
    """The share of turns that repeat the previous action, over both splits."""
    counts = [evaluation[split].get("repeats") for split in SPLITS]
    if None in counts:
        return ""
    repeated = sum(count["repeated"] for count in counts)
    turns = sum(count["turns"] for count in counts)
    return f"{repeated}/{turns} = {repeated / max(turns, 1):.0%}"


def report(out: Path) -> Path:
    """``RESULTS.md`` and the plots from every ``NAME-sSEED.json`` in ``out``."""
    records = {path.stem: json.loads(path.read_text()) for path in sorted(out.glob("*-s*.json"))}
    cold = records.get(f"{COLD_START}-s0")
    order = sorted(records, key=lambda key: (records[key]["name"] != COLD_START, key))
    lines = ["| agent | " + " | ".join(
        [f"{split} ({kind})" for split in SPLITS for kind in TYPES]
        + [f"{split} vs cold start, paired [95%]" for split in SPLITS]
        + ["first words (valid_unseen)", "repeated turns", "KL first → last", "train"]
    ) + " |"]  # fmt: skip
    lines.append("| --- " * (len(SPLITS) * len(TYPES) + len(SPLITS) + 5) + "|")
    for key in order:
        record = records[key]
        evaluation = record["eval"]
        cells = [
            success_cell(evaluation[split]["by_type"][kind]) if kind in evaluation[split]["by_type"]
            else "" for split in SPLITS for kind in TYPES
        ]  # fmt: skip
        for split in SPLITS:
            is_cold = cold is None or record["name"] == COLD_START
            cells.append("" if is_cold else paired_cell(
                evaluation[split]["won"], cold["eval"][split]["won"]))  # fmt: skip
        cells.append(words_cell(evaluation["valid_unseen"]["first_words"]))
        cells.append(repeats_cell(evaluation))
        kl = [m["kl/mean"] for m in record.get("metrics", []) if m.get("kl/mean") is not None]
        cells.append(f"{kl[0]:.2f} → {kl[-1]:.2f}" if kl else "")
        cells.append(f"{record['train_s'] / 60:.0f} min" if "train_s" in record else "")
        lines.append(f"| {key} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "Cells: successes/tasks [95% Wilson interval]. Paired: the difference to the cold start "
        "on the same tasks with Newcombe's paired 95% interval (`*`: it excludes 0), and the "
        "tasks only the agent (+) or only the cold start (-) won. Repeated turns: turns that "
        "repeat the previous action word for word, both splits.",
        *versus_table(records, VERSUS),
        *pooled_table(records),
    ]
    path = out / "RESULTS.md"
    path.write_text("\n".join(lines) + "\n")
    for key, record in records.items():
        if record.get("metrics"):
            plot_run(key, record, cold, out)
    return path


def plot_run(key: str, record: dict[str, Any], cold: dict[str, Any] | None, out: Path) -> None:
    """One agent's learning curve (KL, training success, the final evaluation against the cold
    start) and its reverse KL per turn index over the updates."""
    final = GroupSummary(**record["eval"]["valid_unseen"]["overall"])
    evaluations = [(f"{key} (greedy, valid_unseen)", record["updates"], final)]
    if cold:
        start = GroupSummary(**cold["eval"]["valid_unseen"]["overall"])
        evaluations.insert(0, ("cold start (greedy, valid_unseen)", 0, start))
    types = " + ".join(TYPES)
    plot_learning_curve(
        record["metrics"], out / f"curve_{key}.png", evaluations=evaluations,
        title=f"{key} on Household {types}",
        rollout_label=f"training rollouts (T={record['config']['rollout'].get('temperature')})",
    )  # fmt: skip
    if any(name.startswith("kl/turn_") for metrics in record["metrics"] for name in metrics):
        plot_turn_kl(
            record["metrics"], out / f"turn_kl_{key}.png", title=f"{key}: reverse KL by turn"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--agents", default=",".join([COLD_START, *METHODS]), help="comma list: cold-start, "
        f"{', '.join(METHODS)}"
    )  # fmt: skip
    parser.add_argument("--seeds", default="0", help="comma list of training seeds")
    parser.add_argument("--cold-start", type=int, default=32, help="expert episodes per type")
    parser.add_argument("--out", type=Path, default=HERE / "results" / "compare")
    parser.add_argument("--work", type=Path, default=Path("learning-compare"))
    parser.add_argument("--report", action="store_true", help="only rewrite RESULTS.md")
    parser.add_argument(
        "--reread", action="store_true", help="refresh the records' episode fields from --work"
    )
    args = parser.parse_args()
    agents = args.agents.split(",")
    unknown = sorted(set(agents) - {COLD_START, *METHODS})
    if unknown:
        parser.error(f"unknown agents {unknown}; known: {COLD_START}, {', '.join(METHODS)}")
    if args.reread:
        reread(args.work, args.out)
    if not (args.report or args.reread):
        for seed in [int(seed) for seed in args.seeds.split(",")]:
            for name in agents:
                run_agent(args, name, 0 if name == COLD_START else seed)
    print(report(args.out).read_text())


if __name__ == "__main__":
    main()

"""How strong and how sharp is each teacher, from the states the student actually reaches?

A teacher without headroom teaches nothing. This script compares the quickstart's SFT teacher
with the privileged teacher (``teacher.hint: next_action``: the same SmolLM2 with the expert's
next action after every observation, taught once to read it; ``recipes.HINT_TEACHER_STAGES``),
per Household task type, on different ``valid_unseen`` tasks:

- **success from reset**: the teacher plays greedily (the privileged one reading its hints);
- **success from the student's states**: the cold-started student samples the first
  ``--prefix`` actions (temperature ``--temperature``), then the teacher takes over greedily;
- **on the student's own episodes** (sampled at ``--temperature``), at every step whose
  response starts as the expert's does (``Action: ``): whether the teacher's most likely first
  action word is the expert's, the probability it gives the expert's word, and the entropy of
  its first-word distribution (nats; low = sharp).

    python benchmarks/learning/teacher.py --types pick_and_place,pick_cool_then_place \\
        --episodes 12 --out benchmarks/learning/results/teacher-2026-12-05
"""

from __future__ import annotations

import argparse
import json
import math
import time
from pathlib import Path
from typing import Any

import torch

from protege.agents.evaluate import RolloutConfig, select_tasks
from protege.agents.policies.hf import HFPolicy
from protege.agents.rollout import RolloutEngine
from protege.distill.hints import HintedPolicy, expert_hints, hinted_episode
from protege.distill.rollouts import PrefixPolicy
from protege.eval import wilson_interval
from protege.quickstart import ensure_teacher, pick_model, train_config
from protege.quickstart.recipes import (
    HINT_TEACHER_STAGES,
    ROLLOUT,
    cold_start_config,
)
from protege.records import Episode

ENV_ID = "protege/Household-v1"
SPLIT = "valid_unseen"
MAX_STEPS = 25


def tasks_of(task_type: str, episodes: int) -> list[str]:
    """``episodes`` different ``valid_unseen`` tasks of ``task_type`` (``protege eval``'s draw)."""
    config = RolloutConfig(
        env_id=ENV_ID,
        policy="expert",
        split=SPLIT,
        task_type=task_type,
        episodes=episodes,
        distinct_tasks=True,
    )
    return select_tasks(config)


def play(policy: Any, task_type: str, tasks: list[str]) -> list[Episode]:
    """One episode per task, batched."""
    engine = RolloutEngine(
        ENV_ID,
        policy,
        prompt_format=ROLLOUT["prompt_format"],
        list_actions=ROLLOUT["list_actions"],
        num_envs=len(tasks),
        max_steps=MAX_STEPS,
        split=SPLIT,
        task_type=task_type,
        tasks=tasks,
    )
    with torch.no_grad():
        return engine.run(list(range(len(tasks))), progress=False)


def success(episodes: list[Episode]) -> dict[str, Any]:
    """Wins, episodes and the Wilson 95% interval."""
    wins = sum(episode.won for episode in episodes)
    low, high = wilson_interval(wins, len(episodes))
    return {"wins": wins, "episodes": len(episodes), "low": low, "high": high}


def first_word_stats(
    model: Any, tokenizer: Any, episodes: list[Episode], task_type: str, hinted: bool
) -> dict[str, float]:
    """At each step of the student's episodes whose response starts with ``Action: ``: does the
    teacher's most likely next token equal the expert's first action word token, with what
    probability, and how spread is that distribution (entropy, nats)?"""
    prefix_ids = tokenizer("Action:", add_special_tokens=False)["input_ids"]
    agree, probability, entropy, counted, skipped = 0, 0.0, 0.0, 0, 0
    for episode in episodes:
        hints = expert_hints(episode, split=SPLIT, task_type=task_type, max_steps=MAX_STEPS)
        view = hinted_episode(tokenizer, episode, hints) if hinted else episode
        assert view.tokens is not None
        ids = torch.tensor([view.tokens.token_ids])
        with torch.no_grad():
            logp_T_V = torch.log_softmax(model(ids).logits[0].float(), dim=-1)
        for span in view.tokens.spans:
            action = view.tokens.token_ids[span.start : span.end]
            expert = tokenizer(f"Action: {hints[span.step]}", add_special_tokens=False)
            expert_ids = expert["input_ids"]
            position = span.start + len(prefix_ids)  # the token after "Action:"
            if action[: len(prefix_ids)] != prefix_ids or len(expert_ids) <= len(prefix_ids):
                skipped += 1
                continue
            logp_V = logp_T_V[position - 1]  # logits at t predict token t + 1
            word = expert_ids[len(prefix_ids)]
            agree += int(logp_V.argmax().item() == word)
            probability += math.exp(logp_V[word].item())
            entropy += float(-(logp_V.exp() * logp_V).sum())
            counted += 1
    return {
        "steps": counted,
        "skipped_steps": skipped,
        "first_word_agreement": agree / max(counted, 1),
        "p_expert_first_word": probability / max(counted, 1),
        "first_word_entropy_nats": entropy / max(counted, 1),
    }


def measure_teacher(
    name: str,
    folder: Path,
    hinted: bool,
    student: HFPolicy,
    states: dict[str, list[Episode]],
    tasks: dict[str, list[str]],
    prefix: int,
) -> dict[str, Any]:
    """Every number of one teacher, per task type."""
    greedy = HFPolicy(
        str(folder),
        temperature=0.0,
        max_new_tokens=ROLLOUT["max_new_tokens"],
        device="cpu",
        dtype="float32",
    )
    rows: dict[str, Any] = {}
    for task_type, chosen in tasks.items():
        started = time.perf_counter()
        actor = HintedPolicy(greedy) if hinted else greedy
        from_reset = success(play(actor, task_type, chosen))
        actor = HintedPolicy(greedy) if hinted else greedy
        takeover = PrefixPolicy(student, actor, lambda seed: prefix)
        from_student = success(play(takeover, task_type, chosen))
        words = first_word_stats(
            greedy.model, greedy.tokenizer, states[task_type], task_type, hinted
        )
        rows[task_type] = {
            "success_from_reset": from_reset,
            "success_from_student_states": from_student,
            **words,
            "seconds": round(time.perf_counter() - started, 1),
        }
        print(name, task_type, json.dumps(rows[task_type]), flush=True)
    greedy.close()
    return {"folder": str(folder), "hinted": hinted, "by_task_type": rows}


def main() -> None:
    """Train what is missing, measure both teachers, write ``teacher.json`` and a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="smollm2", help="smollm2, tiny or a model folder")
    parser.add_argument("--types", default="pick_and_place,pick_cool_then_place")
    parser.add_argument("--episodes", type=int, default=12, help="tasks per type")
    parser.add_argument("--prefix", type=int, default=4, help="student actions before takeover")
    parser.add_argument("--temperature", type=float, default=1.0)
    parser.add_argument("--teachers", default="sft,hint", help="which teachers to measure")
    parser.add_argument(
        "--work", type=Path, default=Path("learning-probe"), help="probe.py's folder (cold start)"
    )
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    torch.manual_seed(0)
    model = pick_model(args.model, print)
    folders = {
        "sft": ensure_teacher(model, print)[0],
        "hint": ensure_teacher(model, print, stages=HINT_TEACHER_STAGES, kind="hint-teacher")[0],
    }
    cold = args.work / "cold16" / "final"  # probe.py's cold start
    if not cold.is_dir():
        cold = train_config(cold_start_config(model, cold.parent))
    student = HFPolicy(
        model,
        adapter_path=cold,
        temperature=args.temperature,
        max_new_tokens=ROLLOUT["max_new_tokens"],
        device="cpu",
        dtype="float32",
        seed=0,
    )
    types = args.types.split(",")
    tasks = {task_type: tasks_of(task_type, args.episodes) for task_type in types}
    states = {task_type: play(student, task_type, tasks[task_type]) for task_type in types}
    report = {
        "settings": vars(args) | {"work": str(args.work), "out": str(args.out)},
        "student_success": {t: success(e) for t, e in states.items()},
        "teachers": {
            name: measure_teacher(
                name, folders[name], name == "hint", student, states, tasks, args.prefix
            )
            for name in args.teachers.split(",")
        },
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "teacher.json").write_text(json.dumps(report, indent=2) + "\n")
    print(table(report))


def table(report: dict[str, Any]) -> str:
    """The markdown table of ``report``."""

    def cell(result: dict[str, Any]) -> str:
        return f"{result['wins']}/{result['episodes']} [{result['low']:.2f}, {result['high']:.2f}]"

    lines = [
        "| teacher | task type | from reset | from the student's states | first word = expert's "
        "| p(expert's word) | first-word entropy (nats) | steps |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, teacher in report["teachers"].items():
        for task_type, row in teacher["by_task_type"].items():
            lines.append(
                f"| {name} | {task_type} | {cell(row['success_from_reset'])} "
                f"| {cell(row['success_from_student_states'])} "
                f"| {row['first_word_agreement']:.2f} | {row['p_expert_first_word']:.2f} "
                f"| {row['first_word_entropy_nats']:.2f} | {row['steps']} |"
            )
    for task_type, result in report["student_success"].items():
        lines.append(f"| cold-start student (sampled) | {task_type} | {cell(result)} | | | | | |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()

"""Compare protege's Science with the real ScienceWorld: task types, descriptions, gold-path
lengths, the expert's score and the command templates.

The real engine is the ``scienceworld`` package (one JVM, ~2 s to start), read for measurement
only::

    pip install scienceworld            # needs Java
    PYTHONPATH=. python benchmarks/fidelity/science.py \\
        --json benchmarks/results/fidelity_science.json

For every one of ScienceWorld's 30 task names, variation 0 of each side (the first ``train``
variation of both): the real task description and gold path (``generateGoldPath=True``) against
protege's description and its expert's path, played to the end. Descriptions are compared word
by word (``difflib`` ratio over words, 1.0 = the same text), so a template phrased the same way
with other objects scores high.
"""

from __future__ import annotations

import argparse
import difflib
import json
from pathlib import Path

from protege.envs.science import ScienceEnv
from protege.envs.science.actions import TEMPLATES
from protege.envs.science.tasks import TASK_TYPES, task_ids


def word_agreement(real: str, ours: str) -> float:
    """Similarity of two texts over their words, in [0, 1]."""
    return difflib.SequenceMatcher(a=real.split(), b=ours.split(), autojunk=False).ratio()


def play_expert(task_type: str) -> dict:
    """protege's first train variation of a task type, played by the expert."""
    task_id = next(i for i in task_ids("train") if i.rsplit("-", 1)[0] == task_type)
    env = ScienceEnv(split="train", max_steps=300)
    _, info = env.reset(options={"task_id": task_id})
    done = False
    while not done:
        _, _, terminated, truncated, info = env.step(env.expert_action())
        done = terminated or truncated
    return {
        "task_id": task_id,
        "description": env.task.goal,
        "steps": env.elapsed_steps,
        "raw_score": info["raw_score"],
    }


def main(argv: list[str] | None = None) -> int:
    """Measure, print the Markdown table and write the JSON; 0 when all 30 are covered."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="where to write the results")
    args = parser.parse_args(argv)
    from scienceworld import ScienceWorldEnv

    real = ScienceWorldEnv("", envStepLimit=1000)
    try:
        names = list(real.get_task_names())
        real.load(names[0], 0, "")
        real.reset()
        real_templates = set(real.get_possible_actions())
        rows = []
        for name in names:
            real.load(name, 0, "", generateGoldPath=True)
            real_desc = real.get_task_description()
            gold = real.get_gold_action_sequence()
            row = {"task": name, "real_description": real_desc, "real_gold_length": len(gold)}
            if name in TASK_TYPES:
                ours = play_expert(name)
                row.update(
                    protege_description=ours["description"],
                    description_agreement=round(word_agreement(real_desc, ours["description"]), 2),
                    protege_expert_length=ours["steps"],
                    protege_expert_score=ours["raw_score"],
                )
            rows.append(row)
            print(f"{name}: done", flush=True)
    finally:
        real.close()
    ours_templates = set(TEMPLATES)
    summary = {
        "scienceworld_tasks": len(names),
        "covered": sum(name in TASK_TYPES for name in names),
        "names_equal": sorted(names) == sorted(TASK_TYPES),
        "templates_real": len(real_templates),
        "templates_equal": len(real_templates & ours_templates),
        "templates_only_real": sorted(real_templates - ours_templates),
        "templates_only_protege": sorted(ours_templates - real_templates),
        "descriptions_identical": sum(
            r.get("protege_description") == r["real_description"] for r in rows
        ),
    }
    print()
    print("| task | real gold | protege expert | expert score | description agreement |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for r in rows:
        print(
            f"| {r['task']} | {r['real_gold_length']} | {r.get('protege_expert_length', '-')} | "
            f"{r.get('protege_expert_score', '-')} | {r.get('description_agreement', '-')} |"
        )
    print()
    print(json.dumps(summary, indent=1))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"summary": summary, "tasks": rows}, indent=1) + "\n")
    return 0 if summary["names_equal"] else 1


if __name__ == "__main__":
    raise SystemExit(main())

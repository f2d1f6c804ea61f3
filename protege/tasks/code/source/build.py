"""Build the Code task suite: ``python -m protege.tasks.code.source.build``.

Runs each reference solution on its inputs to get the expected values, renders the visible
examples, and writes ``train.jsonl``, ``valid_seen.jsonl`` and ``valid_unseen.jsonl`` next to
this package. Splits: ``valid_unseen`` holds whole problems and one whole family that never
appear in train; ``valid_seen`` holds some variants of families whose other variants are in
train; everything else is train. The output is deterministic.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from protege.tasks.code.source import (  # noqa: F401  (each module adds its problems)
    algorithms,
    arithmetic,
    classes,
    classes_more,
    dicts,
    families,
    lists,
    parsing,
    strings,
)
from protege.tasks.code.source.spec import PROBLEMS, Problem

OUT_DIR = Path(__file__).resolve().parent.parent
UNSEEN_FAMILIES = {"is_power_of"}
UNSEEN_EVERY = 7
"""Every 7th stand-alone problem goes to valid_unseen."""


def _normalize(value: Any) -> Any:
    return json.loads(json.dumps(value))  # raises on values JSON cannot carry


def _render(problem: Problem) -> dict[str, Any]:
    namespace: dict[str, Any] = {}
    exec(compile(problem.reference, f"<{problem.name}>", "exec"), namespace)
    entry = namespace[problem.entry]
    tests, examples, example_code = [], [], ""
    for index, case in enumerate(problem.examples + problem.tests):
        if problem.kind == "function":
            expected = _normalize(entry(*copy.deepcopy(case)))
            tests.append({"args": _normalize(list(case)), "expected": expected})
            call = f"{problem.entry}({', '.join(repr(arg) for arg in case)})"
            if index < len(problem.examples):
                examples.append({"call": call, "result": repr(entry(*copy.deepcopy(case)))})
                example_code = example_code or (
                    f"from solution import {problem.entry}\nprint(repr({call}))"
                )
            continue
        obj, ops, calls, results = None, [], [], []
        for method, args in case:
            rendered = ", ".join(repr(arg) for arg in args)
            if method == "__init__":
                obj = entry(*copy.deepcopy(args))
                ops.append(["__init__", _normalize(list(args)), None])
                constructor = f"obj = {problem.entry}({rendered})"
                continue
            result = getattr(obj, method)(*copy.deepcopy(args))
            ops.append([method, _normalize(list(args)), _normalize(result)])
            calls.append(f"obj.{method}({rendered})")
            results.append(result)
        tests.append({"ops": ops})
        if index < len(problem.examples):
            listing = f"[{', '.join(calls)}]"
            examples.append({"call": f"{constructor}; {listing}", "result": repr(results)})
            example_code = example_code or (
                f"from solution import {problem.entry}\n{constructor}\nprint(repr({listing}))"
            )
    return {
        "task_id": f"code-{problem.name.replace('_', '-')}",
        "task_type": problem.task_type,
        "prompt": problem.prompt,
        "kind": problem.kind,
        "entry": problem.entry,
        "examples": examples,
        "example_code": example_code,
        "reference": problem.reference,
        "tests": tests,
    }


def assign_splits(problems: list[Problem]) -> dict[str, list[Problem]]:
    """Split the problems as the module docstring says."""
    by_family: dict[str, list[Problem]] = {}
    for problem in problems:
        by_family.setdefault(problem.family, []).append(problem)
    splits: dict[str, list[Problem]] = {"train": [], "valid_seen": [], "valid_unseen": []}
    single_index = 0
    for family, members in by_family.items():
        if family in UNSEEN_FAMILIES:
            splits["valid_unseen"].extend(members)
        elif len(members) == 1:
            single_index += 1
            unseen = single_index % UNSEEN_EVERY == 0
            splits["valid_unseen" if unseen else "train"].extend(members)
        else:
            held = 2 if len(members) >= 4 else 1
            splits["train"].extend(members[:-held])
            splits["valid_seen"].extend(members[-held:])
    return splits


def build(out_dir: Path = OUT_DIR) -> dict[str, int]:
    """Write the three split files; return the number of tasks in each."""
    names = [problem.name for problem in PROBLEMS]
    duplicates = {name for name in names if names.count(name) > 1}
    if duplicates:
        raise ValueError(f"duplicate problem names: {sorted(duplicates)}")
    counts = {}
    for split, members in assign_splits(PROBLEMS).items():
        lines = [json.dumps(_render(problem), sort_keys=True) for problem in members]
        (out_dir / f"{split}.jsonl").write_text("\n".join(lines) + "\n")
        counts[split] = len(lines)
    return counts


if __name__ == "__main__":
    print(build())

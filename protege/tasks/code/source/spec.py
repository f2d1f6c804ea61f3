"""How a Code problem is written down: a reference solution plus inputs; outputs are computed.

A problem module calls :func:`fn` (a function task) or :func:`cls` (a class task) for each
problem. Only inputs are written by hand; :mod:`protege.tasks.code.source.build` runs the
reference solution on them to get the expected values, so reference and tests cannot
disagree.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Problem:
    """One problem before its expected values are computed."""

    name: str
    task_type: str
    kind: str
    entry: str
    prompt: str
    reference: str
    examples: list[Any]
    tests: list[Any]
    family: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


PROBLEMS: list[Problem] = []
"""Every problem, in the order the modules define them."""


def fn(
    task_type: str,
    signature: str,
    description: str,
    reference: str,
    examples: list[tuple],
    tests: list[tuple],
    family: str = "",
    name: str = "",
) -> Problem:
    """A function task: ``examples`` and ``tests`` are argument tuples."""
    entry = signature.split("(", 1)[0].strip()
    problem = Problem(
        name=name or entry,
        task_type=task_type,
        kind="function",
        entry=entry,
        prompt=f"Write a Python function `{signature}` that {description.strip()}",
        reference=textwrap.dedent(reference).strip() + "\n",
        examples=list(examples),
        tests=list(tests),
        family=family or name or entry,
    )
    PROBLEMS.append(problem)
    return problem


def cls(
    task_type: str,
    entry: str,
    description: str,
    reference: str,
    examples: list[list[tuple]],
    tests: list[list[tuple]],
    family: str = "",
) -> Problem:
    """A class task: each example and test is a list of ``(method, args)`` starting with
    ``("__init__", args)``."""
    problem = Problem(
        name=entry,
        task_type=task_type,
        kind="class",
        entry=entry,
        prompt=f"Write a Python class `{entry}`. {description.strip()}",
        reference=textwrap.dedent(reference).strip() + "\n",
        examples=list(examples),
        tests=list(tests),
        family=family or entry,
    )
    PROBLEMS.append(problem)
    return problem

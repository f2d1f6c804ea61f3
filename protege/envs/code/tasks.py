"""The Code task suite (package data under ``protege/tasks/code/``) and its hidden-test runner.

Each split is a JSONL file, one problem a line: the instruction, visible examples, the hidden
tests and a reference solution. Tests are either function calls (``{"args": [...],
"expected": ...}``) or, for class tasks, a sequence of method calls (``{"ops": [[method,
args, expected], ...]}``, the first one ``__init__``). Values are compared after a JSON round
trip (tuples become lists), floats with a relative tolerance of 1e-6.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

SOLUTION_FILE = "solution.py"
TASK_TYPES: tuple[str, ...] = (
    "strings",
    "lists",
    "dicts",
    "parsing",
    "arithmetic",
    "algorithms",
    "classes",
)


@dataclass(frozen=True)
class CodeTask:
    """One problem of the suite."""

    task_id: str
    task_type: str
    prompt: str
    """What to write, including the signature."""
    kind: str
    """``function`` or ``class``."""
    entry: str
    """The function or class name the tests import from ``solution.py``."""
    examples: list[dict[str, str]]
    """Visible examples: ``{"call": "f(1)", "result": "2"}`` (Python source, repr)."""
    example_code: str
    """A Python snippet that imports the entry and prints the first example's result."""
    reference: str
    """A reference solution (the content of ``solution.py``)."""
    tests: list[dict[str, Any]] = field(repr=False)
    """The hidden tests."""

    def goal(self) -> str:
        """The instruction shown to the agent, with the visible examples."""
        lines = [self.prompt, f"Put it in {SOLUTION_FILE} (in the work directory).", "Examples:"]
        lines += [f"  >>> {example['call']}\n  {example['result']}" for example in self.examples]
        return "\n".join(lines)


@cache
def load_tasks(split: str) -> tuple[CodeTask, ...]:
    """Every task of ``split``, in file order."""
    text = resources.files("protege.tasks").joinpath("code", f"{split}.jsonl").read_text()
    return tuple(CodeTask(**json.loads(line)) for line in text.splitlines() if line.strip())


HARNESS = r"""
import contextlib, importlib, io, json, math, os, signal, sys
spec = json.loads(sys.stdin.read())
sys.stdin = io.StringIO()
sys.path.insert(0, os.getcwd())
nonce = spec.pop("nonce")
real_stdout = os.fdopen(os.dup(1), "w")

def norm(value):
    return json.loads(json.dumps(value, default=repr))

def same(got, want):
    if isinstance(got, bool) or isinstance(want, bool):
        return got is want
    if isinstance(got, (int, float)) and isinstance(want, (int, float)):
        return math.isclose(got, want, rel_tol=1e-6, abs_tol=1e-9)
    if isinstance(got, list) and isinstance(want, list):
        return len(got) == len(want) and all(map(same, got, want))
    if isinstance(got, dict) and isinstance(want, dict):
        return got.keys() == want.keys() and all(same(got[k], want[k]) for k in want)
    return type(got) is type(want) and got == want

def on_alarm(*_):
    raise TimeoutError("took longer than %s s" % spec["per_test_s"])

signal.signal(signal.SIGALRM, on_alarm)
result = {"passed": 0, "total": len(spec["tests"]), "failures": []}
sink = io.StringIO()
try:
    signal.setitimer(signal.ITIMER_REAL, spec["per_test_s"])
    with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
        entry = getattr(importlib.import_module(spec["module"]), spec["entry"])
    signal.setitimer(signal.ITIMER_REAL, 0)
except BaseException as error:
    signal.setitimer(signal.ITIMER_REAL, 0)
    entry = None
    result["failures"].append("cannot import %s from %s: %s: %s" % (
        spec["entry"], spec["module"], type(error).__name__, str(error)[:200]))
for index, test in enumerate(spec["tests"] if entry is not None else []):
    try:
        signal.setitimer(signal.ITIMER_REAL, spec["per_test_s"])
        with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
            if "ops" in test:
                obj, ok = None, True
                for method, args, want in test["ops"]:
                    if method == "__init__":
                        obj = entry(*args)
                    elif not same(norm(getattr(obj, method)(*args)), want):
                        ok = False
                        break
            else:
                ok = same(norm(entry(*test["args"])), test["expected"])
        signal.setitimer(signal.ITIMER_REAL, 0)
        if ok:
            result["passed"] += 1
        else:
            result["failures"].append("hidden test %d: wrong result" % (index + 1))
    except BaseException as error:
        signal.setitimer(signal.ITIMER_REAL, 0)
        result["failures"].append("hidden test %d: %s: %s" % (
            index + 1, type(error).__name__, str(error)[:200]))
    sink.seek(0)
    sink.truncate()
real_stdout.write("\n" + nonce + json.dumps(result) + "\n")
real_stdout.flush()
os._exit(0)
"""
"""Runs inside the sandbox as ``python3 -c HARNESS`` with the tests on stdin, so the tests
never touch the sandbox's disk. Its last line is a per-submit random nonce and the result."""


def harness_input(task: CodeTask, nonce: str, per_test_s: float = 2.0) -> str:
    """The JSON the harness reads from stdin."""
    return json.dumps(
        {
            "nonce": nonce,
            "module": SOLUTION_FILE.removesuffix(".py"),
            "entry": task.entry,
            "tests": task.tests,
            "per_test_s": per_test_s,
        }
    )


def parse_harness_output(stdout: str, nonce: str) -> dict[str, Any] | None:
    """The harness result from its output, or ``None`` when it did not finish."""
    for line in reversed(stdout.splitlines()):
        if line.startswith(nonce):
            try:
                return json.loads(line[len(nonce) :])
            except ValueError:
                return None
    return None

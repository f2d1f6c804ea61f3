"""Run some tests in another virtual environment (vLLM's, verifiers'), whose pins clash with ours.

CI builds each venv so that it sees the main site-packages and names its python in an
environment variable; the test in the main run calls :func:`venv_python` and
:func:`run_pytest`, so the README's one test command exercises the package for real.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def venv_python(variable: str, require: str, what: str) -> str:
    """The python named by ``$variable``; without it the test skips, or fails when
    ``$require`` is ``1`` (CI, where the venv must exist)."""
    python = os.environ.get(variable)
    if not python:
        reason = f"set {variable} to a python with {what} installed (see .ci/run)"
        if os.environ.get(require) == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    return python


def run_pytest(
    python: str, args: Sequence[str], env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """``python -m pytest -q args`` from the repository root, with ``env`` added to ours and
    the repository on ``PYTHONPATH``."""
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    return subprocess.run(
        [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": path, **(env or {})},
        capture_output=True,
        text=True,
    )

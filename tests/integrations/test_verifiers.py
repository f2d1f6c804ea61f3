"""Run the verifiers tests in verifiers' own virtual environment.

`verifiers` 0.4 pins an openai (and mcp) older than the main environment's, so CI installs it
in a venv that sees the main site-packages (`PROTEGE_VERIFIERS_PYTHON` names its python), like
vLLM's; this test runs tests/integrations/test_verifiers_env.py there.
"""

import importlib.util
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VERIFIERS_PYTHON = os.environ.get("PROTEGE_VERIFIERS_PYTHON")


@pytest.mark.slow
def test_verifiers_tests_pass_in_the_verifiers_venv():
    if importlib.util.find_spec("verifiers") is not None:
        pytest.skip("verifiers is importable here, so its tests run directly")
    if not VERIFIERS_PYTHON:
        reason = "set PROTEGE_VERIFIERS_PYTHON to a python with verifiers installed (see .ci/run)"
        if os.environ.get("PROTEGE_REQUIRE_VERIFIERS") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    result = subprocess.run(
        [
            VERIFIERS_PYTHON,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/integrations/test_verifiers_env.py",
        ],
        cwd=ROOT,
        env={
            **os.environ,
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        },
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "2 passed" in result.stdout, result.stdout[-2000:]

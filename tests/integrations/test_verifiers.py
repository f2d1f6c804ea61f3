"""Run the verifiers tests in verifiers' own virtual environment.

`verifiers` 0.4 pins an openai (and mcp) older than the main environment's, so CI installs it
in a venv that sees the main site-packages (`PROTEGE_VERIFIERS_PYTHON` names its python), like
vLLM's; this test runs tests/integrations/test_verifiers_env.py there.
"""

import importlib.util

import pytest

from tests.venvs import run_pytest, venv_python


@pytest.mark.slow
def test_verifiers_tests_pass_in_the_verifiers_venv():
    if importlib.util.find_spec("verifiers") is not None:
        pytest.skip("verifiers is importable here, so its tests run directly")
    python = venv_python("PROTEGE_VERIFIERS_PYTHON", "PROTEGE_REQUIRE_VERIFIERS", "verifiers")
    result = run_pytest(python, ["tests/integrations/test_verifiers_env.py"])
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "2 passed" in result.stdout, result.stdout[-2000:]

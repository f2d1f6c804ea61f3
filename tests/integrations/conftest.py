"""Fixtures for integration tests: episodes of the tiny model on Household, scored by itself."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from protege.cli import app


@pytest.fixture(scope="session")
def scored_episodes(tmp_path_factory, tiny_model_path):
    """(played, scored): two 3-step tiny-model Household episodes, then teacher-scored."""
    folder = tmp_path_factory.mktemp("episodes")
    played, scored = folder / "x.jsonl", folder / "y.jsonl"
    runner = CliRunner()
    rollout = ["rollout", "protege/Household-v1", "--policy", "hf:tiny", "--episodes", "2"]
    result = runner.invoke(
        app, [*rollout, "--max-steps", "3", "--max-new-tokens", "12", "-o", str(played)]
    )
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        app, ["distill", "score", str(played), "--teacher", "tiny", "--out", str(scored)]
    )
    assert result.exit_code == 0, result.output
    return played, scored

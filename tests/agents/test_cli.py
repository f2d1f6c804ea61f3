"""Tiny-budget smoke tests of `protege eval`, `protege rollout` and `protege models`."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from protege.cli import app
from protege.records import read_episodes

runner = CliRunner()


def test_eval_prints_a_table_and_writes_report_and_plots(counter_env_id, tmp_path):
    result = runner.invoke(
        app,
        ["eval", counter_env_id, "--policy", "expert", "--episodes", "6", "--out", str(tmp_path)],
        env={"COLUMNS": "160"},
    )
    assert result.exit_code == 0, result.output
    assert "100.0%" in result.output and "95% CI" in result.output
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["overall"]["success_rate"] == 1.0
    assert {g["name"] for g in report["by_task_type"]} == {"small", "large"}
    assert (tmp_path / "success_by_type.png").stat().st_size > 0
    assert (tmp_path / "episode_lengths.png").stat().st_size > 0
    assert len(read_episodes(tmp_path / "episodes.jsonl")) == 6


def test_rollout_appends_episodes(counter_env_id, tmp_path):
    out = tmp_path / "r.jsonl"
    args = ["rollout", counter_env_id, "--policy", "random", "--episodes", "3", "-o", str(out)]
    result = runner.invoke(app, [*args, "--max-steps", "5"])
    assert result.exit_code == 0, result.output
    assert "wrote 3 episodes" in result.output
    assert [e.policy for e in read_episodes(out)] == ["random"] * 3


def test_bad_inputs_give_one_line_errors(counter_env_id, tmp_path):
    result = runner.invoke(app, ["eval", counter_env_id, "--policy", "gpt", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "unknown policy 'gpt'" in result.output
    result = runner.invoke(app, ["models", "prepare", "llama"])
    assert result.exit_code == 2 and "unknown model 'llama'" in result.output

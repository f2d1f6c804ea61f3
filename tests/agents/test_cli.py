"""Tiny-budget smoke tests of `protege eval`, `protege rollout` and `protege models`."""

from __future__ import annotations

import json

import pytest
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


def _error(result) -> str:
    """The one error line of a refused command (exit 2, nothing on stdout)."""
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert result.stdout == ""
    return result.stderr.strip()


def test_eval_refuses_a_folder_holding_a_report_until_overwrite(counter_env_id, tmp_path):
    args = ["eval", counter_env_id, "--out", str(tmp_path / "e")]
    assert runner.invoke(app, [*args, "--episodes", "4"]).exit_code == 0
    before = {path.name: path.read_bytes() for path in (tmp_path / "e").iterdir()}
    result = runner.invoke(app, [*args, "--episodes", "2"])
    assert _error(result) == (
        f"error: {tmp_path / 'e'}/ already holds a report (4 episodes, {counter_env_id}, "
        "expert); use --overwrite to replace it"
    )
    assert {path.name: path.read_bytes() for path in (tmp_path / "e").iterdir()} == before
    result = runner.invoke(app, [*args, "--episodes", "2", "--overwrite"])
    assert result.exit_code == 0, result.output
    assert len(read_episodes(tmp_path / "e" / "episodes.jsonl")) == 2


def test_rollout_refuses_a_file_holding_episodes_unless_append_or_overwrite(
    counter_env_id, tmp_path
):
    out = tmp_path / "r.jsonl"
    args = ["rollout", counter_env_id, "--episodes", "3", "-o", str(out)]
    assert runner.invoke(app, args).exit_code == 0
    before = out.read_bytes()
    assert _error(runner.invoke(app, args)) == (
        f"error: {out} already holds 3 episodes; use --append to add to them or --overwrite "
        "to replace them"
    )
    assert out.read_bytes() == before
    assert runner.invoke(app, [*args, "--append"]).exit_code == 0
    assert len(read_episodes(out)) == 6
    assert runner.invoke(app, [*args, "--overwrite"]).exit_code == 0
    assert len(read_episodes(out)) == 3
    assert "--append" in _error(runner.invoke(app, [*args, "--append", "--overwrite"]))
    help_text = runner.invoke(app, ["rollout", "--help"], env={"COLUMNS": "200"}).stdout
    assert "--overwrite" in help_text and "training needs" in help_text


def test_a_missing_model_folder_is_one_line_and_leaves_no_folder(counter_env_id, tmp_path):
    missing = tmp_path / "no-model"
    out = tmp_path / "new" / "eval"
    result = runner.invoke(
        app, ["eval", counter_env_id, "--policy", f"hf:{missing}", "--out", str(out)]
    )
    assert _error(result) == (
        f"error: model folder '{missing}' does not exist; give a local Hugging Face folder, "
        "or smollm2 / tiny (protege models prepare)"
    )
    assert not (tmp_path / "new").exists()


def test_a_failing_eval_removes_the_folders_it_created(counter_env_id, tmp_path):
    from protege.agents.evaluate import RolloutConfig, evaluate
    from protege.errors import UnknownTaskError

    out = tmp_path / "new" / "eval"
    config = RolloutConfig(env_id=counter_env_id, tasks=["missing-task"])
    with pytest.raises(UnknownTaskError):  # fails once the environments reset
        evaluate(config, out)
    assert not (tmp_path / "new").exists()


@pytest.mark.parametrize(
    ("option", "expected"),
    [
        (["--episodes", "0"], "--episodes: Input should be greater than or equal to 1, got 0"),
        (["--num-envs", "0"], "--num-envs: Input should be greater than or equal to 1, got 0"),
        (["--history", "0"], "--history: Input should be greater than or equal to 1, got 0"),
        (["--temperature", "-1"], "--temperature: Input should be greater than or equal to 0"),
        (["--split", "test"], "has no split 'test'; expected one of train, valid_seen"),
        (["--task-type", "huge"], "has no task type 'huge'"),
        (["--format", "xml"], "unknown prompt format 'xml'; expected one of react"),
    ],
)
def test_options_are_checked_before_anything_runs(counter_env_id, tmp_path, option, expected):
    for command in (["eval", "--out", str(tmp_path / "e")], ["rollout", "-o", str(tmp_path / "r")]):
        result = runner.invoke(app, [command[0], counter_env_id, *command[1:], *option])
        assert expected in _error(result)
    assert list(tmp_path.iterdir()) == []


def test_eval_plays_different_tasks_greedily_and_prints_json(tmp_path):
    household = "protege/Household-v1"
    args = ["eval", household, "--split", "valid_unseen", "--json", "--num-envs", "64"]
    result = runner.invoke(app, [*args, "--episodes", "134", "--out", str(tmp_path / "a")])
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)  # nothing but the report on stdout
    tasks = [e.task_id for e in read_episodes(tmp_path / "a" / "episodes.jsonl")]
    assert len(tasks) == len(set(tasks)) == report["distinct_tasks"] == 134
    assert report["repeats"] == 1 and report["interval_method"] == "wilson over episodes"
    assert report["settings"]["temperature"] == 0.0  # greedy by default


def test_eval_all_tasks_and_repeats(tmp_path):
    import gymnasium as gym

    env = gym.make("protege/Household-v1", split="valid_unseen", task_type="pick_and_place")
    size = len(env.unwrapped.task_ids())
    args = ["eval", "protege/Household-v1", "--task-type", "pick_and_place", "--json"]
    result = runner.invoke(app, [*args, "--all-tasks", "--out", str(tmp_path / "a")])
    report = json.loads(result.stdout)
    assert report["distinct_tasks"] == report["overall"]["episodes"] == size
    result = runner.invoke(
        app, [*args, "--episodes", "3", "--repeats", "2", "--out", str(tmp_path / "b")]
    )
    report = json.loads(result.stdout)
    assert (report["distinct_tasks"], report["repeats"], report["overall"]["episodes"]) == (3, 2, 6)
    assert report["interval_method"] == "wilson over per-task success rates (n = tasks)"

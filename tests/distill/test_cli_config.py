"""The distill config (defaults, unknown keys) and the `protege distill` commands."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from protege.cli import app
from protege.distill.cli import distill_app
from protege.distill.config import ConfigError, DistillConfig, load_config, parse_config
from protege.errors import ProtegeError
from protege.records import Episode, Step, read_episodes, write_episodes
from tests.distill.helpers import random_episode

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "configs"


def test_every_field_has_a_default():
    config = parse_config({})
    assert config == DistillConfig()
    assert config.method.name == "opd"


def test_unknown_top_level_key_names_the_allowed_keys_and_a_close_match():
    with pytest.raises(ConfigError) as error:
        parse_config({"updats": 3})
    assert str(error.value) == (
        "unknown key 'updats'. Did you mean 'updates'? Allowed keys: method, student, teacher, "
        "env, rollout, optim, eval, log, checkpoint, updates, seed, output_dir"
    )


def test_unknown_key_inside_a_method_block_lists_that_methods_keys():
    with pytest.raises(ConfigError) as error:
        parse_config({"method": {"name": "sod", "delat": 0.3}})
    assert str(error.value) == (
        "unknown key 'method.delat'. Did you mean 'delta'? Allowed keys in method: name, eps, "
        "delta, opd_coef, with_grpo, clip_low, clip_high, clip_ratio_c"
    )


def test_unknown_nested_key_without_close_match():
    with pytest.raises(ConfigError, match=r"^unknown key 'student\.lora\.rank'\. Allowed keys in "):
        parse_config({"student": {"lora": {"rank": 4}}})


def test_out_of_range_value_is_refused_with_its_path():
    with pytest.raises(ConfigError, match=r"optim\.lr: Input should be greater than 0"):
        parse_config({"optim": {"lr": -1.0}})


def test_method_block_is_picked_by_name():
    config = parse_config({"method": {"name": "tcod", "variant": "b2f", "eta": 5}})
    assert (config.method.name, config.method.variant, config.method.eta) == ("tcod", "b2f", 5)


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_example_configs_load(path):
    config = load_config(path)
    assert config.method.name in path.stem


def test_examples_cover_every_method():
    from protege.distill.methods import METHODS

    names = {load_config(path).method.name for path in EXAMPLES.glob("*.yaml")}
    assert names == set(METHODS)


def test_cli_refuses_a_mistyped_key_without_a_traceback(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("method:\n  name: sod\n  delat: 0.3\n")
    result = CliRunner().invoke(distill_app, [str(path)])
    assert result.exit_code == 2
    assert "unknown key 'method.delat'. Did you mean 'delta'?" in result.output
    assert "Traceback" not in result.output


def test_cli_trains_from_a_yaml_config(tmp_path):
    path = _tiny_config(tmp_path)
    result = CliRunner().invoke(distill_app, [str(path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "run" / "final" / "config.json").is_file()
    assert (tmp_path / "run" / "metrics.jsonl").read_text().count("\n") == 1


def test_cli_score_writes_teacher_logprobs(tmp_path, tokenizer, tiny_model_path):
    source = tmp_path / "episodes.jsonl"
    write_episodes(source, [random_episode(tokenizer, 3, seed=1)])
    out = tmp_path / "scored.jsonl"
    result = CliRunner().invoke(
        distill_app,
        [
            "score",
            str(source),
            "--teacher",
            str(tiny_model_path),
            "--out",
            str(out),
            "--device",
            "cpu",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "scored 1 sequences" in result.output
    (episode,) = read_episodes(out)
    for step in episode.steps:
        assert len(step.teacher_logprobs) == len(step.action_token_ids)


def _tiny_config(tmp_path: Path, **changes) -> Path:
    """The smallest runnable config (one SFT update on the counter), written to YAML."""
    config = {
        "method": {"name": "sft"},
        "student": {"path": "tiny", "device": "cpu"},
        "env": {"env_id": "protege-test/Counter-v0", "max_steps": 2},
        "rollout": {"tasks_per_update": 2, "max_new_tokens": 4},
        "eval": {"episodes": 1},
        "log": {"tensorboard": False},
        "updates": 1,
        "output_dir": str(tmp_path / "run"),
        **changes,
    }
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _error(result) -> str:
    """The one error line of a refused command (exit 2)."""
    assert result.exit_code == 2, (result.stdout, result.stderr)
    return result.stderr.strip()


def test_a_second_run_into_the_same_folder_is_refused_and_changes_nothing(tmp_path):
    config = _tiny_config(tmp_path)
    assert CliRunner().invoke(app, ["distill", str(config)]).exit_code == 0
    first = _files(tmp_path / "run")
    result = CliRunner().invoke(app, ["distill", str(config)])
    assert _error(result) == (
        f"error: {tmp_path / 'run'} holds a run (update 1); use --resume to continue or "
        "--overwrite to start again"
    )
    assert _files(tmp_path / "run") == first
    result = CliRunner().invoke(app, ["distill", str(config), "--overwrite"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "run" / "metrics.jsonl").read_text().count("\n") == 1


def test_distill_help_lists_the_run_options():
    result = CliRunner().invoke(app, ["distill", "--help"])
    assert "--resume" in result.stdout and "--overwrite" in result.stdout


def test_a_missing_teacher_folder_is_one_line_and_leaves_no_folder(tmp_path):
    missing = tmp_path / "no-teacher"
    config = _tiny_config(
        tmp_path,
        method={"name": "opd"},
        teacher={"path": str(missing)},
        output_dir=str(tmp_path / "new" / "run"),
    )
    assert _error(CliRunner().invoke(app, ["distill", str(config)])) == (
        f"error: model folder '{missing}' does not exist; give a local Hugging Face folder, "
        "or smollm2 / tiny (protege models prepare)"
    )
    assert not (tmp_path / "new").exists()


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"env": {"env_id": "protege/Househld-v0"}}, "Did you mean 'protege/Household-v1'?"),
        ({"env": {"split": "test"}}, "HouseholdEnv has no split 'test'; expected one of train"),
        ({"env": {"task_type": "cook"}}, "HouseholdEnv has no task type 'cook'"),
        ({"eval": {"split": "valid"}}, "HouseholdEnv has no split 'valid'"),
        ({"rollout": {"prompt_format": "xml"}}, "unknown prompt format 'xml'"),
    ],
)
def test_names_in_the_config_are_checked_when_it_is_parsed(changes, expected):
    with pytest.raises(ProtegeError, match=re.escape(expected)):
        parse_config(changes)


def test_a_yaml_syntax_error_is_one_line(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("method:\n  name: [sft\n")
    line = _error(CliRunner().invoke(app, ["distill", str(path)]))
    assert line.startswith(f"error: {path} is not valid YAML (line 3, column 1): ")


def test_score_refuses_episodes_without_token_records(tmp_path):
    source = tmp_path / "episodes.jsonl"
    episode = Episode(
        env_id="protege-test/Counter-v0", task_id="small-1", task_type="small", goal="Go.",
        steps=[Step(observation="o", action="a")],
    )  # fmt: skip
    write_episodes(source, [episode])
    out = tmp_path / "scored.jsonl"
    args = ["distill", "score", str(source), "--teacher", "tiny", "--out", str(out)]
    assert _error(CliRunner().invoke(app, args)) == (
        f"error: {source} has no token records to score (1 episodes without action token ids); "
        "record episodes with a model policy, e.g. `protege rollout ENV --policy hf:PATH`"
    )
    assert not out.exists()


def test_a_grpo_method_needs_groups_of_two_or_more():
    with pytest.raises(ConfigError, match=r"needs rollout\.group_size >= 2 \(got 1\)"):
        parse_config({"method": {"name": "sod", "with_grpo": True}})
    parse_config({"method": {"name": "sod", "with_grpo": True}, "rollout": {"group_size": 2}})

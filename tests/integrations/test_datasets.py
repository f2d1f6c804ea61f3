"""`protege export`: episodes as Hugging Face datasets, compared with the JSONL token for token."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from protege.cli import app
from protege.integrations.datasets import NoTokenRecordError, episodes_to_dataset
from protege.records import Episode, Step, read_episodes

datasets = pytest.importorskip("datasets")
runner = CliRunner()


def _export(episodes, out, fmt):
    result = runner.invoke(app, ["export", str(episodes), "--format", fmt, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert f"wrote 2 episodes ({fmt})" in result.output
    return datasets.load_from_disk(str(out))


def test_tokens_export_matches_the_jsonl_token_for_token(scored_episodes, tmp_path):
    _, scored = scored_episodes
    loaded = _export(scored, tmp_path / "tokens", "tokens")
    for row, episode in zip(loaded, read_episodes(scored), strict=True):
        assert row["input_ids"] == episode.tokens.token_ids
        assert row["step_spans"] == [span.model_dump() for span in episode.tokens.spans]
        assert sum(row["student_mask"]) == sum(len(s.action_token_ids) for s in episode.steps)
        for span in episode.tokens.spans:
            step = episode.steps[span.step]
            assert row["input_ids"][span.start : span.end] == step.action_token_ids
            assert row["logprobs"][span.start : span.end] == step.action_logprobs
            assert row["teacher_logprobs"][span.start : span.end] == step.teacher_logprobs
        assert row["teacher_mask"] == row["student_mask"]  # the teacher scored every action
        assert (row["task_id"], row["won"], row["score"]) == (
            episode.task_id,
            episode.won,
            episode.score,
        )


def test_unscored_episodes_have_the_same_column_types(scored_episodes):
    played, scored = scored_episodes
    unscored, teacher_scored = (
        episodes_to_dataset(played, "tokens"),
        episodes_to_dataset(scored, "tokens"),
    )
    assert unscored.features == teacher_scored.features
    assert all(sum(row["teacher_mask"]) == 0 for row in unscored)


def test_messages_export_renders_the_conversation_the_student_saw(
    scored_episodes, tmp_path, tiny_model_path
):
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(tiny_model_path)
    played, _ = scored_episodes
    loaded = _export(played, tmp_path / "messages", "messages")
    for row, episode in zip(loaded, read_episodes(played), strict=True):
        assert [m["role"] for m in row["messages"]] == ["system"] + ["user", "assistant"] * 3
        assert row["episode_id"].startswith(episode.task_id + ":")
        # the chat template over the exported messages gives back the recorded token sequence
        rendered = tokenizer.apply_chat_template(row["messages"], tokenize=False)
        assert rendered.startswith(tokenizer.decode(episode.tokens.token_ids))


def test_expert_episodes_export_as_messages_and_refuse_tokens():
    episode = Episode(
        env_id="protege/Household-v1",
        task_id="t1",
        task_type="pick",
        goal="put a mug in the sink",
        steps=[Step(observation="You see a mug.", action="take mug", won=True, score=1.0)],
        metadata={"format": "react"},
    )
    row = episodes_to_dataset([episode], "messages")[0]
    assert row["messages"][-1] == {"role": "assistant", "content": "Action: take mug"}
    with pytest.raises(NoTokenRecordError, match=r"^episode of task 't1' \(policy None\) has no"):
        episodes_to_dataset([episode], "tokens")


def test_export_without_token_records_is_a_one_line_cli_error(tmp_path):
    episodes = tmp_path / "expert.jsonl"
    result = runner.invoke(
        app, ["rollout", "protege/Household-v1", "--episodes", "2", "-o", str(episodes)]
    )
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        app, ["export", str(episodes), "--format", "tokens", "-o", str(tmp_path)]
    )
    assert result.exit_code != 0
    assert "has no full-history token record" in result.output
    assert "Traceback" not in result.output

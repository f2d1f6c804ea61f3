"""Episodes as Hugging Face datasets, one row per episode.

Two formats:

- ``messages``: the chat the policy had, for SFT (TRL's ``SFTTrainer`` reads a ``messages``
  column): the prompt format's system message, one user turn per observation and one
  assistant turn per action, as :mod:`protege.agents.rollout` rendered them.
- ``tokens``: the token-exact record of a full-history episode: ``input_ids`` (the whole
  conversation), ``student_mask`` (1 on the tokens the student sampled), ``step_spans``, and
  per-token ``logprobs`` (the behaviour policy's) and ``teacher_logprobs`` with
  ``teacher_mask`` (1 where a teacher scored the token), all as long as ``input_ids``.

Columns have fixed types (:data:`MESSAGES_FEATURES`, :data:`TOKENS_FEATURES`) and no nulls:
a value missing in a record is 0 under a 0 mask, so every row has the same Arrow schema and a
dataset pushes to the Hub even when its first rows were never scored.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

from protege.agents.formats import get_format
from protege.errors import RecordError, import_optional
from protege.records import Episode, read_episodes

ExportFormat = Literal["messages", "tokens"]
EXPORT_FORMATS: tuple[str, ...] = ("messages", "tokens")


class NoTokenRecordError(RecordError):
    """An episode without a full-history token record, exported as tokens."""


def _datasets() -> Any:
    return import_optional("datasets", "datasets", "exporting episodes as Hugging Face datasets")


def _episode_features(datasets: Any) -> dict[str, Any]:
    """Columns shared by both formats: which episode, which task, how it ended."""
    value = datasets.Value
    return {
        "episode_id": value("string"),
        "env_id": value("string"),
        "split": value("string"),
        "task_id": value("string"),
        "task_type": value("string"),
        "policy": value("string"),
        "num_steps": value("int32"),
        "won": value("bool"),
        "score": value("float64"),
        "reward": value("float64"),
    }


def messages_features() -> Any:
    """The ``datasets.Features`` of the ``messages`` format."""
    datasets = _datasets()
    message = {"role": datasets.Value("string"), "content": datasets.Value("string")}
    return datasets.Features({"messages": datasets.List(message), **_episode_features(datasets)})


def tokens_features() -> Any:
    """The ``datasets.Features`` of the ``tokens`` format."""
    datasets = _datasets()
    value, sequence = datasets.Value, datasets.List
    span = {"step": value("int32"), "start": value("int32"), "end": value("int32")}
    return datasets.Features(
        {
            "input_ids": sequence(value("int32")),
            "student_mask": sequence(value("int8")),
            "step_spans": sequence(span),
            "logprobs": sequence(value("float64")),
            "teacher_logprobs": sequence(value("float64")),
            "teacher_mask": sequence(value("int8")),
            **_episode_features(datasets),
        }
    )


def episode_messages(episode: Episode) -> list[dict[str, str]]:
    """The episode's chat: system, then a user turn per observation and an assistant turn per
    step, rendered by the prompt format named in ``episode.metadata`` (``react`` by default).

    The assistant turn is the model's recorded response, or the format's rendering of the
    action where none was recorded (expert and scripted policies). The first user turn does not
    list admissible actions (the system message does), as in the rollout engine.
    """
    prompt_format = get_format(str(episode.metadata.get("format", "react")))
    list_every = episode.metadata.get("list_actions", "every") == "every"
    first = episode.steps[0].admissible_actions if episode.steps else []
    messages = [{"role": "system", "content": prompt_format.system_prompt(episode.goal, first)}]
    for index, step in enumerate(episode.steps):
        listed = step.admissible_actions if list_every and index > 0 else []
        messages.append(
            {"role": "user", "content": prompt_format.observation_message(step.observation, listed)}
        )
        assistant = (
            step.response if step.response is not None else prompt_format.render(step.action)
        )
        messages.append({"role": "assistant", "content": assistant})
    return messages


def episode_token_row(episode: Episode) -> dict[str, Any]:
    """The ``tokens`` columns of one episode (see the module docstring).

    Raises :class:`NoTokenRecordError` when the episode has no full-history token record.
    """
    if episode.tokens is None:
        raise NoTokenRecordError(
            f"episode of task {episode.task_id!r} (policy {episode.policy!r}) has no "
            "full-history token record; record one with a model policy and full history "
            "(protege rollout --policy hf:MODEL, no --history), or export --format messages"
        )
    length = len(episode.tokens.token_ids)
    student_mask, logprobs = [0] * length, [0.0] * length
    teacher_mask, teacher_logprobs = [0] * length, [0.0] * length
    for span in episode.tokens.spans:
        step = episode.steps[span.step]
        student_mask[span.start : span.end] = [1] * (span.end - span.start)
        if step.action_logprobs is not None:
            logprobs[span.start : span.end] = step.action_logprobs
        if step.teacher_logprobs is not None:
            teacher_logprobs[span.start : span.end] = step.teacher_logprobs
            teacher_mask[span.start : span.end] = [1] * (span.end - span.start)
    return {
        "input_ids": list(episode.tokens.token_ids),
        "student_mask": student_mask,
        "step_spans": [span.model_dump() for span in episode.tokens.spans],
        "logprobs": logprobs,
        "teacher_logprobs": teacher_logprobs,
        "teacher_mask": teacher_mask,
    }


def episodes_to_dataset(
    episodes: str | os.PathLike[str] | Iterable[Episode], format: ExportFormat = "messages"
) -> Any:
    """A ``datasets.Dataset`` of episodes (a JSONL path or records), one row per episode.

    ``episode_id`` is ``"{task_id}:{index}"`` with the episode's position in the input.
    """
    if format not in EXPORT_FORMATS:
        raise RecordError(f"unknown export format {format!r}; expected messages or tokens")
    datasets = _datasets()
    records = read_episodes(episodes) if isinstance(episodes, str | os.PathLike) else list(episodes)
    rows = []
    for index, episode in enumerate(records):
        columns = (
            {"messages": episode_messages(episode)}
            if format == "messages"
            else episode_token_row(episode)
        )
        rows.append(
            {
                **columns,
                "episode_id": f"{episode.task_id}:{index}",
                "env_id": episode.env_id,
                "split": episode.split or "",
                "task_id": episode.task_id,
                "task_type": episode.task_type,
                "policy": episode.policy or "",
                "num_steps": episode.num_steps,
                "won": episode.won,
                "score": episode.score,
                "reward": episode.total_reward,
            }
        )
    features = messages_features() if format == "messages" else tokens_features()
    return datasets.Dataset.from_list(rows, features=features)


def export_episodes(
    path: str | os.PathLike[str], out: str | os.PathLike[str], format: ExportFormat = "messages"
) -> Any:
    """Write the episodes of a JSONL file as a dataset folder (``Dataset.save_to_disk``), to be
    loaded with ``datasets.load_from_disk(out)``. Returns the dataset."""
    dataset = episodes_to_dataset(path, format)
    dataset.save_to_disk(str(Path(out)))
    return dataset

"""Episode records: the one format that flows from rollouts to trainers and reports.

An :class:`Episode` is a list of :class:`Step` records plus the task it played. When a model
acted, each step keeps the action's token ids and the policy's per-token log-probabilities,
and the episode may keep its whole conversation as one token sequence (:class:`TokenSequence`)
with a span per step, so that a teacher scores exactly the tokens the student sampled.

Files are JSONL, one episode per line. :func:`write_episodes` appends and flushes after every
episode, so a crash loses at most the episode being written; :func:`read_episodes` loads every
complete line of a file whose last line was cut mid-write and warns about the lost line.
"""

from __future__ import annotations

import json
import os
import warnings
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from protege.errors import ProtegeWarning, RecordError, SchemaVersionError

SCHEMA_VERSION = 1
"""Version of the episode schema this protege writes; bump it when a field changes meaning."""


class TruncatedRecordWarning(ProtegeWarning):
    """The last line of an episode file was cut mid-write and was skipped."""


class Step(BaseModel):
    """One action of an episode and what the environment answered.

    ``observation``, ``admissible_actions`` are what the agent saw when it chose the action;
    ``reward``, ``terminated``, ``truncated``, ``won`` and ``score`` are the result of it.
    """

    model_config = ConfigDict(extra="forbid")

    observation: str
    """The text the agent saw when it chose this action."""
    admissible_actions: list[str] = Field(default_factory=list)
    """The actions the environment offered at that observation (empty where the set is open)."""
    action: str
    """The action sent to the environment."""
    response: str | None = None
    """The model's full output for this step (e.g. thought and action), when a model acted."""
    reward: float = 0.0
    terminated: bool = False
    truncated: bool = False
    won: bool = False
    """Whether the goal held after this action."""
    score: float = Field(default=0.0, ge=0.0, le=1.0)
    """Task progress in [0, 1] after this action."""
    action_token_ids: list[int] | None = None
    """The sampled token ids of the model's response, verbatim."""
    action_logprobs: list[float] | None = None
    """The behaviour policy's log-probability of each token in ``action_token_ids``."""
    teacher_logprobs: list[float] | None = None
    """A teacher's log-probability of each token in ``action_token_ids``, once scored."""
    prompt_token_ids: list[int] | None = None
    """The exact context the model saw for this step, when it is not a prefix of the episode's
    token sequence: set where a prompt format keeps only the last k steps of history (then
    ``Episode.tokens`` is None and the step's sequence is ``prompt_token_ids +
    action_token_ids``). None where ``Episode.tokens`` holds the whole conversation."""
    parse_error: str | None = None
    """Why the model's output was not a valid action in the prompt format; the environment was
    not called, ``observation`` of the next step is the format hint, and the step counts."""

    @model_validator(mode="after")
    def _token_lists_align(self) -> Step:
        n = None if self.action_token_ids is None else len(self.action_token_ids)
        for name in ("action_logprobs", "teacher_logprobs"):
            values = getattr(self, name)
            if values is not None and n is not None and len(values) != n:
                raise ValueError(f"{name} has {len(values)} entries for {n} action tokens")
        return self


class TokenSpan(BaseModel):
    """Which tokens of a conversation are the model's own output for one step: ``[start, end)``."""

    model_config = ConfigDict(extra="forbid")

    step: int = Field(ge=0)
    start: int = Field(ge=0)
    end: int = Field(ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> TokenSpan:
        if self.end < self.start:
            raise ValueError(f"span end {self.end} is before its start {self.start}")
        return self


class TokenSequence(BaseModel):
    """A whole conversation as one token sequence, with the span of each step's action."""

    model_config = ConfigDict(extra="forbid")

    token_ids: list[int]
    spans: list[TokenSpan] = Field(default_factory=list)

    @model_validator(mode="after")
    def _spans_inside(self) -> TokenSequence:
        for span in self.spans:
            if span.end > len(self.token_ids):
                raise ValueError(
                    f"span of step {span.step} ends at {span.end}, past the "
                    f"{len(self.token_ids)} tokens of the sequence"
                )
        return self


class Episode(BaseModel):
    """One played episode: the task, its steps and the outcome."""

    model_config = ConfigDict(extra="forbid")

    schema_version: int = SCHEMA_VERSION
    env_id: str
    split: str | None = None
    seed: int | None = None
    task_id: str
    task_type: str
    goal: str
    steps: list[Step] = Field(default_factory=list)
    final_observation: str = ""
    """The observation after the last action."""
    policy: str | None = None
    """A name for who acted (``expert``, ``random``, a model path)."""
    teacher: str | None = None
    """The teacher whose log-probabilities are in ``Step.teacher_logprobs`` (its model folder),
    once scored; None where unscored or scored without recording it."""
    tokens: TokenSequence | None = None
    """The whole conversation as one token sequence, when a model with full history acted."""
    metadata: dict[str, Any] = Field(default_factory=dict)

    @property
    def won(self) -> bool:
        """Whether the goal held after the last step."""
        return bool(self.steps) and self.steps[-1].won

    @property
    def score(self) -> float:
        """Task progress after the last step."""
        return self.steps[-1].score if self.steps else 0.0

    @property
    def total_reward(self) -> float:
        """Sum of the per-step rewards."""
        return sum(step.reward for step in self.steps)

    @property
    def num_steps(self) -> int:
        """Number of actions taken."""
        return len(self.steps)


def write_episodes(path: str | os.PathLike[str], episodes: Iterable[Episode]) -> int:
    """Append episodes to a JSONL file, flushing after each one. Returns how many were written."""
    count = 0
    with EpisodeWriter(path) as writer:
        for episode in episodes:
            writer.write(episode)
            count += 1
    return count


class EpisodeWriter:
    """An open JSONL file that episodes are appended to, each flushed to disk as it comes."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._file: IO[str] = self.path.open("a", encoding="utf-8")

    def write(self, episode: Episode) -> None:
        """Append one episode as one line and push it to disk."""
        # an unscored episode is written without ``teacher``, as before that field existed, so
        # that readers of schema 1 without it still load rollout and eval files
        unset = {"teacher"} if episode.teacher is None else None
        self._file.write(episode.model_dump_json(exclude=unset) + "\n")
        self._file.flush()
        os.fsync(self._file.fileno())

    def close(self) -> None:
        """Close the file."""
        self._file.close()

    def __enter__(self) -> EpisodeWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


WRITTEN_BY = "pass an episode JSONL file written by `protege rollout`, `protege eval` or a trainer"
"""What to do when a file is not an episode file."""


def read_episodes(path: str | os.PathLike[str]) -> list[Episode]:
    """Load every episode of a JSONL file.

    A last line cut mid-write (no newline and not valid JSON) is skipped with a
    :class:`TruncatedRecordWarning`; any other bad line raises :class:`RecordError` with its
    line number, and a file written by a newer schema raises :class:`SchemaVersionError`.
    """
    return list(iter_episodes(path))


def iter_episodes(path: str | os.PathLike[str]) -> Iterator[Episode]:
    """Yield the episodes of a JSONL file one at a time; see :func:`read_episodes`.

    Every error names the file, the line and what to do.
    """
    path = Path(path)
    lines = _read_lines(path)
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{path}, line {number}"
        try:
            data = json.loads(line)
        except json.JSONDecodeError as error:
            if number == len(lines) and not line.endswith("\n"):
                warnings.warn(
                    f"{where}: skipped, cut mid-write ({len(line)} characters, no newline); "
                    "the episodes before it are loaded",
                    TruncatedRecordWarning,
                    stacklevel=3,
                )
                return
            raise RecordError(
                f"{where}: not valid JSON ({error.msg.removesuffix(' at')}, column {error.colno}); "
                "an episode file "
                "holds one JSON object per line: fix or delete that line"
            ) from None
        yield _episode_from_dict(data, where)


def _read_lines(path: Path) -> list[str]:
    try:
        with path.open(encoding="utf-8") as file:
            return file.readlines()
    except FileNotFoundError:
        raise RecordError(f"{path}: no such file; {WRITTEN_BY}") from None
    except IsADirectoryError:
        raise RecordError(f"{path} is a directory; {WRITTEN_BY}") from None
    except UnicodeDecodeError as error:
        raise RecordError(
            f"{path}: not a UTF-8 text file (byte {error.start}); {WRITTEN_BY}"
        ) from None


_REQUIRED_FIELDS = [name for name, field in Episode.model_fields.items() if field.is_required()]


def _episode_from_dict(data: Any, where: str) -> Episode:
    if not isinstance(data, dict):
        kind = {list: "list", str: "string"}.get(type(data), type(data).__name__)
        raise RecordError(f"{where}: a JSON {kind}, not an episode object; {WRITTEN_BY}")
    # A newer schema may rename fields: say so before judging them.
    version = data.get("schema_version", SCHEMA_VERSION)
    if isinstance(version, int) and version > SCHEMA_VERSION:
        raise SchemaVersionError(
            f"{where}: episode schema_version {version} is newer than this protege reads "
            f"({SCHEMA_VERSION}); upgrade protege: pip install -U protege"
        )
    missing = [name for name in _REQUIRED_FIELDS if name not in data]
    if missing:
        keys = ", ".join(list(data)[:8]) + (", ..." if len(data) > 8 else "")
        raise RecordError(
            f"{where}: not a protege episode (no {', '.join(missing)}; its keys: "
            f"{keys or 'none'}); {WRITTEN_BY}"
        )
    try:
        return Episode.model_validate(data)
    except ValidationError as error:
        raise RecordError(f"{where}: not a valid episode: {_first_problem(error)}") from None


def _first_problem(error: ValidationError) -> str:
    """The first of pydantic's complaints in one line: field, problem, value, how many more."""
    first = error.errors(include_url=False)[0]
    field = ".".join(str(part) for part in first["loc"]) or "the record"
    got = repr(first.get("input"))
    got = got if len(got) <= 60 else got[:57] + "..."
    more = error.error_count() - 1
    also = f" (and {more} more problem{'s' * (more > 1)})" if more else ""
    return f"{field}: {first['msg']} (got {got}){also}; fix or delete that line"

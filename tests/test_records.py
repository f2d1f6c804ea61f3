import json
import warnings

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from protege.errors import RecordError, SchemaVersionError
from protege.records import (
    SCHEMA_VERSION,
    Episode,
    Step,
    TokenSequence,
    TokenSpan,
    TruncatedRecordWarning,
    read_episodes,
    write_episodes,
)


def make_episode(index: int, steps: int = 2) -> Episode:
    return Episode(
        env_id="protege-test/Counter-v0",
        split="train",
        seed=index,
        task_id=f"small-{index}",
        task_type="small",
        goal="make the counter show 3",
        steps=[
            Step(
                observation=f"obs {k}",
                admissible_actions=["add 1", "add 2"],
                action="add 1",
                reward=float(k == steps - 1),
                terminated=k == steps - 1,
                won=k == steps - 1,
                score=(k + 1) / steps,
                action_token_ids=[10, 11],
                action_logprobs=[-0.5, -0.25],
            )
            for k in range(steps)
        ],
        tokens=TokenSequence(token_ids=list(range(8)), spans=[TokenSpan(step=0, start=2, end=4)]),
    )


def test_episodes_round_trip_through_jsonl(tmp_path):
    path = tmp_path / "episodes.jsonl"
    written = [make_episode(i) for i in range(3)]
    assert write_episodes(path, written) == 3
    assert read_episodes(path) == written
    assert read_episodes(path)[0].won and read_episodes(path)[0].total_reward == 1.0


def test_write_appends_to_an_existing_file(tmp_path):
    path = tmp_path / "episodes.jsonl"
    write_episodes(path, [make_episode(0)])
    write_episodes(path, [make_episode(1)])
    assert [episode.seed for episode in read_episodes(path)] == [0, 1]


def test_cut_last_line_loads_complete_episodes_and_warns_once(tmp_path):
    path = tmp_path / "episodes.jsonl"
    write_episodes(path, [make_episode(i) for i in range(4)])
    text = path.read_text()
    path.write_text(text[: len(text) - 40])  # the writer died inside the fourth line
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        episodes = read_episodes(path)
    assert [episode.seed for episode in episodes] == [0, 1, 2]
    truncation = [w for w in caught if issubclass(w.category, TruncatedRecordWarning)]
    assert len(truncation) == 1
    assert "line 4" in str(truncation[0].message)


def test_corrupt_middle_line_names_its_line_number(tmp_path):
    path = tmp_path / "episodes.jsonl"
    write_episodes(path, [make_episode(i) for i in range(3)])
    lines = path.read_text().splitlines(keepends=True)
    lines[1] = lines[1][:30] + "\n"
    path.write_text("".join(lines))
    with pytest.raises(RecordError) as error:
        read_episodes(path)
    assert str(error.value) == (
        f"{path}, line 2: not valid JSON (Invalid control character, column 31); an "
        "episode file holds one JSON object per line: fix or delete that line"
    )


def test_newer_schema_version_is_refused_with_upgrade_hint(tmp_path):
    path = tmp_path / "episodes.jsonl"
    data = json.loads(make_episode(0).model_dump_json())
    data["schema_version"] = SCHEMA_VERSION + 1
    path.write_text(json.dumps(data) + "\n")
    with pytest.raises(SchemaVersionError) as error:
        read_episodes(path)
    assert str(error.value) == (
        f"{path}, line 1: episode schema_version {SCHEMA_VERSION + 1} is newer than this "
        f"protege reads ({SCHEMA_VERSION}); upgrade protege: pip install -U protege"
    )


WRITTEN_BY = "pass an episode JSONL file written by `protege rollout`, `protege eval` or a trainer"


def test_a_line_that_is_not_an_episode_is_an_error(tmp_path):
    path = tmp_path / "episodes.jsonl"
    path.write_text('{"env_id": "x", "run": 3}\n')
    with pytest.raises(RecordError) as error:
        read_episodes(path)
    assert str(error.value) == (
        f"{path}, line 1: not a protege episode (no task_id, task_type, goal; its keys: "
        f"env_id, run); {WRITTEN_BY}"
    )


def test_an_invalid_field_names_it_the_value_and_the_line(tmp_path):
    path = tmp_path / "episodes.jsonl"
    data = json.loads(make_episode(0).model_dump_json())
    data["steps"][0]["score"] = 1.5
    data["seed"] = "x"
    path.write_text(json.dumps(data) + "\n")
    with pytest.raises(RecordError) as error:
        read_episodes(path)
    assert str(error.value) == (
        f"{path}, line 1: not a valid episode: seed: Input should be a valid integer, unable "
        "to parse string as an integer (got 'x') (and 1 more problem); fix or delete that line"
    )


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (None, "no such file"),
        (b"\xff\xfe\n", "not a UTF-8 text file (byte 0)"),
        (b"[1, 2]\n", "line 1: a JSON list, not an episode object"),
    ],
)
def test_a_file_that_is_not_an_episode_file_says_what_to_pass(tmp_path, content, problem):
    path = tmp_path / "episodes.jsonl"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(RecordError) as error:
        read_episodes(path)
    separator = ", " if problem.startswith("line") else ": "
    assert str(error.value) == f"{path}{separator}{problem}; {WRITTEN_BY}"


def test_logprobs_must_align_with_action_tokens():
    with pytest.raises(ValidationError, match="action_logprobs has 1 entries for 2 action tokens"):
        Step(observation="o", action="a", action_token_ids=[1, 2], action_logprobs=[-0.1])


def test_token_spans_must_lie_inside_the_sequence():
    with pytest.raises(ValidationError, match="ends at 9, past the 4 tokens"):
        TokenSequence(token_ids=[1, 2, 3, 4], spans=[TokenSpan(step=0, start=2, end=9)])


@settings(max_examples=25, deadline=None)
@given(
    observations=st.lists(st.text(max_size=50), min_size=1, max_size=5),
    rewards=st.lists(st.floats(-10, 10, allow_nan=False), min_size=5, max_size=5),
)
def test_any_text_survives_the_round_trip(tmp_path_factory, observations, rewards):
    path = tmp_path_factory.mktemp("rt") / "episodes.jsonl"
    episode = Episode(
        env_id="e",
        task_id="t",
        task_type="k",
        goal="g",
        steps=[
            Step(observation=text, action=text[::-1], reward=reward)
            for text, reward in zip(observations, rewards, strict=False)
        ],
    )
    write_episodes(path, [episode])
    assert read_episodes(path) == [episode]

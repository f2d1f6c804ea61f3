"""protege/Code-v0: action parsing, the task suite, rewards, and the contract on both backends."""

from __future__ import annotations

import json
import re

import gymnasium as gym
import pytest

from protege.agents import ExpertAgent, play_episode
from protege.envs.code import ParseError, ToolCall, parse_action
from protege.envs.code.tasks import TASK_TYPES, load_tasks
from tests import test_env_contract as contract
from tests.sandbox.conftest import backend  # noqa: F401  (the backend fixture)

ENV_ID = "protege/Code-v0"

# ----------------------------------------------------------------- parsing (no sandbox)


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        ('{"name": "run", "arguments": {"command": "ls"}}', ToolCall("run", {"command": "ls"})),
        (
            '{"name": "read_file", "arguments": "{\\"path\\": \\"a.py\\"}"}',
            ToolCall("read_file", {"path": "a.py"}),
        ),
        (
            '<tool_call>\n{"name": "submit", "arguments": {}}\n</tool_call>',
            ToolCall("submit"),
        ),
        (
            '{"function": {"name": "python", "arguments": {"code": "1"}}}',
            ToolCall("python", {"code": "1"}),
        ),
        (
            'write_file("s.py", "def f():\\n    return 1\\n")',
            ToolCall("write_file", {"path": "s.py", "content": "def f():\n    return 1\n"}),
        ),
        (
            'write_file(path="s.py", content="""x = 1\n""")',
            ToolCall("write_file", {"path": "s.py", "content": "x = 1\n"}),
        ),
        ("run('python3 solution.py')", ToolCall("run", {"command": "python3 solution.py"})),
        ("submit()", ToolCall("submit")),
        ("  submit  ", ToolCall("submit")),
    ],
)
def test_actions_parse_in_json_and_text_forms(action: str, expected: ToolCall) -> None:
    assert parse_action(action) == expected


@pytest.mark.parametrize(
    ("action", "hint"),
    [
        ("", "The action is empty"),
        ("look around", "Could not parse"),
        ("delete_file('x')", "Unknown tool 'delete_file'"),
        ("read_file()", "read_file needs path"),
        ("run(command)", "Arguments must be literal strings"),
        ("run(42)", "Every argument of run must be a string"),
        ("submit(1)", "submit takes no arguments"),
        ('{"name": "run"', "not valid JSON"),
        ('{"arguments": {}}', 'needs a "name"'),
        ("write_file('a', 'b', extra='c')", "write_file has no argument 'extra'"),
    ],
)
def test_unparseable_actions_give_a_hint(action: str, hint: str) -> None:
    with pytest.raises(ParseError, match=re.escape(hint)) as caught:
        parse_action(action)
    assert "write_file(path, content)" in str(caught.value) or "argument" in str(caught.value)


def test_text_form_round_trips() -> None:
    call = ToolCall("write_file", {"path": "a b.py", "content": "s = '''\\n\"x\"'''\n"})
    assert parse_action(call.text()) == call


# ----------------------------------------------------------------- the task suite


def test_suite_has_150_plus_tasks_in_disjoint_splits() -> None:
    splits = {split: load_tasks(split) for split in ("train", "valid_seen", "valid_unseen")}
    ids = {split: {task.task_id for task in tasks} for split, tasks in splits.items()}
    assert sum(len(tasks) for tasks in splits.values()) >= 150
    assert all(ids.values())
    assert not ids["train"] & ids["valid_seen"]
    assert not ids["train"] & ids["valid_unseen"]
    assert not ids["valid_seen"] & ids["valid_unseen"]
    assert {task.task_type for task in splits["train"]} == set(TASK_TYPES)
    unseen_entries = {task.entry for task in splits["valid_unseen"]}
    assert not unseen_entries & {task.entry for task in splits["train"]}


def test_every_task_has_examples_hidden_tests_and_a_reference() -> None:
    for split in ("train", "valid_seen", "valid_unseen"):
        for task in load_tasks(split):
            assert task.examples and len(task.tests) >= 3, task.task_id
            assert task.entry in task.reference and task.entry in task.example_code
            assert task.entry in task.goal() and ">>>" in task.goal()
            json.dumps(task.tests)


def test_packaged_tasks_match_the_generator(tmp_path) -> None:
    from protege.tasks.code.source.build import OUT_DIR, build

    build(tmp_path)
    for split in ("train", "valid_seen", "valid_unseen"):
        packaged = (OUT_DIR / f"{split}.jsonl").read_text()
        assert (tmp_path / f"{split}.jsonl").read_text() == packaged, (
            f"{split}.jsonl is stale; run python -m protege.tasks.code.source.build"
        )


# ----------------------------------------------------------------- episodes


def _make(backend_name: str, **kwargs) -> gym.Env:
    return gym.make(ENV_ID, backend=backend_name, **kwargs)


def test_unparseable_action_costs_a_step_and_returns_a_hint(backend: str) -> None:  # noqa: F811
    env = _make(backend, max_steps=5)
    env.reset(seed=0)
    observation, reward, terminated, _, info = env.step("please solve it")
    assert "Could not parse" in observation and reward == 0 and not terminated
    assert env.unwrapped.elapsed_steps == 1 and info["backend"] == backend
    env.close()


def test_partial_solution_earns_the_fraction_of_tests_passed(backend: str) -> None:  # noqa: F811
    env = _make(backend, split="train")
    env.reset(options={"task_id": "code-is-leap-year"})
    wrong = "def is_leap_year(year):\n    return year % 4 == 0\n"
    assert (
        "Wrote"
        in env.step(ToolCall("write_file", {"path": "solution.py", "content": wrong}).text())[0]
    )
    observation, reward, terminated, _, info = env.step('{"name": "submit", "arguments": {}}')
    assert terminated and 0 < reward < 1 and not info["won"]
    assert info["score"] == pytest.approx(reward)
    assert "hidden tests passed" in observation
    env.close()


def test_observations_are_cut_and_failures_explained(backend: str) -> None:  # noqa: F811
    env = _make(backend, max_observation_chars=500)
    env.reset(seed=0)
    flood = env.step('run("yes abc | head -c 1000000")')[0]
    assert "truncated" in flood and len(flood) < 700
    memory = env.step("python(\"blocks = []\\nwhile True: blocks.append(b'x' * 10**7)\")")[0]
    assert "memory" in memory.lower()
    env.close()
    env = _make(backend, command_timeout_s=2)
    env.reset(seed=0)
    loop = env.step('python("while True: pass")')[0]
    assert "killed: the command ran past its 2 s timeout" in loop
    env.close()


def test_expert_rewrites_a_solution_the_agent_changed(backend: str) -> None:  # noqa: F811
    env = _make(backend)
    env.reset(seed=3)
    expert = env.unwrapped
    env.step(expert.expert_action())  # the reference is written
    env.step('run("echo broken > solution.py")')
    assert expert.expert_action().startswith("write_file(")
    episode = play_episode(env, ExpertAgent(), seed=3)
    assert episode.won
    env.close()


# ----------------------------------------------------------------- contract, both backends

CONTRACT_TESTS = [
    contract.test_gymnasium_check_env_passes,
    contract.test_same_seed_gives_identical_episodes,
    contract.test_expert_wins_on_every_split,
    contract.test_expert_recovers_after_random_detours,
    contract.test_random_strings_as_actions_never_raise,
    contract.test_max_steps_truncates,
]


@pytest.mark.parametrize("check", CONTRACT_TESTS, ids=lambda check: check.__name__)
def test_contract_holds_on_each_backend(check, backend: str, monkeypatch) -> None:  # noqa: F811
    settings = contract.SETTINGS[ENV_ID]
    monkeypatch.setitem(
        contract.SETTINGS,
        ENV_ID,
        contract.ContractSettings(
            seeds_per_split=settings.seeds_per_split,
            detour_allowed=settings.detour_allowed,
            random_strings=settings.random_strings,
            make_kwargs={**settings.make_kwargs, "backend": backend},
        ),
    )
    check(ENV_ID)


@pytest.mark.slow
def test_expert_solves_every_task_of_every_split() -> None:
    env = _make("local")
    for split in ("train", "valid_seen", "valid_unseen"):
        env = _make("local", split=split)
        for task in load_tasks(split):
            episode = play_episode(env, ExpertAgent(), options={"task_id": task.task_id})
            assert episode.won, f"{task.task_id}: {episode.final_observation[:300]}"
            assert episode.num_steps == 3
        env.close()

"""`protege serve` behind OpenEnv's own client: episodes equal in-process ones, sessions are
independent and bounded, and nothing a client sends kills the server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import gymnasium as gym
import pytest

pytest.importorskip("openenv")

import protege  # noqa: F401  registers the environments
from protege.envs import INFO_KEYS
from protege.integrations.openenv import ProtegeAction, ProtegeEnvClient, served

ROOT = Path(__file__).resolve().parents[2]
PLUGIN = ROOT / "examples" / "protege-plugin-example"
HOUSEHOLD = "protege/Household-v1"
MAX_SESSIONS = 3


@pytest.fixture(scope="module")
def plugin_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example plugin installed into a folder of its own (not site-packages)."""
    target = tmp_path_factory.mktemp("plugin")
    # --no-build-isolation: build with the setuptools already here, no download
    pip = [sys.executable, "-m", "pip", "install", "-q", "--no-build-isolation", "--no-deps"]
    subprocess.run([*pip, "--target", str(target), str(PLUGIN)], check=True)
    return target


@pytest.fixture(scope="module")
def household_url() -> Iterator[str]:
    with served(HOUSEHOLD, "--max-sessions", str(MAX_SESSIONS)) as url:
        yield url


@pytest.fixture(scope="module")
def plugin_url(plugin_path: Path) -> Iterator[str]:
    lights = ("example/Lights-v0", "--split", "valid_unseen")
    with served(*lights, python_path=str(plugin_path)) as url:
        yield url


def client(url: str):
    return ProtegeEnvClient(base_url=url).sync()


def assert_same_step(result, expected: tuple) -> None:
    """A client's StepResult equals an in-process ``env.step``'s five values."""
    text, reward, terminated, truncated, info = expected
    observation = result.observation
    assert observation.text == text
    assert result.reward == reward
    assert (observation.terminated, observation.truncated) == (terminated, truncated)
    assert result.done == (terminated or truncated)
    assert observation.info == info


def test_schema_and_metadata_describe_the_typed_fields(household_url):
    with urllib.request.urlopen(f"{household_url}/schema", timeout=5) as response:
        schema = json.load(response)
    assert schema["action"]["required"] == ["text"]
    fields = set(schema["observation"]["properties"])
    assert {*INFO_KEYS, "text", "reward", "done", "terminated", "truncated"} <= fields
    assert {"env_id", "split", "task_id", "step_count"} <= set(schema["state"]["properties"])
    with urllib.request.urlopen(f"{household_url}/metadata", timeout=5) as response:
        assert json.load(response)["name"] == HOUSEHOLD


def test_the_expert_wins_through_the_client(household_url):
    env = gym.make(HOUSEHOLD)
    env.reset(seed=7)
    with client(household_url) as remote:
        result = remote.reset(seed=7)
        steps = 0
        while not result.done:
            action = env.unwrapped.expert_action()
            result = remote.step(ProtegeAction(text=action))
            assert_same_step(result, env.step(action))
            steps += 1
        assert result.observation.won and result.observation.terminated
        assert result.reward == 1.0 and 0 < steps < 30
        state = remote.state()
        assert (state.step_count, state.env_id, state.task_id) == (
            steps,
            HOUSEHOLD,
            result.observation.task_id,
        )


def test_a_seeded_episode_equals_the_in_process_one_step_by_step(household_url):
    env = gym.make(HOUSEHOLD)  # the server serves the train split
    text, info = env.reset(seed=3)
    with client(household_url) as remote:
        result = remote.reset(seed=3, episode_id="episode-3")
        assert (result.observation.text, result.observation.info) == (text, info)
        assert result.reward is None and not result.done
        for step in range(60):
            # Detours (the last admissible action) and the expert's way back, mixed.
            unwrapped = env.unwrapped
            action = unwrapped.expert_action() if step % 3 else info["admissible_actions"][-1]
            expected = env.step(action)
            info = expected[4]
            assert_same_step(remote.step(action), expected)
            if expected[2] or expected[3]:
                break
        assert info["won"]
        assert remote.state().episode_id == "episode-3"


def test_a_bad_action_gets_the_environments_hint(household_url):
    env = gym.make(HOUSEHOLD)
    env.reset(seed=1)
    expected = env.step("juggle the spoons")
    with client(household_url) as remote:
        remote.reset(seed=1)
        result = remote.step("juggle the spoons")
    assert_same_step(result, expected)
    assert result.reward == 0.0 and not result.done and result.observation.text


def test_a_task_picked_by_id_and_an_unknown_one(household_url):
    env = gym.make(HOUSEHOLD)
    _, info = env.reset(seed=2)
    with client(household_url) as remote:
        result = remote.reset(options={"task_id": info["task_id"]})
        assert result.observation.task_id == info["task_id"]
        with pytest.raises(RuntimeError, match="task 'nope' is not in split 'train'"):
            remote.reset(options={"task_id": "nope"})
        with pytest.raises(RuntimeError, match=r"reset got unknown parameters \['sed'\]"):
            remote.reset(sed=2)
        assert remote.step("look").observation.task_id == info["task_id"]  # still playing


def test_malformed_messages_get_errors_and_the_server_lives_on(household_url):
    from websockets.sync.client import connect

    ws_url = household_url.replace("http", "ws") + "/ws"
    with connect(ws_url) as ws:

        def ask(message: str) -> dict:
            ws.send(message)
            return json.loads(ws.recv(timeout=10))

        assert ask("{not json")["data"]["code"] == "INVALID_JSON"
        assert ask('{"type": "dance"}')["data"]["code"] == "UNKNOWN_TYPE"
        invalid = ask('{"type": "step", "data": {"txt": "look"}}')["data"]
        assert invalid["code"] == "VALIDATION_ERROR"
        not_reset = ask('{"type": "step", "data": {"text": "look"}}')["data"]
        assert "before calling env.reset()" in not_reset["message"]
        assert ask('{"type": "reset", "data": {"seed": 4}}')["type"] == "observation"
        assert ask('{"type": "step", "data": {"text": "look"}}')["type"] == "observation"
        # Not even an object: OpenEnv answers with an error and ends this session only.
        assert ask("[1, 2]")["data"]["code"] == "SESSION_ERROR"

    with client(household_url) as remote:
        assert remote.reset(seed=4).observation.goal


def test_two_sessions_are_independent(household_url):
    envs = [gym.make(HOUSEHOLD), gym.make(HOUSEHOLD)]
    expected = [env.reset(seed=seed) for env, seed in zip(envs, (10, 11), strict=True)]
    with client(household_url) as first, client(household_url) as second:
        results = [first.reset(seed=10), second.reset(seed=11)]
        for result, (text, info) in zip(results, expected, strict=True):
            assert (result.observation.text, result.observation.info) == (text, info)
        assert results[0].observation.task_id != results[1].observation.task_id
        for _ in range(4):  # interleaved steps: each session moves only its own environment
            for remote, env in zip((first, second), envs, strict=True):
                action = env.unwrapped.expert_action()
                assert_same_step(remote.step(action), env.step(action))


def test_a_client_over_max_sessions_is_refused_until_one_leaves(household_url):
    clients = [client(household_url) for _ in range(MAX_SESSIONS)]
    try:
        for remote in clients:
            remote.reset(seed=0)
        extra = client(household_url)
        with pytest.raises(RuntimeError, match=rf"{MAX_SESSIONS}/{MAX_SESSIONS} sessions active"):
            extra.reset(seed=0)
        extra.close()
        clients.pop().close()  # its environment is closed and its slot freed
        deadline = time.monotonic() + 10
        while True:
            try:
                with client(household_url) as remote:
                    assert remote.reset(seed=0).observation.goal
                break
            except RuntimeError:
                assert time.monotonic() < deadline, "the freed slot was not reused"
                time.sleep(0.1)
    finally:
        for remote in clients:
            remote.close()


EXPERT_TRANSCRIPT = """
import json, sys
import gymnasium as gym
import protege
env = gym.make("example/Lights-v0", split="valid_unseen")
text, info = env.reset(seed=5)
steps = [{"text": text, "info": info}]
done = False
while not done:
    action = env.unwrapped.expert_action()
    text, reward, terminated, truncated, info = env.step(action)
    done = terminated or truncated
    steps.append({"action": action, "text": text, "reward": reward, "terminated": terminated,
                  "truncated": truncated, "info": info})
json.dump(steps, sys.stdout)
"""


def test_a_port_in_use_is_a_one_line_error(household_url):
    from typer.testing import CliRunner

    from protege.cli import app

    port = household_url.rsplit(":", 1)[1]
    result = CliRunner().invoke(app, ["serve", HOUSEHOLD, "--port", port])
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: cannot listen on 127.0.0.1:{port} (Address already in use); pick another "
        "--host or --port, or stop what listens there\n"
    )


def test_a_plugin_environment_is_served_and_played_like_a_built_in_one(plugin_url, plugin_path):
    # The in-process episode runs where the plugin is installed, as the server does.
    paths = [str(plugin_path), os.environ.get("PYTHONPATH", "")]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(path for path in paths if path)}
    transcript = json.loads(
        subprocess.run(
            [sys.executable, "-c", EXPERT_TRANSCRIPT],
            capture_output=True,
            text=True,
            check=True,
            env=env,
        ).stdout
    )
    first, *steps = transcript
    with client(plugin_url) as remote:
        result = remote.reset(seed=5)
        assert (result.observation.text, result.observation.info) == (first["text"], first["info"])
        for step in steps:
            result = remote.step(step["action"])
            expected = tuple(step[key] for key in ("text", "reward", "terminated", "truncated"))
            assert_same_step(result, (*expected, step["info"]))
    assert result.observation.won and result.done

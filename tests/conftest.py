import gymnasium as gym
import pytest

import protege  # noqa: F401  registers built-in and plugin environments
from protege.envs import register_env

TEST_ENV_ID = "protege-test/Counter-v0"

if TEST_ENV_ID not in gym.registry:
    register_env(TEST_ENV_ID, "tests.toy_env:CounterEnv", provider="protege tests")


@pytest.fixture
def counter_env_id() -> str:
    return TEST_ENV_ID

import os

import gymnasium as gym
import pytest

import protege  # noqa: F401  registers built-in and plugin environments
from protege.envs import register_env

# Idle OpenMP threads sleep instead of spinning; tokenizers stay single-threaded under forks.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

TEST_ENV_ID = "protege-test/Counter-v0"

if TEST_ENV_ID not in gym.registry:
    register_env(TEST_ENV_ID, "tests.toy_env:CounterEnv", provider="protege tests")


@pytest.fixture
def counter_env_id() -> str:
    return TEST_ENV_ID


@pytest.fixture(scope="session")
def tiny_model_path():
    """A tiny random Llama with SmolLM2's tokenizer, prepared once per session."""
    from protege.agents.models import prepare_tiny_model

    return prepare_tiny_model()

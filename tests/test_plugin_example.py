"""The sample third-party package installs with pip and its environment plays through protege."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "protege-plugin-example"

PLAY_THROUGH_GYMNASIUM = """
import gymnasium as gym
import protege
from protege.agents import ExpertAgent, play_episode

env = gym.make("example/Lights-v0", split="valid_unseen")
episode = play_episode(env, ExpertAgent(), seed=4)
print("WON" if episode.won else "LOST", episode.num_steps)
"""


def _pip(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "pip", "-q", *args], check=True)


@pytest.fixture(scope="module")
def installed_example():
    # --no-build-isolation: build with the setuptools already here, no download
    _pip("install", "--no-build-isolation", "--no-deps", str(EXAMPLE))
    yield
    _pip("uninstall", "-y", "protege-plugin-example")


@pytest.mark.slow
def test_installed_plugin_is_listed_and_plays_through_gymnasium_make(installed_example):
    listing = subprocess.run(
        [sys.executable, "-m", "protege.cli", "envs"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "COLUMNS": "200"},
    ).stdout
    row = next(line for line in listing.splitlines() if "example/Lights-v0" in line)
    assert "lights" in row and "protege-plugin-example" in row

    played = subprocess.run(
        [sys.executable, "-c", PLAY_THROUGH_GYMNASIUM], capture_output=True, text=True, check=True
    ).stdout
    assert played.startswith("WON")


@pytest.mark.slow
def test_installed_plugin_passes_the_environment_contract(installed_example):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            str(Path(__file__).with_name("test_env_contract.py")),
            "-k",
            "Lights",
        ],
        capture_output=True,
        text=True,
        cwd=EXAMPLE.parents[1],
    )
    assert result.returncode == 0, result.stdout[-2000:]
    contract_tests = 6  # the contract tests, each run for example/Lights-v0 only
    assert f"{contract_tests} passed" in result.stdout, result.stdout[-2000:]

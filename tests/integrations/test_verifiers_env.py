"""The protege taskset and environment in verifiers 0.4 (runs where `verifiers` is installed;
tests/integrations/test_verifiers.py runs it in the verifiers venv)."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field

import gymnasium
import pytest

vf = pytest.importorskip("verifiers.v1")

from protege.integrations.verifiers import (  # noqa: E402  after the importorskip
    ProtegeEnv,
    ProtegeEnvConfig,
    ProtegeTasksetConfig,
    load_environment,
)


@dataclass
class Segment:
    last_reply: str = ""
    terminated: bool = False


@dataclass
class ScriptedInteraction:
    """Stands in for verifiers' Interaction: replies with scripted ReAct answers."""

    replies: list[str]
    seen: list[str | None] = field(default_factory=list)
    rewards: dict[str, float] = field(default_factory=dict)

    @property
    def trace(self):
        return self

    def record_reward(self, name: str, value: float, weight: float) -> None:
        self.rewards[name] = value

    async def turn(self, message: str | None = None) -> Segment:
        self.seen.append(message)
        if not self.replies:
            return Segment(terminated=True)
        return Segment(last_reply=self.replies.pop(0))


class ScriptedAgents:
    def __init__(self, interaction: ScriptedInteraction) -> None:
        self.agent = self
        self._interaction = interaction

    @contextlib.asynccontextmanager
    async def interaction(self, task):
        yield self._interaction


def _expert_replies(task_info: dict) -> list[str]:
    import protege  # noqa: F401

    env = gymnasium.make("protege/Household-v1", split="train")
    env.reset(seed=task_info["seed"], options={"task_id": task_info["task_id"]})
    replies, done = [], False
    while not done:
        action = env.unwrapped.expert_action()
        replies.append(f"Thought: the expert would.\nAction: {action}")
        *_, terminated, truncated, _ = env.step(action)
        done = terminated or truncated
    return replies


def test_verifiers_loads_the_taskset_and_env_by_id():
    config = ProtegeEnvConfig(
        taskset=ProtegeTasksetConfig(id="protege_verifiers", num_tasks=2, max_steps=5)
    )
    env = vf.load_environment(config)
    assert type(env) is ProtegeEnv
    tasks = list(env.taskset)
    assert [t.data.name for t in tasks] == ["protege/Household-v1#0", "protege/Household-v1#1"]
    assert "Goal:" in tasks[0].data.system_prompt and "Action:" in tasks[0].data.system_prompt


def test_one_rollout_steps_the_env_with_each_reply_and_scores_the_trace():
    env = load_environment(num_tasks=1, max_steps=50)
    task = next(iter(env.taskset))
    replies = ["I am not sure.", *_expert_replies(task.data.info)]
    interaction = ScriptedInteraction(list(replies))
    asyncio.run(env.run(task, ScriptedAgents(interaction)))
    assert interaction.rewards == {"won": 1.0, "score": 1.0}
    # the unparsable first reply got the format hint, then one observation per expert step
    assert interaction.seen[0] is None and "Action:" in interaction.seen[1]
    assert len(interaction.seen) == len(replies)

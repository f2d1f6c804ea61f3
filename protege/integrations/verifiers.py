"""A protege environment as a verifiers (0.4, ``verifiers.v1``) taskset and environment.

verifiers 0.4 has no ``MultiTurnEnv`` or ``GymEnv`` any more: an environment is a *taskset*
(seeded task rows with a prompt) plus an ``Env`` whose ``run(task, agents)`` drives the agent
turn by turn, the caller playing the user. Here the protege environment plays the user, as
verifiers' own TextArena taskset does with its game engine: each assistant reply is parsed by
a protege prompt format into a command, stepped in the environment host-side, and the next
observation comes back as the user turn; the episode ends when the environment terminates or
truncates, and the trace is scored ``won`` (1/0) and ``score`` (task progress).

verifiers resolves a taskset id by importing a *top-level* module (``--env.taskset.id``), so
the id is ``protege_verifiers`` (a two-line module re-exporting these classes); which protege
environment it plays is taskset config::

    vf-eval protege_verifiers --env.taskset.env-id protege/Household-v1 \\
        --env.agent.harness.id null ...

or in Python, :func:`load_environment`. Needs ``pip install 'protege[verifiers]'``, which
pins an openai older than protege's own environment: install it in its own virtualenv.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from protege.errors import import_optional

vf = import_optional("verifiers.v1", "verifiers", "protege environments in verifiers")

from protege.agents.formats import get_format  # noqa: E402  after the one-line import check

TASKSET_ID = "protege_verifiers"
"""The module verifiers imports for this taskset (see the module docstring)."""


class ProtegeTasksetConfig(vf.TasksetConfig):
    """Which protege tasks load, under ``--env.taskset.*``."""

    env_id: str = "protege/Household-v1"
    """A protege environment id (``protege envs``)."""
    split: str = "train"
    """train, valid_seen or valid_unseen."""
    num_tasks: int = 16
    """Tasks of seeds 0 .. num_tasks-1."""
    max_steps: int = 30
    """Actions per episode before it is truncated."""
    prompt_format: str = "react"
    """How the model writes its action: react, tagged or tool_call (see protege.agents.formats)."""


class ProtegeData(vf.TaskData):
    """A task row: the seed and task id that reproduce the episode."""

    info: dict
    """``{"seed": int, "task_id": str, "task_type": str}``."""


class ProtegeTask(vf.Task[ProtegeData, vf.State, vf.TaskConfig]):
    """One protege task."""


class ProtegeEnvConfig(vf.EnvConfig):
    """The one ``agent`` seat playing a protege taskset."""

    agent: vf.AgentConfig = vf.AgentConfig()


def _make_env(config: ProtegeTasksetConfig) -> Any:
    import gymnasium

    import protege  # noqa: F401  registers the built-in environments and plugins

    return gymnasium.make(config.env_id, split=config.split, max_steps=config.max_steps)


class ProtegeEnv(vf.Env[ProtegeEnvConfig]):
    """Plays a protege environment as the agent's user, one observation per turn."""

    async def run(self, task: ProtegeTask, agents: Any) -> None:
        """Step the environment with each reply until it ends; record ``won`` and ``score``."""
        config = self.taskset.config
        prompt_format = get_format(config.prompt_format)
        env = _make_env(config)
        env.reset(seed=task.data.info["seed"], options={"task_id": task.data.info["task_id"]})
        won, score = False, 0.0
        async with agents.agent.interaction(task) as interaction:
            segment = await interaction.turn()  # the first observation is the task prompt
            while not segment.terminated:
                parsed = prompt_format.parse(segment.last_reply)
                if parsed.action is None:
                    segment = await interaction.turn(prompt_format.format_hint())
                    continue
                observation, _, terminated, truncated, info = env.step(parsed.action)
                won, score = bool(info["won"]), float(info["score"])
                if terminated or truncated:
                    break
                admissible = info.get("admissible_actions") or []
                segment = await interaction.turn(
                    prompt_format.observation_message(observation, admissible)
                )
        env.close()
        interaction.trace.record_reward("won", float(won), 1.0)
        interaction.trace.record_reward("score", score, 0.0)


class ProtegeTaskset(vf.Taskset[ProtegeTask, ProtegeTasksetConfig]):
    """The tasks of seeds ``0 .. num_tasks-1`` of a protege environment's split."""

    def load(self) -> Iterator[ProtegeTask]:
        """One task per seed: the format's system prompt and the first observation."""
        prompt_format = get_format(self.config.prompt_format)
        env = _make_env(self.config)
        for seed in range(self.config.num_tasks):
            observation, info = env.reset(seed=seed)
            admissible = info.get("admissible_actions") or []
            yield ProtegeTask(
                ProtegeData(
                    name=f"{self.config.env_id}#{seed}",
                    prompt=prompt_format.observation_message(observation, []),
                    system_prompt=prompt_format.system_prompt(info["goal"], admissible),
                    info={
                        "seed": seed,
                        "task_id": str(info["task_id"]),
                        "task_type": str(info["task_type"]),
                    },
                ),
                self.config.task,
            )
        env.close()


def load_environment(
    env_id: str = "protege/Household-v1",
    split: str = "train",
    num_tasks: int = 16,
    max_steps: int = 30,
    prompt_format: str = "react",
    **agent: Any,
) -> ProtegeEnv:
    """A verifiers ``Env`` playing ``num_tasks`` tasks of ``env_id``'s ``split``.

    ``agent`` fields go to the ``agent`` seat's ``vf.AgentConfig`` (e.g. ``harness``); by
    default the seat uses verifiers' ``null`` harness, a plain chat loop that runs no code.
    """
    taskset = ProtegeTasksetConfig(
        id=TASKSET_ID,
        env_id=env_id,
        split=split,
        num_tasks=num_tasks,
        max_steps=max_steps,
        prompt_format=prompt_format,
    )
    seat = vf.AgentConfig.model_validate({"harness": {"id": "null"}, **agent})
    return ProtegeEnv(ProtegeEnvConfig(taskset=taskset, agent=seat))

"""Train on a protege environment with TRL's ``GRPOTrainer`` (``environment_factory``).

TRL (1.16) plays multi-turn tool-calling episodes itself: for each dataset row it takes an
environment instance from ``environment_factory`` (a no-argument callable), calls
``reset(**row)`` and appends the returned text to the prompt's last user message, exposes the
instance's public methods as tools (schemas from type hints and Google-style docstrings),
runs the model's tool calls until it stops calling, and passes the instances to the reward
functions as ``environments=``. Three pieces make a protege environment fit::

    from trl import GRPOConfig, GRPOTrainer
    from protege.integrations.trl import environment_factory, reward_func, train_dataset

    trainer = GRPOTrainer(
        model=model_path,
        reward_funcs=reward_func,
        train_dataset=train_dataset("protege/Household-v1", split="train", n=64),
        environment_factory=environment_factory("protege/Household-v1", split="train"),
        args=GRPOConfig(...),
    )

The model needs a chat template that TRL can parse tool calls from (Qwen2.5/Qwen3 style, see
``trl.chat_template_utils.add_response_schema``). Tokens stay with TRL: these episodes are not
protege :class:`~protege.records.Episode` records.
"""

from __future__ import annotations

from typing import Any

from protege.errors import import_optional


class ProtegeEnvironment:
    """One protege environment as a TRL environment with a single tool, :meth:`act`.

    Why one ``act(action)`` tool, although TRL's docs advise against a generic ``step``: a
    protege action *is* a text command in the environment's own language (``go to cabinet 1``,
    ``heat mug 1 with microwave 1``, ``search[red shoes]``), whose verbs and object names differ
    per family and change every step. Splitting it into per-verb tools would copy each family's
    parser into typed schemas that still could not list the valid objects; instead every tool
    result ends with the admissible commands of that moment, which tells the model more than a
    schema would. It is also the tool protege's own ``tool_call`` prompt format uses, so
    episodes and prompts look alike across protege rollouts and TRL training.

    Subclasses made by :func:`environment_factory` set :attr:`env_id` and :attr:`make_kwargs`.
    After an episode, :attr:`won`, :attr:`score`, :attr:`reward`, :attr:`num_steps` and
    :attr:`task_id` describe it for reward functions.
    """

    env_id: str = ""
    make_kwargs: dict[str, Any] = {}  # noqa: RUF012  class-level default, replaced per subclass

    def __init__(self) -> None:
        import gymnasium

        import protege  # noqa: F401  registers the built-in environments and plugins

        self._env = gymnasium.make(self.env_id, **self.make_kwargs)
        self.task_id: str | None = None
        self.won, self.score, self.reward, self.num_steps, self.done = False, 0.0, 0.0, 0, False

    def reset(self, task_id: str | None = None, seed: int | None = None, **_: Any) -> str:
        """Start the row's task (``task_id`` and ``seed`` columns); return the first observation
        with the admissible commands, which TRL appends to the prompt."""
        options = {"task_id": task_id} if task_id is not None else None
        observation, info = self._env.reset(seed=seed, options=options)
        self.task_id = str(info["task_id"])
        self.won, self.score, self.reward, self.num_steps, self.done = False, 0.0, 0.0, 0, False
        return "\n\n" + _with_actions(observation, info)

    def act(self, action: str) -> str:
        """Send one text command to the environment and get back what happens.

        Args:
            action: One command, written like the admissible commands listed in the last
                observation, e.g. "go to cabinet 1" or "take mug 1 from countertop 2".

        Returns:
            The new observation, the admissible commands now, and whether the episode ended.
        """
        if self.done:
            raise RuntimeError("the episode is over; stop calling tools and give a final answer")
        observation, reward, terminated, truncated, info = self._env.step(action)
        self.num_steps += 1
        self.reward += float(reward)
        self.won, self.score = bool(info["won"]), float(info["score"])
        self.done = terminated or truncated
        if self.done:
            outcome = "the goal is reached" if self.won else "the goal was not reached"
            return f"{observation}\n\nThe episode is over: {outcome}."
        return _with_actions(observation, info)


def _with_actions(observation: str, info: dict[str, Any]) -> str:
    admissible = info.get("admissible_actions") or []
    if not admissible:
        return observation
    return f"{observation}\n\nAdmissible commands: {', '.join(admissible)}"


def environment_factory(
    env_id: str, split: str = "train", max_steps: int | None = None, **make_kwargs: Any
) -> type[ProtegeEnvironment]:
    """A :class:`ProtegeEnvironment` subclass bound to ``gymnasium.make(env_id, split=split,
    max_steps=max_steps, **make_kwargs)``: pass it as ``GRPOTrainer(environment_factory=...)``
    (TRL calls it with no arguments, once per concurrent rollout)."""
    kwargs = {"split": split, **make_kwargs}
    if max_steps is not None:
        kwargs["max_steps"] = max_steps
    name = env_id.split("/")[-1].replace("-", "_")
    return type(f"Protege_{name}", (ProtegeEnvironment,), {"env_id": env_id, "make_kwargs": kwargs})


def train_dataset(env_id: str, split: str = "train", n: int = 64, seed: int = 0) -> Any:
    """A ``datasets.Dataset`` of ``n`` task rows, the tasks of seeds ``seed .. seed+n-1``.

    Columns: ``prompt`` (one user message: the goal and how to act; the environment's first
    observation is appended by ``reset``), ``task_id``, ``task_type`` and ``seed``.
    """
    import gymnasium

    import protege  # noqa: F401

    datasets = import_optional("datasets", "trl", "training protege environments with TRL")
    env = gymnasium.make(env_id, split=split)
    rows = []
    for task_seed in range(seed, seed + n):
        _, info = env.reset(seed=task_seed)
        instruction = (
            f"You are an agent in a text environment. Goal: {info['goal']}\n"
            "Act by calling the `act` tool with one command at a time, chosen from the "
            "admissible commands, until the goal is reached."
        )
        rows.append(
            {
                "prompt": [{"role": "user", "content": instruction}],
                "task_id": str(info["task_id"]),
                "task_type": str(info["task_type"]),
                "seed": task_seed,
            }
        )
    env.close()
    return datasets.Dataset.from_list(rows)


def reward_func(environments: list[ProtegeEnvironment], **_: Any) -> list[float]:
    """GRPO reward per rollout: 1 when the episode was won, else its task progress (score)."""
    return [1.0 if env.won else env.score for env in environments]

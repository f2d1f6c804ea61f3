"""Rollouts with environments in Ray actors, and optionally the policy in its own actor.

:class:`RayRolloutEngine` is :class:`~protege.agents.rollout.RolloutEngine` over a
:class:`RayEnvPool`: ``num_workers`` actors each host a share of the slots (slot ``i`` lives
on worker ``i % num_workers``), and each turn's resets and steps go to all workers at once.
The engine loop, the prompt format, the token records and the policy call are the local
engine's, so with the same seeds the expert and the (per-episode seeded) random policy give
the same episodes as the local engine.

:class:`RayPolicy` hosts any policy spec (``hf:PATH``, ...) in an actor (with GPUs if asked);
the driver keeps only the tokenizer, to build token-exact contexts.

``ray`` is imported when an engine or policy is built; a missing ``ray`` is a one-line error.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import gymnasium as gym

from protege.agents.envpool import EnvGroup, EnvPool, EnvResult
from protege.agents.policies import Generation, Policy, PolicyInput, policy_from_spec
from protege.agents.rollout import RolloutEngine
from protege.errors import missing_dependency


def import_ray() -> Any:
    """``import ray``, or a one-line :class:`~protege.errors.MissingDependencyError`."""
    try:
        import ray
    except ImportError:
        raise missing_dependency("ray", "ray", "Ray rollouts") from None
    return ray


def ensure_ray(address: str | None = None, num_cpus: int | None = None) -> Any:
    """Connect to ``address`` or start a local Ray cluster, unless Ray is already running."""
    ray = import_ray()
    if not ray.is_initialized():
        ray.init(
            address=address,
            num_cpus=num_cpus,
            include_dashboard=False,
            log_to_driver=False,
            configure_logging=False,
        )
    return ray


class RayEnvPool(EnvPool):
    """``size`` environments spread over ``num_workers`` Ray actors.

    Args:
        env_id, size, env_kwargs: as for the local pool.
        num_workers: how many actors.
        cpus_per_worker: the CPU share each actor reserves (environments are light).
    """

    def __init__(
        self,
        env_id: str,
        size: int,
        env_kwargs: dict[str, Any] | None = None,
        num_workers: int = 2,
        cpus_per_worker: float = 0.0,
    ) -> None:
        ray = ensure_ray()
        self.ray = ray
        self.size = size
        self.num_workers = max(1, min(num_workers, size))
        entry_point = gym.registry[env_id].entry_point if env_id in gym.registry else None
        remote_group = ray.remote(_RemoteEnvGroup).options(num_cpus=cpus_per_worker)
        self.workers = [
            remote_group.remote(
                env_id,
                list(range(worker, size, self.num_workers)),
                env_kwargs or {},
                entry_point if isinstance(entry_point, str) else None,
            )
            for worker in range(self.num_workers)
        ]

    def reset(
        self, requests: Sequence[tuple[int, int | None, dict[str, Any] | None]], with_expert: bool
    ) -> list[EnvResult]:
        return self._fan_out("reset", list(requests), with_expert)

    def step(self, requests: Sequence[tuple[int, str]], with_expert: bool) -> list[EnvResult]:
        return self._fan_out("step", list(requests), with_expert)

    def close(self) -> None:
        self.ray.get([worker.close.remote() for worker in self.workers])
        for worker in self.workers:
            self.ray.kill(worker)

    def _fan_out(self, method: str, requests: list[tuple], with_expert: bool) -> list[EnvResult]:
        """Send each worker its share of the requests at once; answers in request order."""
        shares: dict[int, list[int]] = {}
        for index, request in enumerate(requests):
            shares.setdefault(request[0] % self.num_workers, []).append(index)
        futures = {
            worker: getattr(self.workers[worker], method).remote(
                [requests[i] for i in indices], with_expert
            )
            for worker, indices in shares.items()
        }
        out: list[EnvResult | None] = [None] * len(requests)
        for worker, indices in shares.items():
            for index, result in zip(indices, self.ray.get(futures[worker]), strict=True):
                out[index] = result
        return out  # type: ignore[return-value]


class _RemoteEnvGroup(EnvGroup):
    """An :class:`EnvGroup` that registers a test or plugin id missing in the actor's process."""

    def __init__(
        self,
        env_id: str,
        slots: Sequence[int],
        env_kwargs: dict[str, Any],
        entry_point: str | None,
    ) -> None:
        import protege  # noqa: F401  registers built-in and plugin environments

        if env_id not in gym.registry and entry_point is not None:
            from protege.envs import register_env

            register_env(env_id, entry_point, provider="ray driver")
        super().__init__(env_id, slots, env_kwargs)


class _PolicyHost:
    """Holds a policy inside a Ray actor."""

    def __init__(self, spec: str, options: dict[str, Any]) -> None:
        self.policy = policy_from_spec(spec, **options)

    def info(self) -> tuple[str, bool, str | None]:
        tokenizer = self.policy.tokenizer
        path = getattr(self.policy, "model_path", None) if tokenizer is not None else None
        return self.policy.name, self.policy.needs_expert, None if path is None else str(path)

    def describe(self) -> dict[str, Any]:
        return self.policy.describe()

    def generate(self, inputs: list[PolicyInput]) -> list[Generation]:
        return self.policy.generate(inputs)

    def close(self) -> None:
        self.policy.close()


class RayPolicy(Policy):
    """A policy spec (``expert``, ``random``, ``hf:PATH``, ...) served by its own Ray actor.

    Args:
        spec: as for :func:`~protege.agents.policies.policy_from_spec`.
        num_cpus, num_gpus: the actor's resources.
        options: the backend's constructor arguments.
    """

    def __init__(self, spec: str, *, num_cpus: float = 1.0, num_gpus: float = 0.0, **options: Any):
        ray = ensure_ray()
        self.ray = ray
        host = ray.remote(_PolicyHost).options(num_cpus=num_cpus, num_gpus=num_gpus)
        self.actor = host.remote(spec, options)
        self.name, self.needs_expert, tokenizer_path = ray.get(self.actor.info.remote())
        self.tokenizer = None
        if tokenizer_path is not None:
            from transformers import AutoTokenizer

            self.tokenizer = AutoTokenizer.from_pretrained(tokenizer_path)
        self._settings: dict[str, Any] = ray.get(self.actor.describe.remote())

    def generate(self, inputs: Sequence[PolicyInput]) -> list[Generation]:
        return self.ray.get(self.actor.generate.remote(list(inputs)))

    def describe(self) -> dict[str, Any]:
        return dict(self._settings)

    def close(self) -> None:
        self.ray.get(self.actor.close.remote())
        self.ray.kill(self.actor)


class RayRolloutEngine(RolloutEngine):
    """:class:`RolloutEngine` with its environments hosted by ``num_workers`` Ray actors.

    Takes the local engine's arguments plus ``num_workers`` and ``cpus_per_worker``; pass a
    :class:`RayPolicy` to run the policy in its own actor too.
    """

    def __init__(
        self,
        env_id: str,
        policy: Policy,
        *,
        num_workers: int = 2,
        cpus_per_worker: float = 0.0,
        num_envs: int = 16,
        max_steps: int | None = None,
        split: str = "train",
        task_type: str | None = None,
        env_kwargs: dict[str, Any] | None = None,
        **engine_options: Any,
    ) -> None:
        kwargs = {"split": split, "task_type": task_type, **(env_kwargs or {})}
        if max_steps is not None:
            kwargs["max_steps"] = max_steps
        pool = RayEnvPool(env_id, num_envs, kwargs, num_workers, cpus_per_worker)
        super().__init__(
            env_id,
            policy,
            num_envs=num_envs,
            max_steps=max_steps,
            split=split,
            task_type=task_type,
            env_kwargs=env_kwargs,
            pool=pool,
            **engine_options,
        )

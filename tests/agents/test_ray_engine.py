"""Ray rollouts on a local cluster agree with the local engine on seeded episodes."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.ray
ray = pytest.importorskip("ray", reason="ray is not installed: pip install 'protege[ray]'")

from protege.agents.policies import ExpertPolicy, RandomPolicy  # noqa: E402
from protege.agents.ray_engine import RayPolicy, RayRolloutEngine  # noqa: E402
from protege.agents.rollout import RolloutEngine  # noqa: E402


@pytest.fixture(scope="module")
def local_ray():
    import os

    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    ray.init(
        num_cpus=2,
        include_dashboard=False,
        log_to_driver=False,
        runtime_env={"env_vars": {"PYTHONPATH": root, "OMP_NUM_THREADS": "1"}},
    )
    yield
    ray.shutdown()


def _dump(episodes):
    return [episode.model_dump() for episode in episodes]


@pytest.mark.parametrize("make_policy", [ExpertPolicy, lambda: RandomPolicy(seed=7)])
def test_ray_and_local_engines_give_the_same_episodes(local_ray, counter_env_id, make_policy):
    settings = {"num_envs": 4, "max_steps": 6, "split": "valid_unseen"}
    local = RolloutEngine(counter_env_id, make_policy(), **settings).run(10, progress=False)
    engine = RayRolloutEngine(counter_env_id, make_policy(), num_workers=2, **settings)
    try:
        remote = engine.run(10, progress=False)
    finally:
        engine.close()
    assert _dump(remote) == _dump(local)


def test_a_policy_in_its_own_actor(local_ray, counter_env_id, tmp_path):
    settings = {"num_envs": 3, "max_steps": 6}
    local = RolloutEngine(counter_env_id, RandomPolicy(seed=1), **settings).run(5, progress=False)
    policy = RayPolicy("random", seed=1)
    engine = RayRolloutEngine(counter_env_id, policy, num_workers=2, **settings)
    try:
        remote = engine.run(5, output=tmp_path / "e.jsonl", progress=False)
    finally:
        engine.close()
        policy.close()
    assert _dump(remote) == _dump(local)

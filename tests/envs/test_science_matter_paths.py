"""Science-v1's state-of-matter tasks as ScienceWorld sets them up and plays them: water is
fetched from a sink, the thermometer lies in the kitchen and is read while waiting, and the
expert's path is about as long as the real gold path."""

from __future__ import annotations

import pytest

from protege.envs.science import ScienceEnv
from protege.envs.science.physics import SINK_WATER_TEMPERATURE

REAL_GOLD_LENGTH = {
    "boil": 39,
    "melt": 34,
    "freeze": 26,
    "change-the-state-of-matter-of": 26,
}
"""ScienceWorld 1.2.3's gold path for variation 0 (``generateGoldPath=True``)."""


def _expert_path(env: ScienceEnv, task_id: str) -> tuple[list[str], list[str], dict]:
    _, info = env.reset(options={"task_id": task_id})
    actions, observations, done = [], [], False
    while not done:
        action = env.expert_action()
        observation, _, terminated, truncated, info = env.step(action)
        actions.append(action)
        observations.append(observation)
        done = terminated or truncated
    return actions, observations, info


def _walk_to_kitchen(env: ScienceEnv) -> None:
    for action in ("open door to hallway", "go to hallway", "open door to kitchen"):
        env.step(action)
    env.step("go to kitchen")
    assert env.world.agent_room == "kitchen"


def test_water_is_fetched_from_the_kitchen_sink_into_the_metal_pot() -> None:
    env = ScienceEnv()
    env.reset(options={"task_id": "boil-0"})
    assert not [t for t in env.world.things if t.material == "water" and t.parent.name != "bucket"]
    if env.world.agent_room != "kitchen":
        _walk_to_kitchen(env)
    for action in ("open cupboard", "move metal pot to sink"):
        env.step(action)
    observation, *_ = env.step("activate sink")
    assert observation == "The sink is now activated."
    env.step("deactivate sink")
    observation, *_ = env.step("pick up metal pot")
    assert observation == "You move the metal pot to the inventory."
    pot = env.world.find("metal pot")
    assert [thing.name for thing in pot.contents] == ["water"]
    assert pot.contents[0].temperature < 20
    observation, _, _, _, info = env.step("focus on water")
    assert observation == "You focus on the water."
    assert info["raw_score"] == 70


def test_the_thermometer_lies_in_the_kitchen_and_reads_like_scienceworld() -> None:
    env = ScienceEnv()
    env.reset(options={"task_id": "freeze-0"})
    thermometer = env.world.find("thermometer")
    assert env.world.room_of(thermometer) == "kitchen"
    if env.world.agent_room != "kitchen":
        _walk_to_kitchen(env)
    env.step("pick up thermometer")
    for action in ("open cupboard", "move metal pot to sink", "activate sink", "deactivate sink"):
        env.step(action)
    env.step("pick up metal pot")
    observation, *_ = env.step("use thermometer in inventory on substance in metal pot")
    assert observation.startswith("the thermometer measures a temperature of ")
    assert observation.endswith(" degrees celsius")
    degrees = int(observation.split()[-3])
    assert SINK_WATER_TEMPERATURE <= degrees < 20


@pytest.mark.parametrize("task_type", sorted(REAL_GOLD_LENGTH))
def test_expert_path_follows_the_gold_path_and_is_about_as_long(task_type: str) -> None:
    env = ScienceEnv(max_steps=200)
    actions, observations, info = _expert_path(env, f"{task_type}-0")
    assert info["won"] and info["raw_score"] == 100
    real = REAL_GOLD_LENGTH[task_type]
    assert 0.7 * real <= len(actions) <= 1.3 * real, (len(actions), real, actions)
    order = [
        next(i for i, a in enumerate(actions) if a.startswith(prefix))
        for prefix in ("pick up thermometer", "activate sink", "focus on", "use thermometer")
    ]
    assert order == sorted(order), actions
    readings = [o for o in observations if o.startswith("the thermometer measures")]
    assert len(readings) >= 3  # the temperature is watched, not just waited out

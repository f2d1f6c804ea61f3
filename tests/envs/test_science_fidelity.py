"""Science-v1 against ScienceWorld's interface: task names, templates, naming, the numbered
disambiguation prompt, score weights, the failure score and the new task types."""

from __future__ import annotations

import pytest

from protege.envs.science import ScienceEnv
from protege.envs.science.actions import AMBIGUOUS, TEMPLATES
from protege.envs.science.tasks import TASK_TYPES, task_ids

SCIENCEWORLD_TASKS = (
    "boil", "change-the-state-of-matter-of", "chemistry-mix", "chemistry-mix-paint-secondary-color",
    "chemistry-mix-paint-tertiary-color", "find-animal", "find-living-thing",
    "find-non-living-thing", "find-plant", "freeze", "grow-fruit", "grow-plant",
    "identify-life-stages-1", "identify-life-stages-2", "inclined-plane-determine-angle",
    "inclined-plane-friction-named-surfaces", "inclined-plane-friction-unnamed-surfaces",
    "lifespan-longest-lived", "lifespan-longest-lived-then-shortest-lived",
    "lifespan-shortest-lived", "measure-melting-point-known-substance",
    "measure-melting-point-unknown-substance", "melt", "mendelian-genetics-known-plant",
    "mendelian-genetics-unknown-plant", "power-component",
    "power-component-renewable-vs-nonrenewable-energy", "test-conductivity",
    "test-conductivity-of-unknown-substances", "use-thermometer",
)  # fmt: skip
"""``ScienceWorldEnv.get_task_names()``, scienceworld 1.2.3."""
SCIENCEWORLD_TEMPLATES = (
    "activate OBJ", "close OBJ", "connect OBJ to OBJ", "deactivate OBJ", "disconnect OBJ",
    "dunk OBJ in OBJ", "eat OBJ", "flush OBJ", "focus on OBJ", "go OBJ", "inventory",
    "look around", "look at OBJ", "look in OBJ", "mix OBJ", "move OBJ to OBJ", "open OBJ",
    "pick up OBJ", "pour OBJ in OBJ", "put down OBJ", "read OBJ", "reset task", "task",
    "use OBJ on OBJ", "wait", "wait1",
)  # fmt: skip
"""``ScienceWorldEnv.get_possible_actions()``, scienceworld 1.2.3."""


def _expert_until(env: ScienceEnv, condition) -> dict:
    info: dict = {}
    for _ in range(300):
        if condition():
            return info
        _, _, terminated, truncated, info = env.step(env.expert_action())
        assert not (terminated or truncated)
    raise AssertionError("condition never held")


def test_task_types_are_scienceworlds_30_names() -> None:
    assert sorted(TASK_TYPES) == sorted(SCIENCEWORLD_TASKS)


def test_command_templates_are_scienceworlds() -> None:
    assert sorted(TEMPLATES) == sorted(SCIENCEWORLD_TEMPLATES)


NEW_TYPES = (
    "chemistry-mix",
    "chemistry-mix-paint-tertiary-color",
    "grow-fruit",
    "inclined-plane-determine-angle",
    "inclined-plane-friction-named-surfaces",
    "inclined-plane-friction-unnamed-surfaces",
    "lifespan-longest-lived-then-shortest-lived",
    "measure-melting-point-unknown-substance",
    "mendelian-genetics-known-plant",
    "mendelian-genetics-unknown-plant",
    "test-conductivity-of-unknown-substances",
)


@pytest.mark.parametrize("task_type", NEW_TYPES)
def test_the_expert_solves_each_new_task_type_on_valid_unseen(task_type: str) -> None:
    env = ScienceEnv(split="valid_unseen", max_steps=300)
    for task_id in [i for i in task_ids("valid_unseen") if i.rsplit("-", 1)[0] == task_type]:
        env.reset(options={"task_id": task_id})
        done, info = False, {}
        while not done:
            _, _, terminated, truncated, info = env.step(env.expert_action())
            done = terminated or truncated
        assert info["won"] and info["raw_score"] == 100, task_id


def test_descriptions_are_phrased_as_scienceworld_phrases_them() -> None:
    env = ScienceEnv()
    env.reset(options={"task_id": "lifespan-longest-lived-then-shortest-lived-0"})
    assert env.task.goal == (
        "Your task is to find the animal with the longest life span, then the shortest life "
        "span. First, focus on the animal with the longest life span.  Then, focus on the "
        "animal with the shortest life span. The animals are in the 'outside' location."
    )
    env.reset(options={"task_id": "inclined-plane-friction-named-surfaces-0"})
    assert env.task.goal == (
        "Your task is to determine which of the two inclined planes (steel, glass) has the most "
        "friction. After completing your experiment, focus on the inclined plane with the most "
        "friction."
    )


def test_boil_awards_scienceworlds_uneven_points_and_fails_at_minus_100() -> None:
    env = ScienceEnv()
    env.reset(options={"task_id": "boil-0"})
    info = _expert_until(env, lambda: bool(env.task.focused))
    assert info["raw_score"] == 70 and info["score"] == 0.7  # the focus is worth 70, not 33
    _, reward, terminated, _, info = env.step("focus on table")  # a second, wrong focus
    assert terminated and info["raw_score"] == -100 and info["score"] == 0.0
    assert reward == pytest.approx(-0.7)


def test_things_answer_to_scienceworlds_referents() -> None:
    env = ScienceEnv()
    env.reset(options={"task_id": "use-thermometer-0"})
    thermometer = env.task.data["thermometer"]
    _expert_until(env, lambda: env.world.in_inventory(thermometer))
    assert env.step("look at thermometer in inventory")[0].startswith("A thermometer")
    env.reset(options={"task_id": "boil-0"})  # the water is fetched from the sink, then focused
    _expert_until(env, lambda: bool(env.task.focused))
    sample = env.task.focused[0]
    assert env.world.agent_room == env.world.room_of(sample)
    observation = env.step(f"look at substance in {sample.parent.name}")[0]
    assert observation == "A substance called water. It is in the liquid state."


def test_an_ambiguous_name_gets_the_numbered_prompt_and_a_number_answers_it() -> None:
    env = ScienceEnv()
    env.reset(options={"task_id": "grow-fruit-0"})
    jar = next(t for t in env.world.things if t.name == "seed jar")
    env.world.move(jar, env.world.inventory)  # as ScienceWorld's gold path: carry the jar over
    env.world.agent_room = "greenhouse"
    observation, reward, terminated, _, _ = env.step("move apple seed to flower pot 2")
    lines = observation.split("\n")
    assert lines[0] == AMBIGUOUS and len(lines) == 4 and reward == 0 and not terminated
    assert lines[1] == (
        "0:\tmove apple seed (in seed jar, in inventory, in agent, in greenhouse) to "
        "flower pot 2 (in greenhouse)"
    )
    assert env.step("1")[0] == "You move the apple seed to the flower pot 2."
    pot = next(t for t in env.world.things if t.name == "flower pot 2")
    assert sum(item.name == "apple seed" for item in pot.contents) == 1
    assert env.step("1")[0].startswith("No known action")  # the prompt is answered only once


def test_new_templates_eat_flush_dunk_reset_task_and_go() -> None:
    env = ScienceEnv()
    env.reset(options={"task_id": "boil-0"})
    assert env.step("flush table")[0] == "The table can't be flushed."
    assert env.step("eat table")[0] == "The table is not edible."
    assert env.step("go hallway")[0] in (
        "The door to the hallway is closed.",
        "You move to the hallway.",
    )
    env.step("open door to hallway")
    assert env.step("go door to hallway")[0] == "You move to the hallway."
    observation, _, terminated, _, info = env.step("reset task")
    assert not terminated and env.world.agent_room == "workshop" and info["raw_score"] == 0
    assert "This room is called the workshop" in observation


def test_a_block_slides_faster_down_the_steeper_plane() -> None:
    env = ScienceEnv()
    env.reset(options={"task_id": "inclined-plane-determine-angle-0"})
    steep, shallow = sorted(env.task.data["planes"], key=lambda p: -(p.angle or 0))
    block = env.world.find("block")
    times = []
    for plane in (steep, shallow):
        env.world.move(block, plane)
        env.world.slides[block.uid] = 0.0
        ticks = 0
        while env.world.slides[block.uid] < 100:
            env._tick()
            ticks += 1
        times.append(ticks)
    assert times[0] < times[1]

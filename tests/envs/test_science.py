"""Science-v1: physics, circuits, biology, parser, focus semantics, scoring and splits."""

from __future__ import annotations

import subprocess
import sys

import gymnasium as gym
import pytest

from protege.envs.science import ScienceEnv
from protege.envs.science import electricity as elec
from protege.envs.science.actions import UNKNOWN, apply
from protege.envs.science.biology import make_plant
from protege.envs.science.house import build_house
from protege.envs.science.physics import heat_tick, make_substance, set_temperature
from protege.envs.science.tasks import TASK_TYPES, split_range, task_ids, variations
from protege.envs.science.tasks.base import furniture_in
from protege.envs.science.tasks.electric import battery, part, solar_panel
from protege.envs.science.world import Thing, World

# ---------------------------------------------------------------------- physics


def _heat_until_state_changes(world: World, sample: Thing) -> list[tuple[float, str]]:
    """(temperature, state) after each tick until the state changes."""
    trace = [(sample.temperature, sample.state or "")]
    for _ in range(500):
        heat_tick(world)
        trace.append((sample.temperature, sample.state or ""))
        if trace[-1][1] != trace[0][1]:
            break
    return trace


def test_water_boils_at_100_degrees_on_the_stove() -> None:
    world = build_house()
    stove = furniture_in(world, "kitchen", "stove")
    pot = world.add(Thing("pot", kind="container", container=True), stove)
    water = world.add(make_substance("water"), pot)
    stove.active = True
    trace = _heat_until_state_changes(world, water)
    (before, before_state), (after, after_state) = trace[-2], trace[-1]
    assert (before_state, after_state) == ("liquid", "gas")
    assert before < 100 <= after
    assert water.name == "steam"


def test_water_freezes_at_0_degrees_in_the_freezer() -> None:
    world = build_house()
    freezer = furniture_in(world, "kitchen", "freezer")
    cup = world.add(Thing("cup", kind="container", container=True), freezer)
    water = world.add(make_substance("water"), cup)
    trace = _heat_until_state_changes(world, water)
    (before, before_state), (after, after_state) = trace[-2], trace[-1]
    assert (before_state, after_state) == ("liquid", "solid")
    assert before > 0 >= after
    assert water.name == "ice"


def test_state_of_matter_thresholds_for_water() -> None:
    water = make_substance("water")
    expected = {-5: "solid", 0: "solid", 0.5: "liquid", 99.9: "liquid", 100: "gas", 130: "gas"}
    for temperature, state in expected.items():
        set_temperature(water, temperature)
        assert water.state == state, temperature
    assert water.name == "steam"


def test_things_settle_at_room_temperature_when_the_heater_is_off() -> None:
    world = build_house()
    counter = furniture_in(world, "kitchen", "counter")
    lead = world.add(make_substance("lead", 500.0), counter)
    assert lead.state == "liquid"
    for _ in range(200):
        heat_tick(world)
    assert lead.temperature == 20.0 and lead.state == "solid"
    assert not heat_tick(world)  # settled: nothing left to exchange


def test_a_lit_fire_pit_heats_what_is_in_it_and_the_thermometer_reads_it() -> None:
    world = build_house()
    world.agent_room = "outside"
    world.move(world.find("lighter"), world.inventory)
    tin = world.add(make_substance("tin"), furniture_in(world, "outside", "fire pit"))
    assert (
        apply(world, "use lighter on fire pit", "").text == "The wood in the fire pit catches fire."
    )
    for _ in range(30):
        heat_tick(world)
    assert tin.state == "liquid" and tin.name == "liquid tin"
    world.move(world.add(Thing("thermometer"), "outside"), world.inventory)
    reading = apply(world, "use thermometer on liquid tin", "").text
    assert (
        reading
        == f"the thermometer measures a temperature of {round(tin.temperature)} degrees celsius"
    )
    assert world.readings[tin.uid] == round(tin.temperature)


# ---------------------------------------------------------------------- electricity


def _workbench() -> tuple[World, Thing, Thing, Thing]:
    world = build_house()
    bench = furniture_in(world, "workshop", "table")
    return (
        world,
        world.add(battery(), bench),
        world.add(part("light bulb", load=True), bench),
        bench,
    )


def test_closed_circuit_through_a_conductor_lights_the_bulb() -> None:
    world, cell, bulb, bench = _workbench()
    fork = world.add(part("metal fork", conductive=True), bench)
    elec.connect(world, cell, "anode", bulb, "terminal 1")
    elec.connect(world, bulb, "terminal 2", fork, "terminal 1")
    assert bulb.uid not in elec.powered_loads(world)  # still open
    elec.connect(world, fork, "terminal 2", cell, "cathode")
    assert bulb.uid in elec.powered_loads(world)
    assert elec.tests_conductivity(world, fork)


def test_open_circuit_or_insulator_leaves_the_bulb_off() -> None:
    world, cell, bulb, bench = _workbench()
    spoon = world.add(part("wooden spoon", conductive=False), bench)
    elec.connect(world, cell, "anode", bulb, "terminal 1")
    elec.connect(world, bulb, "terminal 2", spoon, "terminal 1")
    elec.connect(world, spoon, "terminal 2", cell, "cathode")
    assert bulb.uid not in elec.powered_loads(world)
    assert elec.tests_conductivity(world, spoon)  # the circuit does test the spoon
    world.unwire(spoon)
    assert not elec.tests_conductivity(world, spoon)


def test_moving_a_component_disconnects_it() -> None:
    world, cell, bulb, _ = _workbench()
    elec.connect(world, cell, "anode", bulb, "terminal 1")
    elec.connect(world, cell, "cathode", bulb, "terminal 2")
    assert bulb.uid in elec.powered_loads(world)
    world.move(bulb, world.inventory)
    assert bulb.uid not in elec.powered_loads(world) and not world.connections


def test_solar_panel_works_only_outside() -> None:
    world = build_house()
    panel = world.add(solar_panel(), "workshop")
    motor = world.add(part("electric motor", load=True), "workshop")
    elec.connect(world, panel, "anode", motor, "terminal 1")
    elec.connect(world, panel, "cathode", motor, "terminal 2")
    assert elec.powered_by(world, motor) == set()
    world.move(panel, world.rooms["outside"])
    world.move(motor, world.rooms["outside"])
    elec.connect(world, panel, "anode", motor, "terminal 1")
    elec.connect(world, panel, "cathode", motor, "terminal 2")
    assert elec.powered_by(world, motor) == {"renewable"}


# ---------------------------------------------------------------------- biology and chemistry


def test_a_watered_seed_grows_through_its_life_stages() -> None:
    env = ScienceEnv()
    env.reset(options={"task_id": "grow-plant-0"})
    seed = env.task.data["seed"]
    pot = env.world.find("flower pot 1")
    sink = furniture_in(env.world, "greenhouse", "sink")
    env.world.move(seed, pot)
    stages = []
    for _ in range(40):
        env._tick()
        stages.append(seed.stage)
    assert stages[-1] == 0  # no water: no growth
    env.world.move(pot, sink)
    sink.active = True
    for _ in range(40):
        env._tick()
        stages.append(seed.stage)
    assert sorted(set(stages)) == [0, 1, 2, 3] and stages == sorted(stages)
    assert seed.name == "apple plant in the reproducing stage"


def test_letting_a_plant_pass_a_stage_unfocused_fails_identify_life_stages_2() -> None:
    env = ScienceEnv()
    env.reset(options={"task_id": "identify-life-stages-2-0"})
    while env.expert_action() != "wait1":  # focus on the seed, plant it, water it
        env.step(env.expert_action())
    assert len(env.task.focused) == 1 and not env.task.failed
    env.step("wait")  # 10 ticks: a seedling (at 6 growth), not focused yet
    assert env.task.data["seed"].stage == 1 and not env.task.failed
    observation, _, terminated, _, info = env.step("wait")  # an adult (at 16) next
    assert terminated and info["score"] == 0.0
    assert "grew past its seedling stage before you focused on it" in observation


def test_mixing_red_and_yellow_paint_makes_orange_paint() -> None:
    world = build_house()
    bowl = world.add(Thing("bowl", kind="container", container=True), "art studio")
    world.add(make_substance("red paint"), bowl)
    world.add(make_substance("yellow paint"), bowl)
    world.agent_room = "art studio"
    assert apply(world, "mix bowl", "").text == "The bowl now contains orange paint."
    assert [item.name for item in bowl.contents] == ["orange paint"]
    assert make_plant("pea").name == "pea seed"


# ---------------------------------------------------------------------- parser and episodes


def test_unknown_commands_take_no_time_and_give_the_templates() -> None:
    env = ScienceEnv()
    env.reset(options={"task_id": "boil-0"})
    observation, reward, terminated, _truncated, _info = env.step("dance wildly")
    assert observation == UNKNOWN and reward == 0 and not terminated and env.world.time == 0
    assert env.step("pick up unicorn")[0] == "There is no unicorn here. Try 'look around'."


def test_every_admissible_action_parses_and_applies() -> None:
    env = ScienceEnv()
    for task_id in (
        "test-conductivity-0",
        "use-thermometer-0",
        "chemistry-mix-paint-secondary-color-0",
    ):
        env.reset(options={"task_id": task_id})
        while (
            env.world.agent_room not in ("workshop", "kitchen", "art studio")
            or not env.task.focused
        ):
            env.step(env.expert_action())
        actions = env.admissible_actions()
        assert len(actions) == len(set(actions)) and len(actions) < 400
        for action in actions:
            env.reset(options={"task_id": task_id})
            while (
                env.world.agent_room not in ("workshop", "kitchen", "art studio")
                or not env.task.focused
            ):
                env.step(env.expert_action())
            observation = env.step(action)[0]
            assert observation != UNKNOWN and "There is no" not in observation, action
            assert "I don't see both" not in observation, action


def test_the_room_is_described_like_scienceworld() -> None:
    observation, _info = ScienceEnv().reset(options={"task_id": "boil-0"})
    assert observation.startswith(
        "Your task is to boil water. For compounds without a boiling point, combusting the "
        "substance is also acceptable. First, focus on the substance."
    )
    assert "This room is called the workshop. In it, you see: \n\tthe agent\n" in observation
    assert "You also see:\n\tA door to the hallway (that is closed)" in observation


def test_focusing_on_the_wrong_thing_fails_the_task() -> None:
    env = ScienceEnv()
    env.reset(options={"task_id": "lifespan-longest-lived-0"})
    while env.world.agent_room != "outside":
        env.step(env.expert_action())
    answer = env.task.data["answers"][0]
    wrong = next(
        t for t in env.world.rooms["outside"].contents if t.kind == "animal" and t is not answer
    )
    observation, reward, terminated, truncated, info = env.step(f"focus on {wrong.name}")
    assert terminated and not truncated and info["score"] == 0.0 and not info["won"]
    assert reward == -0.35  # the score was 35 (in the right place, as ScienceWorld), now 0
    assert info["raw_score"] == -100  # ScienceWorld's failure score
    assert "The task has failed." in observation


def test_a_sample_in_the_wrong_box_fails_the_conductivity_task() -> None:
    env = ScienceEnv()
    env.reset(options={"task_id": "test-conductivity-0"})
    sample, right = env.task.data["sample"], env.task.data["right_box"]
    wrong = next(box for box in env.task.data["boxes"] if box is not right)
    while env.task.progress < 2:  # focused and tested in a circuit
        env.step(env.expert_action())
    assert env.world.agent_room == "workshop" and env.task.score() == pytest.approx(0.85)
    observation, reward, terminated, _, info = env.step(f"move {sample.name} to {wrong.name}")
    assert terminated and info["score"] == 0.0 and reward == pytest.approx(-0.85)
    assert info["raw_score"] == -100
    assert f"The {sample.name} was put in the wrong box ({wrong.name})." in observation


def test_score_climbs_by_ordered_subgoals_and_reward_is_the_delta() -> None:
    env = ScienceEnv()
    _, info = env.reset(options={"task_id": "boil-0"})
    scores, rewards = [info["score"]], []
    done = False
    while not done:
        _, reward, terminated, truncated, info = env.step(env.expert_action())
        scores.append(info["score"])
        rewards.append(reward)
        done = terminated or truncated
    assert info["won"] and scores[-1] == 1.0
    assert sorted(set(scores)) == pytest.approx([0, 0.7, 0.75, 1])  # boil's uneven points
    assert sum(rewards) == pytest.approx(1.0)


# ---------------------------------------------------------------------- tasks and splits


def test_every_task_type_has_at_least_20_variations() -> None:
    assert len(TASK_TYPES) >= 8
    for task_type in TASK_TYPES:
        assert len(variations(task_type)) >= 20, task_type


def test_splits_cut_variations_50_25_25_without_overlap() -> None:
    for task_type in TASK_TYPES:
        count = len(variations(task_type))
        parts = [
            set(split_range(count, split)) for split in ("train", "valid_seen", "valid_unseen")
        ]
        assert set().union(*parts) == set(range(count))
        assert sum(len(part) for part in parts) == count
        assert len(parts[0]) == 2 * (count // 4) and len(parts[1]) == count // 4


def test_unseen_split_holds_substances_never_seen_in_train() -> None:
    def materials(split: str) -> set[str]:
        count = len(variations("boil"))
        return {variations("boil")[i]["material"] for i in split_range(count, split)}

    assert not materials("train") & materials("valid_unseen")


def test_worlds_are_identical_in_another_process() -> None:
    probe = (
        "from protege.envs.science import ScienceEnv\n"
        "env = ScienceEnv(split='valid_unseen')\n"
        "print(repr([env.reset(seed=s)[0] for s in range(8)]))\n"
    )
    env = ScienceEnv(split="valid_unseen")
    here = repr([env.reset(seed=s)[0] for s in range(8)])
    there = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert here == there


def test_registered_and_filterable_by_task_type() -> None:
    env = gym.make("protege/Science-v1", split="valid_seen", task_type="grow-plant")
    _, info = env.reset(seed=3)
    assert info["task_type"] == "grow-plant" and info["task_id"] in task_ids("valid_seen")
    assert env.unwrapped.max_steps == 100


def test_science_env_does_not_import_heavy_libraries() -> None:
    probe = (
        "import sys\n"
        "import protege.envs.science\n"
        "heavy = [m for m in ('torch', 'transformers', 'vllm', 'ray') if m in sys.modules]\n"
        "print(heavy)\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.stdout.strip() == "[]", result.stderr

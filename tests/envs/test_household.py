"""protege/Household-v1: dynamics, goals, splits, the unseen hold-out and the expert."""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import subprocess
import sys
from pathlib import Path

import gymnasium as gym
import pytest

from protege.envs.household.catalog import (
    GOAL_TEMPLATES,
    LAYOUT_SIZE,
    ROOM_KINDS,
    TASK_TYPES,
    VALID_ROOMS,
    can_contain,
)
from protege.envs.household.expert import expert_action
from protege.envs.household.goal import Goal, Objective
from protege.envs.household.layouts import all_layouts, all_pairs, layouts, pairs
from protege.envs.household.tasks import (
    SPLIT_SIZES,
    HouseholdTask,
    build_task,
    parse_task_id,
    split_task_ids,
)
from protege.envs.household.world import HELP_TEXT, NOTHING, World
from tests.scripts import load_script

ENV_ID = "protege/Household-v1"


def kitchen() -> World:
    """A small hand-made kitchen: cabinet 1 (closed) holds a mug, the countertop an apple."""
    return World(
        receptacles=("cabinet 1", "countertop 1", "fridge 1", "microwave 1", "sinkbasin 1"),
        placements=(
            ("mug 1", "cabinet 1"),
            ("apple 1", "countertop 1"),
            ("bread 1", "countertop 1"),
        ),
    )


def bedroom() -> World:
    return World(
        receptacles=("bed 1", "sidetable 1", "drawer 1"),
        placements=(("book 1", "bed 1"), ("desklamp 1", "sidetable 1"), ("cd 1", "sidetable 1")),
    )


# ---------------------------------------------------------------------------- dynamics


def test_arriving_describes_the_receptacle_as_alfworld_does() -> None:
    world = kitchen()
    assert world.apply("go to countertop 1") == (
        "You arrive at countertop 1. On the countertop 1, you see a apple 1, and a bread 1."
    )
    assert world.apply("go to cabinet 1") == "You arrive at cabinet 1. The cabinet 1 is closed."
    assert world.apply("go to sinkbasin 1") == (
        "You arrive at sinkbasin 1. On the sinkbasin 1, you see nothing."
    )


def test_agent_carries_at_most_one_object() -> None:
    world = kitchen()
    world.apply("go to countertop 1")
    assert world.apply("take apple 1 from countertop 1") == (
        "You pick up the apple 1 from the countertop 1."
    )
    assert world.apply("take bread 1 from countertop 1") == NOTHING
    assert not any(action.startswith("take") for action in world.admissible_actions())
    assert world.apply("inventory") == "You are carrying: a apple 1."
    assert world.apply("move apple 1 to countertop 1") == (
        "You move the apple 1 to the countertop 1."
    )
    assert world.apply("inventory") == "You are not carrying anything."
    assert world.apply("take bread 1 from countertop 1").startswith("You pick up the bread 1")


def test_closed_receptacles_hide_their_contents_until_opened() -> None:
    world = kitchen()
    world.apply("go to cabinet 1")
    assert world.apply("take mug 1 from cabinet 1") == NOTHING
    assert "open cabinet 1" in world.admissible_actions()
    assert world.apply("open cabinet 1") == (
        "You open the cabinet 1. The cabinet 1 is open. In it, you see a mug 1."
    )
    assert world.apply("open cabinet 1") == NOTHING
    assert "close cabinet 1" in world.admissible_actions()
    assert world.apply("take mug 1 from cabinet 1") == "You pick up the mug 1 from the cabinet 1."
    assert world.apply("close cabinet 1") == "You close the cabinet 1."
    assert world.apply("move mug 1 to cabinet 1") == NOTHING  # closed again
    assert world.apply("go to cabinet 1") == NOTHING  # already there


def test_open_and_close_need_the_agent_at_the_receptacle() -> None:
    world = kitchen()
    assert world.apply("open cabinet 1") == NOTHING
    world.apply("go to countertop 1")
    assert world.apply("open cabinet 1") == NOTHING
    assert world.apply("open countertop 1") == NOTHING  # not openable


def test_heat_cool_and_clean_at_their_appliances() -> None:
    world = kitchen()
    world.apply("go to countertop 1")
    world.apply("take apple 1 from countertop 1")
    assert world.apply("heat apple 1 with microwave 1") == NOTHING  # not at the microwave
    world.apply("go to microwave 1")
    assert "heat apple 1 with microwave 1" in world.admissible_actions()
    assert world.apply("heat apple 1 with microwave 1") == (
        "You heat the apple 1 using the microwave 1."
    )
    assert world.apply("examine apple 1") == "This is a hot apple 1."
    world.apply("go to fridge 1")  # cooling works on a closed fridge, as in ALFWorld
    assert world.apply("cool apple 1 with fridge 1") == "You cool the apple 1 using the fridge 1."
    assert world.hot == set() and world.cool == {"apple 1"}
    assert world.apply("heat apple 1 with fridge 1") == NOTHING
    world.apply("go to sinkbasin 1")
    assert world.apply("clean apple 1 with sinkbasin 1") == (
        "You clean the apple 1 using the sinkbasin 1."
    )
    assert world.apply("examine apple 1") == "This is a cool and clean apple 1."


def test_transforms_apply_only_to_objects_of_the_right_kind() -> None:
    world = World(("countertop 1", "microwave 1"), (("cellphone 1", "countertop 1"),))
    world.apply("go to countertop 1")
    world.apply("take cellphone 1 from countertop 1")
    world.apply("go to microwave 1")
    assert "heat cellphone 1 with microwave 1" not in world.admissible_actions()
    assert world.apply("heat cellphone 1 with microwave 1") == NOTHING


def test_move_respects_the_can_contain_table() -> None:
    receptacles = ("countertop 1", "garbagecan 1", "coffeemachine 1")
    world = World(receptacles, (("apple 1", "countertop 1"),))
    assert not can_contain("coffeemachine", "apple")
    world.apply("go to countertop 1")
    world.apply("take apple 1 from countertop 1")
    world.apply("go to coffeemachine 1")
    assert not any(action.startswith("move") for action in world.admissible_actions())
    assert world.apply("move apple 1 to coffeemachine 1") == NOTHING
    world.apply("go to garbagecan 1")
    assert world.apply("put apple 1 in garbagecan 1") == (  # the pre-0.4 spelling still works
        "You move the apple 1 to the garbagecan 1."
    )


def test_desklamp_turns_on_stays_on_and_cannot_be_taken() -> None:
    world = bedroom()
    assert world.apply("use desklamp 1") == NOTHING  # not at the lamp
    world.apply("go to sidetable 1")
    assert "take desklamp 1 from sidetable 1" not in world.admissible_actions()
    assert world.apply("take desklamp 1 from sidetable 1") == NOTHING
    assert "use desklamp 1" in world.admissible_actions()
    assert world.apply("use desklamp 1") == "You turn on the desklamp 1."
    # ALFWorld's ToggleObject never clears isToggled: a second use turns it "on" again.
    assert world.apply("use desklamp 1") == "You turn on the desklamp 1."
    assert world.lamps_on == {"desklamp 1"}
    # examineObject needs the object in hand, and a desklamp cannot be taken.
    assert world.apply("examine desklamp 1") == NOTHING


def test_look_at_object_in_light_needs_the_object_in_hand_under_a_lit_lamp() -> None:
    world = bedroom()
    objective = Objective(world, Goal("look_at_obj_in_light", "book", "desklamp"))
    world.apply("go to sidetable 1")
    world.apply("use desklamp 1")
    assert not objective.won()  # lamp on, but no book in hand
    world.apply("go to bed 1")
    world.apply("take book 1 from bed 1")
    assert not objective.won()  # book in hand, lamp elsewhere
    assert objective.score() == pytest.approx(2 / 4)
    world.apply("go to sidetable 1")
    assert objective.won() and objective.score() == 1.0


def test_inapplicable_or_unparseable_commands_answer_nothing_happens() -> None:
    world = kitchen()
    for action in (
        "",
        "dance",
        "go to the moon",
        "go countertop 1",
        "take apple 1 from countertop 1",  # not there yet
        "take apple 1",
        "move apple 1 to countertop 1",  # not holding it
        "examine apple 1",  # not in view
        "use desklamp 1",
        "look around",
        "inventory now",
    ):
        assert world.apply(action) == NOTHING, action


def test_tolerant_commands_are_case_and_space_insensitive() -> None:
    world = kitchen()
    assert world.apply("  Go  to   Countertop 1. ").startswith("You arrive at countertop 1.")


def test_strict_commands_are_verbatim_as_in_alfworld() -> None:
    # ALFWorld's engine strips the command and then needs an admissible command verbatim.
    world = World(kitchen().receptacles, [("apple 1", "countertop 1")], strict=True)
    for action in ("Look", "look.", "LOOK", "go  to countertop 1", "go to Countertop 1"):
        assert world.apply(action) == NOTHING, action
    assert world.apply(" look ").startswith("You are in the middle of a room.")
    world.apply("go to countertop 1")
    world.apply("take apple 1 from countertop 1")
    for action in ("put apple 1 in countertop 1", "put apple 1 on countertop 1"):
        assert world.apply(action) == NOTHING, action
    assert world.apply("put apple 1 in/on countertop 1") == NOTHING
    assert (
        world.apply("move apple 1 to countertop 1") == "You move the apple 1 to the countertop 1."
    )


@pytest.mark.parametrize(
    ("split", "strict"), [("train", False), ("valid_seen", True), ("valid_unseen", True)]
)
def test_strict_by_default_on_the_evaluation_splits(split: str, strict: bool) -> None:
    env = gym.make("protege/Household-v1", split=split).unwrapped
    env.reset(seed=0)
    assert env.world.strict is strict
    forced = gym.make("protege/Household-v1", split=split, strict=False).unwrapped
    forced.reset(seed=0)
    assert forced.world.strict is False


def test_examine_only_the_carried_object_and_a_cooled_one_is_cold() -> None:
    world = kitchen()
    world.apply("go to countertop 1")
    assert world.apply("examine apple 1") == NOTHING  # lying on a receptacle: not examinable
    world.apply("take apple 1 from countertop 1")
    assert world.apply("examine apple 1") == "There's nothing special about apple 1."
    world.apply("go to fridge 1")
    world.apply("cool apple 1 with fridge 1")
    assert world.apply("examine apple 1") == "This is a cold apple 1."


def test_look_inventory_and_help() -> None:
    world = kitchen()
    # ALFWorld's look lists what shares the agent's spot: nothing in the middle of the room
    # (only the first observation lists the receptacles) and nothing on the floor by one.
    assert world.apply("look") == (
        "You are in the middle of a room. Looking quickly around you, you see nothing."
    )
    world.apply("go to countertop 1")
    assert world.apply("look") == "You are facing the countertop 1. Next to it, you see nothing."
    assert world.apply("help") == HELP_TEXT
    assert HELP_TEXT.startswith("Available commands:\n  look:  ") and HELP_TEXT.endswith(
        "  slice (object) with (object):     slice an object using a sharp object\n"
    )
    assert "help" in world.admissible_actions()


def test_every_admissible_action_does_something() -> None:
    task = build_task("valid_seen/pick_cool_then_place/0004")
    rng = random.Random(0)
    prefix: list[str] = []
    for _ in range(25):
        world = _replay(task, prefix)
        for action in world.admissible_actions():
            assert _replay(task, prefix).apply(action) != NOTHING, (prefix, action)
        prefix.append(rng.choice(world.admissible_actions()))


def _replay(task: HouseholdTask, actions: list[str]) -> World:
    world = task.new_world()
    for action in actions:
        world.apply(action)
    return world


# ---------------------------------------------------------------------------- goals


def test_goals_use_alfworld_phrasings_both_templates_and_no_numbers() -> None:
    used: dict[str, set[int]] = {kind: set() for kind in TASK_TYPES}
    for split in ("valid_seen", "valid_unseen"):
        for task_id in split_task_ids(split):
            task = build_task(task_id)
            goal = task.goal
            phrasings = [
                template.format(obj=goal.object_type, recep=goal.target, toggle=goal.target)
                for template in GOAL_TEMPLATES[goal.task_type]
            ]
            assert task.goal_text in phrasings
            used[goal.task_type].add(phrasings.index(task.goal_text))
            assert not re.search(r"\d", task.goal_text)
    assert all(indices == {0, 1} for indices in used.values()), used


def test_intro_is_alfworlds() -> None:
    env = gym.make(ENV_ID, split="valid_seen")
    observation, info = env.reset(options={"task_id": "valid_seen/pick_and_place/0000"})
    header, room, task = observation.split("\n\n")
    assert header == "-= Welcome to TextWorld, ALFRED! =-"
    assert room.startswith("You are in the middle of a room. Looking quickly around you, you see")
    assert task == f"Your task is to: {info['goal']}."
    env.close()


def test_goal_templates_are_alfworlds() -> None:
    assert GOAL_TEMPLATES["pick_and_place"] == (
        "put a {obj} in {recep}",
        "put some {obj} on {recep}",
    )
    assert GOAL_TEMPLATES["pick_two_obj_and_place"][1] == "find two {obj} and put them in {recep}"
    assert GOAL_TEMPLATES["look_at_obj_in_light"][0] == "look at {obj} under the {toggle}"


def test_reward_is_one_on_the_winning_step_and_score_tracks_subgoals() -> None:
    env = gym.make(ENV_ID, split="valid_unseen")
    _, info = env.reset(options={"task_id": "valid_unseen/pick_heat_then_place/0002"})
    scores, rewards = [info["score"]], []
    terminated = False
    while not terminated:
        _, reward, terminated, truncated, info = env.step(env.unwrapped.expert_action())
        scores.append(info["score"])
        rewards.append(reward)
        assert not truncated
    assert rewards[-1] == 1.0 and set(rewards[:-1]) == {0.0}
    assert scores[0] == 0.0 and scores[-1] == 1.0
    assert scores == sorted(scores)  # the expert never loses progress
    assert {0.25, 0.5, 0.75} <= set(scores)  # found, picked, heated
    env.close()


# ---------------------------------------------------------------------------- splits


def test_split_sizes_match_alfworld() -> None:
    assert len(split_task_ids("valid_seen")) == 140
    assert len(split_task_ids("valid_unseen")) == 134
    assert len(split_task_ids("train")) == 3553
    assert list(SPLIT_SIZES["valid_unseen"].values()) == [24, 18, 31, 23, 21, 17]
    assert list(SPLIT_SIZES["valid_seen"].values()) == [35, 13, 27, 16, 25, 24]
    for split, sizes in SPLIT_SIZES.items():
        for task_type, size in sizes.items():
            assert len(split_task_ids(split, task_type)) == size


def test_task_ids_parse_and_reject_strangers() -> None:
    assert parse_task_id("train/pick_and_place/0789") == ("train", "pick_and_place", 789)
    for bad in ("train/pick_and_place/0790", "train/put/0001", "test/pick_and_place/0001", "x"):
        assert parse_task_id(bad) is None
    env = gym.make(ENV_ID, split="valid_seen", task_type="pick_and_place")
    with pytest.raises(ValueError, match="did you mean"):
        env.reset(options={"task_id": "valid_seen/pick_and_place/0035"})


def test_tasks_respect_room_validity_and_kitchens_are_big() -> None:
    for split in ("valid_seen", "valid_unseen"):
        for task_id in split_task_ids(split):
            task = build_task(task_id)
            assert task.room in VALID_ROOMS[task.task_type]
            low, high = LAYOUT_SIZE[task.room]
            assert low <= len(task.receptacles) <= high
    kitchen_sizes = [sum(count for _, count in layout[1]) for layout in all_layouts("kitchen")]
    assert min(kitchen_sizes) >= 10 and max(kitchen_sizes) <= 40 and max(kitchen_sizes) >= 30


def test_instance_names_are_numbered_from_one_per_type() -> None:
    task = build_task("valid_seen/pick_two_obj_and_place/0003")
    names = [obj for obj, _ in task.placements] + list(task.receptacles)
    by_type: dict[str, list[int]] = {}
    for name in names:
        kind, number = name.rsplit(" ", 1)
        by_type.setdefault(kind, []).append(int(number))
    assert all(sorted(numbers) == list(range(1, len(numbers) + 1)) for numbers in by_type.values())


def test_unseen_layouts_and_goal_pairs_never_occur_in_train() -> None:
    # The generator draws train and valid_seen tasks only from the "seen" pools and
    # valid_unseen tasks only from the "unseen" pools; both pools are finite, so check them whole.
    for room in ROOM_KINDS:
        seen, unseen = set(layouts(room, "seen")), set(layouts(room, "unseen"))
        assert seen and unseen and not seen & unseen
        assert seen | unseen == set(all_layouts(room))
    assert not pairs("seen") & pairs("unseen")
    assert pairs("seen") | pairs("unseen") == set(all_pairs())
    for task_type in TASK_TYPES:  # every type has held-out pairs to draw from
        unseen_ids = split_task_ids("valid_unseen", task_type)
        unseen_tasks = [build_task(task_id) for task_id in unseen_ids]
        assert len({(task.goal.object_type, task.goal.target) for task in unseen_tasks}) >= 2


def test_eval_tasks_draw_from_their_own_pools() -> None:
    for split, group in (("valid_seen", "seen"), ("valid_unseen", "unseen")):
        for task_id in split_task_ids(split):
            task = build_task(task_id)
            assert task.layout in layouts(task.room, group)
            assert (task.goal.object_type, task.goal.target) in pairs(group)


@pytest.mark.slow
def test_every_train_task_draws_from_the_seen_pools_and_no_seen_task_repeats_one() -> None:
    signatures = set()
    for task_id in split_task_ids("train"):
        task = build_task(task_id)
        assert task.layout in layouts(task.room, "seen")
        assert (task.goal.object_type, task.goal.target) in pairs("seen")
        signatures.add(_signature(task))
    assert len(signatures) > 3000  # thousands of distinct tasks
    for task_id in split_task_ids("valid_seen"):
        assert _signature(build_task(task_id)) not in signatures


def _signature(task: HouseholdTask) -> tuple:
    return (task.goal, task.goal_text, task.receptacles, task.placements)


def _digest(split: str) -> str:
    text = repr([_signature(build_task(task_id)) for task_id in split_task_ids(split)])
    return hashlib.sha256(text.encode()).hexdigest()


def test_eval_splits_are_identical_in_every_process() -> None:
    # Another process with another string-hash seed builds the same tasks.
    code = (
        "from tests.envs.test_household import _digest;"
        "print(_digest('valid_seen'), _digest('valid_unseen'))"
    )
    hash_seed = "0" if os.environ.get("PYTHONHASHSEED") == "12345" else "12345"
    output = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONHASHSEED": hash_seed},
        cwd=Path(__file__).resolve().parents[2],
    ).stdout
    assert output.split()[-2:] == [_digest("valid_seen"), _digest("valid_unseen")]


# ---------------------------------------------------------------------------- expert


def _expert_episode(env: gym.Env, task_id: str, detour: int, seed: int) -> dict:
    rng = random.Random(seed)
    _, info = env.reset(seed=seed, options={"task_id": task_id})
    done = False
    for _ in range(detour):
        _, _, terminated, truncated, info = env.step(rng.choice(info["admissible_actions"]))
        done = terminated or truncated
        if done:
            break
    while not done:
        action = env.unwrapped.expert_action()
        assert action in info["admissible_actions"], (task_id, action)
        _, _, terminated, truncated, info = env.step(action)
        done = terminated or truncated
    return info


@pytest.mark.parametrize("detour", [0, 10])
@pytest.mark.parametrize("split", ["valid_seen", "valid_unseen"])
def test_expert_solves_every_eval_task(split: str, detour: int) -> None:
    env = gym.make(ENV_ID, split=split)
    lost = [
        task_id
        for index, task_id in enumerate(split_task_ids(split))
        if not _expert_episode(env, task_id, detour, seed=index)["won"]
    ]
    assert not lost, f"expert lost {len(lost)} {split} tasks after {detour} detours: {lost[:5]}"


@pytest.mark.parametrize("detour", [0, 10])
def test_expert_solves_500_train_seeds(detour: int) -> None:
    env = gym.make(ENV_ID, split="train")
    lost = []
    for seed in range(500):
        _, info = env.reset(seed=seed)
        info = _expert_episode(env, info["task_id"], detour, seed=seed)
        if not info["won"]:
            lost.append(info["task_id"])
    assert not lost, f"expert lost {lost[:5]}"


def test_expert_puts_down_a_wrongly_held_object_first() -> None:
    world = kitchen()
    objective = Objective(world, Goal("pick_heat_then_place", "mug", "countertop"))
    world.apply("go to countertop 1")
    world.apply("take bread 1 from countertop 1")
    assert expert_action(objective) == "move bread 1 to countertop 1"
    actions = []
    while not objective.won() and len(actions) < 20:
        actions.append(expert_action(objective))
        assert world.apply(actions[-1]) != NOTHING
    assert actions == [
        "move bread 1 to countertop 1",
        "go to sinkbasin 1",  # surfaces that could hold a mug are searched before cabinets
        "go to cabinet 1",
        "open cabinet 1",
        "take mug 1 from cabinet 1",
        "go to microwave 1",
        "heat mug 1 with microwave 1",
        "go to countertop 1",
        "move mug 1 to countertop 1",
    ]


# ---------------------------------------------------------------------------- benchmark


def _benchmark_module():
    path = Path(__file__).resolve().parents[2] / "benchmarks" / "env_throughput.py"
    return load_script(path, "env_throughput")


def test_throughput_benchmark_measures_household() -> None:
    from protege.benchmarks.env_throughput import ROWS, measure

    row = next(row for row in ROWS if row.name == "household")
    assert row.anchor == "textworld-cooking"
    result = measure(row, row.make(), steps=200, resets=3)
    assert result["steps"] == 200 and result["steps_per_s"] > 0 and result["reset_ms"] > 0
    assert result["mean_admissible_actions"] > 5


@pytest.mark.slow
def test_throughput_benchmark_runs_against_textworld(tmp_path: Path) -> None:
    pytest.importorskip("textworld", reason="the TextWorld anchor needs `pip install textworld`")
    bench = _benchmark_module()
    out = tmp_path / "throughput.json"
    affinity = os.sched_getaffinity(0)
    try:
        bench.main(["--rows", "household", "--steps", "200", "--resets", "2", "--repeats", "1",
                    "--out", str(out)])  # fmt: skip
    finally:
        os.sched_setaffinity(0, affinity)  # main() pins the process to one core
    results = {result["name"]: result for result in json.loads(out.read_text())["results"]}
    assert results["household"]["ratio"] > 1
    assert results["textworld-cooking"]["steps"] == 10


def test_task_types_map_one_to_one_onto_alfworlds() -> None:
    from protege.envs.alfworld.env import TASK_TYPES as ALFWORLD_TYPES
    from protege.envs.household.catalog import ALFWORLD_TASK_TYPES, TASK_TYPES

    assert tuple(ALFWORLD_TASK_TYPES) == TASK_TYPES
    assert tuple(ALFWORLD_TASK_TYPES.values()) == ALFWORLD_TYPES  # same order: ALFWorld's 1-6
    env = gym.make("protege/Household-v1", split="valid_seen", task_type="pick_cool_then_place")
    _, info = env.reset(seed=0)
    assert info["alfworld_task_type"] == "pick_cool_then_place_in_recep"


def test_contents_are_listed_in_alfworlds_order_not_arrival_order() -> None:
    # ALFWorld lists by id, and its demangler numbers one type's ids from the highest down:
    # types alphabetically, numbers descending (as the room listing).
    placements = [("egg 2", "countertop 1"), ("apple 1", "countertop 1"), ("egg 3", "countertop 1")]
    world = World(("countertop 1",), placements)
    assert world.apply("go to countertop 1") == (
        "You arrive at countertop 1. On the countertop 1, you see a apple 1, a egg 3, and a egg 2."
    )

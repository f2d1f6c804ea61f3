"""Play protege's own Household tasks in ALFWorld's real engine and in protege; compare.

Each task's room (its receptacles and where every object starts) and goal are written as an
ALFWorld PDDL problem, with ids mangled so that ALFWorld's demangler gives every receptacle and
object protege's name, and with protege's tables for what opens, what can hold what and what
can be heated, cooled or cleaned (so this measures the engine's rules and text, not those
tables). Two episodes per task, each from a reset: the protege expert's commands until it wins,
and random admissible commands (protege's list; the admissible sets are compared too). Needs
``pip install alfworld``::

    PYTHONPATH=. python benchmarks/fidelity/household_tasks.py --per-type 5 \\
        --json benchmarks/results/fidelity_household_tasks.json
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from household import RealEngine

from protege.envs.household.catalog import (
    LAMP,
    OPENABLE,
    TASK_TYPES,
    TRANSFORMABLE,
    can_contain,
)
from protege.envs.household.expert import expert_action
from protege.envs.household.goal import Objective
from protege.envs.household.tasks import HouseholdTask, build_task, split_task_ids
from protege.envs.household.world import type_of

# The receptacle types ALFWorld's domain names in its actions; the rest can be named freely.
PDDL_TYPES = {"microwave": "MicrowaveType", "fridge": "FridgeType", "sinkbasin": "SinkBasinType"}
PROPERTY_OF_TRANSFORM = {"heat": "heatable", "cool": "coolable", "clean": "cleanable"}
CONDITION_OF_TRANSFORM = {"heat": "isHot", "cool": "isCool", "clean": "isClean"}


def pddl_type(kind: str) -> str:
    """A PDDL type constant for an object or receptacle type."""
    return PDDL_TYPES.get(kind, f"{kind}Type")


def mangled_id(name: str) -> str:
    """An id that ALFWorld's demangler turns back into ``name`` (``cabinet 3``).

    The demangler numbers the ids of one type in sorted order from the highest number down,
    so the number is written as 1000 - n; a type ending in "basin" keeps "basin" in the id.
    """
    kind, number = type_of(name), int(name.rpartition(" ")[2])
    if kind.endswith("basin"):
        return f"{kind.removesuffix('basin')}_bar_{1000 - number:04d}_bar_basin"
    return f"{kind}_bar_{1000 - number:04d}"


def goal_pddl(task: HouseholdTask) -> str:
    """ALFWorld's success condition for the task, by type constants."""
    goal = task.goal
    otype = pddl_type(goal.object_type)
    if goal.task_type == "look_at_obj_in_light":
        return (
            f"(exists (?o - object ?lamp - object ?r - receptacle ?l - location) (and "
            f"(objectType ?o {otype}) (holds agent1 ?o) (toggleable ?lamp) (isToggled ?lamp) "
            f"(inReceptacle ?lamp ?r) (receptacleAtLocation ?r ?l) (atLocation agent1 ?l)))"
        )
    rtype = pddl_type(goal.target)
    if goal.task_type == "pick_two_obj_and_place":
        return (
            f"(exists (?o1 - object ?o2 - object ?r - receptacle) (and (not (= ?o1 ?o2)) "
            f"(objectType ?o1 {otype}) (objectType ?o2 {otype}) (receptacleType ?r {rtype}) "
            f"(inReceptacle ?o1 ?r) (inReceptacle ?o2 ?r)))"
        )
    state = f"({CONDITION_OF_TRANSFORM[goal.transform]} ?o)" if goal.transform else ""
    return (
        f"(exists (?o - object ?r - receptacle) (and (objectType ?o {otype}) "
        f"(receptacleType ?r {rtype}) (inReceptacle ?o ?r) {state}))"
    )


def pddl_problem(task: HouseholdTask) -> str:
    """The task's starting state and goal as an ALFWorld PDDL problem."""
    location = {name: f"loc_{i}" for i, name in enumerate(task.receptacles)}
    objects = [obj for obj, _ in task.placements]
    rtypes = sorted({type_of(r) for r in task.receptacles})
    otypes = sorted({type_of(o) for o in objects} | {task.goal.object_type})
    if task.goal.task_type != "look_at_obj_in_light":
        rtypes = sorted(set(rtypes) | {task.goal.target})
    declared = ["agent1 - agent", "loc_start - location"]
    declared += [f"{loc} - location" for loc in location.values()]
    declared += [f"{mangled_id(r)} - receptacle" for r in task.receptacles]
    declared += [f"{mangled_id(o)} - object" for o in objects]
    declared += [f"{pddl_type(t)} - rtype" for t in rtypes]
    declared += [
        f"{pddl_type(t)} - otype" for t in otypes if pddl_type(t) not in PDDL_TYPES.values()
    ]
    init = ["(atLocation agent1 loc_start)"]
    for r in task.receptacles:
        init += [f"(receptacleAtLocation {mangled_id(r)} {location[r]})"]
        init += [f"(receptacleType {mangled_id(r)} {pddl_type(type_of(r))})"]
        if type_of(r) in OPENABLE:
            init.append(f"(openable {mangled_id(r)})")
    for obj, receptacle in task.placements:
        kind, oid = type_of(obj), mangled_id(obj)
        init += [
            f"(objectType {oid} {pddl_type(kind)})",
            f"(inReceptacle {oid} {mangled_id(receptacle)})",
            f"(objectAtLocation {oid} {location[receptacle]})",
        ]
        init += [f"(toggleable {oid})"] if kind == LAMP else [f"(pickupable {oid})"]
        init += [
            f"({PROPERTY_OF_TRANSFORM[v]} {oid})" for v, ok in TRANSFORMABLE.items() if kind in ok
        ]
    init += [
        f"(canContain {pddl_type(r)} {pddl_type(o)})"
        for r in rtypes
        for o in otypes
        if can_contain(r, o)
    ]
    return (
        "(define (problem protege)\n(:domain alfred)\n(:objects\n  "
        + "\n  ".join(declared)
        + ")\n(:init\n  "
        + "\n  ".join(init)
        + f")\n(:goal {goal_pddl(task)})\n)\n"
    )


def episode(task: HouseholdTask, real: RealEngine, commands) -> dict[str, object]:
    """Play one episode in both engines; ``commands(world, objective)`` gives the next one."""
    world = task.new_world(strict=True)
    objective = Objective(world, task.goal)
    real_obs, real_adm, real_won = real.reset()
    ours = world.intro(task.goal_text)
    counts = {"steps": 1, "observations_equal": int(real_obs == ours), "admissible_equal": 0}
    counts["admissible_equal"] = int(sorted(real_adm) == sorted(world.admissible_actions()))
    counts["won_equal"] = int(real_won == objective.won())
    mismatches = [] if real_obs == ours else [("<reset>", real_obs, ours)]
    for command in commands(world, objective):
        real_obs, real_adm, real_won = real.step(command)
        ours = world.apply(command)
        counts["steps"] += 1
        counts["observations_equal"] += real_obs == ours
        counts["admissible_equal"] += sorted(real_adm) == sorted(world.admissible_actions())
        counts["won_equal"] += real_won == objective.won()
        if real_obs != ours:
            mismatches.append((command, real_obs, ours))
        elif sorted(real_adm) != sorted(world.admissible_actions()):
            extra = sorted(set(real_adm) ^ set(world.admissible_actions()))
            mismatches.append((command, "admissible differ", ", ".join(extra)))
    return {**counts, "mismatches": mismatches}


def expert_commands(world, objective, limit: int = 60):
    """The protege expert's commands until the goal holds."""
    for _ in range(limit):
        if objective.won():
            return
        yield expert_action(objective)


def random_commands(seed: int, length: int = 25):
    """Random admissible commands (protege's list), ``length`` of them."""
    rng = random.Random(seed)

    def commands(world, objective):
        for _ in range(length):
            yield rng.choice(world.admissible_actions())

    return commands


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="valid_unseen")
    parser.add_argument("--per-type", type=int, default=5, help="tasks of each type")
    parser.add_argument("--json", help="write the results here")
    parser.add_argument("--show", type=int, default=0, help="print this many mismatches")
    args = parser.parse_args(argv)
    rows: dict[str, dict[str, int]] = {}
    shown = 0
    for task_type in TASK_TYPES:
        for index, task_id in enumerate(split_task_ids(args.split, task_type)[: args.per_type]):
            task = build_task(task_id)
            real = RealEngine(pddl_problem(task), task.goal_text)
            names = {name.strip() for name in real.names.values()}
            assert set(task.receptacles) <= names, (task_id, sorted(names))
            for kind, commands in (
                ("expert", expert_commands),
                ("random", random_commands(index)),
            ):
                result = episode(task, real, commands)
                row = rows.setdefault(f"{task_type} / {kind}", {"episodes": 0})
                row["episodes"] += 1
                for key in ("steps", "observations_equal", "admissible_equal", "won_equal"):
                    row[key] = row.get(key, 0) + result[key]
                for mismatch in result["mismatches"]:
                    if shown < args.show:
                        shown += 1
                        print(f"  [{task_id} {kind}] {json.dumps(mismatch)}")
    keys = ("episodes", "steps", "observations_equal", "admissible_equal", "won_equal")
    total = {key: sum(row[key] for row in rows.values()) for key in keys}
    header = ("eps", "steps", "obs ==", "adm ==", "won ==")
    print(f"{'task type / episode':40} " + " ".join(f"{h:>7}" for h in header))
    for name, row in [*rows.items(), ("total", total)]:
        print(f"{name:40} " + " ".join(f"{row[key]:7d}" for key in keys))
    if args.json:
        with open(args.json, "w") as handle:
            json.dump({"split": args.split, "rows": rows, "total": total}, handle, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())

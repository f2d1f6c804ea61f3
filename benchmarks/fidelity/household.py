"""Play the same commands in ``protege/Household`` and in ALFWorld's real engine; compare.

The real engine is TextWorld's ``PddlEnv`` loaded with ALFWorld's own PDDL domain and grammar
(``alfred.pddl``, ``alfred.twl2``, shipped in the ``alfworld`` wheel) and wrapped in ALFWorld's
name demangler, exactly as ``AlfredTWEnv`` plays a game. ALFWorld's games are data we do not
have offline, so the problem is a hand-made kitchen written here in ALFWorld's PDDL problem form;
protege's :class:`~protege.envs.household.world.World` is built from the same room and objects.

Each script is a list of commands played from the start in both engines; every observation is
compared string for string, and so is the admissible-command list after each step. The
comparison runs protege in ``strict`` mode (what the real engine accepts) and in its default
tolerant mode, where it accepts more spellings on purpose.

Needs ``pip install alfworld`` (which brings ``fast-downward-textworld``)::

    PYTHONPATH=. python benchmarks/fidelity/household.py \
        --json benchmarks/results/fidelity_household.json
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import dataclass

from protege.envs.household.world import World


def alfred_id(name: str, position: str, suffix: str = "") -> str:
    """An ALFRED object id as ALFWorld's game files mangle it: ``apple_bar__plus_00_dot_20...``."""
    mangled = position.replace("|", "_bar_").replace("+", "_plus_").replace("-", "_minus_")
    return f"{name}_bar_{mangled.replace('.', '_dot_')}{suffix}"


COOK = ("heatable", "coolable", "cleanable")
# (id, PDDL type, openable); the demangler numbers receptacles of one type in id order.
RECEPTACLES = (
    (alfred_id("countertop", "+00.10|+00.95|-01.00"), "CounterTopType", False),
    (alfred_id("cabinet", "-01.00|+00.40|+00.20"), "CabinetType", True),
    (alfred_id("cabinet", "+01.00|+00.40|+00.20"), "CabinetType", True),
    (alfred_id("fridge", "+01.50|+00.00|-01.50"), "FridgeType", True),
    (alfred_id("microwave", "-01.20|+01.40|-01.00"), "MicrowaveType", True),
    (alfred_id("sink", "-00.50|+00.90|-01.20", "_bar_sinkbasin"), "SinkBasinType", False),
    (alfred_id("sidetable", "-02.00|+00.00|+01.00"), "SideTableType", False),
)
# (id, PDDL type, index of its receptacle in RECEPTACLES, properties)
OBJECTS = (
    (alfred_id("apple", "+00.20|+01.00|-01.00"), "AppleType", 0, COOK),
    (alfred_id("mug", "+00.30|+01.00|-01.00"), "MugType", 0, COOK),
    (alfred_id("tomato", "+01.50|+00.50|-01.50"), "TomatoType", 3, COOK),
    (alfred_id("desklamp", "-02.00|+00.70|+01.00"), "DeskLampType", 6, ("toggleable",)),
    (alfred_id("book", "-02.10|+00.70|+01.00"), "BookType", 6, ()),
)
CAN_CONTAIN = {
    "CounterTopType": ("AppleType", "MugType", "TomatoType", "BookType"),
    "CabinetType": ("MugType", "BookType"),
    "FridgeType": ("AppleType", "MugType", "TomatoType"),
    "MicrowaveType": ("AppleType", "MugType", "TomatoType"),
    "SinkBasinType": ("AppleType", "MugType", "TomatoType"),
    "SideTableType": ("AppleType", "MugType", "TomatoType", "BookType"),
}
GOAL_TEXT = "put a cool apple in countertop"
GOAL_PDDL = (
    "(exists (?o - object ?r - receptacle) (and (objectType ?o AppleType) "
    "(receptacleType ?r CounterTopType) (inReceptacle ?o ?r) (isCool ?o)))"
)

# name -> the commands played from the start; names follow the brief's list of behaviours.
SCRIPTS: dict[str, list[str]] = {
    "look in the middle of the room": ["look"],
    "look at a receptacle": ["go to countertop 1", "look"],
    "look at an open receptacle": ["go to fridge 1", "open fridge 1", "look"],
    "examine a receptacle": ["go to countertop 1", "examine countertop 1"],
    "examine an object lying on a receptacle": ["go to countertop 1", "examine apple 1"],
    "examine an object in a closed receptacle": ["go to fridge 1", "examine tomato 1"],
    "examine a held object": [
        "go to countertop 1", "take apple 1 from countertop 1", "examine apple 1",
    ],
    "examine a lamp": ["go to sidetable 1", "examine desklamp 1"],
    "use a lamp, examine it": ["go to sidetable 1", "use desklamp 1", "examine desklamp 1"],
    "use a lamp twice": [
        "go to sidetable 1", "use desklamp 1", "use desklamp 1", "examine desklamp 1",
    ],
    "cool an object and examine it": [
        "go to countertop 1", "take apple 1 from countertop 1", "go to fridge 1",
        "cool apple 1 with fridge 1", "examine apple 1", "inventory",
    ],
    "heat and clean an object": [
        "go to countertop 1", "take mug 1 from countertop 1", "go to microwave 1",
        "heat mug 1 with microwave 1", "go to sinkbasin 1", "clean mug 1 with sinkbasin 1",
        "examine mug 1",
    ],
    "cool and clean an object": [
        "go to countertop 1", "take apple 1 from countertop 1", "go to sinkbasin 1",
        "clean apple 1 with sinkbasin 1", "go to fridge 1", "cool apple 1 with fridge 1",
        "examine apple 1",
    ],
    "open, take, move, close": [
        "go to fridge 1", "open fridge 1", "take tomato 1 from fridge 1", "close fridge 1",
        "go to countertop 1", "move tomato 1 to countertop 1", "look", "inventory",
    ],
    "go to the receptacle the agent is at": ["go to countertop 1", "go to countertop 1"],
    "help": ["help"],
    "case and punctuation": [
        "Look", "look.", "LOOK", " look ", "go to Countertop 1", "go to countertop 1.",
    ],
    "in/on variants of move": [
        "go to countertop 1", "take apple 1 from countertop 1",
        "put apple 1 in/on countertop 1", "put apple 1 in countertop 1",
        "put apple 1 on countertop 1", "move apple 1 to countertop 1",
    ],
    "extra spaces": ["go  to countertop 1", "go to countertop  1"],
    "nonsense": ["dance", "take", "go to", "examine", "use book 1"],
    "win the task": [
        "go to countertop 1", "take apple 1 from countertop 1", "go to fridge 1",
        "cool apple 1 with fridge 1", "go to countertop 1", "move apple 1 to countertop 1",
    ],
}  # fmt: skip


def pddl_problem() -> str:
    """The hand-made kitchen as an ALFWorld PDDL problem."""
    loc = {rid: f"loc_{i}" for i, (rid, _, _) in enumerate(RECEPTACLES)}
    objects = [
        "agent1 - agent",
        "loc_start - location",
        *(f"{location} - location" for location in loc.values()),
    ]
    objects += [f"{rid} - receptacle" for rid, _, _ in RECEPTACLES]
    objects += [f"{oid} - object" for oid, _, _, _ in OBJECTS]
    rtypes = sorted({t for _, t, _ in RECEPTACLES})
    otypes = sorted({t for _, t, _, _ in OBJECTS})
    objects += [f"{t} - rtype" for t in rtypes] + [f"{t} - otype" for t in otypes]
    init = ["(atLocation agent1 loc_start)"]
    for rid, rtype, openable in RECEPTACLES:
        init += [f"(receptacleAtLocation {rid} {loc[rid]})", f"(receptacleType {rid} {rtype})"]
        if openable:
            init.append(f"(openable {rid})")
    for oid, otype, index, props in OBJECTS:
        rid = RECEPTACLES[index][0]
        init += [
            f"(objectType {oid} {otype})",
            f"(inReceptacle {oid} {rid})",
            f"(objectAtLocation {oid} {loc[rid]})",
        ]
        if otype != "DeskLampType":
            init += [f"(pickupable {oid})", f"(moveable {oid})"]
        init += [f"({prop} {oid})" for prop in props]
    for rtype, contained in CAN_CONTAIN.items():
        init += [f"(canContain {rtype} {otype})" for otype in contained]
    return (
        "(define (problem handmade)\n(:domain alfred)\n(:objects\n  "
        + "\n  ".join(objects)
        + ")\n(:init\n  "
        + "\n  ".join(init)
        + f")\n(:goal {GOAL_PDDL})\n)\n"
    )


def alfworld_files() -> tuple[str, str]:
    """ALFWorld's domain and grammar, from the installed ``alfworld`` package."""
    import alfworld

    data = os.path.join(os.path.dirname(alfworld.__file__), "data")
    with (
        open(os.path.join(data, "alfred.pddl")) as domain,
        open(os.path.join(data, "alfred.twl2")) as grammar,
    ):
        return domain.read(), grammar.read()


class RealEngine:
    """TextWorld's PddlEnv with ALFWorld's logic and demangler, as ``AlfredTWEnv`` builds it.

    ``problem`` is a PDDL problem in ALFWorld's form (the hand-made kitchen by default).
    """

    def __init__(self, problem: str | None = None, goal_text: str = GOAL_TEXT) -> None:
        import textworld
        from alfworld.agents.environment.alfred_tw_env import AlfredDemangler
        from textworld.envs.pddl import PddlEnv

        domain, grammar = alfworld_files()
        self.data = {
            "pddl_domain": domain,
            "grammar": grammar.replace("UNKNOWN GOAL", goal_text),
            "pddl_problem": problem if problem is not None else pddl_problem(),
        }
        infos = textworld.EnvInfos(admissible_commands=True, won=True)
        self.env = AlfredDemangler(PddlEnv(infos))
        self.env.load(self.data)
        self.names = {i.id: i.name for i in self.env._entity_infos.values()}

    def reset(self) -> tuple[str, list[str], bool]:
        state = self.env.reset()
        return state.feedback, list(state.admissible_commands), bool(state["won"])

    def step(self, command: str) -> tuple[str, list[str], bool]:
        state, _, _ = self.env.step(command)
        return state.feedback, list(state.admissible_commands), bool(state["won"])


class ProtegeEngine:
    """protege's household world built from the same room, with the same goal."""

    def __init__(self, names: dict[str, str], strict: bool) -> None:
        self.names = names
        self.strict = strict

    def reset(self) -> tuple[str, list[str], bool]:
        receptacles = [self.names[rid].strip() for rid, _, _ in RECEPTACLES]
        placements = [
            (self.names[oid].strip(), self.names[RECEPTACLES[index][0]].strip())
            for oid, _, index, _ in OBJECTS
        ]
        self.world = World(receptacles, placements, strict=self.strict)
        return self.world.intro(GOAL_TEXT), self.world.admissible_actions(), self._won()

    def _won(self) -> bool:
        return any(
            self.world.object_type[o] == "apple" and o in self.world.cool
            and self.world.location[o].startswith("countertop")
            for o in self.world.object_type
        )  # fmt: skip

    def step(self, command: str) -> tuple[str, list[str], bool]:
        return self.world.apply(command), self.world.admissible_actions(), self._won()


@dataclass
class ScriptResult:
    name: str
    steps: int
    observations_equal: int
    admissible_equal: int
    won_equal: int
    mismatches: list[dict[str, str]]


def play(name: str, commands: list[str], real: RealEngine, ours: ProtegeEngine) -> ScriptResult:
    """Play ``commands`` in both engines; count equal observations, admissible lists and wins."""
    result = ScriptResult(name, 0, 0, 0, 0, [])
    pairs = [(None, real.reset(), ours.reset())]
    pairs += [(command, real.step(command), ours.step(command)) for command in commands]
    for command, (real_obs, real_adm, real_won), (our_obs, our_adm, our_won) in pairs:
        result.steps += 1
        result.observations_equal += real_obs == our_obs
        result.admissible_equal += sorted(real_adm) == sorted(our_adm)
        result.won_equal += real_won == our_won
        if real_obs != our_obs:
            result.mismatches.append(
                {"command": command or "<reset>", "alfworld": real_obs, "protege": our_obs}
            )
        elif sorted(real_adm) != sorted(our_adm):
            result.mismatches.append({
                "command": command or "<reset>",
                "admissible only in alfworld": ", ".join(sorted(set(real_adm) - set(our_adm))),
                "admissible only in protege": ", ".join(sorted(set(our_adm) - set(real_adm))),
            })  # fmt: skip
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", help="write the results here")
    parser.add_argument("--show", action="store_true", help="print every mismatch")
    args = parser.parse_args(argv)
    real = RealEngine()
    report: dict[str, object] = {}
    for mode in ("strict", "tolerant"):
        ours = ProtegeEngine(real.names, strict=mode == "strict")
        results = [play(name, commands, real, ours) for name, commands in SCRIPTS.items()]
        print(f"\nprotege ({mode}) vs ALFWorld {_alfworld_version()} (TextWorld PddlEnv)")
        counts = ("steps", "observations_equal", "admissible_equal", "won_equal")
        total = {key: sum(getattr(r, key) for r in results) for key in counts}
        rows = [(r.name, *(getattr(r, key) for key in counts)) for r in results]
        print(f"{'script':45} {'steps':>5} {'obs ==':>7} {'admiss ==':>9} {'won ==':>6}")
        for name, steps, observations, admissible, won in [*rows, ("total", *total.values())]:
            print(f"{name:45} {steps:5d} {observations:7d} {admissible:9d} {won:6d}")
        if args.show:
            for r in results:
                for m in r.mismatches:
                    print(f"  [{r.name}] {json.dumps(m)}")
        report[mode] = {"total": total, "scripts": [r.__dict__ for r in results]}
    if args.json:
        with open(args.json, "w") as handle:
            json.dump({"alfworld": _alfworld_version(), **report}, handle, indent=1)
    return 0


def _alfworld_version() -> str:
    from importlib.metadata import version

    return version("alfworld")


if __name__ == "__main__":
    sys.exit(main())

"""A task's goal: its success condition (ALFWorld's PDDL goals) and its progress score.

Success conditions, checked after every step:

* ``pick_and_place``: an object of the goal type is in a receptacle of the target type;
* ``pick_clean|heat|cool_then_place``: the same, and that object is clean, hot or cool;
* ``pick_two_obj_and_place``: two distinct objects of the goal type are in one receptacle of the
  target type;
* ``look_at_obj_in_light``: the agent holds an object of the goal type while a turned-on
  desklamp stands at the agent's receptacle.

Progress (``score``) counts subgoals reached in the current state: the object found, picked,
transformed (where the task asks for it), placed; ``pick_two`` counts found, first picked,
first placed, second picked, both placed; ``look`` counts found, picked, brought to the lamp,
lamp on. It is 1.0 exactly when the goal holds.
"""

from __future__ import annotations

from dataclasses import dataclass

from protege.envs.household.catalog import TRANSFORM_OF_TASK
from protege.envs.household.world import HAND, World


@dataclass(frozen=True)
class Goal:
    """What a task asks for, by type names: e.g. a hot ``apple`` in a ``countertop``."""

    task_type: str
    object_type: str
    target: str
    """The target receptacle type, or ``desklamp`` for a look-at-in-light task."""

    @property
    def transform(self) -> str | None:
        """``heat``, ``cool``, ``clean`` or None."""
        return TRANSFORM_OF_TASK[self.task_type]

    @property
    def count(self) -> int:
        """How many objects must end up in the target."""
        return 2 if self.task_type == "pick_two_obj_and_place" else 1


class Objective:
    """A goal bound to one world: answers ``won`` and ``score`` quickly, every step."""

    def __init__(self, world: World, goal: Goal) -> None:
        self.world = world
        self.goal = goal
        self.objects = [obj for obj, kind in world.object_type.items() if kind == goal.object_type]
        self.targets = [name for name, kind in world.receptacle_type.items() if kind == goal.target]
        self._target_set = frozenset(self.targets)
        self._property = {"heat": world.hot, "cool": world.cool, "clean": world.clean}.get(
            goal.transform or ""
        )

    def has_property(self, obj: str) -> bool:
        """Whether ``obj`` is as the task wants it (hot, cool, clean; always, without one)."""
        return self._property is None or obj in self._property

    def placed_in(self, receptacle: str) -> int:
        """How many finished goal objects are in ``receptacle``."""
        location = self.world.location
        return sum(
            1 for obj in self.objects if location[obj] == receptacle and self.has_property(obj)
        )

    def best_placed(self) -> int:
        """The most finished goal objects in any one target receptacle."""
        location, targets = self.world.location, self._target_set
        counts: dict[str, int] = {}
        for obj in self.objects:
            where = location[obj]
            if where in targets and self.has_property(obj):
                counts[where] = counts.get(where, 0) + 1
        return max(counts.values(), default=0)

    def holds_goal_object(self) -> bool:
        """Whether the agent carries an object of the goal type."""
        held = self.world.held
        return held is not None and self.world.object_type[held] == self.goal.object_type

    def won(self) -> bool:
        """Whether the goal holds now."""
        if self.goal.task_type == "look_at_obj_in_light":
            lamp = self.world.lamp_here()
            return self.holds_goal_object() and lamp is not None and lamp in self.world.lamps_on
        return self.best_placed() >= self.goal.count

    def score(self) -> float:
        """Subgoals reached, as a fraction; 1.0 exactly when :meth:`won`."""
        if self.won():
            return 1.0
        found = any(self.world.seen(obj) for obj in self.objects)
        holding = self.holds_goal_object()
        if self.goal.task_type == "look_at_obj_in_light":
            at_lamp = holding and self.world.lamp_here() is not None
            return (found + holding + at_lamp) / 4
        if self.goal.count == 2:
            if self.best_placed() == 1:
                return (3 + holding) / 5
            return (found + holding) / 5
        if self.goal.transform is None:
            return (found + holding) / 3
        transformed = any(
            self.has_property(obj) and self.world.location[obj] == HAND for obj in self.objects
        )
        return (found + holding + transformed) / 4

"""ScienceWorld-like experiments (``protege/Science-v1``): a small simulator and its tasks.

Modules: :mod:`~.world` (things, rooms, doors, references), :mod:`~.physics` (heat, states of
matter, sinks), :mod:`~.electricity` (circuits), :mod:`~.biology` (life stages, plant growth),
:mod:`~.house` (the map), :mod:`~.text` (descriptions), :mod:`~.actions` (parser and commands),
:mod:`~.valid` (admissible commands), :mod:`~.tasks` (task types, variations, splits),
:mod:`~.expert` (the planner) and :mod:`~.env` (the Gymnasium environment).
"""

from protege.envs.science.env import ScienceEnv
from protege.envs.science.tasks import TASK_TYPES

__all__ = ["TASK_TYPES", "ScienceEnv"]

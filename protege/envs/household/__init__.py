"""ALFWorld-like household tasks: ``protege/Household-v1``.

Modules, one job each: :mod:`.catalog` (what a household contains), :mod:`.layouts` (the seen
and unseen layouts and goal pairs), :mod:`.world` (state, commands, feedback), :mod:`.goal`
(success and progress), :mod:`.expert` (the planner), :mod:`.tasks` (splits and the
generator), :mod:`.env` (the Gymnasium environment).
"""

from protege.envs.household.env import HouseholdEnv

__all__ = ["HouseholdEnv"]

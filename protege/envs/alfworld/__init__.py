"""The ALFWorld family: ALFWorld's own text games (``protege/ALFWorld-v0``).

Needs the optional ``alfworld`` package and its game data (``pip install alfworld &&
alfworld-download``); both are checked only when an environment is made.
"""

from protege.envs.alfworld.env import ALFWorldDataError, ALFWorldEnv, unavailable_reason

__all__ = ["ALFWorldDataError", "ALFWorldEnv", "unavailable_reason"]

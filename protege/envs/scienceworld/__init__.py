"""The ScienceWorld family: the real ScienceWorld simulator (``protege/ScienceWorld-v1``).

Needs the optional ``scienceworld`` package (``pip install 'protege[scienceworld]'``) and a Java
runtime; both are checked only when an environment is made.
"""

from protege.envs.scienceworld.env import ScienceWorldEnv, unavailable_reason

__all__ = ["ScienceWorldEnv", "unavailable_reason"]

"""The TextWorld family: real TextWorld games generated offline (``protege/TextWorld-v1``).

Needs the optional ``textworld`` package (``pip install 'protege[textworld]'``), imported only
when an environment is made.
"""

from protege.envs.textworld.env import TextWorldEnv, unavailable_reason

__all__ = ["TextWorldEnv", "unavailable_reason"]

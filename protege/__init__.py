"""protege: multi-turn text environments and on-policy distillation for small LLM agents.

Importing protege registers the built-in environments with Gymnasium and loads third-party
environments from the ``protege.envs`` entry-point group.
"""

from protege.envs import load_plugins

__version__ = "0.1.0"

load_plugins()

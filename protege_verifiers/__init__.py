"""The verifiers taskset id ``protege_verifiers``: verifiers imports tasksets by top-level module
name, so this re-exports :mod:`protege.integrations.verifiers`."""

from protege.integrations.verifiers import ProtegeEnv, ProtegeTaskset

__all__ = ["ProtegeEnv", "ProtegeTaskset"]

"""Gymnasium-compatible multi-turn text environments and their registry."""

from protege.envs.core import INFO_KEYS, SPLITS, TextEnv, text_space
from protege.envs.registry import (
    ENTRY_POINT_GROUP,
    PLUGIN_ERRORS,
    env_class,
    list_envs,
    load_plugins,
    protege_env_ids,
    register_builtin_envs,
    register_env,
)

__all__ = [
    "ENTRY_POINT_GROUP",
    "INFO_KEYS",
    "PLUGIN_ERRORS",
    "SPLITS",
    "TextEnv",
    "env_class",
    "list_envs",
    "load_plugins",
    "protege_env_ids",
    "register_builtin_envs",
    "register_env",
    "text_space",
]

register_builtin_envs()

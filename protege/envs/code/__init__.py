"""``protege/Code-v0``: multi-turn coding in a sandbox, scored by hidden unit tests."""

from protege.envs.code.actions import TOOLS, ParseError, ToolCall, parse_action
from protege.envs.code.env import CodeEnv
from protege.envs.code.tasks import CodeTask, load_tasks

__all__ = ["TOOLS", "CodeEnv", "CodeTask", "ParseError", "ToolCall", "load_tasks", "parse_action"]

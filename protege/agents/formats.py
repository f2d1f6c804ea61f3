"""Prompt formats: how the goal and observations are shown and how an action is parsed.

Three formats, looked up by name with :func:`get_format`:

- ``react``: the model writes ``Thought: ...`` then ``Action: <action>`` on its own line;
- ``tagged``: ``<think>...</think><action>...</action>``;
- ``tool_call``: one Hermes/Qwen-style function call,
  ``<tool_call>{"name": "act", "arguments": {"action": "..."}}</tool_call>``. The tools are
  passed to the chat template (described in the system message when the template does not
  render tools, see :mod:`protege.agents.conversation`). By default there is one tool,
  ``act(action)``; an environment that gives function schemas in ``info["tools"]`` gets those,
  and its action is then the call itself as JSON, ``{"name": ..., "arguments": {...}}``.

The system prompt states the goal, the format and, where the environment gives them, the
admissible actions at the start; each later observation message lists the admissible actions
of that moment (the rollout engine does not repeat the list in the first user turn).

**Parsing never raises.** Output that does not follow the format gives a
:class:`ParsedAction` with ``action=None`` and an ``error``; the rollout engine then does not
call the environment, records the step (it counts towards the step limit) with
``Step.parse_error`` set, and shows the model :meth:`PromptFormat.format_hint` as the next
observation.

History (:func:`build_messages`): the full conversation, or the system message plus the last
``k`` exchanges and the current observation.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from protege.errors import ProtegeError

MAX_LISTED_ACTIONS = 50
"""At most this many admissible actions are listed in a message (the rest are counted)."""


class UnknownFormatError(ProtegeError, ValueError):
    """A prompt format name that does not exist."""


@dataclass(frozen=True)
class ParsedAction:
    """The result of parsing a response: an action, or why there is none."""

    action: str | None
    thought: str | None = None
    error: str | None = None


class PromptFormat:
    """Base class: the system prompt, observation messages and action parsing of one format."""

    name: ClassVar[str] = ""
    instructions: ClassVar[str] = ""
    example: ClassVar[str] = ""

    def system_prompt(self, goal: str, admissible_actions: Sequence[str] = ()) -> str:
        """The goal, how to answer and the admissible actions at the start."""
        parts = [
            "You are an agent in a text environment. Act step by step to reach the goal.",
            f"Goal: {goal}",
            self.instructions,
            f"Example:\n{self.example}",
        ]
        if admissible_actions:
            parts.append("Admissible actions now: " + _listing(admissible_actions))
        return "\n\n".join(parts)

    def observation_message(self, observation: str, admissible_actions: Sequence[str] = ()) -> str:
        """The user turn for one observation, with the admissible actions of that moment."""
        if not admissible_actions:
            return observation
        return f"{observation}\n\nAdmissible actions: {_listing(admissible_actions)}"

    def format_hint(self) -> str:
        """The observation shown after a response that did not follow the format."""
        return (
            "Your reply did not follow the expected format, so no action was taken. "
            f"{self.instructions}\nExample:\n{self.example}"
        )

    def parse(self, text: str) -> ParsedAction:
        """Extract the action from a response; never raises."""
        try:
            return self._parse(text if isinstance(text, str) else str(text))
        except Exception as error:  # a parser bug must not end a rollout
            return ParsedAction(None, error=f"could not parse the reply ({error})")

    def render(self, action: str, thought: str = "") -> str:
        """A well-formed response for ``action`` (for demonstrations and tests)."""
        raise NotImplementedError

    def tools(self, env_tools: Sequence[dict[str, Any]] | None = None) -> list[dict] | None:
        """Function schemas for the chat template (only ``tool_call`` has any)."""
        return None

    def _parse(self, text: str) -> ParsedAction:
        raise NotImplementedError


class ReactFormat(PromptFormat):
    """``Thought: ...`` then ``Action: <action>``; the last ``Action:`` line counts."""

    name = "react"
    instructions = (
        "Answer in two lines: first 'Thought:' with brief reasoning, then 'Action:' followed "
        "by exactly one action."
    )
    example = "Thought: I need to find the key first.\nAction: go to drawer 1"
    _action = re.compile(r"^\s*\**action\**\s*:\s*(.*)$", re.IGNORECASE | re.MULTILINE)
    _thought = re.compile(r"^\s*\**thought\**\s*:\s*(.*?)(?=^\s*\**action|\Z)", re.I | re.M | re.S)

    def render(self, action: str, thought: str = "") -> str:
        return f"Thought: {thought}\nAction: {action}" if thought else f"Action: {action}"

    def _parse(self, text: str) -> ParsedAction:
        matches = self._action.findall(text)
        thought_match = self._thought.search(text)
        thought = thought_match.group(1).strip() if thought_match else None
        if not matches or not _clean(matches[-1]):
            return ParsedAction(None, thought, "no line starting with 'Action:'")
        return ParsedAction(_clean(matches[-1]), thought)


class TaggedFormat(PromptFormat):
    """``<think>...</think><action>...</action>``; an unclosed last ``<action>`` is accepted."""

    name = "tagged"
    instructions = (
        "Think inside <think></think>, then give exactly one action inside <action></action>."
    )
    example = "<think>I need to find the key first.</think><action>go to drawer 1</action>"
    _action = re.compile(r"<action>(.*?)(?:</action>|\Z)", re.IGNORECASE | re.DOTALL)
    _think = re.compile(r"<think>(.*?)(?:</think>|\Z)", re.IGNORECASE | re.DOTALL)

    def render(self, action: str, thought: str = "") -> str:
        return f"<think>{thought}</think><action>{action}</action>"

    def _parse(self, text: str) -> ParsedAction:
        think = self._think.search(text)
        thought = think.group(1).strip() if think else None
        matches = self._action.findall(text)
        if not matches or not _clean(matches[-1]):
            return ParsedAction(None, thought, "no <action>...</action>")
        return ParsedAction(_clean(matches[-1]), thought)


ACT_TOOL: dict[str, Any] = {
    "type": "function",
    "function": {
        "name": "act",
        "description": "Take one action in the environment, e.g. one of the admissible actions.",
        "parameters": {
            "type": "object",
            "properties": {"action": {"type": "string", "description": "The action text."}},
            "required": ["action"],
        },
    },
}


class ToolCallFormat(PromptFormat):
    """One ``<tool_call>{"name": ..., "arguments": {...}}</tool_call>`` per turn."""

    name = "tool_call"
    instructions = (
        "Call exactly one function per turn: a JSON object with 'name' and 'arguments' inside "
        "<tool_call></tool_call>. Any reasoning goes before the call."
    )
    example = (
        '<tool_call>\n{"name": "act", "arguments": {"action": "go to drawer 1"}}\n</tool_call>'
    )
    _call = re.compile(r"<tool_call>(.*?)(?:</tool_call>|\Z)", re.DOTALL)

    def tools(self, env_tools: Sequence[dict[str, Any]] | None = None) -> list[dict]:
        return list(env_tools) if env_tools else [ACT_TOOL]

    def render(self, action: str, thought: str = "") -> str:
        call = json.dumps({"name": "act", "arguments": {"action": action}})
        return (
            f"{thought}\n<tool_call>\n{call}\n</tool_call>"
            if thought
            else f"<tool_call>\n{call}\n</tool_call>"
        )

    def _parse(self, text: str) -> ParsedAction:
        matches = self._call.findall(text)
        thought = text.split("<tool_call>", 1)[0].strip() or None
        if not matches:
            return ParsedAction(None, thought, "no <tool_call>...</tool_call>")
        try:
            call = json.loads(matches[-1].strip())
        except json.JSONDecodeError as error:
            return ParsedAction(None, thought, f"the tool call is not valid JSON ({error.msg})")
        if not isinstance(call, dict) or not isinstance(call.get("name"), str):
            return ParsedAction(None, thought, "the tool call has no 'name'")
        arguments = call.get("arguments", {})
        if isinstance(arguments, str):  # some models double-encode the arguments
            try:
                arguments = json.loads(arguments)
            except json.JSONDecodeError:
                return ParsedAction(None, thought, "the tool call's 'arguments' is not JSON")
        if not isinstance(arguments, dict):
            return ParsedAction(None, thought, "the tool call's 'arguments' is not an object")
        if call["name"] == "act":
            action = arguments.get("action")
            if not isinstance(action, str) or not _clean(action):
                return ParsedAction(None, thought, "act() needs a string 'action' argument")
            return ParsedAction(_clean(action), thought)
        return ParsedAction(json.dumps({"name": call["name"], "arguments": arguments}), thought)


FORMATS: dict[str, type[PromptFormat]] = {
    cls.name: cls for cls in (ReactFormat, TaggedFormat, ToolCallFormat)
}


def get_format(name: str | PromptFormat) -> PromptFormat:
    """The format called ``name`` (``react``, ``tagged`` or ``tool_call``)."""
    if isinstance(name, PromptFormat):
        return name
    if name not in FORMATS:
        raise UnknownFormatError(
            f"unknown prompt format {name!r}; expected one of {', '.join(FORMATS)}"
        )
    return FORMATS[name]()


def build_messages(
    system: str, turns: Sequence[tuple[str, str]], current: str, history: int | None = None
) -> list[dict[str, str]]:
    """System message, past ``(user, assistant)`` turns (all or the last ``history``), then
    the current user message."""
    kept = (
        list(turns) if history is None else list(turns)[len(turns) - history :] if history else []
    )
    messages = [{"role": "system", "content": system}]
    for user, assistant in kept:
        messages += [{"role": "user", "content": user}, {"role": "assistant", "content": assistant}]
    messages.append({"role": "user", "content": current})
    return messages


def _clean(action: str) -> str:
    """First line, without surrounding whitespace, quotes, backticks or a final period."""
    line = action.strip().splitlines()[0] if action.strip() else ""
    previous = None
    while line != previous:
        previous = line
        line = line.strip().strip("`'\"").rstrip(".")
    return line


def _listing(actions: Sequence[str]) -> str:
    shown = ", ".join(actions[:MAX_LISTED_ACTIONS])
    extra = len(actions) - MAX_LISTED_ACTIONS
    return shown + (f", ... ({extra} more)" if extra > 0 else "")

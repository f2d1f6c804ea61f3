"""Parsing the Code environment's tool calls, in JSON or in a plain text form.

JSON follows the OpenAI/Hermes tool-call shape, ``{"name": "run", "arguments": {...}}``
(``arguments`` may also be a JSON string, the whole call may sit inside ``<tool_call>`` tags
or a code fence, and ``{"function": {...}}`` wrappers are unwrapped). The text form is a
Python-style call with literal arguments: ``write_file("solution.py", "def f(): ...")``,
``read_file(path="solution.py")``, ``run("python3 solution.py")``, ``python("print(1)")``,
``submit()``. Anything else yields a :class:`ParseError` whose message is the hint shown to
the agent. Parsing never touches the sandbox.
"""

from __future__ import annotations

import ast
import json
import re
import warnings
from dataclasses import dataclass, field

TOOLS: dict[str, tuple[str, ...]] = {
    "write_file": ("path", "content"),
    "read_file": ("path",),
    "run": ("command",),
    "python": ("code",),
    "submit": (),
}
"""Tool name -> its parameters, in positional order; every parameter is a string."""

USAGE = (
    'Call one tool per action, as JSON {"name": "run", "arguments": {"command": "ls"}} or as '
    "text: write_file(path, content), read_file(path), run(command), python(code), submit()."
)
MAX_CALL_CHARS = 200_000


class ParseError(ValueError):
    """An action that is not a valid tool call; the message is the hint for the agent."""


@dataclass(frozen=True)
class ToolCall:
    """One parsed tool call."""

    name: str
    arguments: dict[str, str] = field(default_factory=dict)

    def text(self) -> str:
        """The call in the plain text form (``name("arg", ...)``), which parses back to it."""
        args = ", ".join(repr(self.arguments[param]) for param in TOOLS[self.name])
        return f"{self.name}({args})"


_TAGS = re.compile(
    r"^\s*(?:<tool_call>\s*(.*?)\s*</tool_call>|```(?:json|python)?\s*(.*?)```)\s*$", re.S
)


def parse_action(action: str) -> ToolCall:
    """Parse one action into a :class:`ToolCall`, or raise :class:`ParseError` with a hint."""
    text = action.strip()
    if not text:
        raise ParseError(f"The action is empty. {USAGE}")
    if len(text) > MAX_CALL_CHARS:
        raise ParseError(f"The action is longer than {MAX_CALL_CHARS} characters. {USAGE}")
    tagged = _TAGS.match(text)
    if tagged:
        text = (tagged.group(1) or tagged.group(2) or "").strip()
    if text.startswith("{"):
        return _parse_json(text)
    return _parse_text(text)


def _parse_json(text: str) -> ToolCall:
    try:
        call = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise ParseError(
            f"The action looks like JSON but is not valid JSON ({error}). {USAGE}"
        ) from None
    if isinstance(call, dict) and isinstance(call.get("function"), dict):
        call = call["function"]
    if not isinstance(call, dict) or not isinstance(call.get("name"), str):
        raise ParseError(f'A JSON tool call needs a "name" and an "arguments" object. {USAGE}')
    arguments = call.get("arguments", call.get("parameters", {}))
    if isinstance(arguments, str):
        try:
            arguments = json.loads(arguments) if arguments.strip() else {}
        except (ValueError, RecursionError):
            raise ParseError(f'"arguments" is a string that is not valid JSON. {USAGE}') from None
    if not isinstance(arguments, dict):
        raise ParseError(f'"arguments" must be an object. {USAGE}')
    return _check(call["name"], [], arguments)


def _parse_text(text: str) -> ToolCall:
    name = text.split("(", 1)[0].strip()
    if name in TOOLS and "(" not in text and not TOOLS[name]:
        return ToolCall(name)  # a bare `submit`
    try:
        with warnings.catch_warnings():  # e.g. invalid escape sequences in a random string
            warnings.simplefilter("ignore")
            tree = ast.parse(text, mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        raise ParseError(f"Could not parse the action as a tool call. {USAGE}") from None
    call = tree.body
    if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Name):
        raise ParseError(f"The action is not a tool call. {USAGE}")
    try:
        positional = [ast.literal_eval(arg) for arg in call.args]
        keywords = {kw.arg: ast.literal_eval(kw.value) for kw in call.keywords if kw.arg}
    except (ValueError, TypeError, SyntaxError, RecursionError, MemoryError):
        raise ParseError(f"Arguments must be literal strings (quote them). {USAGE}") from None
    if len(keywords) != len(call.keywords):
        raise ParseError(f"`**` arguments are not supported. {USAGE}")
    return _check(call.func.id, positional, keywords)


def _check(name: str, positional: list, keywords: dict) -> ToolCall:
    if name not in TOOLS:
        raise ParseError(f"Unknown tool {name[:40]!r}. {USAGE}")
    params = TOOLS[name]
    if len(positional) > len(params):
        takes = f"{len(params)} argument(s): {', '.join(params)}" if params else "no arguments"
        raise ParseError(f"{name} takes {takes}. {USAGE}")
    arguments = dict(zip(params, positional, strict=False))
    for key, value in keywords.items():
        if key not in params or key in arguments:
            raise ParseError(f"{name} has no argument {str(key)[:40]!r} (or it is given twice).")
        arguments[key] = value
    missing = [param for param in params if param not in arguments]
    if missing:
        raise ParseError(f"{name} needs {', '.join(missing)}. {USAGE}")
    if not all(isinstance(value, str) for value in arguments.values()):
        raise ParseError(f"Every argument of {name} must be a string.")
    return ToolCall(name, arguments)

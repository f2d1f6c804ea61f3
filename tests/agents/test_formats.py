"""Prompt formats: rendering, parsing, and parsing that never raises."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from protege.agents.formats import (
    FORMATS,
    UnknownFormatError,
    build_messages,
    get_format,
)


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_a_rendered_action_parses_back(name):
    fmt = get_format(name)
    for action in ("go to drawer 1", "take apple 2 from countertop 1", "add 1"):
        parsed = fmt.parse(fmt.render(action, thought="I should move."))
        assert parsed.action == action and parsed.error is None


@pytest.mark.parametrize("name", sorted(FORMATS))
@settings(max_examples=150, deadline=None)
@given(text=st.text(max_size=300))
def test_parsing_never_raises(name, text):
    parsed = get_format(name).parse(text)
    assert (parsed.action is None) == (parsed.error is not None)


@pytest.mark.parametrize(
    ("name", "text", "action"),
    [
        ("react", "Thought: hmm\nAction: open fridge 1\nmore", "open fridge 1"),
        ("react", "action:  `add 2`.", "add 2"),
        ("react", "Action: a\nThought: again\nAction: b", "b"),
        ("react", "I would open the fridge", None),
        ("react", "Action:   \n", None),
        ("tagged", "<think>x</think><action> add 1 </action>", "add 1"),
        ("tagged", "<think>x</think><action>add 1", "add 1"),  # cut at the token limit
        ("tagged", "<think>only thinking</think>", None),
        (
            "tool_call",
            '<tool_call>{"name": "act", "arguments": {"action": "add 1"}}</tool_call>',
            "add 1",
        ),
        (
            "tool_call",
            '<tool_call>{"name": "act", "arguments": "{\\"action\\": \\"add 2\\"}"}',
            "add 2",
        ),
        ("tool_call", "<tool_call>{not json}</tool_call>", None),
        ("tool_call", '<tool_call>{"name": "act", "arguments": {}}</tool_call>', None),
        ("tool_call", '<tool_call>["act"]</tool_call>', None),
        ("tool_call", "Action: add 1", None),
    ],
)
def test_parse_examples(name, text, action):
    parsed = get_format(name).parse(text)
    assert parsed.action == action
    if action is None:
        assert parsed.error


def test_a_call_to_an_environment_tool_becomes_its_json():
    text = '<tool_call>{"name": "run_tests", "arguments": {"path": "a.py"}}</tool_call>'
    parsed = get_format("tool_call").parse(text)
    assert json.loads(parsed.action) == {"name": "run_tests", "arguments": {"path": "a.py"}}
    env_tools = [{"type": "function", "function": {"name": "run_tests"}}]
    assert get_format("tool_call").tools(env_tools) == env_tools
    assert get_format("tool_call").tools()[0]["function"]["name"] == "act"


def test_system_prompt_states_goal_format_and_admissible_actions():
    text = get_format("react").system_prompt("put a mug in the sink", ["go to sink 1", "look"])
    assert "Goal: put a mug in the sink" in text
    assert "Action:" in text
    assert "go to sink 1, look" in text
    hint = get_format("tagged").format_hint()
    assert "did not follow the expected format" in hint and "<action>" in hint


def test_history_keeps_all_or_the_last_k_turns():
    turns = [("o1", "a1"), ("o2", "a2"), ("o3", "a3")]
    full = build_messages("S", turns, "o4")
    assert [m["content"] for m in full] == ["S", "o1", "a1", "o2", "a2", "o3", "a3", "o4"]
    last = build_messages("S", turns, "o4", history=1)
    assert [m["content"] for m in last] == ["S", "o3", "a3", "o4"]
    assert [m["content"] for m in build_messages("S", turns, "o4", history=0)] == ["S", "o4"]


def test_unknown_format_names_the_choices():
    with pytest.raises(
        UnknownFormatError,
        match=r"^unknown prompt format 'json'; expected one of react, tagged, tool_call$",
    ):
        get_format("json")

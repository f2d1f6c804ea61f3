"""Token-exact multi-turn conversations with a model's chat template.

A :class:`Conversation` is built token by token, never re-tokenized from text:

1. the first prompt (system + first user turn) is rendered once with the chat template, with
   the generation prompt, and tokenized (:meth:`Conversation.start`);
2. each sampled response is appended verbatim, token ids as the policy sampled them,
   end-of-turn token included when the model emitted it (:meth:`Conversation.add_assistant`);
3. each new observation is appended as the template's **delta**: the conversation rendered
   with and without the new user turn, the text suffix after the assistant's content,
   tokenized on its own (:meth:`Conversation.add_user`). The delta begins with whatever the
   template puts after an assistant message (for ChatML ``<|im_end|>\\n``); when the sampled
   tokens already end with that end-of-turn token it is not appended a second time, and when
   generation stopped at the token limit it is appended, so the assistant turn is closed the
   way the template closes it.

Invariant (tested): ``tokenizer.decode(conversation.token_ids)`` equals the chat template's
rendering of ``conversation.messages`` (with the generation prompt while the last turn is the
user's), where each assistant message's content is the decoded text of its sampled tokens
without the end-of-turn token. The token ids may differ from tokenizing that text in one go
(that is the point: the model saw and sampled these ids), but they decode to the same text.

Each assistant turn's tokens are recorded as a :class:`~protege.records.TokenSpan`, so
:meth:`Conversation.token_sequence` is what :attr:`protege.records.Episode.tokens` stores and
what a teacher scores in one forward pass.

Tools (for the ``tool_call`` format): when the template itself renders ``tools``, they are
passed to it; otherwise :func:`tools_system_text` describes them Hermes-style inside the
system message.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from protege.errors import ProtegeError
from protege.records import TokenSequence, TokenSpan

Message = dict[str, str]
"""A chat message: ``{"role": "system" | "user" | "assistant", "content": str}``."""


class ChatTemplateError(ProtegeError, ValueError):
    """The tokenizer's chat template cannot be extended turn by turn (not prefix-preserving)."""


def template_renders_tools(tokenizer: Any) -> bool:
    """Whether the tokenizer's chat template uses a ``tools`` variable."""
    template = getattr(tokenizer, "chat_template", None) or ""
    if isinstance(template, dict):
        template = " ".join(str(value) for value in template.values())
    return "tools" in str(template)


def tools_system_text(tools: Sequence[dict[str, Any]]) -> str:
    """Hermes/Qwen-style tool description for templates that do not render ``tools``."""
    lines = [
        "You may call one function per turn. The functions you can call are listed in "
        "<tools></tools>:",
        "<tools>",
        *(json.dumps(tool, ensure_ascii=False) for tool in tools),
        "</tools>",
        "For the call, reply with a JSON object with the function name and its arguments "
        "inside <tool_call></tool_call> tags:",
        '<tool_call>\n{"name": <function-name>, "arguments": <args-json-object>}\n</tool_call>',
    ]
    return "\n".join(lines)


def render_text(
    tokenizer: Any,
    messages: Sequence[Message],
    *,
    add_generation_prompt: bool,
    tools: Sequence[dict[str, Any]] | None = None,
) -> str:
    """Render messages with the chat template as text (tools passed only if it renders them)."""
    kwargs: dict[str, Any] = {}
    if tools and template_renders_tools(tokenizer):
        kwargs["tools"] = list(tools)
    return tokenizer.apply_chat_template(
        list(messages), tokenize=False, add_generation_prompt=add_generation_prompt, **kwargs
    )


def encode_text(tokenizer: Any, text: str) -> list[int]:
    """Tokenize rendered template text; special tokens come from the text, none are added."""
    return list(tokenizer(text, add_special_tokens=False)["input_ids"])


def stop_token_ids(tokenizer: Any, extra: Sequence[int] = ()) -> set[int]:
    """Token ids that end an assistant turn: the tokenizer's and generation config's EOS."""
    ids = {int(token) for token in extra}
    if tokenizer.eos_token_id is not None:
        ids.add(int(tokenizer.eos_token_id))
    return ids


def render_prompt_ids(
    tokenizer: Any,
    messages: Sequence[Message],
    tools: Sequence[dict[str, Any]] | None = None,
) -> list[int]:
    """Token ids of ``messages`` rendered once with the generation prompt (one-shot context)."""
    messages = with_tools_in_system(tokenizer, messages, tools)
    return encode_text(
        tokenizer, render_text(tokenizer, messages, add_generation_prompt=True, tools=tools)
    )


def with_tools_in_system(
    tokenizer: Any, messages: Sequence[Message], tools: Sequence[dict[str, Any]] | None
) -> list[Message]:
    """Add the tool description to the system message when the template does not render tools."""
    messages = [dict(message) for message in messages]
    if not tools or template_renders_tools(tokenizer):
        return messages
    text = tools_system_text(tools)
    if messages and messages[0]["role"] == "system":
        messages[0]["content"] = messages[0]["content"] + "\n\n" + text
    else:
        messages.insert(0, {"role": "system", "content": text})
    return messages


class Conversation:
    """A chat built token by token: the exact ids a policy saw and sampled.

    Use :meth:`start` with the first messages, then alternate :meth:`add_assistant` (sampled
    token ids) and :meth:`add_user` (the next observation). :attr:`token_ids` is always the
    next generation context while the last turn is the user's.

    Example::

        conversation = Conversation.start(tokenizer, [system, first_user])
        ids = policy_sample(conversation.token_ids)       # verbatim, EOS included if sampled
        text = conversation.add_assistant(ids)             # the content the template sees
        conversation.add_user("You see a fridge.")
        record = conversation.token_sequence()             # -> Episode.tokens
    """

    def __init__(
        self,
        tokenizer: Any,
        messages: list[Message],
        token_ids: list[int],
        tools: Sequence[dict[str, Any]] | None = None,
    ) -> None:
        self.tokenizer = tokenizer
        self.messages = messages
        """The messages so far (system message including any tool description)."""
        self.token_ids = token_ids
        """Every token of the conversation so far."""
        self.tools = list(tools) if tools else None
        self.spans: list[TokenSpan] = []
        """One span per assistant turn: where its sampled tokens lie in :attr:`token_ids`."""
        self._closed_by_sample = False  # the last assistant turn ended with a sampled EOS

    @classmethod
    def start(
        cls,
        tokenizer: Any,
        messages: Sequence[Message],
        tools: Sequence[dict[str, Any]] | None = None,
    ) -> Conversation:
        """Render the first messages once, with the generation prompt, and tokenize them."""
        if not messages or messages[-1]["role"] != "user":
            raise ValueError("a conversation starts with messages that end with a user turn")
        full = with_tools_in_system(tokenizer, messages, tools)
        ids = encode_text(
            tokenizer, render_text(tokenizer, full, add_generation_prompt=True, tools=tools)
        )
        return cls(tokenizer, full, ids, tools)

    @property
    def expects_assistant(self) -> bool:
        """Whether the next turn is the model's (the last message is the user's)."""
        return self.messages[-1]["role"] == "user"

    def add_assistant(self, sampled_ids: Sequence[int]) -> str:
        """Append sampled token ids verbatim; return the assistant content they stand for.

        The content is the decoded text without a trailing end-of-turn (EOS) token; any other
        stop token stays part of the content. The span of the turn covers every sampled id,
        the end-of-turn token included.
        """
        if not self.expects_assistant:
            raise ValueError("add_assistant after an assistant turn; add a user turn first")
        sampled = [int(token) for token in sampled_ids]
        eos_id = self.tokenizer.eos_token_id
        self._closed_by_sample = bool(sampled) and eos_id is not None and sampled[-1] == eos_id
        content_ids = sampled[:-1] if self._closed_by_sample else sampled
        content = self.tokenizer.decode(content_ids, skip_special_tokens=False)
        start = len(self.token_ids)
        self.token_ids.extend(sampled)
        self.spans.append(TokenSpan(step=len(self.spans), start=start, end=len(self.token_ids)))
        self.messages.append({"role": "assistant", "content": content})
        return content

    def add_user(self, content: str) -> list[int]:
        """Append a user turn as the template's token delta (with the generation prompt).

        Returns the appended ids. Raises :class:`ChatTemplateError` when the template renders
        earlier turns differently once a turn is added (a template that is not
        prefix-preserving, e.g. one that drops earlier reasoning).
        """
        if self.expects_assistant:
            raise ValueError("add_user after a user turn; add the assistant's turn first")
        tail = self._delta_text(content)
        eos_text = self._eos_text()
        if self._closed_by_sample and eos_text and tail.startswith(eos_text):
            tail = tail[len(eos_text) :]  # the model already sampled the end-of-turn token
        delta = encode_text(self.tokenizer, tail)
        self.token_ids.extend(delta)
        self.messages.append({"role": "user", "content": content})
        return delta

    def token_sequence(self) -> TokenSequence:
        """The conversation as a record: all token ids and one span per assistant turn."""
        return TokenSequence(token_ids=list(self.token_ids), spans=list(self.spans))

    def rendered_text(self) -> str:
        """The chat template's text for :attr:`messages`; ``decode(token_ids)`` equals it."""
        return render_text(
            self.tokenizer,
            self.messages,
            add_generation_prompt=self.expects_assistant,
            tools=self.tools,
        )

    def _delta_text(self, content: str) -> str:
        """Text the template adds after the last assistant content for a new user turn."""
        before = render_text(
            self.tokenizer, self.messages[:-1], add_generation_prompt=True, tools=self.tools
        )
        prefix = before + self.messages[-1]["content"]
        after = render_text(
            self.tokenizer,
            [*self.messages, {"role": "user", "content": content}],
            add_generation_prompt=True,
            tools=self.tools,
        )
        if not after.startswith(prefix):
            raise ChatTemplateError(
                "the chat template does not extend the conversation turn by turn: rendering "
                "it with one more user turn changes the text of earlier turns (expected the "
                f"rendering to start with {prefix[-80:]!r}); token-exact rollouts need a "
                "prefix-preserving template, or use a last-k history format"
            )
        return after[len(prefix) :]

    def _eos_text(self) -> str:
        eos = self.tokenizer.eos_token
        return eos if isinstance(eos, str) else ""

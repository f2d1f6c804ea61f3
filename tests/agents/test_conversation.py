"""Token-exact conversations: the ids decode to the template's rendering of the messages."""

from __future__ import annotations

import pytest

from protege.agents.conversation import ChatTemplateError, Conversation, render_prompt_ids


def _ids(tokenizer, text):
    return tokenizer(text, add_special_tokens=False)["input_ids"]


def _start(tokenizer):
    return Conversation.start(
        tokenizer,
        [{"role": "system", "content": "Reach 5."}, {"role": "user", "content": "It shows 1."}],
    )


def test_start_renders_the_prompt_once_with_the_generation_prompt(tokenizer):
    conversation = _start(tokenizer)
    assert tokenizer.decode(conversation.token_ids) == conversation.rendered_text()
    assert conversation.rendered_text().endswith("<|im_start|>assistant\n")
    assert conversation.token_ids == render_prompt_ids(tokenizer, conversation.messages)


def test_sampled_tokens_are_appended_verbatim_and_eos_is_not_doubled(tokenizer):
    conversation = _start(tokenizer)
    # " add" + "1" split oddly: a tokenization the text alone would never produce
    sampled = [*_ids(tokenizer, "Action: a"), *_ids(tokenizer, "dd 1"), tokenizer.eos_token_id]
    content = conversation.add_assistant(sampled)
    assert content == "Action: add 1"
    span = conversation.spans[0]
    assert conversation.token_ids[span.start : span.end] == sampled
    delta = conversation.add_user("It shows 2.")
    assert delta[0] != tokenizer.eos_token_id  # the sampled EOS closed the turn already
    assert tokenizer.decode(conversation.token_ids) == conversation.rendered_text()


def test_a_turn_cut_at_the_token_limit_is_closed_by_the_delta(tokenizer):
    conversation = _start(tokenizer)
    sampled = _ids(tokenizer, "Thought: I should")
    conversation.add_assistant(sampled)
    delta = conversation.add_user("Please answer in the format.")
    assert delta[0] == tokenizer.eos_token_id
    assert tokenizer.decode(conversation.token_ids) == conversation.rendered_text()
    sequence = conversation.token_sequence()
    assert [(s.start, s.end) for s in sequence.spans] == [
        (
            len(conversation.token_ids) - len(delta) - len(sampled),
            len(conversation.token_ids) - len(delta),
        )
    ]


def test_tools_are_described_in_the_system_message_when_the_template_ignores_them(tokenizer):
    tools = [{"type": "function", "function": {"name": "act", "parameters": {}}}]
    conversation = Conversation.start(
        tokenizer, [{"role": "system", "content": "S"}, {"role": "user", "content": "U"}], tools
    )
    assert "<tools>" in conversation.messages[0]["content"]
    assert '"name": "act"' in tokenizer.decode(conversation.token_ids)


def test_a_template_that_rewrites_earlier_turns_is_refused(tokenizer):
    class Rewriting:
        eos_token = tokenizer.eos_token
        eos_token_id = tokenizer.eos_token_id
        chat_template = ""

        def apply_chat_template(self, messages, tokenize, add_generation_prompt):
            # drops the content of every assistant turn but the last, as reasoning templates do
            parts = []
            for i, m in enumerate(messages):
                keep = m["role"] != "assistant" or i == len(messages) - 1
                parts.append(f"[{m['role']}]{m['content'] if keep else ''}|")
            return "".join(parts) + ("[assistant]" if add_generation_prompt else "")

        def __call__(self, text, add_special_tokens):
            return tokenizer(text, add_special_tokens=add_special_tokens)

        def decode(self, ids, skip_special_tokens):
            return tokenizer.decode(ids, skip_special_tokens=skip_special_tokens)

    conversation = _start(Rewriting())
    conversation.add_assistant(_ids(tokenizer, "x"))
    with pytest.raises(ChatTemplateError, match="prefix-preserving"):
        conversation.add_user("next")

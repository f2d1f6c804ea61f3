"""Hand-built token-exact episodes for scorer tests."""

from __future__ import annotations

import random

from protege.agents.conversation import Conversation
from protege.records import Episode, Step


def random_episode(tokenizer, steps: int, seed: int = 0, system: str = "Play.") -> Episode:
    """A full-history episode whose actions are random token ids ending with EOS."""
    rng = random.Random(seed)
    conversation = Conversation.start(
        tokenizer, [{"role": "system", "content": system}, {"role": "user", "content": "Go."}]
    )
    records = []
    for number in range(steps):
        ids = [rng.randrange(200, 2000) for _ in range(rng.randrange(2, 6))]
        ids.append(tokenizer.eos_token_id)
        action = conversation.add_assistant(ids)
        records.append(Step(observation=f"obs {number}", action=action, action_token_ids=ids))
        if number < steps - 1:
            conversation.add_user(f"The counter shows {number}.")
    return Episode(
        env_id="protege-test/Counter-v0",
        task_id="small-1",
        task_type="small",
        goal="Go.",
        steps=records,
        tokens=conversation.token_sequence(),
    )


def per_step_episode(tokenizer, full: Episode) -> Episode:
    """The same actions with per-step contexts (each step's prefix as its prompt)."""
    assert full.tokens is not None
    steps = []
    for step, span in zip(full.steps, full.tokens.spans, strict=True):
        prompt = full.tokens.token_ids[: span.start]
        steps.append(step.model_copy(update={"prompt_token_ids": prompt}))
    return full.model_copy(update={"steps": steps, "tokens": None})

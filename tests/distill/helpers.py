"""Hand-built token-exact episodes for scorer tests; tiny runs for trainer tests."""

from __future__ import annotations

import random

from protege.agents.conversation import Conversation
from protege.distill import trainer
from protege.distill.batching import set_group_statistics
from protege.distill.config import parse_config
from protege.distill.methods import Curriculum
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


def make_run(tmp_path, teacher, method: dict, rollout=None, teacher_block=None, **optim):
    """A run on the Counter toy env with tiny models (``optim`` keys override)."""
    config = parse_config(
        {
            "method": method,
            "student": {"path": "tiny", "device": "cpu"},
            "teacher": {"path": str(teacher), "device": "cpu", **(teacher_block or {})},
            "env": {"env_id": "protege-test/Counter-v0", "max_steps": 2, "task_type": "small"},
            "rollout": {
                "tasks_per_update": 2,
                "group_size": 2,
                "max_new_tokens": 4,
                **(rollout or {}),
            },
            "optim": {"lr": 1e-2, "max_grad_norm": None, **optim},
            "eval": {"episodes": 0},
            "log": {"tensorboard": False, "jsonl": False},
            "output_dir": str(tmp_path),
        }
    )
    return trainer.setup(config)


def scored_rows(run, rewards=None):
    """Update 0's rows as the trainer builds them (``rewards`` replace the outcomes, and the
    group statistics follow them)."""
    episodes, groups = trainer.collect(run, 0, Curriculum())
    rows = trainer.training_rows(run, episodes, groups)
    if rewards is not None:
        for row, reward in zip(rows, rewards, strict=True):
            row.reward = reward
        set_group_statistics(rows)
    return rows

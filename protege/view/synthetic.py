"""Synthetic scored episodes for the viewer's tests and load benchmark (no model, no env).

Shaped like Household episodes played by a model and scored by a teacher: a goal, an
observation and ~20 admissible actions per step, a response of ``tokens`` ids with the
student's and the teacher's log-probabilities. Deterministic for a given seed.
"""

from __future__ import annotations

import random

from protege.records import Episode, Step

TASK_TYPES = ("pick_and_place", "pick_clean_then_place", "pick_heat_then_place", "look_at_obj")
SPLITS = ("train", "valid_seen", "valid_unseen")
OBJECTS = ("apple", "mug", "knife", "book", "plate", "cd", "pencil", "soapbar")
RECEPTACLES = ("countertop 1", "fridge 1", "sinkbasin 1", "drawer 2", "shelf 3", "desk 1")


def synthetic_episode(index: int, steps: int = 10, tokens: int = 16, seed: int = 0) -> Episode:
    """One synthetic scored episode; even-numbered scored steps diverge more than odd ones."""
    rng = random.Random(seed * 1_000_003 + index)
    obj, place = rng.choice(OBJECTS), rng.choice(RECEPTACLES)
    admissible = [f"go to {r}" for r in RECEPTACLES] + [f"take {o} from {place}" for o in OBJECTS]
    admissible += ["look", "inventory", "examine " + place]
    won = rng.random() < 0.5
    records = []
    for k in range(steps):
        ids = [rng.randrange(100, 5000) for _ in range(tokens)]
        student = [-rng.random() * 2.0 for _ in ids]
        scale = 2.0 if k % 2 == 0 else 0.5
        teacher = [s - scale * rng.random() for s in student]
        action = rng.choice(admissible)
        last = k == steps - 1
        records.append(
            Step(
                observation=f"You are in the middle of a room. Step {k + 1}: you see a {obj} "
                f"and {rng.randint(1, 9)} other things on the {place}.",
                admissible_actions=admissible,
                action=action,
                response=f"Think: I need the {obj}. Action: {action}",
                reward=1.0 if last and won else 0.0,
                terminated=last and won,
                won=last and won,
                score=round((k + 1) / steps, 3) if won else 0.0,
                action_token_ids=ids,
                action_logprobs=student,
                teacher_logprobs=teacher,
            )
        )
    return Episode(
        env_id="protege/Household-v1",
        split=SPLITS[index % len(SPLITS)],
        seed=index,
        task_id=f"household-{index:05d}",
        task_type=TASK_TYPES[index % len(TASK_TYPES)],
        goal=f"put a {obj} in {place}.",
        steps=records,
        final_observation="You put the item down." if won else "Nothing happens.",
        policy="synthetic",
        metadata={"format": "react", "temperature": 1.0},
    )


def synthetic_episodes(
    count: int, steps: int = 10, tokens: int = 16, seed: int = 0
) -> list[Episode]:
    """``count`` synthetic episodes of ``steps`` steps and ``tokens`` action tokens each."""
    return [synthetic_episode(i, steps, tokens, seed) for i in range(count)]

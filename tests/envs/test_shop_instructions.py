"""protege/Shop-v1 instruction styles: the frozen template and the varied human paraphrases."""

from __future__ import annotations

import dataclasses
import re

import gymnasium as gym
import numpy as np
import pytest

import protege  # noqa: F401  registers the environments
from protege.agents import ExpertAgent, play_episode
from protege.envs.shop import ShopEnv
from protege.envs.shop.goals import Goal, goal_for, task_id_for
from protege.envs.shop.phrasing import OPENINGS, human_instruction
from protege.errors import UnknownChoiceError

HUMAN_SAMPLE = tuple(task_id_for("train", index) for index in range(200))


def test_template_instructions_are_unchanged_byte_for_byte() -> None:
    # Frozen from the code before instruction styles existed: seeds and results stay valid.
    frozen = {
        "shop-train-00000": "i am looking for fuzzy house slippers that is machine wash, with "
        "color: white, and size: 9, and price lower than 40.00 dollars",
        "shop-valid_seen-00007": "i want braided flip flop sandals that is quick drying and non "
        "slip and hand wash, with color: mustard, and size: 10, and price lower than 30.00 dollars",
        "shop-valid_unseen-00042": "i would like non slip and stackable flannel bed sheet set, "
        "with color: forest green, and size: queen, and price lower than 80.00 dollars",
    }
    for task_id, instruction in frozen.items():
        assert goal_for(task_id).instruction == instruction
        assert goal_for(task_id, "template").instruction == instruction
    _, info = ShopEnv(split="train").reset(options={"task_id": "shop-train-00000"})
    assert info["goal"] == frozen["shop-train-00000"]


def test_the_same_task_always_reads_the_same_in_human_style() -> None:
    goal_for.cache_clear()
    first = [goal_for(task_id, "human").instruction for task_id in HUMAN_SAMPLE[:20]]
    goal_for.cache_clear()
    again = [goal_for(task_id, "human").instruction for task_id in HUMAN_SAMPLE[:20]]
    assert first == again
    env = gym.make("protege/Shop-v1", split="train", instruction_style="human")
    _, info = env.reset(options={"task_id": HUMAN_SAMPLE[5]})
    assert info["goal"] == first[5]
    env.close()


def test_human_style_changes_only_the_instruction() -> None:
    for task_id in HUMAN_SAMPLE[:50]:
        template, human = goal_for(task_id), goal_for(task_id, "human")
        assert human.instruction != template.instruction
        assert dataclasses.replace(human, instruction=template.instruction) == template


def test_human_instructions_name_every_attribute_option_and_the_price_bound() -> None:
    for task_id in HUMAN_SAMPLE:
        goal = goal_for(task_id, "human")
        text = goal.instruction
        assert text == text.lower() and "  " not in text, text
        for wanted in (*goal.attributes, *goal.options.values()):
            assert re.search(rf"(^|[\s$]){re.escape(wanted)}($|[\s,])", text), (wanted, text)
        if goal.price_upper is not None:
            bound = f"{goal.price_upper:.0f}"
            assert re.search(rf"(^|[\s$]){bound}(\.00)?($|[\s,])", text), (bound, text)


def test_human_style_over_200_goals_has_many_shapes() -> None:
    texts = [goal_for(task_id, "human").instruction for task_id in HUMAN_SAMPLE]
    openings = {
        next(o for o in sorted(OPENINGS, key=len, reverse=True) if t.startswith(o + " "))
        for t in texts
    }
    assert len(openings) >= 8
    price_words = ("under", "less than", "no more than", "priced below", "lower than", "below")
    assert sum(any(f"{word} " in text for text in texts) for word in price_words) >= 5
    attribute_links = (" that is ", " which is ", " that's ", " with ")
    assert all(any(link in text for text in texts) for link in attribute_links)
    goals = [goal_for(task_id) for task_id in HUMAN_SAMPLE]
    for form in ("in {}", "{} color", "in the color {}", "color {}"):
        assert any(
            form.format(goal.options["color"]) in text
            for goal, text in zip(goals, texts, strict=True)
            if "color" in goal.options
        ), form
    orders = set()
    for goal, text in zip(goals, texts, strict=True):
        if len(goal.options) == 2:
            first, second = goal.options.values()
            orders.add(text.index(first) < text.rindex(second))
    assert orders == {True, False}  # both option orders occur
    shapes = {_shape(goal, text) for goal, text in zip(goals, texts, strict=True)}
    assert len(shapes) >= 100


def _shape(goal: Goal, text: str) -> str:
    """The sentence with the goal's own words blanked out: what is left is its shape."""
    for wanted in sorted((*goal.attributes, *goal.options.values()), key=len, reverse=True):
        text = text.replace(wanted, "X")
    return re.sub(r"\d+(\.00)?", "N", text)


def test_a_goal_without_options_or_price_still_reads_well() -> None:
    text = human_instruction("crew socks", ("cotton blend",), {}, None, np.random.default_rng(0))
    assert "cotton blend" in text and "crew socks" in text
    assert not text.endswith((",", " ")) and "dollars" not in text and "$" not in text


def test_the_expert_wins_on_human_style_goals() -> None:
    env = gym.make("protege/Shop-v1", split="valid_unseen", instruction_style="human")
    for index in range(5):
        task_id = task_id_for("valid_unseen", index)
        episode = play_episode(env, ExpertAgent(), options={"task_id": task_id})
        assert episode.won and episode.score == 1.0, task_id
    env.close()


def test_an_unknown_instruction_style_is_refused() -> None:
    message = (
        "Shop has no instruction_style 'humna'; expected one of template, human ('template' is "
        "WebShop's synthetic sentence, 'human' varied crowd-style paraphrases)"
    )
    with pytest.raises(UnknownChoiceError, match=f"^{re.escape(message)}$"):
        gym.make("protege/Shop-v1", instruction_style="humna")
    with pytest.raises(UnknownChoiceError):
        goal_for("shop-train-00000", "Human")


def test_info_says_which_style_worded_the_instruction():
    import gymnasium as gym

    for style in ("template", "human"):
        env = gym.make("protege/Shop-v1", instruction_style=style)
        _, info = env.reset(seed=0)
        assert info["instruction_style"] == style
        _, _, _, _, info = env.step(info["admissible_actions"][0])
        assert info["instruction_style"] == style
        env.close()

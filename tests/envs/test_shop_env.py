"""protege/Shop-v1: pages and actions, goals and splits, search quality, the expert."""

from __future__ import annotations

import subprocess
import sys

import gymnasium as gym
import numpy as np
import pytest

import protege  # noqa: F401  registers the environments
from protege.agents import ExpertAgent, play_episode
from protege.envs.shop import ShopEnv
from protege.envs.shop.catalogue import load_catalogue
from protege.envs.shop.goals import goal_for, product_split, target_position
from protege.envs.shop.search import search_engine


@pytest.fixture
def env() -> ShopEnv:
    return ShopEnv(split="train")


def test_search_page_shows_the_instruction_and_a_search_bar(env: ShopEnv) -> None:
    observation, info = env.reset(seed=3)
    assert observation == f"WebShop [SEP] Instruction: [SEP] {info['goal']} [SEP] Search"
    assert info["admissible_actions"] == ["search[<query>]"]
    assert info["task_type"] in ShopEnv.task_types
    assert info["goal"].endswith(" dollars") and ", and price lower than " in info["goal"]


def test_the_literal_placeholder_answers_with_a_hint(env: ShopEnv) -> None:
    env.reset(seed=0)
    observation, reward, terminated, truncated, _ = env.step("search[<query>]")
    assert observation.startswith("Nothing happens: replace <query> with key words")
    assert (reward, terminated, truncated) == (0.0, False, False)
    assert env.page == "search"


def test_results_pages_have_ten_products_and_page_buttons(env: ShopEnv) -> None:
    env.reset(seed=0)
    observation, *_, info = env.step("search[insulated water bottle]")
    assert "Page 1 (Total results: 50)" in observation and "Next >" in observation
    clicks = info["admissible_actions"]
    assert clicks[:2] == ["click[back to search]", "click[next >]"]
    assert len(clicks) == 12 and all(c.startswith("click[b0") for c in clicks[2:])
    for _ in range(4):
        observation, *_, info = env.step("click[next >]")
    assert "Page 5 (Total results: 50)" in observation and "Next >" not in observation
    assert info["admissible_actions"][:2] == ["click[back to search]", "click[< prev]"]
    observation, *_ = env.step("click[< prev]")
    assert "Page 4 (Total results: 50)" in observation


def test_item_page_options_subpages_and_navigation(env: ShopEnv) -> None:
    env.reset(seed=0)
    env.step("search[bluetooth speaker]")
    position = env.page_results()[0]
    product = env.catalogue.products[position]
    observation, *_, info = env.step(f"CLICK[ {product.asin} ]")  # case and spaces are forgiven
    assert product.title in observation and f"Price: ${product.price:.2f}" in observation
    group, values = next(iter(product.options.items()))
    assert f"{group} [SEP] {' [SEP] '.join(values)}" in observation
    assert info["admissible_actions"][-3:] == [
        "click[description]",
        "click[features]",
        "click[buy now]",
    ]
    observation, *_ = env.step(f"click[{values[1]}]")
    assert f"You have clicked {group}: {values[1]}." in observation
    assert env.selected == {group: values[1]}
    observation, *_ = env.step("click[description]")
    assert observation.endswith(product.description)
    env.step("click[< prev]")
    observation, *_ = env.step("click[features]")
    assert observation.endswith(product.bullet_points[-1])
    env.step("click[< prev]")
    assert env.page == "item" and env.selected == {group: values[1]}
    env.step("click[< prev]")
    assert env.page == "results"
    observation, *_ = env.step("click[back to search]")
    assert env.page == "search" and observation.endswith("[SEP] Search")


def test_actions_that_do_not_apply_return_a_hint_and_change_nothing(env: ShopEnv) -> None:
    env.reset(seed=0)
    for action in ("click[buy now]", "buy the thing", "click[next >]", "search[]"):
        observation, reward, terminated, _, _ = env.step(action)
        assert observation.startswith("Nothing happens: ") and reward == 0.0 and not terminated
    env.step("search[red mug]")
    observation, *_ = env.step("search[blue mug]")
    assert observation.startswith("Nothing happens: there is no search bar here")


def test_buying_the_wrong_thing_ends_with_a_partial_reward(env: ShopEnv) -> None:
    env.reset(seed=0)
    goal = env.current_goal
    env.step(f"search[{goal.keywords}]")
    target = env.catalogue.index_of(goal.asin)
    other = next(i for i in env.page_results() if i != target)
    env.step(f"click[{env.catalogue.products[other].asin}]")
    _, reward, terminated, _, info = env.step("click[buy now]")
    assert terminated and 0.0 <= reward < 1.0
    assert info["score"] == reward and not info["won"]
    assert info["admissible_actions"] == []
    observation, reward, terminated, _, _ = env.step("click[back to search]")
    assert terminated and reward == 0.0 and "call reset()" in observation


def test_score_is_zero_before_buying(env: ShopEnv) -> None:
    _, info = env.reset(seed=0)
    assert info["score"] == 0.0 and not info["won"]


def test_every_goal_names_attributes_options_and_a_price_bound_above_the_price() -> None:
    catalogue = load_catalogue()
    for task_id in ShopEnv(split="valid_seen").task_ids()[:100]:
        goal = goal_for(task_id)
        product = catalogue.products[catalogue.index_of(goal.asin)]
        assert 1 <= len(goal.attributes) <= 3 and set(goal.attributes) <= set(product.attributes)
        assert goal.options.keys() == product.options.keys()
        for attribute in goal.attributes:
            assert attribute in goal.instruction
        for group, value in goal.options.items():
            assert f"{group}: {value}" in goal.instruction
        assert goal.price_upper % 10 == 0 and product.price < goal.price_upper
        assert goal.price_upper <= (product.price // 10 + 4) * 10
        assert f"price lower than {goal.price_upper:.2f} dollars" in goal.instruction


def test_valid_unseen_targets_500_products_no_train_goal_targets() -> None:
    catalogue = load_catalogue()
    size = len(catalogue)
    unseen_ids = ShopEnv(split="valid_unseen").task_ids()
    assert len(unseen_ids) == 500
    unseen = {target_position("valid_unseen", i, size) for i in range(500)}
    assert len(unseen) == 500
    train_size = len(ShopEnv(split="train").task_ids())
    train_targets = {target_position("train", i, size) for i in range(train_size)}
    assert not unseen & train_targets
    seen_targets = {target_position("valid_seen", i, size) for i in range(500)}
    assert seen_targets <= train_targets
    assert set(product_split(size)[1]) == unseen


def test_task_type_filters_goals_by_top_category() -> None:
    env = ShopEnv(split="valid_unseen", task_type="fashion")
    ids = env.task_ids()
    assert 50 < len(ids) < 200
    _, info = env.reset(seed=1)
    assert info["task_type"] == "fashion"
    assert env.has_task(ids[0]) and not env.has_task("shop-valid_unseen-99999")
    assert not env.has_task("shop-train-00000")


GOAL_TEXTS = """
from protege.envs.shop.goals import goal_for
for split in ("train", "valid_seen", "valid_unseen"):
    for index in (0, 7, 499):
        print(goal_for(f"shop-{split}-{index:05d}").instruction)
"""


def test_goal_text_is_identical_in_every_process() -> None:
    children = [
        subprocess.Popen([sys.executable, "-c", GOAL_TEXTS], stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    runs = [child.communicate(timeout=120)[0] for child in children]
    assert all(child.returncode == 0 for child in children)
    assert runs[0] == runs[1] and len(runs[0].splitlines()) == 9
    assert runs[0].splitlines()[0] == goal_for("shop-train-00000").instruction


def test_the_expert_query_finds_the_target_on_the_first_page_for_200_train_goals() -> None:
    engine = search_engine()
    env = ShopEnv(split="train")
    ids = env.task_ids()
    picks = np.random.default_rng(5).choice(len(ids), 200, replace=False)
    missed = []
    for index in picks:
        goal = goal_for(ids[index])
        first_page = engine.search(goal.keywords)[:10]
        if engine.catalogue.index_of(goal.asin) not in first_page:
            missed.append(goal.task_id)
    assert not missed


def test_the_expert_wins_all_500_valid_unseen_goals() -> None:
    env = gym.make("protege/Shop-v1", split="valid_unseen")
    lost = []
    for task_id in env.unwrapped.task_ids():
        episode = play_episode(env, ExpertAgent(), options={"task_id": task_id})
        if not (episode.won and episode.score == 1.0 and episode.steps[-1].terminated):
            lost.append(task_id)
    assert not lost
    env.close()


def _random_clicks(env: ShopEnv, rng: np.random.Generator, steps: int) -> None:
    """Wander: search a random catalogue title, then click anything but buy now."""
    for _ in range(steps):
        if env.page == "search":
            title = env.catalogue.products[int(rng.integers(len(env.catalogue)))].title
            env.step(f"search[{title}]")
            continue
        choices = [a for a in env.admissible_actions() if a != "click[buy now]"]
        env.step(choices[int(rng.integers(len(choices)))])


def test_the_expert_recovers_from_random_wandering() -> None:
    env = ShopEnv(split="valid_unseen", max_steps=100)
    rng = np.random.default_rng(0)
    for seed in range(60):
        env.reset(seed=seed)
        _random_clicks(env, rng, int(rng.integers(1, 25)))
        for _ in range(40):
            _, _, terminated, _, info = env.step(env.expert_action())
            if terminated:
                break
        assert info["won"], f"seed {seed}: expert ended with score {info['score']}"


def test_the_expert_pages_forward_and_back_to_an_acceptable_product() -> None:
    env = ShopEnv(split="train")
    env.reset(seed=4)
    env.step(f"search[{env.current_goal.keywords}]")
    env.step("click[next >]")
    env.step("click[next >]")
    # the target is on page 1, so the expert pages back rather than on
    assert env.expert_action() == "click[< prev]"
    env.step("click[back to search]")
    env.step("search[bluetooth speaker]")  # a query with no acceptable product
    if not any(env.expert.acceptable(i) for i in env.results):
        assert env.expert_action() == "click[back to search]"


def test_envs_share_one_catalogue_and_one_search_engine() -> None:
    first, second = ShopEnv(), ShopEnv(split="valid_seen")
    assert first.catalogue is second.catalogue and first.engine is second.engine


def test_the_expert_pages_forward_when_the_first_acceptable_product_is_further_down() -> None:
    env = ShopEnv(split="train", max_steps=30)
    for seed in range(200):
        env.reset(seed=seed)
        env.step(f"search[{env.current_goal.query}]")  # the bare product type ranks it lower
        good = [k for k, i in enumerate(env.results) if env.expert.acceptable(i)]
        if good and good[0] >= 20:
            break
    else:
        pytest.fail("no goal whose bare product type puts the acceptable products past page 2")
    actions = []
    while env.page != "done":
        actions.append(env.expert_action())
        env.step(actions[-1])
    assert actions[:2] == ["click[next >]", "click[next >]"] and env.won()

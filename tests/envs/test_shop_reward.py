"""WebShop's reward on hand-made products and goals: each term, fuzzy matches, price, r_type."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from protege.envs.shop.catalogue import Product
from protege.envs.shop.goals import Goal, price_bound
from protege.envs.shop.reward import (
    best_options,
    fuzzy_match,
    normalize_color,
    purchase_reward,
    reward_breakdown,
    type_reward,
)

CHIPS = Product(
    asin="B0CHIPS001",
    title="Green Valley Baked Potato Chips - Gluten Free",
    category="grocery › snacks › potato chips",
    query="potato chips",
    price=12.50,
    attributes=("gluten free", "non gmo", "vegan"),
    options={
        "flavor": ("sea salt", "salt and vinegar"),
        "size": ("8 ounce (pack of 2)", "16 ounce (pack of 1)"),
    },
    bullet_points=("Kosher certified and made in small batches",),
    description="Crunchy baked chips for lunch boxes.",
    nouns=("chips", "green", "potato", "valley"),
)

GOAL = Goal(
    task_id="hand-made",
    asin="B0CHIPS001",
    instruction="i need gluten free, kosher and low sodium potato chips ...",
    attributes=("gluten free", "kosher", "low sodium"),
    options={"flavor": "sea salt", "size": "8 ounce (pack of 2)"},
    price_upper=20.0,
    query="potato chips",
    category="grocery › snacks › potato chips",
    nouns=("chips", "green", "potato", "valley"),
    keywords="baked potato chips gluten free kosher low sodium",
)
RIGHT_OPTIONS = {"flavor": "sea salt", "size": "8 ounce (pack of 2)"}


def test_each_term_counts_once_over_attributes_plus_options_plus_one() -> None:
    # attributes: "gluten free" (an attribute) and "kosher" (in a bullet point) match,
    # "low sodium" does not -> 2 of 3; options 2 of 2; price 12.50 <= 20 -> 1.
    # reward = 1.0 * (2 + 2 + 1) / (3 + 2 + 1) = 5/6
    parts = reward_breakdown(CHIPS, RIGHT_OPTIONS, GOAL)
    assert (parts.r_type, parts.attributes_matched, parts.options_matched) == (1.0, 2, 2)
    assert parts.price_ok
    assert parts.reward == pytest.approx(5 / 6)


def test_unchosen_options_score_nothing() -> None:
    # (2 + 0 + 1) / 6 = 0.5
    assert purchase_reward(CHIPS, {}, GOAL) == pytest.approx(0.5)


def test_a_wrong_option_scores_nothing_for_that_option() -> None:
    # flavor "salt and vinegar" vs "sea salt": token-set ratio 67 -> no; size matches.
    # (2 + 1 + 1) / 6 = 2/3
    chosen = {"flavor": "salt and vinegar", "size": "8 ounce (pack of 2)"}
    assert purchase_reward(CHIPS, chosen, GOAL) == pytest.approx(2 / 3)


def test_price_above_the_clause_loses_the_price_term() -> None:
    # 12.50 > 10.00: (2 + 2 + 0) / 6 = 2/3
    assert purchase_reward(CHIPS, RIGHT_OPTIONS, replace(GOAL, price_upper=10.0)) == (
        pytest.approx(2 / 3)
    )
    # the bound itself is allowed: price <= bound
    assert reward_breakdown(CHIPS, RIGHT_OPTIONS, replace(GOAL, price_upper=12.5)).price_ok


def test_no_price_clause_means_the_price_term_always_holds() -> None:
    assert reward_breakdown(CHIPS, RIGHT_OPTIONS, replace(GOAL, price_upper=None)).price_ok


def test_everything_matched_is_exactly_one() -> None:
    goal = replace(GOAL, attributes=("gluten free", "vegan"))
    assert purchase_reward(CHIPS, RIGHT_OPTIONS, goal) == 1.0


def test_attributes_match_fuzzily_above_85() -> None:
    # punctuation is ignored; a subset of tokens scores 100 (token-set ratio)
    assert fuzzy_match("gluten-free", "gluten free")
    assert fuzzy_match("vegan friendly", "vegan")
    # "low sodium" vs "low carb": shared "low" only, ratio well under 85
    assert not fuzzy_match("low sodium", "low carb")
    goal = replace(GOAL, attributes=("Gluten-Free", "non-GMO", "vegan friendly"))
    assert reward_breakdown(CHIPS, RIGHT_OPTIONS, goal).attributes_matched == 3


def test_attributes_fall_back_to_title_bullets_and_description() -> None:
    for attribute in ("baked potato", "small batches", "lunch boxes"):
        goal = replace(GOAL, attributes=(attribute,))
        assert reward_breakdown(CHIPS, {}, goal).attributes_matched == 1, attribute
    goal = replace(GOAL, attributes=("sugar free",))
    assert reward_breakdown(CHIPS, {}, goal).attributes_matched == 0


def test_options_match_fuzzily_after_colour_normalisation() -> None:
    # WebShop's colour words in its alphabetical order, plain case-sensitive substrings
    assert normalize_color("navy blue") == "blue"  # "blue" comes before "navy"
    assert normalize_color("dark grey") == "dark"
    assert normalize_color("Navy Blue") == "Navy Blue"
    assert normalize_color("standard") == "tan"
    assert normalize_color("sea salt") == "sea salt"
    shirt_goal = replace(GOAL, options={"color": "navy blue"})
    # both normalise to "blue"
    assert reward_breakdown(CHIPS, {"color": "royal blue"}, shirt_goal).options_matched == 1
    assert reward_breakdown(CHIPS, {"color": "white"}, shirt_goal).options_matched == 0
    # WebShop's token-set ratio is lenient with numbers: 87 > 85 (hence the catalogue's pools)
    size_goal = replace(GOAL, options={"size": "8 ounce (pack of 2)"})
    assert reward_breakdown(CHIPS, {"size": "16 ounce (pack of 1)"}, size_goal).options_matched == 1
    assert fuzzy_match("x-small", "small")  # "x small" contains every token of "small"
    # "1.7 fl oz" vs "3.4 fl oz": 78
    fluid_goal = replace(GOAL, options={"size": "3.4 fl oz"})
    assert reward_breakdown(CHIPS, {"size": "1.7 fl oz"}, fluid_goal).options_matched == 0


def test_r_type_is_one_on_query_or_category_or_title_nouns() -> None:
    assert type_reward(CHIPS, GOAL) == 1.0
    other_type = replace(CHIPS, query="tortilla chips", category="grocery › snacks › tortilla")
    # query differs, but "grocery" and "snacks" are two shared category levels
    assert type_reward(other_type, GOAL) == 1.0
    elsewhere = replace(other_type, category="home › kitchen › bowls", nouns=("chips", "bowl"))
    # one category level shared at most ("home" vs "grocery": none); nouns 1/4 = 0.25 > 0.2
    assert type_reward(elsewhere, GOAL) == 1.0


def test_r_type_is_half_when_nothing_matches_but_nouns_overlap_a_little() -> None:
    goal = replace(GOAL, nouns=("chips", "a", "b", "c", "d"))
    product = replace(CHIPS, query="bowls", category="home › kitchen › bowls", nouns=("chips",))
    # title score 1/5 = 0.2, not above 0.2; no query or category match -> 0.5
    assert type_reward(product, goal) == 0.5
    # and it scales the whole reward: 0.5 * (2 + 2 + 1) / (2 + 2 + 1)
    full = replace(goal, attributes=("gluten free", "vegan"))
    assert purchase_reward(product, RIGHT_OPTIONS, full) == 0.5


def test_r_type_drops_to_a_tenth_then_zero_as_nouns_vanish() -> None:
    goal = replace(GOAL, nouns=("chips", *"abcdefghij"))
    # 1 of 11 nouns shared: 0.09 < 0.1 -> 0.1, even with a query match
    assert type_reward(replace(CHIPS, nouns=("chips",)), goal) == 0.1
    # no noun shared -> 0, even with a query and category match
    assert type_reward(replace(CHIPS, nouns=("mug",)), GOAL) == 0.0
    assert purchase_reward(replace(CHIPS, nouns=("mug",)), RIGHT_OPTIONS, GOAL) == 0.0


def test_a_goal_without_nouns_neither_matches_nor_penalises_on_nouns() -> None:
    goal = replace(GOAL, nouns=())
    assert type_reward(CHIPS, goal) == 1.0  # the query still matches
    stranger = replace(CHIPS, query="mugs", category="home › kitchen › mugs")
    assert type_reward(stranger, goal) == 0.5


def test_best_options_pick_the_exact_values() -> None:
    assert best_options(CHIPS, GOAL) == RIGHT_OPTIONS


def test_a_wanted_option_matches_a_chosen_value_of_any_group() -> None:
    goal = replace(GOAL, options={"flavor": "sea salt", "size": "8 ounce (pack of 2)"})
    assert reward_breakdown(CHIPS, {"size": "sea salt"}, goal).options_matched == 1
    # a value in the title does not stand in for a choice (WebShop master, not its v2 branch)
    assert reward_breakdown(CHIPS, {"flavor": "baked"}, goal).options_matched == 0
    assert reward_breakdown(CHIPS, {}, goal).options_matched == 0


def test_title_nouns_count_duplicates_in_the_denominator() -> None:
    twice = replace(CHIPS, title="Chips Valley Chips - Gluten Free", nouns=("chips", "valley"))
    assert twice.title_nouns() == ("chips", "valley", "chips")
    goal = replace(GOAL, nouns=twice.title_nouns())
    product = replace(CHIPS, query="bowls", category="home › kitchen › bowls", nouns=("chips",))
    # 1 distinct shared noun over 3 counted nouns: 0.33 > 0.2 -> 1 (1/2 without duplicates, too)
    assert type_reward(product, goal) == 1.0
    goal = replace(GOAL, nouns=("chips", "chips", "chips", "a", "b", "c"))
    # 1 over 6 = 0.17: not above 0.2 -> 0.5; over the 4 distinct it would be 0.25 -> 1
    assert type_reward(product, goal) == 0.5


def test_no_price_clause_when_webshop_has_none() -> None:
    rng = np.random.default_rng(0)
    assert price_bound(975.0, rng) == 990.0  # 980 and 990 lie above: the larger of the two
    assert price_bound(985.0, rng) is None  # only 990 does
    assert price_bound(12.5, rng) in (30.0, 40.0, 50.0)

"""WebShop's purchase reward, term by term.

    reward = r_type * (attributes matched + options matched + price ok)
             / (|attributes| + |options| + 1)

* ``r_type`` (is it the right kind of product?): 1 when the product was listed under the
  goal's query, shares at least two category levels with the target, or its title nouns cover
  more than 20% of the target title's nouns; otherwise 0.5; and whatever the rest, 0.1 when
  that cover is below 10% and 0 when it is nil. The cover is WebShop's: distinct shared nouns
  over the target title's noun count *with duplicates*. (WebShop tags nouns and proper nouns
  with spaCy's ``en_core_web_lg``; our catalogue records each title's noun words, its type and
  brand words, and :meth:`Product.title_nouns` counts them in the title, so no tagger runs.)
* An attribute matches when a product attribute has a token-set ratio above 85 with it, or
  else when it is a substring of the title, the bullet points or the description.
* A wanted option matches when a chosen option value, both colour-normalised with WebShop's
  colour words, has a token-set ratio above 85 with it. (This is WebShop's ``master``; its
  ``v2`` branch counts chosen options instead, with exact sizes and a text fallback. WebShop
  compares a chosen value with every wanted one whatever the group, and so do we. Its human
  goals list option values; a goal whose options are a dict would pass ``(group, value)``
  pairs and never match, a quirk not copied.)
* The price term holds when the price is at most the goal's bound (always, without a clause).

Ratios use ``rapidfuzz`` with its default preprocessing (lower-case, punctuation to spaces),
as thefuzz's ``token_set_ratio`` does in WebShop.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rapidfuzz import fuzz, utils

from protege.envs.shop.catalogue import CATEGORY_SEPARATOR, Product
from protege.envs.shop.goals import Goal

FUZZY_THRESHOLD = 85.0
COLOR_SET = (
    "alabaster", "apricot", "aqua", "ash", "asphalt", "azure", "banana", "beige", "black",
    "blue", "blush", "bordeaux", "bronze", "brown", "burgundy", "camel", "camo", "caramel",
    "champagne", "charcoal", "cheetah", "chestnut", "chocolate", "christmas", "coffee",
    "cognac", "copper", "coral", "cranberry", "cream", "crystal", "dark", "denim", "eggplant",
    "elephant", "espresso", "fuchsia", "gold", "granite", "grape", "graphite", "grass", "gray",
    "green", "grey", "heather", "indigo", "ivory", "ivy", "khaki", "lavender", "lemon",
    "leopard", "light", "lilac", "lime", "magenta", "maroon", "mauve", "merlot", "midnight",
    "mint", "mocha", "multicolor", "mushroom", "mustard", "natural", "navy", "nude", "olive",
    "orange", "peach", "pewter", "pink", "plum", "purple", "rainbow", "red", "rose", "royal",
    "rust", "sand", "sapphire", "seashell", "silver", "skull", "slate", "steel", "stone",
    "stonewash", "sunflower", "tan", "taupe", "teal", "tiger", "turquoise", "violet", "walnut",
    "wheat", "white", "wine", "yellow",
)  # fmt: skip
"""WebShop's colour words, in its (alphabetical) order: an option value normalises to the
first one it contains, as a plain case-sensitive substring ("dark grey" -> "dark", "navy blue"
-> "blue", and, as in WebShop, "standard" -> "tan")."""


@dataclass(frozen=True)
class RewardBreakdown:
    """Every term of the reward, for tests and analysis."""

    r_type: float
    attributes_matched: int
    n_attributes: int
    options_matched: int
    n_options: int
    price_ok: bool

    @property
    def reward(self) -> float:
        """The final reward in [0, 1]."""
        matched = self.attributes_matched + self.options_matched + int(self.price_ok)
        return self.r_type * matched / (self.n_attributes + self.n_options + 1)


def fuzzy_match(first: str, second: str) -> bool:
    """Whether two phrases have a token-set ratio above 85."""
    return fuzz.token_set_ratio(first, second, processor=utils.default_process) > FUZZY_THRESHOLD


def normalize_color(value: str) -> str:
    """The first of WebShop's colour words in ``value`` (see :data:`COLOR_SET`), else ``value``."""
    return next((color for color in COLOR_SET if color in value), value)


def in_product_text(phrase: str, product: Product) -> bool:
    """Whether ``phrase`` is a substring of the lower-cased title, bullet points or description.

    Each field is searched on its own, as WebShop does, so a phrase never spans two fields.
    """
    return (
        phrase in product.title.lower()
        or phrase in " ".join(product.bullet_points).lower()
        or phrase in product.description.lower()
    )


def type_reward(product: Product, goal: Goal) -> float:
    """WebShop's ``r_type``: 1, 0.5, 0.1 or 0 by query, category and title-noun overlap."""
    query_match = product.query == goal.query
    levels_bought = {level.strip() for level in product.category.split(CATEGORY_SEPARATOR)}
    levels_wanted = {level.strip() for level in goal.category.split(CATEGORY_SEPARATOR)}
    category_match = len(levels_bought & levels_wanted) >= 2
    if goal.nouns:
        # Distinct shared nouns over the goal's noun count with duplicates, as WebShop has it.
        shared = set(product.title_nouns()) & set(goal.nouns)
        title_score = len(shared) / len(goal.nouns)
    else:
        title_score = 0.2  # no nouns to compare: neither a match nor a penalty
    r_type = 1.0 if (query_match or category_match or title_score > 0.2) else 0.5
    if title_score < 0.1:
        r_type = 0.1
    if title_score == 0.0:
        r_type = 0.0
    return r_type


def attribute_matched(attribute: str, product: Product) -> bool:
    """Whether ``product`` has ``attribute`` (fuzzy in its attributes, else in its text)."""
    if any(fuzzy_match(owned, attribute) for owned in product.attributes):
        return True
    return in_product_text(attribute, product)


def option_matched(wanted: str, chosen: Iterable[str]) -> bool:
    """Whether one of the ``chosen`` option values matches the ``wanted`` one."""
    wanted = normalize_color(wanted)
    return any(fuzzy_match(normalize_color(value), wanted) for value in chosen)


def reward_breakdown(
    product: Product, chosen_options: Mapping[str, str], goal: Goal
) -> RewardBreakdown:
    """Every term of the reward for buying ``product`` with ``chosen_options`` against ``goal``."""
    chosen = list(chosen_options.values())
    return RewardBreakdown(
        r_type=type_reward(product, goal),
        attributes_matched=sum(attribute_matched(a, product) for a in goal.attributes),
        n_attributes=len(goal.attributes),
        options_matched=sum(option_matched(value, chosen) for value in goal.options.values()),
        n_options=len(goal.options),
        price_ok=goal.price_upper is None or product.price <= goal.price_upper,
    )


def purchase_reward(product: Product, chosen_options: Mapping[str, str], goal: Goal) -> float:
    """The reward for buying ``product`` with ``chosen_options`` against ``goal``."""
    return reward_breakdown(product, chosen_options, goal).reward


def best_options(product: Product, goal: Goal) -> dict[str, str]:
    """Option choices on ``product`` that match as many of the goal's options as possible.

    The goal's own group is preferred (exact value first); otherwise any group not yet chosen.
    """
    chosen: dict[str, str] = {}
    for group, wanted in goal.options.items():
        candidates = [(group, value) for value in product.options.get(group, ())]
        candidates.sort(key=lambda pair: pair[1] != wanted)
        candidates += [
            (other, value)
            for other, values in product.options.items()
            if other != group
            for value in values
        ]
        for option_group, value in candidates:
            if option_group not in chosen and option_matched(wanted, [value]):
                chosen[option_group] = value
                break
    return chosen

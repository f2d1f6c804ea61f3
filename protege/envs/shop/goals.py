"""Shop goals: a target product, the attributes and options to ask for, and a price clause.

Splits. A fixed permutation of the catalogue holds out :data:`UNSEEN_PRODUCTS` products;
``valid_unseen`` has one goal on each of them (500 goals), and no ``train`` goal ever targets
them. ``train`` has :data:`TRAIN_GOALS_PER_PRODUCT` goals on each remaining product and
``valid_seen`` has 500 goals on those same (seen) products with other draws.

Every draw comes from ``numpy.random.default_rng([GOAL_SEED, split, index])``, so a goal's text,
price clause included, is identical in every process (never Python's ``hash()``).

Instruction styles. ``"template"`` (the default) writes every instruction in one shape, that of
WebShop's synthetic goals ("i need <attributes> <thing>, with color: X, and price lower than
40.00 dollars"). ``"human"`` paraphrases the same goal in the many shapes of WebShop's
crowd-written ones (:mod:`protege.envs.shop.phrasing`), drawn from a generator of its own,
``[GOAL_SEED, split, index, PHRASING_STREAM]``: the attributes, options and price are the
template goal's, so reward and expert are unchanged.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np

from protege.envs.shop.catalogue import Catalogue, Product, load_catalogue
from protege.envs.shop.phrasing import human_instruction
from protege.errors import UnknownChoiceError

GOAL_SEED = 233
SPLIT_CODES = {"train": 0, "valid_seen": 1, "valid_unseen": 2}
UNSEEN_PRODUCTS = 500
TRAIN_GOALS_PER_PRODUCT = 2
VALID_SEEN_GOALS = 500
MAX_BOUND = 990
"""The largest price bound WebShop draws (its ``PRICE_RANGE`` is 10, 20, ..., 990)."""
PHRASING_STREAM = 2
"""Last seed word of the human-style wording draws (1 picks ``valid_seen`` targets)."""
InstructionStyle = Literal["template", "human"]
INSTRUCTION_STYLES: tuple[str, ...] = get_args(InstructionStyle)
_OPENINGS = ("i need", "i am looking for", "i want", "find me", "i would like", "get me")


@dataclass(frozen=True)
class Goal:
    """What the shopper asks for, with the target product's fields the reward compares."""

    task_id: str
    asin: str
    instruction: str
    attributes: tuple[str, ...]
    options: Mapping[str, str]
    """Option group -> wanted value."""
    price_upper: float | None
    """The price clause's bound; None means no price clause (the price term always holds)."""
    query: str
    category: str
    nouns: tuple[str, ...]
    """The target title's nouns, duplicates kept (:meth:`Product.title_nouns`)."""
    keywords: str
    """The instruction's key words, what the expert searches for."""

    @property
    def top_category(self) -> str:
        """The target's first category level, the task type."""
        return self.category.split("›")[0].strip()


@functools.cache
def product_split(catalogue_size: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """``(seen, unseen)`` catalogue positions: a fixed permutation, the last 500 held out."""
    order = np.random.default_rng([GOAL_SEED, 99]).permutation(catalogue_size)
    seen, unseen = order[:-UNSEEN_PRODUCTS], order[-UNSEEN_PRODUCTS:]
    return tuple(int(i) for i in seen), tuple(int(i) for i in unseen)


def split_size(split: str, catalogue_size: int) -> int:
    """How many goals ``split`` has."""
    if split == "valid_unseen":
        return UNSEEN_PRODUCTS
    if split == "valid_seen":
        return VALID_SEEN_GOALS
    return TRAIN_GOALS_PER_PRODUCT * (catalogue_size - UNSEEN_PRODUCTS)


def target_position(split: str, index: int, catalogue_size: int) -> int:
    """Catalogue position of the product that goal ``index`` of ``split`` targets."""
    seen, unseen = product_split(catalogue_size)
    if split == "valid_unseen":
        return unseen[index]
    if split == "valid_seen":
        pick = np.random.default_rng([GOAL_SEED, SPLIT_CODES[split], index, 1])
        return seen[int(pick.integers(len(seen)))]
    return seen[index % len(seen)]


def task_id_for(split: str, index: int) -> str:
    """The task id of goal ``index`` of ``split`` (e.g. ``shop-valid_unseen-00042``)."""
    return f"shop-{split}-{index:05d}"


def parse_task_id(task_id: str) -> tuple[str, int] | None:
    """``(split, index)`` of a task id, or None where it is not one."""
    prefix, _, number = task_id.rpartition("-")
    split = prefix.removeprefix("shop-")
    if not prefix.startswith("shop-") or split not in SPLIT_CODES or not number.isdigit():
        return None
    return split, int(number)


def check_instruction_style(instruction_style: str) -> None:
    """Refuse an instruction style other than those of :data:`INSTRUCTION_STYLES`."""
    if instruction_style not in INSTRUCTION_STYLES:
        raise UnknownChoiceError(
            f"Shop has no instruction_style {instruction_style!r}; expected one of "
            f"{', '.join(INSTRUCTION_STYLES)} ('template' is WebShop's synthetic sentence, "
            "'human' varied crowd-style paraphrases)"
        )


@functools.lru_cache(maxsize=8192)
def goal_for(task_id: str, instruction_style: InstructionStyle = "template") -> Goal:
    """The goal behind ``task_id``, its instruction worded in ``instruction_style`` (cached).

    Both styles give the same goal but for :attr:`Goal.instruction`.
    """
    check_instruction_style(instruction_style)
    parsed = parse_task_id(task_id)
    catalogue = load_catalogue()
    if parsed is None or parsed[1] >= split_size(parsed[0], len(catalogue)):
        raise KeyError(task_id)
    split, index = parsed
    product = catalogue.products[target_position(split, index, len(catalogue))]
    rng = np.random.default_rng([GOAL_SEED, SPLIT_CODES[split], index])
    goal = make_goal(task_id, product, rng)
    if instruction_style == "human":
        wording = np.random.default_rng([GOAL_SEED, SPLIT_CODES[split], index, PHRASING_STREAM])
        thing = " ".join(part for part in (product.modifier, product.product_type) if part)
        text = human_instruction(thing, goal.attributes, goal.options, goal.price_upper, wording)
        goal = dataclasses.replace(goal, instruction=text)
    return goal


def make_goal(task_id: str, product: Product, rng: np.random.Generator) -> Goal:
    """Draw a goal on ``product``: 1-3 of its attributes, one value per option group, a price."""
    n_attributes = int(rng.integers(1, min(3, len(product.attributes)) + 1))
    picks = sorted(rng.choice(len(product.attributes), n_attributes, replace=False))
    attributes = tuple(product.attributes[i] for i in picks)
    options = {
        group: values[int(rng.integers(len(values)))] for group, values in product.options.items()
    }
    price_upper = price_bound(product.price, rng)
    described = _describe(product, attributes, int(rng.integers(3)))
    opening = _OPENINGS[int(rng.integers(len(_OPENINGS)))]
    wanted = ", and ".join(f"{group}: {value}" for group, value in options.items())
    instruction = f"{opening} {described}"
    if wanted:
        instruction += f", with {wanted}"
    if price_upper is not None:
        instruction += f", and price lower than {price_upper:.2f} dollars"
    return Goal(
        task_id=task_id,
        asin=product.asin,
        instruction=instruction,
        attributes=attributes,
        options=options,
        price_upper=price_upper,
        query=product.query,
        category=product.category,
        nouns=product.title_nouns(),
        keywords=" ".join((product.modifier, product.product_type, *attributes)),
    )


def price_bound(price: float, rng: np.random.Generator) -> float | None:
    """WebShop's price clause: the larger of two of the next four multiples of 10 above price.

    WebShop draws from 10, 20, ..., 990 only; with fewer than two of them above the price
    (a price of 980 or more) the goal has no price clause: None.
    """
    first = (math.floor(price / 10) + 1) * 10
    candidates = [bound for bound in (first + 10 * step for step in range(4)) if bound <= MAX_BOUND]
    if len(candidates) < 2:
        return None
    return float(max(rng.choice(candidates, 2, replace=False)))


def _describe(product: Product, attributes: tuple[str, ...], form: int) -> str:
    thing = f"{product.modifier} {product.product_type}"
    listed = " and ".join(attributes)
    if form == 0:
        return f"{listed} {thing}"
    if form == 1:
        return f"{thing} that is {listed}"
    return f"{thing}, {listed}"


def split_task_ids(split: str, catalogue: Catalogue, task_type: str | None) -> tuple[str, ...]:
    """Task ids of ``split`` in order, only those whose target is in ``task_type`` if given."""
    size = len(catalogue)
    ids = []
    for index in range(split_size(split, size)):
        if task_type is not None:
            product = catalogue.products[target_position(split, index, size)]
            if product.top_category != task_type:
                continue
        ids.append(task_id_for(split, index))
    return tuple(ids)

"""Human-style Shop instructions: casual paraphrases of a goal, in the shapes of WebShop's
crowd-written instructions ("i need a gluten free bread under $30", "find me crew socks in
navy blue, size 9", "looking for a white bath mat that is machine wash, less than 40 dollars").

A paraphrase names every attribute, every wanted option value and the price bound verbatim,
so the task stays solvable from the text; only the words around them vary: the opening, the
article, where the attributes go, how each option and the price are phrased, and their order.
All choices come from the ``rng`` passed in, so one goal always reads the same.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TypeVar

import numpy as np

_T = TypeVar("_T")

OPENINGS = (
    "i need",
    "i'm looking for",
    "i am looking for",
    "find me",
    "get me",
    "i want to buy",
    "show me",
    "can you find",
    "can you find me",
    "looking for",
    "i would like",
    "i want",
    "please find",
    "i'd like to get",
    "search for",
)
ARTICLES = ("", "", "a ", "some ")
"""Weighted draw: no article half the time; ``a`` becomes ``an`` before a vowel."""
ATTRIBUTE_FORMS = (
    "{attributes} {thing}",
    "{thing} that is {attributes}",
    "{thing} which is {attributes}",
    "{thing} with {attributes}",
    "{thing} that's {attributes}",
    "{first} {thing} that is {rest}",
)
"""Where the attributes go; the last form splits them around the noun (two or more only)."""
OPTION_FORMS: Mapping[str, tuple[str, ...]] = {
    "color": (
        "in {value}",
        "{value} color",
        "in the color {value}",
        "in {value} color",
        "color {value}",
        "with color {value}",
    ),
    "size": (
        "size {value}",
        "in size {value}",
        "in a size {value}",
        "{value} size",
        "size: {value}",
    ),
    "count": ("in a {value}", "count {value}", "with count {value}", "count: {value}"),
}
DEFAULT_OPTION_FORMS = (
    "with {group} {value}",
    "{group} {value}",
    "in {value} {group}",
    "{value} {group}",
    "with {group}: {value}",
)
"""Option phrasings for groups without their own (flavor, scent, style, capacity, ...)."""
OPTION_JOINERS = (" and ", ", ", ", and ")
PRICE_FORMS = (
    "under ${bound}",
    "under {bound} dollars",
    "less than {bound} dollars",
    "no more than ${bound}",
    "priced below {bound}",
    "priced under ${bound}",
    "below ${bound}",
    "for less than ${bound}",
    "that costs less than {bound} dollars",
    "and price lower than {bound} dollars",
)


def human_instruction(
    thing: str,
    attributes: Sequence[str],
    options: Mapping[str, str],
    price_upper: float | None,
    rng: np.random.Generator,
) -> str:
    """A casual, lower-case request for ``thing`` with ``attributes``, ``options`` and price.

    Args:
        thing: the product's noun phrase (modifier and product type, e.g. ``crew socks``).
        attributes: the goal's attributes, each named verbatim.
        options: option group -> wanted value, each value named verbatim.
        price_upper: the price bound, or None for no price clause.
        rng: the generator every wording choice is drawn from.
    """
    wanted = dict(options)
    color_first = "color" in wanted and _pick(rng, (False, False, False, True))
    described = _describe(thing, attributes, rng)
    if color_first:
        described = f"{wanted.pop('color')} {described}"
    article = _pick(rng, ARTICLES)
    if article == "a " and described[0] in "aeiou":
        article = "an "
    opening = _pick(rng, OPENINGS)
    order = rng.permutation(len(wanted))
    groups = list(wanted)
    phrases = [_option_phrase(groups[i], wanted[groups[i]], rng) for i in order]
    clauses = [_pick(rng, OPTION_JOINERS).join(phrases)] if phrases else []
    if price_upper is not None:
        price = _price_phrase(price_upper, rng)
        clauses.insert(len(clauses) if _pick(rng, (True, True, True, False)) else 0, price)
    text = f"{opening} {article}{described}"
    for clause in clauses:
        separator = ", " if clause.startswith("and price") else _pick(rng, (" ", ", "))
        text += separator + clause
    return text


def _describe(thing: str, attributes: Sequence[str], rng: np.random.Generator) -> str:
    forms = ATTRIBUTE_FORMS if len(attributes) > 1 else ATTRIBUTE_FORMS[:-1]
    form = _pick(rng, forms)
    return form.format(
        thing=thing,
        attributes=_join(attributes, rng),
        first=attributes[0],
        rest=_join(attributes[1:], rng),
    )


def _join(words: Sequence[str], rng: np.random.Generator) -> str:
    """``a and b and c`` or ``a, b and c``."""
    if len(words) < 3 or _pick(rng, (True, False)):
        return " and ".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


def _option_phrase(group: str, value: str, rng: np.random.Generator) -> str:
    form = _pick(rng, OPTION_FORMS.get(group, DEFAULT_OPTION_FORMS))
    return form.format(group=group, value=value)


def _price_phrase(price_upper: float, rng: np.random.Generator) -> str:
    form = _pick(rng, PRICE_FORMS)
    # WebShop's clause always prints cents; people mostly write whole dollars.
    if form.startswith("and price") or _pick(rng, (False, False, False, True)):
        return form.format(bound=f"{price_upper:.2f}")
    return form.format(bound=f"{price_upper:.0f}")


def _pick(rng: np.random.Generator, choices: Sequence[_T]) -> _T:
    return choices[int(rng.integers(len(choices)))]

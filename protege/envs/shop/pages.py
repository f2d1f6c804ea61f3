"""Text renderings of the Shop's pages, in WebShop's text mode: visible strings joined by ``[SEP]``.

Buttons and links are shown as WebShop shows them (``Back to Search``, ``< Prev``,
``Next >``, ``Buy Now``); actions name them lower-cased, e.g. ``click[next >]``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

from protege.envs.shop.catalogue import Product

SEP = " [SEP] "
RESULTS_PER_PAGE = 10
Page = Literal["search", "results", "item", "description", "features", "done"]

BACK_TO_SEARCH = "back to search"
PREV = "< prev"
NEXT = "next >"
DESCRIPTION = "description"
FEATURES = "features"
BUY_NOW = "buy now"
SEARCH_PLACEHOLDER = "search[<query>]"
"""The search action as admissible actions list it: replace ``<query>`` with key words."""


def _header(instruction: str) -> list[str]:
    return ["WebShop", "Instruction:", instruction]


def search_page(instruction: str) -> str:
    """The start page: the instruction and a search bar."""
    return SEP.join([*_header(instruction), "Search"])


def results_page(
    instruction: str, results: Sequence[Product], page: int, total: int, has_next: bool
) -> str:
    """One page of search results (``page`` counts from 0), ten products at most."""
    parts = [*_header(instruction), "Back to Search", f"Page {page + 1} (Total results: {total})"]
    if page > 0:
        parts.append("< Prev")
    if has_next:
        parts.append("Next >")
    if not results:
        parts.append("No products match your search. Try other key words.")
    for product in results:
        parts += [product.asin, product.title, f"${product.price:.2f}"]
    return SEP.join(parts)


def item_page(instruction: str, product: Product, selected: Mapping[str, str]) -> str:
    """A product page: option groups and values, title, price and the buttons."""
    parts = [*_header(instruction), "Back to Search", "< Prev"]
    for group, values in product.options.items():
        parts += [group, *values]
    if selected:
        parts.append(
            "You have clicked " + ", ".join(f"{g}: {v}" for g, v in selected.items()) + "."
        )
    parts += [
        product.title,
        f"Price: ${product.price:.2f}",
        "Rating: N.A.",
        "Description",
        "Features",
        "Buy Now",
    ]
    return SEP.join(parts)


def description_page(instruction: str, product: Product) -> str:
    """The product's description."""
    return SEP.join([*_header(instruction), "Back to Search", "< Prev", product.description])


def features_page(instruction: str, product: Product) -> str:
    """The product's bullet points."""
    return SEP.join([*_header(instruction), "Back to Search", "< Prev", *product.bullet_points])


def done_page(product: Product, chosen: Mapping[str, str], reward: float) -> str:
    """The page after ``buy now``: what was bought and the score."""
    options = ", ".join(f"{g}: {v}" for g, v in chosen.items()) or "no options"
    return SEP.join(
        [
            "Thank you for shopping with us!",
            f"You bought {product.asin} ({options})",
            "Your score (min 0.0, max 1.0)",
            f"{reward:.2f}",
        ]
    )

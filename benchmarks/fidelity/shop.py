"""Score the same purchases with protege's Shop reward and with WebShop's own ``get_reward``.

WebShop's reward is code, not data: ``web_agent_site/engine/goal.py`` (with ``normalize.py``)
from princeton-nlp/WebShop ``master``, read from a local copy for measurement only (never
vendored)::

    git clone https://github.com/princeton-nlp/WebShop /tmp/WebShop   # or copy the two files
    pip install thefuzz
    PYTHONPATH=. python benchmarks/fidelity/shop.py --webshop /tmp/WebShop \\
        --json benchmarks/results/fidelity_shop.json

WebShop tags title nouns with spaCy (``en_core_web_lg`` at release, ``en_core_web_sm`` on
``master`` since 2024), whose models cannot be installed offline (they are not on PyPI). In
their place the script hands ``goal.py`` a stand-in tagger: a word is a noun when it is a noun
word of *any* catalogue product (a context-free lexicon, unlike protege's per-product noun
list), so the type rule's arithmetic is compared, and the two noun lists differ on some titles;
how far either is from spaCy itself is not measured here. The table also counts the purchases
whose ``r_type`` depends on the nouns at all (no query and no category match): only those can
move with the tagger.

Purchases, for every goal of ``valid_seen`` and ``valid_unseen``: the expert's (target
product, :func:`best_options`), and three random ones (a random product with random options,
a product of the same type with random options, the target with random options).
"""

from __future__ import annotations

import argparse
import importlib
import json
import re
import sys
import types
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from protege.envs.shop.catalogue import Catalogue, Product, load_catalogue
from protege.envs.shop.goals import Goal, goal_for, split_size, task_id_for
from protege.envs.shop.reward import best_options, purchase_reward

NO_PRICE_CLAUSE = 1_000_000  # WebShop's price_upper when the goal has no price clause
_TOKEN = re.compile(r"[A-Za-z0-9]+|[^\sA-Za-z0-9]")


@dataclass
class Token:
    """The two attributes of a spaCy token that ``get_type_reward`` reads."""

    text: str
    pos_: str


def stand_in_tagger(nouns: Callable[[str], set[str]]) -> Callable[[str], list[Token]]:
    """A tagger that calls a word of ``text`` a noun when it is in ``nouns(text)`` (any case)."""

    def tag(text: str) -> list[Token]:
        known = nouns(text)
        return [
            Token(word, "NOUN" if word.lower() in known else "X") for word in _TOKEN.findall(text)
        ]

    return tag


def load_webshop_goal_module(webshop: Path, tagger: Callable[[str], list[Token]]):
    """Import WebShop's ``web_agent_site.engine.goal`` with ``spacy.load`` returning ``tagger``."""
    fake_spacy = types.ModuleType("spacy")
    fake_spacy.load = lambda name: tagger  # goal.py loads en_core_web_lg at import
    sys.modules["spacy"] = fake_spacy
    sys.path.insert(0, str(webshop))
    try:
        return importlib.import_module("web_agent_site.engine.goal")
    finally:
        sys.path.remove(str(webshop))


def webshop_product(product: Product) -> dict:
    """A product as WebShop's engine holds it (the fields ``get_reward`` reads)."""
    return {
        "query": product.query,
        "product_category": product.category,
        "name": product.title,
        "Title": product.title,
        "Attributes": list(product.attributes),
        "BulletPoints": list(product.bullet_points),
        "Description": product.description,
    }


def webshop_goal(goal: Goal, target: Product) -> dict:
    """A goal as WebShop's ``get_human_goals`` builds it."""
    return {
        "query": goal.query,
        "product_category": goal.category,
        "name": target.title,
        "attributes": list(goal.attributes),
        # WebShop's human goals list option values (its instruction_options)
        "goal_options": list(goal.options.values()),
        "price_upper": goal.price_upper if goal.price_upper is not None else NO_PRICE_CLAUSE,
    }


def random_options(product: Product, rng: np.random.Generator) -> dict[str, str]:
    """A random value for a random subset of the product's option groups."""
    return {
        group: values[int(rng.integers(len(values)))]
        for group, values in product.options.items()
        if rng.random() < 0.8
    }


def purchases(catalogue: Catalogue, rng: np.random.Generator):
    """Yield ``(kind, goal, product, options)`` for every evaluation goal."""
    by_query: dict[str, list[int]] = {}
    for position, product in enumerate(catalogue.products):
        by_query.setdefault(product.query, []).append(position)
    for split in ("valid_seen", "valid_unseen"):
        for index in range(split_size(split, len(catalogue))):
            goal = goal_for(task_id_for(split, index))
            target = catalogue.products[catalogue.index_of(goal.asin)]
            yield "expert", goal, target, best_options(target, goal)
            anyone = catalogue.products[int(rng.integers(len(catalogue)))]
            yield "random product", goal, anyone, random_options(anyone, rng)
            kin = by_query[target.query]
            same_type = catalogue.products[kin[int(rng.integers(len(kin)))]]
            yield "random same-type product", goal, same_type, random_options(same_type, rng)
            yield "target, random options", goal, target, random_options(target, rng)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--webshop", type=Path, required=True, help="a WebShop checkout")
    parser.add_argument("--json", help="write the results here")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--show", type=int, default=0, help="print this many disagreements")
    parser.add_argument(
        "--nouns",
        choices=("lexicon", "catalogue"),
        default="lexicon",
        help="stand-in tagger: any product's noun words (default), or the title's own product's",
    )
    args = parser.parse_args(argv)
    catalogue = load_catalogue()
    lexicon = {noun for product in catalogue.products for noun in product.nouns}
    own = {product.title: set(product.nouns) for product in catalogue.products}
    nouns = (lambda title: lexicon) if args.nouns == "lexicon" else own.__getitem__
    webshop = load_webshop_goal_module(args.webshop, stand_in_tagger(nouns))
    rows: dict[str, dict[str, int]] = {}
    shown = 0
    for kind, goal, product, options in purchases(catalogue, np.random.default_rng(args.seed)):
        target = catalogue.products[catalogue.index_of(goal.asin)]
        ours = purchase_reward(product, options, goal)
        chosen = {group.lower(): value.lower() for group, value in options.items()}
        theirs = webshop.get_reward(
            webshop_product(product), webshop_goal(goal, target), product.price, chosen
        )
        row = rows.setdefault(kind, {"purchases": 0, "equal": 0, "noun_dependent": 0, "won": 0})
        row["purchases"] += 1
        row["equal"] += abs(ours - theirs) < 1e-9
        row["won"] += theirs == 1.0
        levels = {level.strip() for level in product.category.split("›")}
        wanted_levels = {level.strip() for level in goal.category.split("›")}
        row["noun_dependent"] += product.query != goal.query and len(levels & wanted_levels) < 2
        if abs(ours - theirs) >= 1e-9 and shown < args.show:
            shown += 1
            print(f"  {kind}: {goal.task_id} {product.asin} {options} ours={ours} webshop={theirs}")
    header = f"{'purchase':26} {'n':>5} {'reward ==':>9} {'%':>7} {'WebShop r=1':>11} {'nouns?':>6}"
    print(header)
    total = {key: sum(row[key] for row in rows.values()) for key in next(iter(rows.values()))}
    for kind, row in [*rows.items(), ("total", total)]:
        share = 100 * row["equal"] / row["purchases"]
        print(
            f"{kind:26} {row['purchases']:5d} {row['equal']:9d} {share:6.2f}% "
            f"{row['won']:11d} {row['noun_dependent']:6d}"
        )
    if args.json:
        with open(args.json, "w") as handle:
            record = {"rows": rows, "total": total, "seed": args.seed, "nouns": args.nouns}
            json.dump(record, handle, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())

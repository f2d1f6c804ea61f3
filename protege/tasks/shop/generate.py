"""Generate the Shop catalogue deterministically from ``vocabulary.py`` and ``product_types.txt``.

Run ``python -m protege.tasks.shop.generate`` to rewrite ``products.jsonl.gz`` and its
checksum file ``products.sha256``. The checksum is the SHA-256 of the *uncompressed* JSONL
text (gzip bytes may differ between zlib builds; the text never does). Every random draw comes
from a NumPy ``Generator`` seeded with fixed integers, so the catalogue is the same on every
machine and in every process.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import string
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from protege.envs.shop.reward import fuzzy_match
from protege.tasks.shop.vocabulary import (
    BULLET_TEMPLATES,
    CATEGORIES,
    DESCRIPTION_TEMPLATES,
    OPTION_POOLS,
    Category,
    ProductType,
)

CATALOGUE_SEED = 20_240_905
"""Root seed of every draw of the catalogue."""
PRODUCTS_PER_TYPE = 40
"""Products of each product type: 5 categories x 25 types x 40 = 5,000 products."""
HERE = Path(__file__).parent
PRODUCTS_FILE = HERE / "products.jsonl.gz"
CHECKSUM_FILE = HERE / "products.sha256"
CATEGORY_SEPARATOR = " › "
_ASIN_ALPHABET = string.ascii_uppercase + string.digits


def generate_products() -> Iterator[dict[str, Any]]:
    """Yield every product of the catalogue, in catalogue order."""
    asins: set[str] = set()
    for category_index, category in enumerate(CATEGORIES):
        for type_index, product_type in enumerate(category.types):
            for index in range(PRODUCTS_PER_TYPE):
                rng = np.random.default_rng([CATALOGUE_SEED, category_index, type_index, index])
                product = _product(rng, category, product_type, index)
                while product["asin"] in asins:  # astronomically rare; stays deterministic
                    product["asin"] = _asin(rng)
                asins.add(product["asin"])
                yield product


def catalogue_text() -> str:
    """The catalogue as JSONL text: one product per line, keys sorted."""
    return "".join(
        json.dumps(product, sort_keys=True, ensure_ascii=False) + "\n"
        for product in generate_products()
    )


def checksum(text: str) -> str:
    """SHA-256 hex digest of the catalogue's JSONL text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def write_catalogue(directory: Path = HERE) -> str:
    """Write ``products.jsonl.gz`` and ``products.sha256`` into ``directory``; return the sum."""
    text = catalogue_text()
    digest = checksum(text)
    # mtime=0 and no file name in the header keep the gzip bytes stable between runs.
    with (
        (directory / PRODUCTS_FILE.name).open("wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz,
    ):
        gz.write(text.encode("utf-8"))
    (directory / CHECKSUM_FILE.name).write_text(f"{digest}  products.jsonl\n", encoding="utf-8")
    return digest


def _product(
    rng: np.random.Generator, category: Category, product_type: ProductType, index: int
) -> dict[str, Any]:
    brand = f"{rng.choice(category.brand_heads)} {rng.choice(category.brand_tails)}"
    modifier = product_type.modifiers[index % len(product_type.modifiers)]
    n_attributes = int(rng.integers(3, 6))
    attributes = [
        category.attributes[i]
        for i in sorted(rng.choice(len(category.attributes), n_attributes, replace=False))
    ]
    options = _options(rng, product_type.option_groups)
    low, high = product_type.price_range
    price = int(rng.integers(low * 100, high * 100)) / 100
    title_attributes = attributes[: int(rng.integers(1, 3))]
    title = f"{brand} {_title_case(modifier)} {_title_case(product_type.name)} - " + ", ".join(
        _title_case(attribute) for attribute in title_attributes
    )
    fields = {
        "brand": brand,
        "modifier": modifier,
        "name": product_type.name,
        "subcategory": product_type.subcategory,
        "attribute": attributes[0],
        "Attribute": _title_case(attributes[0]),
        "attribute2": attributes[-1],
        "options": "; ".join(f"{group}: {', '.join(values)}" for group, values in options.items())
        or "one standard version",
        "n_options": str(max(1, int(np.prod([len(values) for values in options.values()])))),
    }
    bullet_order = rng.permutation(len(BULLET_TEMPLATES))[: int(rng.integers(3, 6))]
    bullets = [BULLET_TEMPLATES[i].format(**fields) for i in sorted(bullet_order)]
    description = DESCRIPTION_TEMPLATES[int(rng.integers(len(DESCRIPTION_TEMPLATES)))]
    return {
        "asin": _asin(rng),
        "title": title,
        "category": CATEGORY_SEPARATOR.join(
            (category.name, product_type.subcategory, product_type.name)
        ),
        "query": product_type.name,
        "product_type": product_type.name,
        "modifier": modifier,
        "brand": brand,
        "nouns": sorted(set(product_type.name.split()) | set(brand.lower().split())),
        "price": price,
        "attributes": attributes,
        "options": options,
        "bullet_points": bullets,
        "description": description.format(**fields),
    }


# The colour words the catalogue was generated with: kept as they were (not WebShop's longer
# list, which the reward uses) so that the shipped catalogue regenerates byte for byte.
_GENERATION_COLORS = (
    "black", "white", "grey", "gray", "beige", "red", "burgundy", "green", "blue", "pink",
    "lavender", "mustard", "brown", "khaki", "teal", "coral", "charcoal", "ivory", "purple",
    "orange", "yellow", "silver", "gold",
)  # fmt: skip


def _same_option(value: str, taken: list[str]) -> bool:
    """Whether ``value`` would pass for one of ``taken`` (same colour word, or fuzzily equal)."""

    def normal(option: str) -> str:
        return next((color for color in _GENERATION_COLORS if color in option), option)

    return any(fuzzy_match(normal(other), normal(value)) for other in taken)


def _options(rng: np.random.Generator, group_specs: tuple[str, ...]) -> dict[str, list[str]]:
    """Draw each group's values; no two values of one product count as the same option."""
    options: dict[str, list[str]] = {}
    taken: list[str] = []
    for spec in group_specs:
        group, _, pool_name = spec.partition("=")
        pool = OPTION_POOLS[pool_name or group]
        wanted = int(rng.integers(2, min(6, len(pool)) + 1))
        values: list[str] = []
        for i in rng.permutation(len(pool)):
            if len(values) == wanted:
                break
            if not _same_option(pool[i], taken):
                values.append(pool[i])
                taken.append(pool[i])
        options[group] = sorted(values, key=pool.index)
    return options


def _asin(rng: np.random.Generator) -> str:
    return "B0" + "".join(_ASIN_ALPHABET[i] for i in rng.integers(len(_ASIN_ALPHABET), size=8))


def _title_case(text: str) -> str:
    return " ".join(word[:1].upper() + word[1:] for word in text.split())


if __name__ == "__main__":
    print(f"wrote {PRODUCTS_FILE} with sha256 {write_catalogue()}")

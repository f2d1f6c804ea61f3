"""The Shop product catalogue: loaded once per process and shared by every environment.

The catalogue ships as ``protege/tasks/shop/products.jsonl.gz`` with the SHA-256 of its
uncompressed text in ``products.sha256``; :func:`load_catalogue` checks the sum, so a
corrupted or hand-edited file fails loudly instead of silently changing the tasks.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from protege.errors import ProtegeError

DATA_DIR = Path(__file__).resolve().parents[2] / "tasks" / "shop"
PRODUCTS_FILE = DATA_DIR / "products.jsonl.gz"
CHECKSUM_FILE = DATA_DIR / "products.sha256"
CATEGORY_SEPARATOR = "›"
_WORD = re.compile(r"[a-z0-9]+")


class CatalogueError(ProtegeError):
    """The shipped catalogue is missing or does not match its recorded checksum."""


@dataclass(frozen=True, slots=True)
class Product:
    """One product: what the item page shows plus the fields the reward reads."""

    asin: str
    title: str
    category: str
    """Category path, levels joined by ``›`` (e.g. ``grocery › snacks › potato chips``)."""
    query: str
    """The product-type phrase the product was listed under (WebShop's ``query``)."""
    price: float
    attributes: tuple[str, ...]
    options: Mapping[str, tuple[str, ...]]
    """Option group -> its values, in display order."""
    bullet_points: tuple[str, ...] = ()
    description: str = ""
    nouns: tuple[str, ...] = ()
    """Lower-case nouns and proper nouns of the title (type words and brand words)."""
    product_type: str = ""
    modifier: str = ""
    brand: str = ""

    @property
    def top_category(self) -> str:
        """The first level of :attr:`category` (e.g. ``grocery``)."""
        return self.category.split(CATEGORY_SEPARATOR)[0].strip()

    def title_nouns(self) -> tuple[str, ...]:
        """The title's words that are among :attr:`nouns`, in order, duplicates kept.

        WebShop's type rule counts a title's nouns with their repeats; :attr:`nouns` holds the
        distinct ones, so the title is scanned for them.
        """
        nouns = set(self.nouns)
        return tuple(word for word in _WORD.findall(self.title.lower()) if word in nouns)


@dataclass(frozen=True)
class Catalogue:
    """Every product, in file order, with a lookup by ASIN."""

    products: tuple[Product, ...]
    checksum: str
    by_asin: dict[str, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        by_asin = {product.asin.lower(): index for index, product in enumerate(self.products)}
        object.__setattr__(self, "by_asin", by_asin)

    def __len__(self) -> int:
        return len(self.products)

    def index_of(self, asin: str) -> int | None:
        """The position of product ``asin`` (any case), or None."""
        return self.by_asin.get(asin.lower())


def product_from_dict(record: dict) -> Product:
    """Build a :class:`Product` from one JSONL record of the catalogue."""
    return Product(
        asin=record["asin"],
        title=record["title"],
        category=record["category"],
        query=record["query"],
        price=float(record["price"]),
        attributes=tuple(record["attributes"]),
        options={group: tuple(values) for group, values in record["options"].items()},
        bullet_points=tuple(record["bullet_points"]),
        description=record["description"],
        nouns=tuple(record["nouns"]),
        product_type=record["product_type"],
        modifier=record["modifier"],
        brand=record["brand"],
    )


def recorded_checksum() -> str:
    """The SHA-256 recorded beside the catalogue file."""
    return CHECKSUM_FILE.read_text(encoding="utf-8").split()[0]


_LOCK = threading.Lock()
_CATALOGUE: Catalogue | None = None


def load_catalogue() -> Catalogue:
    """The process-wide catalogue, read and verified on first use (thread-safe)."""
    global _CATALOGUE
    if _CATALOGUE is None:
        with _LOCK:
            if _CATALOGUE is None:
                _CATALOGUE = _read_catalogue()
    return _CATALOGUE


def _read_catalogue() -> Catalogue:
    if not PRODUCTS_FILE.exists() or not CHECKSUM_FILE.exists():
        raise CatalogueError(
            f"the Shop catalogue is missing: expected {PRODUCTS_FILE} and {CHECKSUM_FILE}; "
            "regenerate it with `python -m protege.tasks.shop.generate`"
        )
    text = gzip.decompress(PRODUCTS_FILE.read_bytes())
    digest = hashlib.sha256(text).hexdigest()
    expected = recorded_checksum()
    if digest != expected:
        raise CatalogueError(
            f"the Shop catalogue {PRODUCTS_FILE} has sha256 {digest}, but {CHECKSUM_FILE.name} "
            f"records {expected}; regenerate it with `python -m protege.tasks.shop.generate`"
        )
    products = tuple(product_from_dict(json.loads(line)) for line in text.splitlines())
    return Catalogue(products=products, checksum=digest)

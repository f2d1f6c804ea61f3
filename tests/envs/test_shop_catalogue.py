"""The Shop catalogue: its checksum, its shape, and the on-disk search index."""

from __future__ import annotations

import gzip
import hashlib
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from protege.envs.shop.catalogue import (
    CHECKSUM_FILE,
    PRODUCTS_FILE,
    Catalogue,
    load_catalogue,
    recorded_checksum,
)
from protege.envs.shop.search import (
    INDEX_VERSION,
    SearchEngine,
    build_index,
    query_terms,
    search_engine,
)
from protege.tasks.shop import generate


def test_shipped_catalogue_matches_its_recorded_checksum() -> None:
    text = gzip.decompress(PRODUCTS_FILE.read_bytes())
    assert hashlib.sha256(text).hexdigest() == recorded_checksum()
    assert CHECKSUM_FILE.read_text().split()[1] == "products.jsonl"


@pytest.mark.slow
def test_generator_reproduces_the_recorded_checksum() -> None:
    assert generate.checksum(generate.catalogue_text()) == recorded_checksum()


def test_catalogue_has_5000_products_in_five_categories_with_every_field() -> None:
    catalogue = load_catalogue()
    assert len(catalogue) >= 5000
    categories = Counter(product.top_category for product in catalogue.products)
    assert set(categories) == {"grocery", "beauty", "fashion", "electronics", "home"}
    assert min(categories.values()) >= 900
    assert len(catalogue.by_asin) == len(catalogue)  # ASINs are unique
    for product in catalogue.products:
        assert product.title and product.description and product.bullet_points
        assert len(product.category.split("›")) == 3
        assert product.price > 0 and product.attributes and product.options
        assert all(len(values) >= 2 for values in product.options.values())


def test_catalogue_is_loaded_once_per_process() -> None:
    assert load_catalogue() is load_catalogue()
    assert search_engine() is search_engine()


def test_query_terms_drop_stopwords_and_punctuation() -> None:
    assert query_terms("I need a GLUTEN-free snack, with flavor: sea salt") == [
        "gluten",
        "free",
        "snack",
        "flavor",
        "sea",
        "salt",
    ]
    assert query_terms("<query>") == ["query"]
    assert query_terms("!!! ... ") == []


def test_search_ranks_by_bm25_and_keeps_50_results() -> None:
    engine = search_engine()
    catalogue = engine.catalogue
    results = engine.search("kettle cooked potato chips")
    assert len(results) == 50
    top = catalogue.products[results[0]]
    assert "Kettle Cooked Potato Chips" in top.title
    assert engine.search("zzzz qqqq") == ()
    assert engine.search('"; DROP TABLE products; --') is not None  # quoted terms, no injection


def test_index_is_built_atomically_in_the_cache_directory(tmp_path: Path) -> None:
    catalogue = load_catalogue()
    path = tmp_path / "shop" / "index.db"
    build_index(catalogue, path)
    assert path.exists()
    assert [p.name for p in path.parent.iterdir()] == ["index.db"]  # no temporary file left
    engine = SearchEngine(catalogue, path=path)
    assert engine.search("wireless earbuds") == search_engine().search("wireless earbuds")


BUILD_IN_CHILD = """
import sys
from protege.envs.shop.catalogue import load_catalogue
from protege.envs.shop.search import SearchEngine
engine = SearchEngine(load_catalogue())
print(engine.path, len(engine.search("bluetooth speaker")))
"""


@pytest.mark.slow
def test_two_processes_building_the_index_at_once_both_succeed(tmp_path: Path) -> None:
    env = {**os.environ, "PROTEGE_CACHE": str(tmp_path)}
    children = [
        subprocess.Popen(
            [sys.executable, "-c", BUILD_IN_CHILD], env=env, stdout=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    outputs = [child.communicate(timeout=120)[0].split() for child in children]
    assert all(child.returncode == 0 for child in children)
    assert outputs[0] == outputs[1] and outputs[0][1] == "50"
    assert Path(outputs[0][0]).parent == tmp_path / "shop"
    assert [p.name for p in (tmp_path / "shop").iterdir()] == [Path(outputs[0][0]).name]


def test_a_new_catalogue_checksum_gets_its_own_index_under_protege_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PROTEGE_CACHE", str(tmp_path))
    full = load_catalogue()
    small = Catalogue(products=full.products[:100], checksum="0123abcd")
    engine = SearchEngine(small)
    assert engine.path == tmp_path / "shop" / f"index-v{INDEX_VERSION}-0123abcd.db"
    assert all(position < 100 for position in engine.search("potato chips"))
    again = SearchEngine(small)  # found on disk, not rebuilt
    assert again.path == engine.path and again.path.stat().st_mtime == engine.path.stat().st_mtime

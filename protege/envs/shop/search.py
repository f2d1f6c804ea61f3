"""Full-text product search: an SQLite FTS5 index ranked by BM25, built once and cached on disk.

The index lives at ``$PROTEGE_CACHE/shop/`` (default ``~/.cache/protege/shop/``) in a file
named after the catalogue checksum, so a new catalogue gets a new index. It is written to a
temporary file in the same directory and moved into place with ``os.replace``: two processes
that build at once each write their own file and the rename is atomic, so a reader never sees
a half-built index. Readers open it read-only, one connection per thread.
"""

from __future__ import annotations

import functools
import os
import re
import sqlite3
import tempfile
import threading
from pathlib import Path

from protege.envs.shop.catalogue import Catalogue, load_catalogue

INDEX_VERSION = 1
"""Bump when the index schema or tokenizer changes, so cached indexes are rebuilt."""
MAX_RESULTS = 50
"""Results kept per query, as in WebShop."""
COLUMN_WEIGHTS = (0.0, 8.0, 2.0, 4.0, 1.0, 1.0)
"""BM25 weights of the columns asin, title, category, attributes, options, text."""
STOPWORDS = frozenset(
    ("a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "i", "im", "in", "is",
     "it", "me", "my", "need", "of", "on", "or", "that", "the", "this", "to", "want", "we",
     "with", "would", "you", "looking", "like", "find", "get")
)  # fmt: skip
_WORD = re.compile(r"[a-z0-9]+")


def cache_dir() -> Path:
    """Where protege caches derived files: ``$PROTEGE_CACHE`` or ``~/.cache/protege``."""
    root = os.environ.get("PROTEGE_CACHE")
    return Path(root) if root else Path.home() / ".cache" / "protege"


def query_terms(query: str) -> list[str]:
    """The distinct lower-case words of ``query`` that are not stopwords, in order."""
    words = _WORD.findall(query.lower())
    return list(dict.fromkeys(word for word in words if word not in STOPWORDS))


class SearchEngine:
    """BM25 search over one catalogue through an on-disk FTS5 index."""

    def __init__(self, catalogue: Catalogue, path: Path | None = None) -> None:
        self.catalogue = catalogue
        name = f"index-v{INDEX_VERSION}-{catalogue.checksum}.db"
        self.path = path or cache_dir() / "shop" / name
        if not self.path.exists():
            try:
                build_index(catalogue, self.path)
            except OSError:  # a read-only cache directory: fall back to the temp directory
                self.path = Path(tempfile.gettempdir()) / f"protege-{os.getuid()}" / "shop" / name
                if not self.path.exists():
                    build_index(catalogue, self.path)
        self._local = threading.local()
        self.search = functools.lru_cache(maxsize=4096)(self._search)

    def _connection(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            # immutable=1: the file never changes once renamed into place, so skip locking.
            uri = f"{self.path.resolve().as_uri()}?mode=ro&immutable=1"
            connection = sqlite3.connect(uri, uri=True, check_same_thread=False)
            self._local.connection = connection
        return connection

    def _search(self, query: str) -> tuple[int, ...]:
        """Catalogue positions of the best :data:`MAX_RESULTS` matches of ``query``, best first."""
        terms = query_terms(query)
        if not terms:
            return ()
        match = " OR ".join(f'"{term}"' for term in terms)
        weights = ", ".join(str(weight) for weight in COLUMN_WEIGHTS)
        rows = self._connection().execute(
            f"SELECT rowid FROM products WHERE products MATCH ? "
            f"ORDER BY bm25(products, {weights}), rowid LIMIT {MAX_RESULTS}",
            (match,),
        )
        return tuple(row[0] for row in rows)


def build_index(catalogue: Catalogue, path: Path) -> None:
    """Write the FTS5 index of ``catalogue`` to ``path`` atomically (temp file + rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    try:
        connection = sqlite3.connect(temporary)
        with connection:
            connection.execute(
                "CREATE VIRTUAL TABLE products USING fts5(asin UNINDEXED, title, category, "
                "attributes, options, text, tokenize='porter unicode61 remove_diacritics 2')"
            )
            connection.executemany(
                "INSERT INTO products(rowid, asin, title, category, attributes, options, text) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    (
                        index,
                        product.asin,
                        product.title,
                        product.category,
                        " ; ".join(product.attributes),
                        " ; ".join(
                            value for values in product.options.values() for value in values
                        ),
                        " ".join((*product.bullet_points, product.description)),
                    )
                    for index, product in enumerate(catalogue.products)
                ),
            )
            connection.execute("INSERT INTO products(products) VALUES ('optimize')")
            connection.execute("CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT)")
            connection.execute("INSERT INTO meta VALUES ('checksum', ?)", (catalogue.checksum,))
        connection.close()
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


_LOCK = threading.Lock()
_ENGINE: SearchEngine | None = None


def search_engine() -> SearchEngine:
    """The process-wide search engine over the shipped catalogue (built on first use)."""
    global _ENGINE
    if _ENGINE is None:
        with _LOCK:
            if _ENGINE is None:
                _ENGINE = SearchEngine(load_catalogue())
    return _ENGINE

"""`python -m bench.search [--sizes 10000 100000]`: what the search index costs at scale.

For each catalog size: the index's build time and size on disk, the query time (p50 and
p95) of a word, two words, a typo and a prefix, the first search of a fresh container
(unpack a snapshot and open it), and the time to publish a snapshot (save and tar; the
S3 upload is not included). The same queries run on SQLite FTS5 (Python's sqlite3) for
the decision record (docs/decisions/0011-search-engine.md). Needs no database; prints
a JSON line per size and a Markdown table.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import shutil
import sqlite3
import statistics
import tarfile
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from search.engine import SearchIndex
from search.text import words
from search.types import CATEGORY, PRODUCT, CategoryEntry, Change, ProductEntry, Search

# Words products are made of: outdoor gear, as in the sample shop.
NOUNS = [
    "jacket",
    "backpack",
    "boot",
    "shoe",
    "tent",
    "stove",
    "bottle",
    "sock",
    "glove",
    "hat",
    "pole",
    "lamp",
    "mug",
    "pot",
    "chair",
    "pad",
    "bag",
    "vest",
    "shell",
    "tee",
    "tights",
    "shorts",
    "fleece",
    "filter",
    "compass",
    "watch",
    "knife",
    "tarp",
    "hammock",
]
ADJECTIVES = [
    "rain",
    "trail",
    "hiking",
    "running",
    "winter",
    "summer",
    "ultralight",
    "insulated",
    "waterproof",
    "merino",
    "down",
    "synthetic",
    "carbon",
    "titanium",
    "folding",
    "compact",
    "thermal",
    "breathable",
    "wool",
    "kids",
]
FILLER = [
    "with",
    "for",
    "and",
    "the",
    "a",
    "of",
    "in",
    "to",
    "lightweight",
    "durable",
    "warm",
    "soft",
    "quick",
    "drying",
    "pocket",
    "zip",
    "strap",
    "grip",
    "mesh",
    "liner",
    "stretch",
    "roomy",
    "packable",
    "recycled",
]
QUERIES: dict[str, str] = {
    "a word": "jacket",
    "two words": "rain jacket",
    "a typo": "backpak",
    "a prefix": "rain jac",
    # Browsing: every product matches, and is counted, faceted and sorted.
    "everything": "",
}
REPS = 200


def catalog(size: int, seed: int = 18) -> list[Change]:
    """Categories and `size` products of made-up outdoor gear."""
    rng = random.Random(seed)
    changes = [
        Change(CATEGORY, f"c{i}", CategoryEntry(f"c{i}", f"Category {i}"), 1) for i in range(50)
    ]
    for i in range(size):
        name = f"{rng.choice(ADJECTIVES).title()} {rng.choice(NOUNS).title()} {i}"
        description = " ".join(rng.choice(FILLER + NOUNS) for _ in range(12))
        entry = ProductEntry(
            id=f"p{i}",
            name=name,
            description=description,
            price=f"{rng.randint(1, 50000) / 100:.2f}",
            in_stock=rng.random() > 0.1,
            created=f"2026-01-01T00:00:00.{i % 1000000:06d}+0000",
            category_id=f"c{i % 50}",
        )
        changes.append(Change(PRODUCT, entry.id, entry, 1))
    return changes


def timed(run: Callable[[], Any], reps: int) -> dict[str, float]:
    times = []
    for _ in range(reps):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {
        "p50_ms": round(statistics.median(times), 3),
        "p95_ms": round(times[int(len(times) * 0.95) - 1], 3),
    }


def size_of(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def measure_tantivy(changes: list[Change], folder: Path) -> dict[str, Any]:
    started = time.perf_counter()
    index = SearchIndex(folder / "index")
    for start in range(0, len(changes), 10_000):
        index.apply(changes[start : start + 10_000])
    build = time.perf_counter() - started
    started = time.perf_counter()
    index.save()
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:") as archive:
        for path in sorted((folder / "index").iterdir()):
            archive.add(path, arcname=path.name)
    publish = time.perf_counter() - started

    def searching(query: str) -> Callable[[], Any]:
        return lambda: index.search(Search(tuple(words(query))), 20)

    queries = {what: timed(searching(query), REPS) for what, query in QUERIES.items()}
    queries["predictive (a prefix)"] = timed(lambda: index.predict(words("rain jac"), 5), REPS)
    started = time.perf_counter()
    target = folder / "fresh"
    with tarfile.open(fileobj=io.BytesIO(buffer.getvalue()), mode="r:") as archive:
        archive.extractall(target, filter="data")
    fresh = SearchIndex(target)
    fresh.search(Search(("jacket",)), 20)
    first_search = time.perf_counter() - started
    return {
        "build_s": round(build, 2),
        "index_mb": round(size_of(folder / "index") / 1e6, 1),
        "snapshot_mb": round(len(buffer.getvalue()) / 1e6, 1),
        "publish_s": round(publish, 2),
        "first_search_s": round(first_search, 2),
        "queries": queries,
    }


def measure_fts5(changes: list[Change]) -> dict[str, Any]:
    """The same catalog in SQLite FTS5 (porter stemmer, unicode61 without accents)."""
    started = time.perf_counter()
    db = sqlite3.connect(":memory:")
    db.execute(
        "CREATE VIRTUAL TABLE products USING fts5(id UNINDEXED, name, description, "
        "tokenize='porter unicode61 remove_diacritics 2')"
    )
    db.executemany(
        "INSERT INTO products VALUES (?, ?, ?)",
        [
            (c.entry.id, c.entry.name, c.entry.description)
            for c in changes
            if isinstance(c.entry, ProductEntry)
        ],
    )
    db.commit()
    build = time.perf_counter() - started
    # FTS5 has no typo tolerance: "backpak" finds nothing; a prefix is "jac*".
    fts = {
        "a word": "jacket",
        "two words": "rain jacket",
        "a typo": "backpak",
        "a prefix": "rain jac*",
    }
    queries = {}
    for what, query in fts.items():

        def run(query: str = query) -> Any:
            return db.execute(
                "SELECT id, count(*) OVER () FROM products WHERE products MATCH ? "
                "ORDER BY rank LIMIT 20",
                (query,),
            ).fetchall()

        queries[what] = {**timed(run, REPS), "found": len(run())}
    return {"build_s": round(build, 2), "queries": queries}


def main() -> None:
    global REPS
    parser = argparse.ArgumentParser(prog="python -m bench.search", description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--reps", type=int, default=REPS, help="timed runs of each query")
    arguments = parser.parse_args()
    sizes = arguments.sizes
    REPS = arguments.reps
    rows = []
    for size in sizes:
        changes = catalog(size)
        folder = Path(tempfile.mkdtemp(prefix="bench-search-"))
        try:
            row = {"products": size, "tantivy": measure_tantivy(changes, folder)}
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        row["fts5"] = measure_fts5(changes)
        print(json.dumps(row), flush=True)
        rows.append(row)
    print()
    print("| products | engine | build s | index MB | " + " | ".join(QUERIES) + " |")
    print("|---|---|---|---|" + "---|" * len(QUERIES))
    for row in rows:
        for engine in ("tantivy", "fts5"):
            figures = row[engine]
            cells = [
                f"{figures['queries'][what]['p50_ms']} / {figures['queries'][what]['p95_ms']}"
                if what in figures["queries"]
                else "-"
                for what in QUERIES
            ]
            size = figures.get("index_mb", "")
            print(
                f"| {row['products']:,} | {engine} | {figures['build_s']} | {size} | "
                + " | ".join(cells)
                + " |"
            )


if __name__ == "__main__":
    main()

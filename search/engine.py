"""The search index: live products and categories in tantivy, and what a search answers.

tantivy matches and scores the text (stemmed terms, fuzzy terms for typos, prefix terms
for the word being typed, BM25); the index also keeps, per document, the few values
that order and narrow a search (price, stock, creation time, category path), so a
search answers ids in order, counts and facets without reading DynamoDB. The nodes are
read fresh from DynamoDB afterwards (resolvers/search.py).
"""

from __future__ import annotations

import gc
import hashlib
import heapq
import json
import threading
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from decimal import Decimal
from pathlib import Path
from typing import Any

import tantivy
from tantivy import Occur, Query

from models.base import folded_name
from search.categories import category_path
from search.text import PLAIN, STEMMED, allowed_edits, analyzers, normalised, stem, words
from search.types import (
    CATEGORY,
    PRODUCT,
    RELEVANCE,
    CategoryEntry,
    Change,
    Prediction,
    ProductEntry,
    Search,
    SearchPage,
    UnknownCategory,
    sort_key,
)

# Relevance is one score: a match without typos outranks any with one, then each
# query word found in the name outranks fewer, then BM25. A BM25 score stays far
# below NAME_WORD (at most 10 words x 2 fields x about 30), and NAME_WORD x 10 below
# TYPO_FREE, so the tiers never mix.
TYPO_FREE = 100_000.0
NAME_WORD = 1_000.0
META_FILE = "catalog-meta.json"
# tantivy's smallest writer heap; one thread: an index of the catalog's size is small.
WRITER_HEAP = 15_000_000


def _ord(kind: str, item_id: str) -> int:
    """A document's number: stable, so the same item always replaces itself."""
    return int.from_bytes(hashlib.blake2b(f"{kind}#{item_id}".encode(), digest_size=8).digest())


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("key", tokenizer_name="raw")
    builder.add_text_field("kind", tokenizer_name="raw")
    builder.add_unsigned_field("ord", indexed=True, fast=True)
    builder.add_text_field("name", tokenizer_name=STEMMED)
    builder.add_text_field("description", tokenizer_name=STEMMED)
    builder.add_text_field("name_words", tokenizer_name=PLAIN)
    builder.add_text_field("words", tokenizer_name=PLAIN)
    builder.add_text_field("category_path", tokenizer_name="raw")
    return builder.build()


class SearchIndex:
    """Live products and categories, searchable; thread-safe (a follower applies changes
    while requests search)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self.schema = _schema()
        if path is not None:
            path.mkdir(parents=True, exist_ok=True)
        if path is not None and tantivy.Index.exists(str(path)):
            self.index = tantivy.Index.open(str(path))
        else:
            self.index = tantivy.Index(self.schema, path=str(path) if path else None)
        for name, analyzer in analyzers().items():
            self.index.register_tokenizer(name, analyzer)
        self.products: dict[int, ProductEntry] = {}
        self.categories: dict[str, CategoryEntry] = {}
        # Each category's products (their numbers), so a category that moves in the tree
        # re-paths them: a product's document holds its category's path.
        self.by_category: dict[str, set[int]] = {}
        # The stream position of the last change applied to each item, so an older
        # record (an indexer's retry, an overlapping batch) never undoes a newer one.
        self.positions: dict[str, int] = {}
        self._writer: tantivy.IndexWriter | None = None
        self._lock = threading.RLock()
        if path is not None and (path / META_FILE).exists():
            self._load_meta(path / META_FILE)

    # Writing

    def apply(self, changes: Iterable[Change]) -> int:
        """Apply the changes newer than what the index holds; how many were applied."""
        with self._lock:
            applied = 0
            writer = self._writer_()
            for change in changes:
                key = f"{change.kind}#{change.id}"
                if self.positions.get(key, -1) >= change.sequence:
                    continue
                self.positions[key] = change.sequence
                applied += 1
                number = _ord(change.kind, change.id)
                writer.delete_documents_by_term("key", key)
                if change.kind == PRODUCT:
                    self._forget_product(number)
                    if change.entry is not None:
                        writer.add_document(self._document(key, number, change.entry))
                    continue
                before = self.categories.pop(change.id, None)
                if change.entry is not None:
                    writer.add_document(self._document(key, number, change.entry))
                if _ancestors(before) != _ancestors(self.categories.get(change.id)):
                    self._repath(writer, change.id)
            if applied:
                writer.commit()
                self.index.reload()
            return applied

    def _forget_product(self, number: int) -> None:
        entry = self.products.pop(number, None)
        if entry is not None and entry.category_id is not None:
            self.by_category.get(entry.category_id, set()).discard(number)

    def _repath(self, writer: tantivy.IndexWriter, category_id: str) -> None:
        """Index the category's products again under its new path (a category moved, or
        its record came after theirs)."""
        for number in list(self.by_category.get(category_id, ())):
            entry = self.products[number]
            key = f"{PRODUCT}#{entry.id}"
            writer.delete_documents_by_term("key", key)
            writer.add_document(self._document(key, number, entry))

    def _writer_(self) -> tantivy.IndexWriter:
        if self._writer is None:
            self._writer = self.index.writer(WRITER_HEAP, 1)
        return self._writer

    def _document(
        self, key: str, number: int, entry: ProductEntry | CategoryEntry
    ) -> tantivy.Document:
        document = tantivy.Document()
        document.add_text("key", key)
        document.add_unsigned("ord", number)
        name = normalised(entry.name)
        document.add_text("name", name)
        document.add_text("name_words", name)
        document.add_text("words", name)
        if isinstance(entry, ProductEntry):
            self.products[number] = entry
            if entry.category_id is not None:
                self.by_category.setdefault(entry.category_id, set()).add(number)
            document.add_text("kind", PRODUCT)
            description = normalised(entry.description)
            document.add_text("description", description)
            document.add_text("words", description)
            for category_id in category_path(entry.category_id, self.categories):
                document.add_text("category_path", category_id)
        else:
            self.categories[entry.id] = entry
            document.add_text("kind", CATEGORY)
        return document

    def save(self) -> None:
        """Write what the index holds beside tantivy's files (an on-disk index only)."""
        if self.path is None:
            raise ValueError("an in-memory index cannot be saved")
        with self._lock:
            if self._writer is not None:
                self._writer.wait_merging_threads()
                self._writer = None
            meta = {
                "products": [asdict(entry) for entry in self.products.values()],
                "categories": [asdict(entry) for entry in self.categories.values()],
                "positions": self.positions,
            }
            (self.path / META_FILE).write_text(json.dumps(meta, separators=(",", ":")))

    def _load_meta(self, meta_file: Path) -> None:
        meta = json.loads(meta_file.read_text())
        for raw in meta["products"]:
            entry = ProductEntry(**raw)
            number = _ord(PRODUCT, entry.id)
            self.products[number] = entry
            if entry.category_id is not None:
                self.by_category.setdefault(entry.category_id, set()).add(number)
        # A snapshot written before the category tree has no ancestors: every category
        # was a root then.
        for raw in meta["categories"]:
            category = CategoryEntry(**{**raw, "ancestor_ids": tuple(raw.get("ancestor_ids", ()))})
            self.categories[category.id] = category
        self.positions = {key: int(value) for key, value in meta["positions"].items()}

    # Reading

    def has_category(self, category_id: str) -> bool:
        with self._lock:
            return category_id in self.categories

    def search(self, search: Search, first: int, after: Any = None) -> SearchPage:
        """A page of `first` products after the sort key `after`, with counts and facets."""
        with self._lock, _without_gc():
            filters = search.filters
            if filters.category_id is not None and filters.category_id not in self.categories:
                raise UnknownCategory(filters.category_id)
            scored = self._matches(PRODUCT, search.words, filters.category_id)
            products = self.products
            entries = [(score, products[number]) for score, number in scored if number in products]
            return _page(search, entries, first, after, self.categories)

    def predict(self, query_words: Sequence[str], limit: int) -> Prediction:
        """Completed queries, products and categories for what is being typed."""
        with self._lock, _without_gc():
            # What search answers first, without its counts and facets.
            products = self.products
            best = heapq.nsmallest(
                limit,
                (
                    (sort_key(RELEVANCE, score, products[number]), products[number])
                    for score, number in self._matches(PRODUCT, query_words, None)
                    if number in products
                ),
                key=lambda pair: pair[0],
            )
            scored = self._matches(CATEGORY, query_words, None)
            found = [(score, entry) for score, entry in self._categories_of(scored)]
            found.sort(key=lambda pair: (-pair[0], folded_name(pair[1].name), pair[1].id))
            return Prediction(
                queries=self._completions(query_words, limit),
                product_ids=[entry.id for _, entry in best],
                category_ids=[entry.id for _, entry in found[:limit]],
                product_category_ids=[entry.category_id for _, entry in best if entry.category_id],
            )

    def _categories_of(self, scored: list[tuple[float, int]]) -> Iterable[tuple[float, Any]]:
        by_ord = {
            _ord(CATEGORY, category_id): entry for category_id, entry in self.categories.items()
        }
        for score, number in scored:
            if number in by_ord:
                yield score, by_ord[number]

    def _completions(self, query_words: Sequence[str], limit: int) -> list[str]:
        """The typed words with the last completed from the catalog's words, most frequent
        first among the products that hold the words before it."""
        *before, last = query_words
        scope = self._query(PRODUCT, before, None) if before else self._kind(PRODUCT)
        searcher = self.index.searcher()
        terms = searcher.terms_with_prefix("words", last, scope, None)
        terms.sort(key=lambda pair: (-pair[1], pair[0]))
        return [" ".join([*before, term]) for term, count in terms[:limit] if count > 0]

    def _matches(
        self, kind: str, query_words: Sequence[str], category_id: str | None
    ) -> list[tuple[float, int]]:
        """Every matching document's score and number."""
        searcher = self.index.searcher()
        total = searcher.num_docs
        if total == 0:
            return []
        query = self._query(kind, query_words, category_id)
        hits = searcher.search(query, limit=total, count=False).hits
        numbers = searcher.fast_field_values("ord", [address for _, address in hits])
        return [
            (float(score), int(number))
            for (score, _), number in zip(hits, numbers, strict=True)
            if number is not None
        ]

    def _kind(self, kind: str) -> Query:
        return Query.term_query(self.schema, "kind", kind)

    def _query(self, kind: str, query_words: Sequence[str], category_id: str | None) -> Query:
        clauses: list[tuple[Occur, Query]] = [(Occur.Must, _silent(self._kind(kind)))]
        if category_id is not None:
            term = Query.term_query(self.schema, "category_path", category_id)
            clauses.append((Occur.Must, _silent(term)))
        exact: list[tuple[Occur, Query]] = []
        for position, word in enumerate(query_words):
            matches, typo_free, in_name = self._word(word, last=position == len(query_words) - 1)
            clauses.append((Occur.Must, matches))
            clauses.append((Occur.Should, Query.const_score_query(in_name, NAME_WORD)))
            exact.append((Occur.Must, typo_free))
        if exact:
            all_typo_free = Query.const_score_query(Query.boolean_query(exact), TYPO_FREE)
            clauses.append((Occur.Should, all_typo_free))
        return Query.boolean_query(clauses)

    def _word(self, word: str, *, last: bool) -> tuple[Query, Query, Query]:
        """A query word's clauses: it matches at all, without a typo, in the name."""
        schema = self.schema
        stemmed = stem(word)
        edits = allowed_edits(word)
        # A stem is shorter than its word: it takes no more typos than its own length
        # allows ("sleeping" may be 2 edits from a word, its stem "sleep" only 1).
        stem_edits = min(edits, allowed_edits(stemmed))

        def term(field: str) -> Query:
            return Query.term_query(schema, field, stemmed)

        def fuzzy(field: str, text: str, distance: int, prefix: bool = False) -> Query:
            return Query.fuzzy_term_query(schema, field, text, distance, True, prefix)

        exact = [term("name"), term("description")]
        if last:
            # The word being typed: any word it starts, from its first character.
            exact.append(_silent(fuzzy("words", word, 0, prefix=True)))
        typos = []
        if edits:
            typos = [
                _silent(fuzzy("words", word, edits)),
                _silent(fuzzy("name", stemmed, stem_edits)),
                _silent(fuzzy("description", stemmed, stem_edits)),
            ]
        in_name = [term("name")]
        if last:
            in_name.append(fuzzy("name_words", word, 0, prefix=True))
        if edits:
            in_name += [fuzzy("name_words", word, edits), fuzzy("name", stemmed, stem_edits)]
        return _any(exact + typos), _any(exact), _any(in_name)


def _ancestors(category: CategoryEntry | None) -> tuple[str, ...]:
    """A category's path above it as its products' documents hold it (none when unknown)."""
    return category.ancestor_ids if category is not None else ()


@contextmanager
def _without_gc() -> Iterator[None]:
    """No garbage collection while a search walks its matches.

    A broad search makes a tuple per match, and the collections those allocations
    trigger walk every object the index holds: at 100,000 products they took two thirds
    of a one-word search (bench.search). Nothing a search makes is cyclic garbage.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _silent(query: Query) -> Query:
    """A clause that narrows without adding to the score."""
    return Query.const_score_query(query, 0.0)


def _any(queries: list[Query]) -> Query:
    return Query.boolean_query([(Occur.Should, query) for query in queries])


def _page(
    search: Search,
    scored: list[tuple[float, ProductEntry]],
    first: int,
    after: Any,
    categories: dict[str, CategoryEntry],
) -> SearchPage:
    """The page after `after`, and the counts, facets and price range of all the matches:
    one pass over the matches, then the page's items picked without sorting them all."""
    filters = search.filters
    low, high = filters.price_min, filters.price_max
    depth = len(category_path(filters.category_id, categories))
    matches: list[tuple[float, ProductEntry]] = []
    stock_counts: Counter[bool] = Counter()
    children: Counter[str] = Counter()
    cheapest: Decimal | None = None
    dearest: Decimal | None = None
    for score, entry in scored:
        price = entry.amount
        priced = (low is None or price >= low) and (high is None or price <= high)
        stocked = filters.in_stock is None or entry.in_stock == filters.in_stock
        if priced:
            # The inStock facet: every filter but inStock.
            stock_counts[entry.in_stock] += 1
        if stocked:
            # The price range: every filter but the price bounds.
            cheapest = price if cheapest is None or price < cheapest else cheapest
            dearest = price if dearest is None or price > dearest else dearest
        if priced and stocked:
            matches.append((score, entry))
            path = category_path(entry.category_id, categories)
            if len(path) > depth and path[depth] in categories:
                children[path[depth]] += 1
    order = search.order
    keyed = ((sort_key(order, score, entry), entry.id) for score, entry in matches)
    if search.reverse:
        window = heapq.nlargest(
            first + 1, (item for item in keyed if after is None or item[0] < after)
        )
    else:
        window = heapq.nsmallest(
            first + 1, (item for item in keyed if after is None or item[0] > after)
        )
    return SearchPage(
        items=window[:first],
        has_next_page=len(window) > first,
        total_count=len(matches),
        categories=list(children.items()),
        in_stock=list(stock_counts.items()),
        price_range=(cheapest, dearest) if cheapest is not None and dearest is not None else None,
    )


def query_words(query: str) -> list[str]:
    """The words of a query as the index matches them (none: the empty query)."""
    return words(query)

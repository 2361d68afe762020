"""What a search asks and answers, and what the index holds: plain values, no engine.

The resolvers build and read these without importing tantivy; only a search loads it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any

from models.base import folded_name

RELEVANCE = "RELEVANCE"
NAME = "NAME"
PRICE = "PRICE"
CREATED_AT = "CREATED_AT"
PRODUCT = "product"
CATEGORY = "category"


@dataclass(frozen=True)
class ProductEntry:
    """A live product as the index holds it."""

    id: str
    name: str
    description: str
    price: str
    in_stock: bool
    created: str
    category_id: str | None

    # Worked out once per entry, not on every search that orders it.
    @cached_property
    def folded(self) -> str:
        return folded_name(self.name)

    @cached_property
    def amount(self) -> Decimal:
        return Decimal(self.price)


@dataclass(frozen=True)
class CategoryEntry:
    """A live category as the index holds it: `ancestor_ids` is its path from the root
    (root first, itself left out), as its item stores it."""

    id: str
    name: str
    ancestor_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Change:
    """One item's new state (None: gone or not live), at its stream position."""

    kind: str
    id: str
    entry: ProductEntry | CategoryEntry | None
    sequence: int


@dataclass(frozen=True)
class Filters:
    """What a search is narrowed to, checked."""

    category_id: str | None = None
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    in_stock: bool | None = None


@dataclass(frozen=True)
class Search:
    """One search, checked: its cursors are bound to all of it but the page size."""

    words: tuple[str, ...]
    filters: Filters = field(default_factory=Filters)
    sort: str = RELEVANCE
    reverse: bool = False

    @property
    def order(self) -> str:
        """The order results take: an empty query's RELEVANCE is NAME order."""
        return self.sort if self.words or self.sort != RELEVANCE else NAME

    @property
    def cursor_kind(self) -> str:
        digest = hashlib.sha256(repr(self).encode()).hexdigest()[:12]
        return f"search-{digest}"


@dataclass(frozen=True)
class SearchPage:
    """What a search answers: its items are (sort key or cursor, product id), then
    (cursor, product) once the nodes are read."""

    items: list[tuple[Any, Any]]
    has_next_page: bool
    total_count: int
    categories: list[tuple[str, int]]
    in_stock: list[tuple[bool, int]]
    price_range: tuple[Decimal, Decimal] | None


@dataclass(frozen=True)
class Prediction:
    """What predictive search answers before its nodes are read."""

    queries: list[str]
    product_ids: list[str]
    category_ids: list[str]
    # The products' categories as the index knows them, read with the products.
    product_category_ids: list[str] = field(default_factory=list)


class UnknownCategory(Exception):
    """`filter.categoryId` names no live category the index knows."""


def sort_key(sort: str, score: float, entry: ProductEntry) -> tuple[Any, ...]:
    """The key a search's order ascends by (relevance: best first)."""
    if sort == RELEVANCE:
        return (-score, entry.folded, entry.id)
    if sort == PRICE:
        return (entry.amount, entry.folded, entry.id)
    if sort == CREATED_AT:
        return (entry.created, entry.id)
    return (entry.folded, entry.id)

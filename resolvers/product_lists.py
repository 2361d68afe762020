"""Sorted and filtered product lists: which index, partitions and key range a page reads.

Every list a client can ask for is a key range of one to three index partitions
(docs/lists.md): no page scans, filters after reading, or reads an item beyond the
`first + 1` of each partition it merges.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from errors import BadUserInput
from models import Product
from models.base import (
    DELETED,
    IN_STOCK,
    LIVE,
    MAX_KEY_BYTES,
    OUT_OF_STOCK,
    SORT_KEY_SEPARATOR,
    folded_name,
    price_digits,
)
from resolvers import validation
from resolvers.pagination import Page, Unknown, decode_cursor, paginate
from store.errors import translated_errors

NAME = "NAME"
PRICE = "PRICE"
CREATED_AT = "CREATED_AT"
# Each order's sort-key attribute, as the list indexes hold it.
SORT_ATTRIBUTES = {NAME: "sort_key", PRICE: "price_key", CREATED_AT: "created_key"}
# Which order serves each range filter: the one whose sort key starts with it.
FILTER_ORDERS = {"priceMin": PRICE, "priceMax": PRICE, "nameStartsWith": NAME}

_ID = r"[A-Za-z0-9_-]{1,64}"
_NAME = r"[^\x00-\x1f\x7f-\x9f]*"
_SEP = re.escape(SORT_KEY_SEPARATOR)
_TIME = r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}\+0000"
# What a cursor's sort key must look like for each order: anything else is forged.
KEY_PATTERNS = {
    NAME: re.compile(rf"{_NAME}{_SEP}{_ID}"),
    PRICE: re.compile(rf"[0-9]{{13}}{_SEP}{_NAME}{_SEP}{_ID}"),
    CREATED_AT: re.compile(rf"{_TIME}{_SEP}{_ID}"),
}
# The longest key a product has is 979 bytes (13 price digits, a 900-byte name, a 64-byte
# id, two separators); the bounds made from a cursor add one byte, and DynamoDB refuses
# a key condition over 1,024 bytes.
MAX_CURSOR_KEY_BYTES = 1000
# The highest character: a string that starts with a prefix sorts at most at the
# prefix followed by as many of these as a key can hold.
_TOP = "\U0010ffff"
# Keys end with an id of [A-Za-z0-9_-]: " " sorts below and "~" above every id
# character, which gives the bounds just after and just before a key.
_BELOW_ID = " "
_ABOVE_ID = "~"


@dataclass(frozen=True)
class ProductFilter:
    """What a list is narrowed to, as the client sent it (unchecked)."""

    price_min: Decimal | None = None
    price_max: Decimal | None = None
    in_stock: bool | None = None
    name_starts_with: str | None = None


@dataclass(frozen=True)
class ListSpec:
    """One list, checked: the cursor of a page is bound to all of it."""

    sort: str
    reverse: bool
    category_id: str | None
    include_deleted: bool
    price_min: Decimal | None
    price_max: Decimal | None
    in_stock: bool | None
    name_prefix: str | None

    @property
    def cursor_kind(self) -> str:
        """The cursor kind of this list: a short digest of everything that defines it."""
        digest = hashlib.sha256(repr(self).encode()).hexdigest()[:12]
        return f"product-{digest}"

    @property
    def attribute(self) -> str:
        return SORT_ATTRIBUTES[self.sort]


def list_spec(
    sort: str,
    reverse: bool,
    product_filter: ProductFilter | None,
    *,
    category_id: str | None,
    include_deleted: bool,
) -> ListSpec:
    """The checked list; BAD_USER_INPUT names the field of any value or combination refused."""
    given = product_filter or ProductFilter()
    price_min, price_max = validation.price_bounds(given.price_min, given.price_max)
    prefix = None
    if given.name_starts_with is not None:
        prefix = folded_name(validation.name(given.name_starts_with, "nameStartsWith"))
    present = {
        "priceMin": price_min is not None,
        "priceMax": price_max is not None,
        "nameStartsWith": prefix is not None,
    }
    for field, order in FILTER_ORDERS.items():
        if present[field] and sort != order:
            raise BadUserInput(f"filter.{field} needs sortKey: {order}.")
    if given.in_stock is not None and include_deleted:
        raise BadUserInput(
            "filter.inStock cannot be combined with includeDeleted: deleted products "
            "are listed whatever their stock."
        )
    return ListSpec(
        sort=sort,
        reverse=reverse,
        category_id=validation.category_id(category_id),
        include_deleted=include_deleted,
        price_min=price_min,
        price_max=price_max,
        in_stock=given.in_stock,
        name_prefix=prefix,
    )


def list_page(spec: ListSpec, first: int, after: str | None) -> Page[Product]:
    """A page of the list: `first` items after the cursor `after`, in the list's order."""
    validation.page_size(first)
    low, high = _bounds(spec)
    start = decode_cursor(spec.cursor_kind, after)
    if start is not None:
        if not _is_key(spec.sort, start):
            raise BadUserInput("after is not a valid cursor for this list.")
        if spec.reverse:
            before = start[:-1] + chr(ord(start[-1]) - 1) + _ABOVE_ID
            high = before if high is None else min(high, before)
        else:
            beyond = start + _BELOW_ID
            low = beyond if low is None else max(low, beyond)
    index, keys = _partitions(spec)
    attribute = getattr(Product, spec.attribute)
    if low is not None and high is not None:
        if low > high:
            # Past the end of the range: nothing to read (DynamoDB refuses the range).
            return Page(items=[], has_next_page=False)
        condition = attribute.between(low, high)
    elif low is not None:
        condition = attribute >= low
    elif high is not None:
        condition = attribute <= high
    else:
        condition = None

    def partition(key: str) -> Callable[[int], Iterator[Product]]:
        def query(limit: int) -> Iterator[Product]:
            with translated_errors():
                yield from index.query(
                    key,
                    range_key_condition=condition,
                    limit=limit,
                    scan_index_forward=not spec.reverse,
                )

        return query

    return paginate(
        spec.cursor_kind,
        first,
        [partition(key) for key in keys],
        key=spec.attribute,
        reverse=spec.reverse,
    )


def _is_key(sort: str, key: str) -> bool:
    return (
        len(key.encode()) <= MAX_CURSOR_KEY_BYTES and KEY_PATTERNS[sort].fullmatch(key) is not None
    )


def _bounds(spec: ListSpec) -> tuple[str | None, str | None]:
    """The inclusive range of sort keys the filter allows (None: unbounded)."""
    if spec.name_prefix is not None:
        room = (MAX_KEY_BYTES - len(spec.name_prefix.encode())) // len(_TOP.encode())
        return spec.name_prefix, spec.name_prefix + _TOP * room
    low = high = None
    if spec.price_min is not None:
        low = price_digits(spec.price_min)
    if spec.price_max is not None:
        # Every key of this price continues with the separator, which sorts below " ".
        high = price_digits(spec.price_max) + _BELOW_ID
    return low, high


def page_calls(
    sort: str | Unknown = NAME,
    include_deleted: bool | Unknown = False,
    in_stock: bool | Unknown | None = None,
) -> int:
    """The storage cost of one page of a product list: the Queries it makes, one per
    partition `_partitions` merges. schema/limits.py estimates requests by it; an
    argument it cannot know yet (UNKNOWN) counts as its costliest value."""
    deleted = 0 if include_deleted is False else 1
    if sort == NAME:
        # One partition of live products, in stock or not, or of one shelf.
        return 1 + deleted
    shelves = 1 if isinstance(in_stock, bool) else 2
    return shelves + deleted


def _partitions(spec: ListSpec) -> tuple[Any, list[str]]:
    """The index and the partition keys a page of the list merges (at most 3)."""
    category = spec.category_id
    if spec.sort == NAME and spec.in_stock is None:
        # Every live product in one partition: the most common list stays one Query.
        statuses = [LIVE, DELETED] if spec.include_deleted else [LIVE]
        if category is None:
            return Product.by_name, statuses
        return Product.by_category, [f"{category}#{s}" for s in statuses]
    if spec.in_stock is None:
        shelves = [IN_STOCK, OUT_OF_STOCK]
    else:
        shelves = [IN_STOCK if spec.in_stock else OUT_OF_STOCK]
    if spec.include_deleted:
        shelves.append(DELETED)
    indexes = {
        NAME: (Product.shelf_by_name, Product.category_shelf_by_name),
        PRICE: (Product.shelf_by_price, Product.category_shelf_by_price),
        CREATED_AT: (Product.shelf_by_created, Product.category_shelf_by_created),
    }
    overall, in_category = indexes[spec.sort]
    if category is None:
        return overall, shelves
    return in_category, [f"{category}#{shelf}" for shelf in shelves]

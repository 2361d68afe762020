"""Cursor pagination over the sorted list indexes."""

from __future__ import annotations

import base64
import binascii
import contextlib
import heapq
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from errors import BadUserInput
from models.base import MAX_NAME_KEY_BYTES, SORT_KEY_SEPARATOR
from resolvers.validation import ID_PATTERN

CURSOR_VERSION = "v1"
# The longest cursor the server issues: base64 of "v1:", the kind, and the longest
# sort key (a name key, the separator and an id), with room to spare.
MAX_CURSOR = 2048


class Unknown:
    """A list argument known only when the request runs: a variable the storage-call
    estimate was not given. Each list's cost counts it as its costliest value."""


UNKNOWN = Unknown()


# A listed model: anything with a `sort_key` (PynamoDB's descriptors defeat a Protocol).
T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list: its items with their cursors, and whether more follow."""

    items: list[tuple[str, T]]
    has_next_page: bool

    @property
    def end_cursor(self) -> str | None:
        return self.items[-1][0] if self.items else None


def encode_cursor(kind: str, sort_key: str) -> str:
    raw = f"{CURSOR_VERSION}:{kind}:{sort_key}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(kind: str, cursor: str | None, valid: Callable[[str], bool] = bool) -> str | None:
    """The sort key a cursor points after; BAD_USER_INPUT for any cursor not ours.

    `valid` tells a key of the list from one the server never issued (which would
    reach DynamoDB); by default any non-empty key passes.
    """
    if cursor is None:
        return None
    raw = ""
    if len(cursor) <= MAX_CURSOR:
        with contextlib.suppress(binascii.Error, UnicodeDecodeError, ValueError):
            raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    version, _, rest = raw.partition(":")
    cursor_kind, _, sort_key = rest.partition(":")
    if version != CURSOR_VERSION or cursor_kind != kind or not valid(sort_key):
        raise BadUserInput("after is not a valid cursor for this list.")
    return sort_key


def is_sort_key(value: str) -> bool:
    """Whether `value` is a key models.base.sort_key can make (name, then id): anything
    else would reach DynamoDB, which refuses a key over 1,024 bytes with an error."""
    name, separator, item_id = value.rpartition(SORT_KEY_SEPARATOR)
    return (
        bool(separator and name)
        and ID_PATTERN.fullmatch(item_id) is not None
        and len(name.encode()) <= MAX_NAME_KEY_BYTES
        and not any(unicodedata.category(char) == "Cc" for char in name)
    )


def paginate(
    kind: str,
    first: int,
    partitions: Iterable[Callable[[int], Iterator[T]]],
    *,
    key: str = "sort_key",
    reverse: bool = False,
) -> Page[T]:
    """Take `first` items in the order of attribute `key` from sorted partitions.

    Each partition is asked for `first + 1` items at most (in descending order when
    `reverse`), so a page reads in proportion to its size, and the extra item tells
    whether another page follows.
    """

    def sort_key(item: Any) -> str:
        return str(getattr(item, key))

    queries = [query(first + 1) for query in partitions]
    merged = heapq.merge(*queries, key=sort_key, reverse=reverse)
    items = [item for _, item in zip(range(first + 1), merged, strict=False)]
    return Page(
        items=[(encode_cursor(kind, sort_key(item)), item) for item in items[:first]],
        has_next_page=len(items) > first,
    )

"""Cursors and the merge of sorted partitions into pages, without storage."""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest

from errors import BadUserInput
from models.base import sort_key
from resolvers.pagination import decode_cursor, encode_cursor, is_sort_key, paginate


@dataclass(frozen=True)
class Listed:
    sort_key: str


def partition(*keys: str, asked: list[int] | None = None) -> Callable[[int], Iterator[Listed]]:
    """A sorted partition as the list indexes are, recording how many items each query asked."""

    def query(limit: int) -> Iterator[Listed]:
        if asked is not None:
            asked.append(limit)
        return iter([Listed(key) for key in keys][:limit])

    return query


def test_cursor_round_trips_to_its_sort_key() -> None:
    key = sort_key("Running Shoes", "p-1")
    cursor = encode_cursor("products", key)

    assert decode_cursor("products", cursor) == key


def test_cursor_is_url_safe_without_padding() -> None:
    cursor = encode_cursor("products", "ä/?+=" * 5)

    assert set(cursor) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def test_cursor_absent_means_the_first_page() -> None:
    assert decode_cursor("products", None) is None


def test_cursor_of_another_list_is_bad_user_input() -> None:
    cursor = encode_cursor("categories", "shoes#c-1")

    with pytest.raises(BadUserInput, match="after is not a valid cursor for this list"):
        decode_cursor("products", cursor)


@pytest.mark.parametrize(
    "cursor",
    [
        "",
        "not base64!",
        "////",
        base64.urlsafe_b64encode(b"\xff\xfe").decode(),
        base64.urlsafe_b64encode(b"v0:products:shoes#p-1").decode(),
        base64.urlsafe_b64encode(b"v1:products:").decode(),
        base64.urlsafe_b64encode(b"v1products").decode(),
        "A" * 4000,
    ],
)
def test_cursor_not_ours_is_bad_user_input(cursor: str) -> None:
    with pytest.raises(BadUserInput) as refused:
        decode_cursor("products", cursor)

    assert refused.value.code == "BAD_USER_INPUT"


def test_paginate_merges_partitions_in_sort_key_order() -> None:
    page = paginate("products", 4, [partition("a", "d", "e"), partition("b", "c", "f")])

    assert [item.sort_key for _, item in page.items] == ["a", "b", "c", "d"]
    assert page.has_next_page


def test_paginate_last_page_has_no_next_page() -> None:
    page = paginate("products", 5, [partition("a", "c"), partition("b")])

    assert [item.sort_key for _, item in page.items] == ["a", "b", "c"]
    assert not page.has_next_page


def test_paginate_exactly_full_page_has_no_next_page() -> None:
    page = paginate("products", 2, [partition("a", "b")])

    assert len(page.items) == 2
    assert not page.has_next_page


def test_paginate_asks_each_partition_for_one_more_than_the_page() -> None:
    asked: list[int] = []

    paginate("products", 3, [partition("a", asked=asked), partition("b", asked=asked)])

    assert asked == [4, 4]


def test_paginate_cursors_point_after_each_item() -> None:
    a, b, c = (sort_key(name, f"p-{name}") for name in "abc")
    page = paginate("products", 2, [partition(a, b, c)])

    assert [decode_cursor("products", cursor) for cursor, _ in page.items] == [a, b]
    assert page.end_cursor == page.items[-1][0]


def test_paginate_next_page_starts_after_the_end_cursor() -> None:
    keys = [sort_key(name, f"p-{name}") for name in "abcde"]

    def after(cursor: str | None) -> Callable[[int], Iterator[Listed]]:
        start = decode_cursor("products", cursor)
        return partition(*[key for key in keys if start is None or key > start])

    first = paginate("products", 2, [after(None)])
    second = paginate("products", 2, [after(first.end_cursor)])

    assert [item.sort_key for _, item in second.items] == keys[2:4]


def test_paginate_empty_list_has_no_end_cursor() -> None:
    page = paginate("products", 20, [partition()])

    assert page.items == []
    assert page.end_cursor is None
    assert not page.has_next_page


@pytest.mark.parametrize(
    "sort_key_text",
    [
        "z" * 1100,
        "shoes#c-1",
        "shoes\x1fc-1!",
        "sh\x00oes\x1fc-1",
        "shoes\x1f" + "c" * 65,
    ],
    ids=["over-long", "no-separator", "not-an-id", "control-character", "id-too-long"],
)
def test_cursor_with_a_key_sort_key_never_makes_is_bad_user_input(sort_key_text: str) -> None:
    # DynamoDB would refuse the first with an error of its own.
    cursor = encode_cursor("categories", sort_key_text)

    with pytest.raises(BadUserInput, match="after is not a valid cursor for this list"):
        decode_cursor("categories", cursor, is_sort_key)


def test_cursor_with_a_key_sort_key_makes_passes_its_check() -> None:
    key = sort_key("Shoes", "c-1")

    assert decode_cursor("categories", encode_cursor("categories", key), is_sort_key) == key

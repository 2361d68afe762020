"""Lists: page sizes, cursors, order, exact pages and what a page reads."""

from __future__ import annotations

import base64

import pytest

from tests.catalog import (
    CATEGORY_PRODUCTS,
    DELETE_CATEGORY,
    DELETE_PRODUCT,
    LIST_CATEGORIES,
    LIST_PRODUCTS,
    create_category,
    create_product,
    walk,
)
from tests.client import ApiClient
from tests.functional.conftest import CallRecorder

NAMES = ["banana", "Apple", "cherry", "apple", "Äpfel", "ab", "abc", "Ab", "zed", "10 Pack"]


def expected_order(items: list[dict[str, str]]) -> list[str]:
    return [i["id"] for i in sorted(items, key=lambda i: (i["name"].casefold(), i["id"]))]


@pytest.mark.parametrize("first", [0, -1, 101])
@pytest.mark.parametrize(
    ("query", "variables"),
    [(LIST_PRODUCTS, {}), (LIST_CATEGORIES, {}), (CATEGORY_PRODUCTS, {"id": "c1"})],
)
def test_list_first_out_of_range_is_bad_user_input(
    api: ApiClient, first: int, query: str, variables: dict[str, str]
) -> None:
    create_category(api, id="c1")

    response = api.admin(query, {"first": first, **variables})

    assert response.codes == ["BAD_USER_INPUT"]
    assert "first" in response.errors[0]["message"]


@pytest.mark.parametrize("first", [1, 100])
def test_list_first_at_the_limits_is_accepted(api: ApiClient, first: int) -> None:
    create_product(api)

    data = api.ok(LIST_PRODUCTS, {"first": first})

    assert len(data["products"]["edges"]) == 1


def _foreign_cursors(category_cursor: str) -> list[str]:
    return [
        "not-a-cursor",
        "%%%",
        base64.urlsafe_b64encode(b"v1:product").decode(),
        base64.urlsafe_b64encode(b"\xff\xfe").decode(),
        base64.urlsafe_b64encode(b"v9:product:abc").decode(),
        category_cursor,
    ]


def test_products_foreign_cursor_is_bad_user_input(api: ApiClient) -> None:
    create_category(api, "One")
    create_category(api, "Two")
    page = api.ok(LIST_CATEGORIES, {"first": 1})["categories"]

    for cursor in _foreign_cursors(page["pageInfo"]["endCursor"]):
        response = api.public(LIST_PRODUCTS, {"after": cursor})

        assert response.status == 200
        assert response.codes == ["BAD_USER_INPUT"], cursor
        assert "cursor" in response.errors[0]["message"]


def test_categories_product_cursor_is_bad_user_input(api: ApiClient) -> None:
    create_product(api)
    cursor = api.ok(LIST_PRODUCTS, {"first": 1})["products"]["edges"][0]["cursor"]

    assert api.public(LIST_CATEGORIES, {"after": cursor}).codes == ["BAD_USER_INPUT"]


def test_products_are_ordered_by_name_case_insensitive_then_id(api: ApiClient) -> None:
    created = [create_product(api, name=name) for name in NAMES]

    pages = walk(api, LIST_PRODUCTS, "products", first=3)

    assert [p["id"] for page in pages for p in page] == expected_order(created)


def test_categories_are_ordered_by_name_case_insensitive_then_id(api: ApiClient) -> None:
    created = [create_category(api, name) for name in NAMES]

    pages = walk(api, LIST_CATEGORIES, "categories", first=4)

    assert [c["id"] for page in pages for c in page] == expected_order(created)


@pytest.mark.parametrize(
    ("total", "first", "sizes"), [(6, 3, [3, 3]), (7, 3, [3, 3, 1]), (3, 5, [3])]
)
def test_products_pages_are_full_and_the_last_has_no_next(
    api: ApiClient, total: int, first: int, sizes: list[int]
) -> None:
    for i in range(total):
        create_product(api, name=f"Item {i:02}")

    pages = walk(api, LIST_PRODUCTS, "products", first=first)

    assert [len(page) for page in pages] == sizes


def test_products_empty_catalog_has_one_empty_page(api: ApiClient) -> None:
    data = api.public(LIST_PRODUCTS).data["products"]

    assert data == {"edges": [], "pageInfo": {"hasNextPage": False, "endCursor": None}}


def test_products_walk_visits_every_live_item_once(api: ApiClient) -> None:
    live = [create_product(api, name=f"Live {i}") for i in range(7)]
    for i in range(5):
        gone = create_product(api, name=f"Live {i} gone")
        api.ok(DELETE_PRODUCT, {"id": gone["id"]})

    seen = [p["id"] for page in walk(api, LIST_PRODUCTS, "products", first=2) for p in page]

    assert seen == expected_order(live)


def test_products_include_deleted_lists_both_in_order(api: ApiClient) -> None:
    everything = [create_product(api, name=f"N{i % 3}") for i in range(6)]
    for product in everything[::2]:
        api.ok(DELETE_PRODUCT, {"id": product["id"]})

    pages = walk(api, LIST_PRODUCTS, "products", first=4, all=True)

    assert [p["id"] for page in pages for p in page] == expected_order(everything)
    assert sum(1 for page in pages for p in page if p["deletedAt"]) == 3


def test_categories_include_deleted_lists_both(api: ApiClient) -> None:
    kept, gone = create_category(api, "Kept"), create_category(api, "Gone")
    api.ok(DELETE_CATEGORY, {"id": gone["id"]})

    public = walk(api, LIST_CATEGORIES, "categories", first=5)
    admin = walk(api, LIST_CATEGORIES, "categories", first=5, all=True)

    assert [c["id"] for c in public[0]] == [kept["id"]]
    assert [c["id"] for c in admin[0]] == expected_order([kept, gone])


def test_products_filtered_by_category(api: ApiClient) -> None:
    shoes, hats = create_category(api, "Shoes"), create_category(api, "Hats")
    in_shoes = [create_product(api, name=f"S{i}", categoryId=shoes["id"]) for i in range(3)]
    create_product(api, name="H", categoryId=hats["id"])
    create_product(api, name="Loose")

    pages = walk(api, LIST_PRODUCTS, "products", first=2, categoryId=shoes["id"])

    assert [p["id"] for page in pages for p in page] == expected_order(in_shoes)


def test_category_products_page_through_live_products(api: ApiClient) -> None:
    shoes = create_category(api, "Shoes")
    products = [create_product(api, name=f"S{i}", categoryId=shoes["id"]) for i in range(5)]
    api.ok(DELETE_PRODUCT, {"id": products[1]["id"]})
    live = [p for p in products if p is not products[1]]

    seen, after = [], None
    while True:
        data = api.ok(CATEGORY_PRODUCTS, {"id": shoes["id"], "first": 2, "after": after})
        connection = data["category"]["products"]
        seen += [edge["node"]["id"] for edge in connection["edges"]]
        if not connection["pageInfo"]["hasNextPage"]:
            break
        after = connection["pageInfo"]["endCursor"]

    assert seen == expected_order(live)
    assert data["category"]["productCount"] == 4


def test_products_page_reads_only_live_items(api: ApiClient, dynamodb_calls: CallRecorder) -> None:
    # GIVEN 3 live products among 30 soft-deleted ones that sort before them
    for i in range(30):
        gone = create_product(api, name=f"A deleted {i:02}")
        api.ok(DELETE_PRODUCT, {"id": gone["id"]})
    for i in range(3):
        create_product(api, name=f"Z live {i}")
    dynamodb_calls.reset()

    # WHEN a page of 2 is read
    data = api.public(LIST_PRODUCTS, {"first": 2}).data["products"]

    # THEN one Query examined first + 1 items, and none of them deleted
    assert [e["node"]["name"] for e in data["edges"]] == ["Z live 0", "Z live 1"]
    assert dynamodb_calls.calls == ["Query"]
    ((_, response),) = dynamodb_calls.responses
    assert response["ScannedCount"] == 3


def test_products_page_cost_follows_page_size(api: ApiClient, dynamodb_calls: CallRecorder) -> None:
    for i in range(60):
        create_product(api, name=f"P{i:02}")

    for first in (5, 50):
        dynamodb_calls.reset()
        api.public(LIST_PRODUCTS, {"first": first})

        assert dynamodb_calls.calls == ["Query"]
        assert dynamodb_calls.responses[0][1]["ScannedCount"] == first + 1


def _forged(kind: str, sort_key: str) -> str:
    return base64.urlsafe_b64encode(f"v1:{kind}:{sort_key}".encode()).decode()


# Cursors the server never issues: a sort key longer than an index key may be, without
# an id, with an id that is not one, or with a character a name cannot hold.
FORGED_SORT_KEYS = [
    "z" * 1100,
    "shoes",
    "shoes\x1f",
    "shoes\x1fnot an id!",
    "sh\x00oes\x1fp1",
    "shoes\x1f" + "p" * 65,
]


@pytest.mark.parametrize(
    ("query", "field", "variables"),
    [
        (LIST_PRODUCTS, "products", {}),
        (LIST_CATEGORIES, "categories", {}),
        (CATEGORY_PRODUCTS, "category", {"id": "c1"}),
    ],
    ids=["products", "categories", "category-products"],
)
def test_list_forged_cursor_is_bad_user_input_without_a_call(
    api: ApiClient,
    dynamodb_calls: CallRecorder,
    query: str,
    field: str,
    variables: dict[str, str],
) -> None:
    # GIVEN a real cursor of the list, whose kind the forged ones copy
    create_category(api, "Two")
    create_category(api, id="c1")
    create_product(api, "One", categoryId="c1")
    create_product(api, "Two", categoryId="c1")
    page = api.public(query, {**variables, "first": 1}).data[field]
    connection = page["products"] if field == "category" else page
    real = connection["pageInfo"]["endCursor"]
    decoded = base64.urlsafe_b64decode(real + "=" * (-len(real) % 4)).decode()
    kind = decoded.split(":")[1]
    for sort_key in FORGED_SORT_KEYS:
        dynamodb_calls.reset()

        # WHEN a cursor of that kind carries a key the server never issued
        response = api.public(query, {**variables, "after": _forged(kind, sort_key)})

        # THEN it is refused before any Query
        assert response.status == 200
        assert response.codes == ["BAD_USER_INPUT"], sort_key
        assert "cursor" in response.errors[0]["message"]
        assert "Query" not in dynamodb_calls.calls


def test_list_over_long_cursor_text_is_bad_user_input(api: ApiClient) -> None:
    response = api.public(LIST_PRODUCTS, {"after": "A" * 100_000})

    assert response.codes == ["BAD_USER_INPUT"]

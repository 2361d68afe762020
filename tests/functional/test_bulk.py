"""upsertProducts through the Lambda handler: many products per call, each on its own."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from cli.dynamodb_local import LocalDynamoDB
from models import Product, base
from resolvers import product_bulk
from tests.catalog import (
    DELETE_PRODUCT,
    RESTORE_PRODUCT,
    UPSERT_PRODUCT,
    UPSERT_PRODUCTS,
    assert_counts_match,
    create_category,
    create_product,
    get_category,
    get_product,
    live_products,
)
from tests.client import ApiClient, Response
from tests.faults import FaultInjector, throttled
from tests.functional.conftest import CallRecorder
from tests.workers import codes, run_concurrently


@pytest.fixture(autouse=True)
def patient_requests(monkeypatch: pytest.MonkeyPatch) -> None:
    """A 30 s DynamoDB budget per request, not a Lambda's 4 s: these tests check what
    each input became and the calls made, and on a loaded two-core machine a call of 100
    creates ran past 4 s (test_faults.py checks the deadline itself)."""
    monkeypatch.setattr(base, "REQUEST_BUDGET_SECONDS", 30)


BULK_WITHOUT_CATEGORIES = """
mutation Bulk($inputs: [UpsertProductInput!]!) {
  upsertProducts(inputs: $inputs) { index product { id } error { code message field } }
}
"""


def bulk(api: ApiClient, inputs: list[dict[str, Any]]) -> Response:
    return api.admin(UPSERT_PRODUCTS, {"inputs": inputs})


def results(api: ApiClient, inputs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    response = bulk(api, inputs)
    assert not response.errors, response.errors
    return response.data["upsertProducts"]  # type: ignore[no-any-return]


def test_upsert_products_creates_and_updates_in_input_order(api: ApiClient) -> None:
    existing = create_product(api, id="p-old", name="Old", price="5")

    answer = results(
        api,
        [
            {"name": "New", "price": "1.50"},
            {"id": "p-old", "name": "Renamed", "stock": 3},
            {"id": "p-given", "name": "Given", "price": "2"},
        ],
    )

    assert [result["index"] for result in answer] == [0, 1, 2]
    assert all(result["error"] is None for result in answer)
    created, updated, given = (result["product"] for result in answer)
    assert created["name"] == "New"
    assert created["price"] == "1.5"
    assert created["version"] == 1
    assert updated["name"] == "Renamed"
    assert updated["stock"] == 3
    assert updated["version"] == existing["version"] + 1
    assert updated["price"] == "5"
    assert given["id"] == "p-given"
    assert get_product(api, created["id"])["name"] == "New"
    assert get_product(api, "p-old")["name"] == "Renamed"
    assert get_product(api, "p-given")["version"] == 1


def test_upsert_products_bad_input_among_good_ones(api: ApiClient) -> None:
    answer = results(
        api,
        [
            {"id": "a", "name": "A", "price": "1"},
            {"id": "b", "name": "B", "price": "-1"},
            {"id": "c", "name": "C"},
            {"id": "d", "name": "D", "price": "1", "categoryId": "nope"},
            {"id": "e", "name": "E", "price": "1", "imageUrl": "ftp://x"},
            {"id": "f", "name": "F", "price": "2"},
        ],
    )

    assert [result["index"] for result in answer] == list(range(6))
    errors = [result["error"] for result in answer]
    assert errors[0] is None
    assert errors[5] is None
    assert errors[1] == {
        "code": "BAD_USER_INPUT",
        "message": "price must be at least 0 and less than 1000000000.",
        "field": "price",
    }
    assert errors[2] == {
        "code": "BAD_USER_INPUT",
        "message": "price is required to create a product.",
        "field": "price",
    }
    assert errors[3] == {
        "code": "BAD_USER_INPUT",
        "message": "categoryId nope does not name a live category.",
        "field": "categoryId",
    }
    assert errors[4] is not None
    assert errors[4]["field"] == "imageUrl"
    assert [answer[i]["product"] is None for i in range(6)] == [
        False,
        True,
        True,
        True,
        True,
        False,
    ]
    assert get_product(api, "a")["name"] == "A"
    assert get_product(api, "f")["name"] == "F"
    for missing in "bcde":
        assert get_product(api, missing) is None


def test_upsert_products_messages_equal_upsert_product(api: ApiClient) -> None:
    single = api.admin(
        "mutation($i: UpsertProductInput!) { upsertProduct(input: $i) { id } }",
        {"i": {"name": "X", "price": "1", "currency": "usd"}},
    )

    answer = results(api, [{"name": "X", "price": "1", "currency": "usd"}])

    assert answer[0]["error"]["code"] == single.codes[0]
    assert answer[0]["error"]["message"] == single.errors[0]["message"]
    assert answer[0]["error"]["field"] == "currency"


def test_upsert_products_refuses_a_second_input_with_the_same_id(api: ApiClient) -> None:
    answer = results(
        api,
        [
            {"id": "dup", "name": "First", "price": "1"},
            {"id": "other", "name": "Other", "price": "1"},
            {"id": "dup", "name": "Second", "price": "2"},
        ],
    )

    assert answer[0]["error"] is None
    assert answer[1]["error"] is None
    assert answer[2]["product"] is None
    assert answer[2]["error"]["code"] == "BAD_USER_INPUT"
    assert answer[2]["error"]["field"] == "id"
    stored = get_product(api, "dup")
    assert stored["name"] == "First"
    assert stored["version"] == 1


def test_upsert_products_honours_expected_version_per_input(api: ApiClient) -> None:
    create_product(api, id="v1", name="One")
    create_product(api, id="v2", name="Two")

    answer = results(
        api,
        [
            {"id": "v1", "name": "One!", "expectedVersion": 1},
            {"id": "v2", "name": "Two!", "expectedVersion": 7},
            {"id": "v3", "name": "Three", "price": "1", "expectedVersion": 1},
            {"name": "Four", "price": "1", "expectedVersion": 1},
        ],
    )

    assert answer[0]["product"]["version"] == 2
    assert answer[1]["error"] == {
        "code": "CONFLICT",
        "message": "Product v2 is at version 1, not 7.",
        "field": "expectedVersion",
    }
    assert answer[2]["error"]["code"] == "NOT_FOUND"
    assert answer[3]["error"]["code"] == "BAD_USER_INPUT"
    assert answer[3]["error"]["field"] == "expectedVersion"
    assert get_product(api, "v1")["name"] == "One!"
    assert get_product(api, "v2")["name"] == "Two"
    assert get_product(api, "v3") is None


def test_upsert_products_refuses_deleted_product(api: ApiClient) -> None:
    create_product(api, id="gone", name="Gone")
    api.ok('mutation { deleteProduct(id: "gone") { id } }')

    answer = results(api, [{"id": "gone", "stock": 4}, {"id": "kept", "name": "K", "price": "1"}])

    assert answer[0]["error"]["code"] == "CONFLICT"
    assert answer[1]["error"] is None
    assert get_product(api, "gone", include_deleted=True)["stock"] == 0


def test_upsert_products_keeps_category_counts_exact(api: ApiClient) -> None:
    shoes = create_category(api, "Shoes")
    hats = create_category(api, "Hats")
    dead = create_category(api, "Dead")
    api.ok("mutation($id: ID!) { deleteCategory(id: $id) { id } }", {"id": dead["id"]})
    create_product(api, id="m1", name="Moves", categoryId=shoes["id"])
    create_product(api, id="m2", name="Stays", categoryId=shoes["id"])

    answer = results(
        api,
        [
            {"id": "m1", "categoryId": hats["id"]},
            {"name": "N1", "price": "1", "categoryId": shoes["id"]},
            {"name": "N2", "price": "1", "categoryId": hats["id"]},
            {"name": "N3", "price": "1", "categoryId": dead["id"]},
            {"id": "m2", "categoryId": None},
        ],
    )

    assert [result["error"] is None for result in answer] == [True, True, True, False, True]
    assert answer[0]["product"]["category"] == {"id": hats["id"], "productCount": 2}
    assert get_category(api, shoes["id"])["productCount"] == 1
    assert get_category(api, hats["id"])["productCount"] == 2
    assert_counts_match(api)


def test_upsert_products_refuses_none_or_over_100(api: ApiClient) -> None:
    create_product(api, id="keep", name="Keep")
    too_many = [{"id": f"x{i}", "name": "X", "price": "1"} for i in range(101)]

    for inputs in ([], too_many):
        response = bulk(api, inputs)

        assert response.codes == ["BAD_USER_INPUT"]
        assert response.data is None
    assert get_product(api, "x0") is None


def test_upsert_products_needs_an_admin(api: ApiClient) -> None:
    inputs = [{"id": "a", "name": "A", "price": "1"}]

    anonymous = api.public(UPSERT_PRODUCTS, {"inputs": inputs})
    viewer = api.send(UPSERT_PRODUCTS, {"inputs": inputs}, admin_route=True, groups="[viewer]")

    assert anonymous.codes == ["UNAUTHENTICATED"]
    assert viewer.codes == ["FORBIDDEN"]
    assert get_product(api, "a") is None


def test_upsert_products_of_100_creates_within_50_calls(
    api: ApiClient, dynamodb_calls: CallRecorder
) -> None:
    category = create_category(api)
    inputs = [
        {"id": f"p{i:03}", "name": f"P{i:03}", "price": "1", "categoryId": category["id"]}
        for i in range(100)
    ]
    dynamodb_calls.reset()

    answer = results(api, inputs)

    # THEN: the products, the category, the slugs, three transactions (each create is
    # its item, its slug's claim and the category count), and the results' category
    assert all(result["error"] is None for result in answer)
    assert len(dynamodb_calls.calls) <= 50
    assert dynamodb_calls.counts == {"BatchGetItem": 4, "TransactWriteItems": 3}
    assert get_category(api, category["id"])["productCount"] == 100


def test_upsert_products_of_one_name_get_the_first_free_suffixes(
    api: ApiClient, dynamodb_calls: CallRecorder
) -> None:
    # GIVEN "tee" and "tee-3" taken already
    create_product(api, id="old", name="Tee")
    create_product(api, id="older", name="Old", slug="tee-3")
    inputs = [{"id": f"p{i:03}", "name": "Tee", "price": "1"} for i in range(100)]
    dynamodb_calls.reset()

    # WHEN 100 products named Tee are created in one call
    answer = results(api, inputs)

    # THEN they take tee-2, tee-4, ... tee-102 in input order, in 5 calls: the products,
    # the slugs (104 of them, two batches) and two transactions of 50 products and claims
    assert dynamodb_calls.counts == {"BatchGetItem": 3, "TransactWriteItems": 2}
    assert all(result["error"] is None for result in answer)
    expected = ["tee-2", *(f"tee-{n}" for n in range(4, 103))]
    assert [get_product(api, f"p{i:03}")["slug"] for i in range(100)] == expected


def test_upsert_products_of_100_updates_within_50_calls(
    api: ApiClient, dynamodb_calls: CallRecorder
) -> None:
    first, second = create_category(api, "First"), create_category(api, "Second")
    results(
        api,
        [
            {"id": f"p{i:03}", "name": f"P{i:03}", "price": "1", "categoryId": first["id"]}
            for i in range(100)
        ],
    )
    moves = [
        {"id": f"p{i:03}", "price": "2", "categoryId": second["id"] if i % 2 else first["id"]}
        for i in range(100)
    ]
    dynamodb_calls.reset()

    answer = results(api, moves)

    assert all(result["product"]["version"] == 2 for result in answer)
    assert len(dynamodb_calls.calls) <= 50
    assert dynamodb_calls.counts == {"BatchGetItem": 3, "TransactWriteItems": 2}
    assert get_category(api, first["id"])["productCount"] == 50
    assert get_category(api, second["id"])["productCount"] == 50


def test_upsert_products_race_lost_in_a_transaction_applies_each_input_alone(
    api: ApiClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN products read at version 1, then changed by another writer before the write
    shoes = create_category(api, "Shoes")
    create_product(api, id="raced", name="Raced", categoryId=shoes["id"])
    create_product(api, id="pinned", name="Pinned")
    stale = product_bulk.get_many(Product, ["raced", "pinned"], consistent=True)
    api.ok(UPSERT_PRODUCT, {"input": {"id": "raced", "stock": 9}})
    api.ok(UPSERT_PRODUCT, {"input": {"id": "pinned", "stock": 9}})
    real_get_many = product_bulk.get_many

    def stale_read(model: Any, item_ids: Any, *, consistent: bool = False) -> Any:
        return stale if model is Product else real_get_many(model, item_ids, consistent=consistent)

    monkeypatch.setattr(product_bulk, "get_many", stale_read)

    # WHEN one transaction holds them with an innocent new product
    answer = results(
        api,
        [
            {"id": "raced", "name": "Raced 2"},
            {"id": "pinned", "name": "Pinned 2", "expectedVersion": 1},
            {"id": "fresh", "name": "Fresh", "price": "1", "categoryId": shoes["id"]},
        ],
    )

    # THEN each input is settled on its own, as upsertProduct would settle it
    assert answer[0]["product"]["version"] == 3
    assert answer[0]["product"]["stock"] == 9
    assert answer[1]["error"]["code"] == "CONFLICT"
    assert answer[2]["product"]["version"] == 1
    assert get_product(api, "pinned")["name"] == "Pinned"
    assert get_category(api, shoes["id"])["productCount"] == 2
    assert_counts_match(api)


def test_concurrent_bulk_moves_keep_counts_exact(local_backend: LocalDynamoDB) -> None:
    # GIVEN 20 products in category a, and four processes (like four Lambdas) each
    # sending five bulk moves of all of them or single deletes and restores
    api = ApiClient("http-v2")
    names = ["a", "b", "c"]
    for name in names:
        create_category(api, id=name)
    for i in range(20):
        create_product(api, id=f"p{i:02}", categoryId="a")
    rng = random.Random(11)

    def bulk_moves() -> tuple[str, dict[str, Any]]:
        inputs = [{"id": f"p{i:02}", "categoryId": rng.choice(names)} for i in range(20)]
        return UPSERT_PRODUCTS, {"inputs": inputs}

    def single() -> tuple[str, dict[str, Any]]:
        product = f"p{rng.randrange(20):02}"
        return rng.choice([DELETE_PRODUCT, RESTORE_PRODUCT]), {"id": product}

    batches = [
        [bulk_moves() if rng.random() < 0.7 else single() for _ in range(5)] for _ in range(4)
    ]

    # WHEN they run at once
    results = run_concurrently(local_backend.endpoint_url, batches)

    # THEN no request failed as a whole, each bulk input either moved or was refused
    # with a code (a deleted product is CONFLICT), and every count is exact
    assert {c for batch in results for body in batch for c in codes(body)} <= {"CONFLICT"}
    bulk_codes = {
        result["error"]["code"]
        for batch in results
        for body in batch
        for result in (body.get("data") or {}).get("upsertProducts") or []
        if result["error"]
    }
    assert bulk_codes <= {"CONFLICT"}
    for name in names:
        assert get_category(api, name)["productCount"] == live_products(api, name)
    assert_counts_match(api)


def test_upsert_products_throttled_midway_reports_what_was_written(
    faults: FaultInjector,
) -> None:
    # GIVEN 100 creates in one category (three transactions of at most 100 actions: 49
    # products with their slugs' claims and the count, 49 more, then 2), and DynamoDB
    # throttling every transaction after the first
    api = ApiClient("http-v2")
    category = create_category(api)
    inputs = [
        {"id": f"p{i:03}", "name": f"P{i:03}", "price": "1", "categoryId": category["id"]}
        for i in range(100)
    ]
    first: list[str] = []

    def throttled_after_the_first(request: Any, client: Any) -> Any:
        # By its token, so that botocore's resend of the first (its answer late on a
        # loaded machine) goes through as DynamoDB would take it, not throttled.
        token = json.loads(request.body)["ClientRequestToken"]
        first[:] = first or [token]
        return None if token == first[0] else throttled()(request, client)

    faults.always("TransactWriteItems", throttled_after_the_first)

    # (Without the products' categories: botocore's backoff on the throttled
    # transactions may spend the request's time before they would be read.)
    response = api.admin(BULK_WITHOUT_CATEGORIES, {"inputs": inputs})
    assert not response.errors, response.errors
    answer = response.data["upsertProducts"]

    # THEN the first 49 are written, the others are SERVICE_UNAVAILABLE and not written
    assert all(result["error"] is None for result in answer[:49])
    assert all(result["product"] is None for result in answer[49:])
    assert {result["error"]["code"] for result in answer[49:]} == {"SERVICE_UNAVAILABLE"}
    faults.clear()
    assert get_product(api, "p048") is not None
    assert get_product(api, "p049") is None
    assert get_category(api, category["id"])["productCount"] == 49

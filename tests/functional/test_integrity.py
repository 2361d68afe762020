"""Referential integrity: live categories, exact counts, also under concurrent writers."""

from __future__ import annotations

import random

import pytest

from cli.dynamodb_local import LocalDynamoDB
from tests.catalog import (
    DELETE_CATEGORY,
    DELETE_PRODUCT,
    GET_CATEGORY,
    RESTORE_PRODUCT,
    UPSERT_PRODUCT,
    create_category,
    create_product,
    get_category,
    get_product,
    live_products,
    upsert_product,
)
from tests.client import ApiClient
from tests.workers import codes, run_concurrently


def test_product_in_deleted_category_is_bad_user_input(api: ApiClient) -> None:
    category = create_category(api)
    api.ok(DELETE_CATEGORY, {"id": category["id"]})

    response = upsert_product(api, id="p1", name="X", price="1", categoryId=category["id"])

    assert response.codes == ["BAD_USER_INPUT"]
    assert "categoryId" in response.errors[0]["message"]
    assert get_product(api, "p1", include_deleted=True) is None


def test_product_moved_to_deleted_category_is_bad_user_input(api: ApiClient) -> None:
    live, gone = create_category(api, "Live"), create_category(api, "Gone")
    api.ok(DELETE_CATEGORY, {"id": gone["id"]})
    product = create_product(api, categoryId=live["id"])

    response = upsert_product(api, id=product["id"], categoryId=gone["id"])

    assert response.codes == ["BAD_USER_INPUT"]
    assert get_product(api, product["id"])["categoryId"] == live["id"]
    assert get_category(api, live["id"])["productCount"] == 1


def test_product_move_updates_both_counts(api: ApiClient) -> None:
    a, b = create_category(api, "A"), create_category(api, "B")
    product = create_product(api, categoryId=a["id"])

    upsert_product(api, id=product["id"], categoryId=b["id"])

    assert get_category(api, a["id"])["productCount"] == 0
    assert get_category(api, b["id"])["productCount"] == 1


@pytest.mark.parametrize("hard", [False, True])
def test_delete_category_with_live_products_is_conflict(api: ApiClient, hard: bool) -> None:
    category = create_category(api)
    create_product(api, categoryId=category["id"])

    response = api.admin(DELETE_CATEGORY, {"id": category["id"], "hard": hard})

    assert response.codes == ["CONFLICT"]
    assert get_category(api, category["id"])["deletedAt"] is None


def test_delete_category_after_its_products_are_deleted(api: ApiClient) -> None:
    category = create_category(api)
    product = create_product(api, categoryId=category["id"])
    api.ok(DELETE_PRODUCT, {"id": product["id"]})

    api.ok(DELETE_CATEGORY, {"id": category["id"]})

    assert get_category(api, category["id"]) is None


@pytest.mark.parametrize("hard", [False, True])
def test_restore_product_into_deleted_category_is_conflict(api: ApiClient, hard: bool) -> None:
    category = create_category(api)
    product = create_product(api, categoryId=category["id"])
    api.ok(DELETE_PRODUCT, {"id": product["id"]})
    api.ok(DELETE_CATEGORY, {"id": category["id"], "hard": hard})

    response = api.admin(RESTORE_PRODUCT, {"id": product["id"]})

    assert response.codes == ["CONFLICT"]
    assert get_product(api, product["id"]) is None


def test_product_category_field_loads_the_category(api: ApiClient) -> None:
    category = create_category(api, "Shoes")
    product = create_product(api, categoryId=category["id"])

    loaded = get_product(api, product["id"])["category"]

    assert (loaded["id"], loaded["name"], loaded["productCount"]) == (category["id"], "Shoes", 1)


# Concurrency: separate processes call the handler at once against one DynamoDB.
# moto's server does not serialise transactions between threads, so only AWS's
# DynamoDB Local can show that ours are atomic.


def _create_and_delete_race(endpoint_url: str, category_id: str) -> tuple[int, bool]:
    """Two writers add and remove products while a third deletes their category.

    Checks that no interleaving leaves a live product in the deleted category or a
    wrong count; returns how many creates succeeded and whether the delete did.
    """
    api = ApiClient("http-v2")
    create_category(api, id=category_id)
    # Each creator adds and removes products, then adds one it leaves live: a delete
    # of the category that slipped past a live product would leave it orphaned.
    creators = [
        [
            *(
                request
                for i in range(6)
                for request in (
                    _create_in(category_id, f"{category_id}-w{w}-{i}"),
                    (DELETE_PRODUCT, {"id": f"{category_id}-w{w}-{i}"}),
                )
            ),
            _create_in(category_id, f"{category_id}-w{w}-last"),
        ]
        for w in range(2)
    ]
    # The deleter reads a little first, so that the creators are under way.
    read = (GET_CATEGORY, {"id": category_id})
    deleter = [read] * 3 + [(DELETE_CATEGORY, {"id": category_id}), read] * 30

    results = run_concurrently(endpoint_url, [*creators, deleter])

    assert {c for batch in results[:2] for b in batch for c in codes(b)} <= {
        "BAD_USER_INPUT",
        "NOT_FOUND",
    }
    assert (
        live_products(api, category_id)
        == get_category(api, category_id, include_deleted=True)["productCount"]
    )
    deleted = get_category(api, category_id) is None
    if deleted:
        assert live_products(api, category_id) == 0
    created = sum(1 for batch in results[:2] for body in batch[::2] if not body.get("errors"))
    return created, deleted


def _create_in(category_id: str, product_id: str) -> tuple[str, dict[str, object]]:
    fields = {"id": product_id, "name": "P", "price": "1", "categoryId": category_id}
    return UPSERT_PRODUCT, {"input": fields}


def test_concurrent_creates_and_category_delete_leave_no_orphans(
    local_backend: LocalDynamoDB,
) -> None:
    # Every round checks the invariants; the race itself (some creates landing, and the
    # delete landing between them) depends on scheduling, so up to three rounds run
    # until one has shown both.
    outcomes = []
    for round_number in range(3):
        created, deleted = _create_and_delete_race(
            local_backend.endpoint_url, f"contested-{round_number}"
        )
        outcomes.append((created, deleted))
        if created and deleted:
            break

    assert any(created and deleted for created, deleted in outcomes), outcomes


def test_concurrent_moves_keep_counts_exact(local_backend: LocalDynamoDB) -> None:
    api = ApiClient("http-v2")
    names = ["a", "b", "c"]
    for name in names:
        create_category(api, id=name)
    for i in range(6):
        create_product(api, id=f"p{i}", categoryId="a")
    rng = random.Random(7)

    def random_request() -> tuple[str, dict[str, object]]:
        product = f"p{rng.randrange(6)}"
        roll = rng.random()
        if roll < 0.6:
            return UPSERT_PRODUCT, {"input": {"id": product, "categoryId": rng.choice(names)}}
        if roll < 0.8:
            return DELETE_PRODUCT, {"id": product}
        return RESTORE_PRODUCT, {"id": product}

    batches = [[random_request() for _ in range(25)] for _ in range(4)]

    results = run_concurrently(local_backend.endpoint_url, batches)

    assert {c for batch in results for b in batch for c in codes(b)} <= {"CONFLICT"}
    for name in names:
        assert get_category(api, name)["productCount"] == live_products(api, name)
    assert sum(live_products(api, name) for name in names) == sum(
        1 for i in range(6) if get_product(api, f"p{i}") is not None
    )


def test_concurrent_expected_version_lets_exactly_one_win(local_backend: LocalDynamoDB) -> None:
    api = ApiClient("http-v2")
    create_product(api, id="hot")
    batches = [
        [(UPSERT_PRODUCT, {"input": {"id": "hot", "stock": w + 1, "expectedVersion": 1}})]
        for w in range(4)
    ]

    results = run_concurrently(local_backend.endpoint_url, batches)

    outcomes = [codes(batch[0]) for batch in results]
    winners = [w for w, outcome in enumerate(outcomes) if not outcome]
    assert len(winners) == 1
    assert sorted(outcomes) == [[], ["CONFLICT"], ["CONFLICT"], ["CONFLICT"]]
    final = get_product(api, "hot")
    assert (final["version"], final["stock"]) == (2, winners[0] + 1)


def test_concurrent_updates_lose_no_write(local_backend: LocalDynamoDB) -> None:
    api = ApiClient("http-v2")
    create_category(api, id="x")
    create_category(api, id="y")
    create_product(api, id="busy", categoryId="x")
    batches = [
        [
            (
                UPSERT_PRODUCT,
                {
                    "input": {
                        "id": "busy",
                        "categoryId": "xy"[(w + i) % 2],
                        "description": f"{w}-{i}",
                    }
                },
            )
            for i in range(10)
        ]
        for w in range(4)
    ]

    results = run_concurrently(local_backend.endpoint_url, batches)

    # THEN every update either landed or was refused as a whole: eight lost races in a
    # row are CONFLICT ("try again"), never a 5xx; and no landed update was lost
    failures = [body["errors"] for batch in results for body in batch if body.get("errors")]
    assert {error["extensions"]["code"] for errors in failures for error in errors} <= {"CONFLICT"}
    successes = 40 - len(failures)
    assert successes > 0
    final = get_product(api, "busy")
    assert final["version"] == 1 + successes
    assert get_category(api, "x")["productCount"] + get_category(api, "y")["productCount"] == 1
    assert get_category(api, final["categoryId"])["productCount"] == 1

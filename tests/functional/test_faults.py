"""DynamoDB faults: each gives the right code, leaks nothing and leaves the catalog consistent.

Faults are injected into the models' botocore clients over DynamoDB Local (the
`faults` fixture), so botocore's retries and DynamoDB's transactions are the real ones.
"""

from __future__ import annotations

import json
import time
from decimal import Decimal
from typing import Any

import boto3
import pytest

from errors import BadUserInput
from models import MODELS, Product
from models.base import WORST_CASE_SECONDS
from store import compat
from store.entities import MAX_ITEM_BYTES, ItemWrite, get, item_size, now
from tests.catalog import (
    GET_PRODUCT,
    LIST_PRODUCTS,
    UPSERT_CATEGORY,
    UPSERT_PRODUCT,
    assert_counts_match,
    create_category,
    create_product,
    get_category,
    get_product,
    upsert_product,
    walk,
)
from tests.client import DEFAULT_SETTINGS, ApiClient, Response
from tests.faults import (
    SECRETS,
    FaultInjector,
    answer_lost,
    cancelled,
    connect_timeout,
    read_timeout,
    silent_dynamodb,
    throttled,
)

THROTTLES = ("ProvisionedThroughputExceededException", "ThrottlingException")
# botocore's standard mode: the first attempt and two retries.
ATTEMPTS = 3
api = ApiClient("http-v2")


def assert_unavailable(response: Response) -> None:
    """SERVICE_UNAVAILABLE on every error, with nothing of the cause in the response."""
    assert response.status < 500
    assert response.codes
    assert set(response.codes) == {"SERVICE_UNAVAILABLE"}
    body = json.dumps(response.body).lower()
    for secret in SECRETS:
        assert secret not in body, secret


def product_names(include_deleted: bool = True) -> list[str]:
    pages = walk(api, LIST_PRODUCTS, "products", first=100, all=include_deleted)
    return [node["name"] for page in pages for node in page]


@pytest.mark.parametrize("code", THROTTLES)
def test_get_product_throttled_beyond_retries_is_service_unavailable(
    faults: FaultInjector, code: str
) -> None:
    product = create_product(api)
    faults.always("GetItem", throttled(code))

    response = api.public(GET_PRODUCT, {"id": product["id"]})

    assert_unavailable(response)
    assert faults.attempts["GetItem"] == ATTEMPTS


def test_get_product_throttled_once_is_served_by_the_retry(faults: FaultInjector) -> None:
    product = create_product(api)
    faults.then("GetItem", throttled("ThrottlingException"))

    response = api.public(GET_PRODUCT, {"id": product["id"]})

    assert response.data["product"]["name"] == product["name"]
    assert faults.attempts["GetItem"] == 2


@pytest.mark.parametrize("code", THROTTLES)
def test_list_products_throttled_beyond_retries_is_service_unavailable(
    faults: FaultInjector, code: str
) -> None:
    create_product(api)
    faults.always("Query", throttled(code))

    response = api.public(LIST_PRODUCTS)

    assert_unavailable(response)
    assert faults.attempts["Query"] == ATTEMPTS


@pytest.mark.parametrize("code", THROTTLES)
def test_move_product_throttled_beyond_retries_writes_nothing(
    faults: FaultInjector, code: str
) -> None:
    a, b = create_category(api, "A"), create_category(api, "B")
    product = create_product(api, categoryId=a["id"])
    faults.always("TransactWriteItems", throttled(code))

    response = upsert_product(api, id=product["id"], categoryId=b["id"], name="Moved")

    assert_unavailable(response)
    assert faults.attempts["TransactWriteItems"] == ATTEMPTS
    faults.clear()
    assert get_product(api, product["id"])["categoryId"] == a["id"]
    assert get_product(api, product["id"])["name"] == product["name"]
    assert (
        get_category(api, a["id"])["productCount"],
        get_category(api, b["id"])["productCount"],
    ) == (1, 0)
    assert_counts_match(api)


def test_create_category_throttled_once_is_written_once(faults: FaultInjector) -> None:
    # A create is one transaction: the category and its slug's claim.
    faults.then("TransactWriteItems", throttled())

    category = create_category(api, "Retried")

    assert faults.attempts["TransactWriteItems"] == 2
    assert get_category(api, category["id"])["name"] == "Retried"


# A product's create sends its puts (the product, its slug's claim), then the count.
@pytest.mark.parametrize(
    ("reasons", "code"),
    [
        (("None", "None", "ConditionalCheckFailed"), "BAD_USER_INPUT"),
        (("ThrottlingError", "None", "None"), "SERVICE_UNAVAILABLE"),
        (("None", "None", "ProvisionedThroughputExceeded"), "SERVICE_UNAVAILABLE"),
    ],
)
def test_create_product_transaction_cancelled_writes_nothing(
    faults: FaultInjector, reasons: tuple[str, ...], code: str
) -> None:
    category = create_category(api)
    faults.then("TransactWriteItems", cancelled(*reasons))

    response = upsert_product(api, name="Half", price="1", categoryId=category["id"])

    assert response.codes == [code]
    body = json.dumps(response.body).lower()
    assert "transaction" not in body
    assert "cancel" not in body
    assert product_names() == []
    assert get_category(api, category["id"])["productCount"] == 0
    assert_counts_match(api)


def test_move_product_cancelled_midway_by_a_deleted_category_writes_nothing(
    faults: FaultInjector, local_backend: Any
) -> None:
    # GIVEN a product in A, and B deleted by another writer just before the move's
    # transaction reaches DynamoDB, after the move has read everything it checks
    a, b = create_category(api, "A"), create_category(api, "B")
    product = create_product(api, categoryId=a["id"])
    other_writer = boto3.client("dynamodb", endpoint_url=local_backend.endpoint_url)

    def delete_b_first(_request: Any, _client: Any) -> None:
        other_writer.delete_item(
            TableName=DEFAULT_SETTINGS.categories_table, Key={"id": {"S": b["id"]}}
        )

    faults.then("TransactWriteItems", delete_b_first)

    # WHEN the move's transaction is cancelled by DynamoDB itself
    response = upsert_product(api, id=product["id"], categoryId=b["id"])

    # THEN nothing of it was written: not the product, not A's count
    assert response.codes == ["BAD_USER_INPUT"]
    assert "categoryId" in response.errors[0]["message"]
    assert get_product(api, product["id"])["categoryId"] == a["id"]
    assert get_category(api, a["id"])["productCount"] == 1
    assert_counts_match(api)


@pytest.mark.parametrize("fault", [read_timeout, connect_timeout])
@pytest.mark.parametrize(
    ("operation", "query"),
    [("GetItem", GET_PRODUCT), ("Query", LIST_PRODUCTS), ("BatchGetItem", LIST_PRODUCTS)],
)
def test_read_path_timeout_is_service_unavailable(
    faults: FaultInjector, fault: Any, operation: str, query: str
) -> None:
    category = create_category(api)
    product = create_product(api, categoryId=category["id"])
    faults.always(operation, fault)
    with_category = query.replace("categoryId }", "categoryId category { name } }")

    response = api.public(with_category, {"id": product["id"]})

    assert_unavailable(response)
    assert faults.attempts[operation] == ATTEMPTS
    faults.clear()
    assert_counts_match(api)


@pytest.mark.parametrize("kind", ["product", "product in a category", "category"])
def test_create_whose_answer_was_lost_is_written_once(faults: FaultInjector, kind: str) -> None:
    category = create_category(api, "Home") if kind == "product in a category" else None
    # Every create is one transaction: the item and its slug's claim.
    operation = "TransactWriteItems"
    faults.then(operation, answer_lost)

    if kind == "category":
        response = api.admin(UPSERT_CATEGORY, {"input": {"name": "Lost"}})
    else:
        fields = {"categoryId": category["id"]} if category else {}
        response = api.admin(UPSERT_PRODUCT, {"input": {"name": "Lost", "price": "1", **fields}})

    assert not response.errors
    assert faults.attempts[operation] == 2
    if kind == "category":
        assert get_category(api, response.data["upsertCategory"]["id"])["version"] == 1
    else:
        assert product_names() == ["Lost"]
        assert get_product(api, response.data["upsertProduct"]["id"])["version"] == 1
    assert_counts_match(api)


# DynamoDB unreachable: a peer on loopback that never answers, so the request runs
# into every timeout for real. The bound is the (fail within 10 s, well
# inside API Gateway's 29 s), not a speed figure.

MANY_FIELDS = "{" + " ".join(f'p{i}: product(id: "p{i}") {{ id }}' for i in range(10)) + "}"


@pytest.mark.parametrize("accepts", [True, False], ids=["read-timeout", "connect-timeout"])
def test_dynamodb_silent_fails_within_ten_seconds(local_backend: Any, accepts: bool) -> None:
    with silent_dynamodb(accepts=accepts) as endpoint:
        silent = api.with_settings(endpoint_url=endpoint)
        started = time.monotonic()
        response = silent.public(MANY_FIELDS)
        elapsed = time.monotonic() - started

    assert_unavailable(response)
    assert len(response.errors) == 10
    assert elapsed < 10, f"{elapsed:.1f} s"


def test_dynamodb_silent_write_fails_within_ten_seconds(local_backend: Any) -> None:
    a, b = create_category(api, "A"), create_category(api, "B")
    product = create_product(api, categoryId=a["id"])
    with silent_dynamodb(accepts=True) as endpoint:
        silent = api.with_settings(endpoint_url=endpoint)
        started = time.monotonic()
        response = upsert_product(silent, id=product["id"], categoryId=b["id"])
        elapsed = time.monotonic() - started

    assert_unavailable(response)
    assert elapsed < 10, f"{elapsed:.1f} s"
    assert get_product(api, product["id"])["categoryId"] == a["id"]
    assert_counts_match(api)


def test_models_retry_in_standard_mode_three_times_at_most(local_backend: Any) -> None:
    for model in MODELS:
        config = compat.connection(model).client.meta.config

        assert config.retries == {"mode": "standard", "total_max_attempts": ATTEMPTS}
        assert (config.connect_timeout, config.read_timeout) == (1, 2)
    assert WORST_CASE_SECONDS < 10


# Item size: validation bounds every field, so no request reaches 400 KB today; the
# check guards the write itself, whatever a future field or bug puts in an item.


def test_item_over_400_kb_is_bad_user_input_and_not_written(local_backend: Any) -> None:
    product = Product("huge", name="Huge", description="x" * MAX_ITEM_BYTES, price=Decimal(1))
    product.currency, product.stock, product.version = "USD", 0, 1
    product.created_at = product.updated_at = now()
    product.set_index_keys()

    with pytest.raises(BadUserInput, match=r"huge would take .* 400 KB limit"):
        ItemWrite(product, Product.id.does_not_exist()).commit()

    assert get(Product, "huge") is None


def test_item_size_counts_names_and_utf8_bytes(local_backend: Any) -> None:
    product = Product("p1", name="é" * 10, price=Decimal("19.5"), created_at=now())

    size = item_size(product)

    assert size >= len("id") + 2 + len("name") + 20 + len("price") + 4 + len("created_at") + 24

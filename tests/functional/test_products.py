"""Products through the Lambda handler: create, update, validation, delete, restore."""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from tests.catalog import (
    DELETE_PRODUCT,
    RESTORE_PRODUCT,
    create_category,
    create_product,
    get_category,
    get_product,
    upsert_product,
)
from tests.client import ApiClient

ISO_UTC = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z")


def test_upsert_product_creates_with_defaults(api: ApiClient) -> None:
    product = create_product(api, name="  Trail Runner  ", price="89.90")

    assert product["name"] == "Trail Runner"
    assert product["price"] == "89.9"
    assert product["currency"] == "USD"
    assert product["stock"] == 0
    assert product["version"] == 1
    assert product["deletedAt"] is None
    assert ISO_UTC.fullmatch(product["createdAt"])
    assert product["createdAt"] == product["updatedAt"]
    assert get_product(api, product["id"])["name"] == "Trail Runner"


def test_upsert_product_generates_unique_url_safe_ids(api: ApiClient) -> None:
    ids = {create_product(api, name=f"P{i}")["id"] for i in range(5)}

    assert len(ids) == 5
    assert all(re.fullmatch(r"[A-Za-z0-9_-]+", product_id) for product_id in ids)


def test_upsert_product_creates_with_client_id(api: ApiClient) -> None:
    product = create_product(api, id="sku-123_A")

    assert product["id"] == "sku-123_A"
    assert get_product(api, "sku-123_A")["version"] == 1


@pytest.mark.parametrize("bad_id", ["", "a" * 65, "has space", "slash/", "ünï"])
def test_upsert_product_rejects_malformed_client_id(api: ApiClient, bad_id: str) -> None:
    response = upsert_product(api, id=bad_id, name="X", price="1")

    assert response.codes == ["BAD_USER_INPUT"]
    assert "id" in response.errors[0]["message"]


@pytest.mark.parametrize("missing", ["name", "price"])
def test_upsert_product_requires_name_and_price_to_create(api: ApiClient, missing: str) -> None:
    fields = {"name": "Boot", "price": "10"}
    del fields[missing]

    response = upsert_product(api, **fields)

    assert response.codes == ["BAD_USER_INPUT"]
    assert missing in response.errors[0]["message"]


def test_upsert_product_updates_only_present_fields(api: ApiClient) -> None:
    created = create_product(
        api, description="Grippy", stock=5, imageUrl="https://img.example.com/a.png"
    )

    response = upsert_product(api, id=created["id"], price="79.00")
    updated = response.data["upsertProduct"]

    assert updated["price"] == "79"
    assert updated["description"] == "Grippy"
    assert updated["stock"] == 5
    assert updated["imageUrl"] == "https://img.example.com/a.png"
    assert updated["version"] == 2
    assert updated["createdAt"] == created["createdAt"]
    assert updated["updatedAt"] >= created["updatedAt"]
    assert get_product(api, created["id"])["price"] == "79"


def test_upsert_product_null_clears_optional_fields(api: ApiClient) -> None:
    category = create_category(api)
    created = create_product(
        api, description="d", imageUrl="https://x.example/i.png", categoryId=category["id"]
    )

    response = upsert_product(
        api, id=created["id"], description=None, imageUrl=None, categoryId=None
    )
    updated = response.data["upsertProduct"]

    assert (updated["description"], updated["imageUrl"], updated["categoryId"]) == (
        None,
        None,
        None,
    )
    assert get_category(api, category["id"])["productCount"] == 0


@pytest.mark.parametrize("field", ["name", "price", "currency", "stock"])
def test_upsert_product_null_is_rejected_for_required_fields(api: ApiClient, field: str) -> None:
    created = create_product(api)

    response = upsert_product(api, id=created["id"], **{field: None})

    assert response.codes == ["BAD_USER_INPUT"]
    assert field in response.errors[0]["message"]
    assert get_product(api, created["id"])["version"] == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "   "),
        ("name", "x" * 201),
        ("name", "tab\tinside"),
        ("description", "d" * 5001),
        ("price", "-0.01"),
        ("price", "1000000000"),
        ("price", "1.23456"),
        ("price", "NaN"),
        ("price", "Infinity"),
        ("price", "twelve"),
        ("currency", "usd"),
        ("currency", "US"),
        ("currency", "USDD"),
        ("stock", -1),
        ("imageUrl", "ftp://example.com/a.png"),
        ("imageUrl", "/relative/a.png"),
        ("imageUrl", "https://example.com/" + "a" * 2030),
        ("categoryId", "no-such-category"),
    ],
)
def test_upsert_product_rejects_invalid_field(api: ApiClient, field: str, value: object) -> None:
    response = upsert_product(api, **{"id": "p1", "name": "Boot", "price": "1", field: value})

    assert response.codes == ["BAD_USER_INPUT"]
    assert field.lower() in response.errors[0]["message"].lower()
    assert get_product(api, "p1") is None


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "x" * 200),
        ("description", "d" * 5000),
        ("price", "0"),
        ("price", "999999999.9999"),
        ("currency", "EUR"),
        ("stock", 2_000_000_000),
        ("imageUrl", "http://example.com/" + "a" * 2029),
    ],
)
def test_upsert_product_accepts_values_at_the_limits(
    api: ApiClient, field: str, value: object
) -> None:
    response = upsert_product(api, **{"name": "Boot", "price": "1", field: value})

    assert not response.errors
    assert response.data["upsertProduct"][field] == value


def test_upsert_product_keeps_money_exact(api: ApiClient) -> None:
    for price, shown in [("0.1", "0.1"), ("0.30", "0.3"), ("19.99", "19.99"), ("100", "100")]:
        product = create_product(api, price=price)

        assert get_product(api, product["id"])["price"] == shown


def test_upsert_product_accepts_decimal_literals_exactly(api: ApiClient) -> None:
    data = api.ok('mutation { upsertProduct(input: {name: "Lit", price: 0.1}) { price } }')

    assert data["upsertProduct"]["price"] == "0.1"


def test_upsert_product_rejects_json_number_price(api: ApiClient) -> None:
    response = upsert_product(api, name="Float", price=0.1)

    assert response.codes == ["BAD_USER_INPUT"]
    assert "Decimal" in response.errors[0]["message"]


def test_upsert_product_on_soft_deleted_is_conflict(api: ApiClient) -> None:
    product = create_product(api)
    api.ok(DELETE_PRODUCT, {"id": product["id"]})

    response = upsert_product(api, id=product["id"], name="Again")

    assert response.codes == ["CONFLICT"]
    assert get_product(api, product["id"], include_deleted=True)["name"] == product["name"]


def test_upsert_product_with_expected_version_writes_when_it_matches(api: ApiClient) -> None:
    product = create_product(api)

    response = upsert_product(api, id=product["id"], stock=3, expectedVersion=1)

    assert response.data["upsertProduct"]["version"] == 2


def test_upsert_product_with_stale_expected_version_is_conflict(api: ApiClient) -> None:
    product = create_product(api)
    upsert_product(api, id=product["id"], stock=3)

    response = upsert_product(api, id=product["id"], stock=4, expectedVersion=1)

    assert response.codes == ["CONFLICT"]
    assert get_product(api, product["id"])["stock"] == 3


def test_upsert_product_with_expected_version_on_missing_is_not_found(api: ApiClient) -> None:
    response = upsert_product(api, id="ghost", name="G", price="1", expectedVersion=1)

    assert response.codes == ["NOT_FOUND"]
    assert get_product(api, "ghost") is None


def test_upsert_product_category_change_with_expected_version(api: ApiClient) -> None:
    a, b = create_category(api, "A"), create_category(api, "B")
    product = create_product(api, categoryId=a["id"])

    stale = upsert_product(api, id=product["id"], categoryId=b["id"], expectedVersion=7)
    moved = upsert_product(api, id=product["id"], categoryId=b["id"], expectedVersion=1)

    assert stale.codes == ["CONFLICT"]
    assert moved.data["upsertProduct"]["categoryId"] == b["id"]
    assert get_category(api, a["id"])["productCount"] == 0
    assert get_category(api, b["id"])["productCount"] == 1


def test_delete_product_soft_hides_it(api: ApiClient) -> None:
    product = create_product(api)

    data = api.ok(DELETE_PRODUCT, {"id": product["id"]})["deleteProduct"]

    assert data["id"] == product["id"]
    assert data["hard"] is False
    assert ISO_UTC.fullmatch(data["deletedAt"])
    assert get_product(api, product["id"]) is None
    deleted = get_product(api, product["id"], include_deleted=True)
    assert deleted["deletedAt"] == data["deletedAt"]
    assert deleted["version"] == 2


def test_delete_product_twice_returns_the_original_deleted_at(api: ApiClient) -> None:
    product = create_product(api)
    first = api.ok(DELETE_PRODUCT, {"id": product["id"]})["deleteProduct"]

    second = api.ok(DELETE_PRODUCT, {"id": product["id"]})["deleteProduct"]

    assert second["deletedAt"] == first["deletedAt"]
    assert get_product(api, product["id"], include_deleted=True)["version"] == 2


@pytest.mark.parametrize("soft_first", [False, True])
def test_delete_product_hard_removes_it(api: ApiClient, soft_first: bool) -> None:
    product = create_product(api)
    if soft_first:
        api.ok(DELETE_PRODUCT, {"id": product["id"]})

    data = api.ok(DELETE_PRODUCT, {"id": product["id"], "hard": True})["deleteProduct"]

    assert data == {"id": product["id"], "hard": True, "deletedAt": None}
    assert get_product(api, product["id"], include_deleted=True) is None


@pytest.mark.parametrize("hard", [False, True])
def test_delete_product_missing_is_not_found(api: ApiClient, hard: bool) -> None:
    response = api.admin(DELETE_PRODUCT, {"id": "ghost", "hard": hard})

    assert response.codes == ["NOT_FOUND"]


def test_delete_product_with_stale_expected_version_is_conflict(api: ApiClient) -> None:
    product = create_product(api)
    upsert_product(api, id=product["id"], stock=1)

    response = api.admin(DELETE_PRODUCT, {"id": product["id"], "v": 1})

    assert response.codes == ["CONFLICT"]
    assert get_product(api, product["id"])["deletedAt"] is None


def test_delete_product_with_matching_expected_version(api: ApiClient) -> None:
    product = create_product(api)

    data = api.ok(DELETE_PRODUCT, {"id": product["id"], "v": 1, "hard": True})

    assert data["deleteProduct"]["hard"] is True
    assert get_product(api, product["id"], include_deleted=True) is None


def test_restore_product_brings_it_back(api: ApiClient) -> None:
    category = create_category(api)
    product = create_product(api, categoryId=category["id"])
    api.ok(DELETE_PRODUCT, {"id": product["id"]})

    restored = api.ok(RESTORE_PRODUCT, {"id": product["id"]})["restoreProduct"]

    assert restored["deletedAt"] is None
    assert restored["version"] == 3
    assert get_product(api, product["id"])["name"] == product["name"]
    assert get_category(api, category["id"])["productCount"] == 1


def test_restore_product_live_returns_it_unchanged(api: ApiClient) -> None:
    product = create_product(api)

    restored = api.ok(RESTORE_PRODUCT, {"id": product["id"]})["restoreProduct"]

    assert restored == product


def test_restore_product_missing_is_not_found(api: ApiClient) -> None:
    assert api.admin(RESTORE_PRODUCT, {"id": "ghost"}).codes == ["NOT_FOUND"]


def test_product_timestamps_are_utc(api: ApiClient) -> None:
    product = create_product(api)

    created = datetime.fromisoformat(product["createdAt"])

    assert created.utcoffset() is not None
    assert created.utcoffset().total_seconds() == 0


# Money is a plain ASCII decimal: what Python's Decimal() also takes (underscores,
# other scripts' digits, signs, spaces, exponents) is refused, for every Decimal input.
NOT_PLAIN_DECIMALS = [
    "1_000",
    "\u0661\u0662",  # Arabic-Indic 12
    "\uff11\uff12",  # full-width 12
    "+5",
    " 5",
    "5 ",
    "1e2",
    "1E+2",
    "1.",
    ".5",
    "1.2.3",
    "0x10",
]


def test_upsert_product_price_must_be_a_plain_ascii_decimal(api: ApiClient) -> None:
    for price in NOT_PLAIN_DECIMALS:
        response = upsert_product(api, id="p1", name="Boot", price=price)

        assert response.codes == ["BAD_USER_INPUT"], price
        assert "price" in response.errors[0]["message"], price
    assert get_product(api, "p1") is None


def test_upsert_product_price_literal_must_be_a_plain_ascii_decimal(api: ApiClient) -> None:
    response = api.admin('mutation { upsertProduct(input: {name: "Lit", price: 1e2}) { id } }')

    assert response.codes == ["GRAPHQL_VALIDATION_FAILED"]
    assert "1e2" in response.errors[0]["message"]
    assert "plain decimal" in response.errors[0]["message"]


def test_upsert_product_negative_zero_price_is_stored_as_zero(api: ApiClient) -> None:
    product = create_product(api, price="-0")

    assert product["price"] == "0"
    assert get_product(api, product["id"])["price"] == "0"


@pytest.mark.parametrize(
    "url",
    [
        "https://user:pass@example.com/a.png",
        "https://user@example.com/a.png",
        "https://example.com/a b.png",
        " https://example.com/a.png",
        "https://example.com/a.png\u00a0",
    ],
)
def test_upsert_product_image_url_refuses_credentials_and_spaces(api: ApiClient, url: str) -> None:
    response = upsert_product(api, id="p1", name="Boot", price="1", imageUrl=url)

    assert response.codes == ["BAD_USER_INPUT"]
    assert "imageUrl" in response.errors[0]["message"]
    assert get_product(api, "p1") is None


@pytest.mark.parametrize("field", ["name", "description", "imageUrl"])
def test_upsert_product_lone_surrogate_is_bad_user_input(api: ApiClient, field: str) -> None:
    value = "https://example.com/\ud800.png" if field == "imageUrl" else "Boot \ud800"

    response = upsert_product(api, **{"id": "p1", "name": "Boot", "price": "1", field: value})

    assert response.codes == ["BAD_USER_INPUT"]
    assert field in response.errors[0]["message"]
    assert get_product(api, "p1") is None

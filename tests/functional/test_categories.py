"""Categories through the Lambda handler: create, update, delete, restore."""

from __future__ import annotations

import pytest

from tests.catalog import (
    DELETE_CATEGORY,
    DELETE_PRODUCT,
    RESTORE_CATEGORY,
    UPSERT_CATEGORY,
    create_category,
    create_product,
    get_category,
)
from tests.client import ApiClient


def upsert_category(api: ApiClient, **fields: object) -> object:
    return api.admin(UPSERT_CATEGORY, {"input": fields})


def test_upsert_category_creates(api: ApiClient) -> None:
    category = create_category(api, " Running ", description="For the road")

    assert category["name"] == "Running"
    assert category["description"] == "For the road"
    assert category["productCount"] == 0
    assert category["version"] == 1
    assert category["createdAt"] == category["updatedAt"]
    assert get_category(api, category["id"]) == category


def test_upsert_category_requires_name_to_create(api: ApiClient) -> None:
    response = upsert_category(api, description="nameless")

    assert response.codes == ["BAD_USER_INPUT"]
    assert "name" in response.errors[0]["message"]


def test_upsert_category_creates_with_client_id(api: ApiClient) -> None:
    category = create_category(api, id="cat-shoes")

    assert category["id"] == "cat-shoes"


def test_upsert_category_updates_only_present_fields(api: ApiClient) -> None:
    created = create_category(api, description="Old")

    updated = upsert_category(api, id=created["id"], name="Footwear").data["upsertCategory"]

    assert updated["name"] == "Footwear"
    assert updated["description"] == "Old"
    assert updated["version"] == 2
    assert updated["createdAt"] == created["createdAt"]


def test_upsert_category_null_clears_description(api: ApiClient) -> None:
    created = create_category(api, description="Old")

    updated = upsert_category(api, id=created["id"], description=None).data["upsertCategory"]

    assert updated["description"] is None


def test_upsert_category_null_name_is_rejected(api: ApiClient) -> None:
    created = create_category(api)

    response = upsert_category(api, id=created["id"], name=None)

    assert response.codes == ["BAD_USER_INPUT"]
    assert get_category(api, created["id"])["name"] == created["name"]


@pytest.mark.parametrize(
    ("field", "value"), [("name", ""), ("name", "n" * 201), ("description", "d" * 5001)]
)
def test_upsert_category_rejects_invalid_field(api: ApiClient, field: str, value: str) -> None:
    response = upsert_category(api, **{"id": "c1", "name": "Ok", field: value})

    assert response.codes == ["BAD_USER_INPUT"]
    assert field in response.errors[0]["message"]
    assert get_category(api, "c1") is None


def test_upsert_category_on_soft_deleted_is_conflict(api: ApiClient) -> None:
    category = create_category(api)
    api.ok(DELETE_CATEGORY, {"id": category["id"]})

    response = upsert_category(api, id=category["id"], name="Back")

    assert response.codes == ["CONFLICT"]


def test_upsert_category_with_stale_expected_version_is_conflict(api: ApiClient) -> None:
    category = create_category(api)
    upsert_category(api, id=category["id"], description="v2")

    response = upsert_category(api, id=category["id"], name="Late", expectedVersion=1)

    assert response.codes == ["CONFLICT"]
    assert get_category(api, category["id"])["name"] == category["name"]


def test_upsert_category_with_expected_version_writes_when_it_matches(api: ApiClient) -> None:
    category = create_category(api)

    response = upsert_category(api, id=category["id"], name="New", expectedVersion=1)

    assert response.data["upsertCategory"]["version"] == 2


def test_upsert_category_with_expected_version_on_missing_is_not_found(api: ApiClient) -> None:
    response = upsert_category(api, id="ghost", name="G", expectedVersion=1)

    assert response.codes == ["NOT_FOUND"]
    assert get_category(api, "ghost", include_deleted=True) is None


def test_delete_category_soft_hides_it(api: ApiClient) -> None:
    category = create_category(api)

    data = api.ok(DELETE_CATEGORY, {"id": category["id"]})["deleteCategory"]

    assert data["hard"] is False
    assert data["deletedAt"] is not None
    assert get_category(api, category["id"]) is None
    deleted = get_category(api, category["id"], include_deleted=True)
    assert deleted["deletedAt"] == data["deletedAt"]
    assert deleted["version"] == 2


def test_delete_category_twice_returns_the_original_deleted_at(api: ApiClient) -> None:
    category = create_category(api)
    first = api.ok(DELETE_CATEGORY, {"id": category["id"]})["deleteCategory"]

    second = api.ok(DELETE_CATEGORY, {"id": category["id"]})["deleteCategory"]

    assert second["deletedAt"] == first["deletedAt"]


@pytest.mark.parametrize("soft_first", [False, True])
def test_delete_category_hard_removes_it(api: ApiClient, soft_first: bool) -> None:
    category = create_category(api)
    if soft_first:
        api.ok(DELETE_CATEGORY, {"id": category["id"]})

    data = api.ok(DELETE_CATEGORY, {"id": category["id"], "hard": True})["deleteCategory"]

    assert data == {"id": category["id"], "hard": True, "deletedAt": None}
    assert get_category(api, category["id"], include_deleted=True) is None


@pytest.mark.parametrize("hard", [False, True])
def test_delete_category_missing_is_not_found(api: ApiClient, hard: bool) -> None:
    assert api.admin(DELETE_CATEGORY, {"id": "ghost", "hard": hard}).codes == ["NOT_FOUND"]


@pytest.mark.parametrize("hard", [False, True])
def test_delete_category_with_stale_expected_version_is_conflict(
    api: ApiClient, hard: bool
) -> None:
    category = create_category(api)
    upsert_category(api, id=category["id"], description="v2")

    response = api.admin(DELETE_CATEGORY, {"id": category["id"], "v": 1, "hard": hard})

    assert response.codes == ["CONFLICT"]
    assert get_category(api, category["id"])["version"] == 2


def test_delete_category_with_matching_expected_version(api: ApiClient) -> None:
    category = create_category(api)

    api.ok(DELETE_CATEGORY, {"id": category["id"], "v": 1})

    assert get_category(api, category["id"]) is None


def test_restore_category_brings_it_back(api: ApiClient) -> None:
    category = create_category(api)
    api.ok(DELETE_CATEGORY, {"id": category["id"]})

    restored = api.ok(RESTORE_CATEGORY, {"id": category["id"]})["restoreCategory"]

    assert restored["deletedAt"] is None
    assert restored["version"] == 3
    assert get_category(api, category["id"])["name"] == category["name"]


def test_restore_category_live_returns_it_unchanged(api: ApiClient) -> None:
    category = create_category(api)

    assert api.ok(RESTORE_CATEGORY, {"id": category["id"]})["restoreCategory"] == category


def test_restore_category_missing_is_not_found(api: ApiClient) -> None:
    assert api.admin(RESTORE_CATEGORY, {"id": "ghost"}).codes == ["NOT_FOUND"]


def test_category_product_count_follows_live_products(api: ApiClient) -> None:
    category = create_category(api)
    products = [create_product(api, name=f"P{i}", categoryId=category["id"]) for i in range(3)]
    api.ok(DELETE_PRODUCT, {"id": products[0]["id"]})
    api.ok(DELETE_PRODUCT, {"id": products[1]["id"], "hard": True})

    assert get_category(api, category["id"])["productCount"] == 1


@pytest.mark.parametrize("field", ["name", "description"])
def test_upsert_category_lone_surrogate_is_bad_user_input(api: ApiClient, field: str) -> None:
    response = upsert_category(api, **{"id": "c1", "name": "Shoes", field: "Shoes \udfff"})

    assert response.codes == ["BAD_USER_INPUT"]  # type: ignore[attr-defined]
    assert field in response.errors[0]["message"]  # type: ignore[attr-defined]
    assert api.public('{ category(id: "c1") { id } }').data == {"category": None}

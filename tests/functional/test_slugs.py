"""URL handles through the handler: made, given, taken, old ones kept, freed, and raced."""

from __future__ import annotations

from typing import Any

import pytest

from cli.dynamodb_local import LocalDynamoDB
from cli.sample import CATEGORIES as SAMPLE_CATEGORIES
from cli.sample import PRODUCTS
from cli.seed import seed
from search.backfill import changes as backfill_changes
from search.types import CATEGORY, PRODUCT
from store.recording import CallLog
from tests.catalog import (
    CATEGORY_BY_SLUG,
    DELETE_CATEGORY,
    DELETE_PRODUCT,
    LIST_CATEGORIES,
    LIST_PRODUCTS,
    PRODUCT_BY_SLUG,
    RESTORE_PRODUCT,
    UPSERT_CATEGORY,
    UPSERT_PRODUCT,
    create_category,
    create_product,
    get_product,
    upsert_category,
    upsert_product,
)
from tests.client import ApiClient
from tests.workers import codes, run_concurrently


def by_slug(api: ApiClient, slug: str, *, include_deleted: bool = False) -> Any:
    return api.ok(PRODUCT_BY_SLUG, {"slug": slug, "all": include_deleted})["product"]


def category_by_slug(api: ApiClient, slug: str) -> Any:
    return api.ok(CATEGORY_BY_SLUG, {"slug": slug})["category"]


def test_upsert_product_makes_the_slug_from_the_name(api: ApiClient) -> None:
    product = create_product(api, name="Café Crème 2000!")

    assert product["slug"] == "cafe-creme-2000"
    assert by_slug(api, "cafe-creme-2000")["id"] == product["id"]


def test_upsert_product_without_latin_letters_takes_the_slug_from_the_id(api: ApiClient) -> None:
    product = create_product(api, id="sku_7", name="日本茶")

    assert product["slug"] == "sku-7"


def test_upsert_product_suffixes_a_taken_generated_slug(api: ApiClient) -> None:
    slugs = [create_product(api, name="Tent")["slug"] for _ in range(3)]

    assert slugs == ["tent", "tent-2", "tent-3"]
    assert [by_slug(api, slug)["slug"] for slug in slugs] == slugs


def test_upsert_product_generated_slug_skips_an_explicit_one_taken(api: ApiClient) -> None:
    create_product(api, name="Other", slug="tent-2")
    create_product(api, name="Tent")

    assert create_product(api, name="Tent")["slug"] == "tent-3"


def test_upsert_product_explicit_slug_is_kept_as_given(api: ApiClient) -> None:
    product = create_product(api, name="Trail Runner", slug="trail-runner-2")

    assert product["slug"] == "trail-runner-2"


@pytest.mark.parametrize("bad", ["Trail", "trail runner", "café", "-trail", "a" * 101, None])
def test_upsert_product_malformed_slug_is_bad_user_input_and_writes_nothing(
    api: ApiClient, bad: str | None
) -> None:
    response = upsert_product(api, id="p1", name="Boot", price="1", slug=bad)

    assert response.codes == ["BAD_USER_INPUT"]
    assert response.errors[0]["message"].startswith("slug ")
    assert get_product(api, "p1") is None


def test_upsert_product_taken_explicit_slug_is_conflict_and_writes_nothing(
    api: ApiClient,
) -> None:
    create_product(api, name="Tent")

    response = upsert_product(api, id="p2", name="Other", price="1", slug="tent")

    assert response.codes == ["CONFLICT"]
    assert "slug tent is taken" in response.errors[0]["message"]
    assert get_product(api, "p2") is None


def test_upsert_product_rename_keeps_the_slug(api: ApiClient) -> None:
    product = create_product(api, name="Tent")

    renamed = upsert_product(api, id=product["id"], name="Big Tent").data["upsertProduct"]

    assert renamed["slug"] == "tent"


def test_product_by_an_old_slug_answers_it_with_its_current_slug(api: ApiClient) -> None:
    product = create_product(api, name="Tent")

    upsert_product(api, id=product["id"], slug="dome-tent")

    assert by_slug(api, "tent") == by_slug(api, "dome-tent")
    assert by_slug(api, "tent")["slug"] == "dome-tent"


def test_upsert_product_old_slug_of_another_is_conflict(api: ApiClient) -> None:
    first = create_product(api, name="Tent")
    upsert_product(api, id=first["id"], slug="dome-tent")
    other = create_product(api, name="Other")

    response = upsert_product(api, id=other["id"], slug="tent")

    assert response.codes == ["CONFLICT"]
    assert by_slug(api, "tent")["id"] == first["id"]
    assert get_product(api, other["id"])["slug"] == "other"


def test_upsert_product_takes_back_its_own_old_slug(api: ApiClient) -> None:
    product = create_product(api, name="Tent")
    upsert_product(api, id=product["id"], slug="dome-tent")

    back = upsert_product(api, id=product["id"], slug="tent").data["upsertProduct"]

    assert back["slug"] == "tent"
    assert by_slug(api, "dome-tent")["slug"] == "tent"


def test_generated_slug_never_takes_an_old_slug(api: ApiClient) -> None:
    first = create_product(api, name="Tent")
    upsert_product(api, id=first["id"], slug="dome-tent")

    assert create_product(api, name="Tent")["slug"] == "tent-2"


def test_soft_deleted_product_keeps_its_slugs(api: ApiClient) -> None:
    product = create_product(api, name="Tent")
    api.ok(DELETE_PRODUCT, {"id": product["id"]})

    assert by_slug(api, "tent") is None
    assert by_slug(api, "tent", include_deleted=True)["id"] == product["id"]
    assert upsert_product(api, name="X", price="1", slug="tent").codes == ["CONFLICT"]
    restored = api.ok(RESTORE_PRODUCT, {"id": product["id"]})["restoreProduct"]
    assert restored["slug"] == "tent"


def test_product_by_slug_include_deleted_needs_an_admin(api: ApiClient) -> None:
    create_product(api, name="Tent")

    response = api.public(PRODUCT_BY_SLUG, {"slug": "tent", "all": True})

    assert response.codes == ["UNAUTHENTICATED"] or response.codes == ["FORBIDDEN"]


def test_hard_delete_frees_every_slug_the_product_held(api: ApiClient) -> None:
    product = create_product(api, name="Tent")
    upsert_product(api, id=product["id"], slug="dome-tent")

    api.ok(DELETE_PRODUCT, {"id": product["id"], "hard": True})

    assert by_slug(api, "tent") is None
    assert by_slug(api, "dome-tent") is None
    assert create_product(api, name="Other", slug="dome-tent")["slug"] == "dome-tent"
    assert create_product(api, name="Tent")["slug"] == "tent"


def test_products_and_categories_have_separate_slug_spaces(api: ApiClient) -> None:
    product = create_product(api, name="Tents")
    category = create_category(api, name="Tents")

    assert (product["slug"], category["slug"]) == ("tents", "tents")
    assert category_by_slug(api, "tents")["id"] == category["id"]
    assert by_slug(api, "tents")["id"] == product["id"]


def test_category_slug_rules_match_the_product_ones(api: ApiClient) -> None:
    first = create_category(api, name="Outdoor Gear")
    second = create_category(api, name="Outdoor gear!")
    assert (first["slug"], second["slug"]) == ("outdoor-gear", "outdoor-gear-2")

    assert upsert_category(api, name="X", slug="outdoor-gear").codes == ["CONFLICT"]
    bad = upsert_category(api, name="X", slug="Outdoor")
    assert bad.codes == ["BAD_USER_INPUT"]
    assert bad.errors[0]["message"].startswith("slug ")


def test_category_slug_change_keeps_the_old_one_and_the_count(api: ApiClient) -> None:
    category = create_category(api, name="Tents")
    create_product(api, name="Dome", categoryId=category["id"])

    changed = upsert_category(api, id=category["id"], slug="shelters", name="Shelters")
    moved = changed.data["upsertCategory"]

    assert (moved["slug"], moved["name"], moved["productCount"]) == ("shelters", "Shelters", 1)
    assert moved["version"] == category["version"] + 1
    assert category_by_slug(api, "tents")["slug"] == "shelters"


def test_category_update_with_its_own_slug_changes_only_the_other_fields(
    api: ApiClient, dynamodb_calls: CallLog
) -> None:
    category = create_category(api, name="Tents", description="Old")
    dynamodb_calls.reset()

    response = upsert_category(api, id=category["id"], slug="tents", description="New")

    updated = response.data["upsertCategory"]
    assert (updated["slug"], updated["name"], updated["description"]) == ("tents", "Tents", "New")
    assert updated["version"] == 2
    assert dynamodb_calls.calls == ["GetItem", "UpdateItem"]
    assert category_by_slug(api, "tents")["name"] == "Tents"


def test_product_update_with_its_own_slug_writes_no_claim(
    api: ApiClient, dynamodb_calls: CallLog
) -> None:
    product = create_product(api, name="Tent")
    dynamodb_calls.reset()

    response = upsert_product(api, id=product["id"], slug="tent", stock=4)

    assert response.data["upsertProduct"]["slug"] == "tent"
    assert dynamodb_calls.calls == ["GetItem", "PutItem"]


def test_product_holds_at_most_50_slugs(api: ApiClient) -> None:
    product = create_product(api, name="Tent")
    for n in range(2, 51):
        upsert_product(api, id=product["id"], slug=f"tent-v{n}")

    refused = upsert_product(api, id=product["id"], slug="tent-v51")
    taken_back = upsert_product(api, id=product["id"], slug="tent")

    assert refused.codes == ["BAD_USER_INPUT"]
    assert "holds 50 slugs" in refused.errors[0]["message"]
    assert taken_back.data["upsertProduct"]["slug"] == "tent"
    api.ok(DELETE_PRODUCT, {"id": product["id"], "hard": True})
    assert by_slug(api, "tent-v50") is None
    assert create_product(api, name="Other", slug="tent-v2")["slug"] == "tent-v2"


def test_category_hard_delete_frees_its_slugs(api: ApiClient) -> None:
    category = create_category(api, name="Tents")
    upsert_category(api, id=category["id"], slug="shelters")

    api.ok(DELETE_CATEGORY, {"id": category["id"], "hard": True})

    assert category_by_slug(api, "tents") is None
    assert create_category(api, name="Shelters")["slug"] == "shelters"


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        ("{ product { id } }", {}),
        ('{ product(id: "p", slug: "p") { id } }', {}),
        ("query($id: ID, $slug: String) { product(id: $id, slug: $slug) { id } }", {}),
        (
            "query($id: ID, $slug: String) { category(id: $id, slug: $slug) { id } }",
            {"id": None, "slug": None},
        ),
        ('{ category(id: "c", slug: "c") { id } }', {}),
    ],
)
def test_lookup_needs_exactly_one_of_id_and_slug(
    api: ApiClient, query: str, variables: dict[str, Any]
) -> None:
    response = api.public(query, variables)

    assert response.codes == ["BAD_USER_INPUT"]


def test_lookup_with_one_of_id_and_slug_null_uses_the_other(api: ApiClient) -> None:
    product = create_product(api, name="Tent")
    query = "query($id: ID, $slug: String) { product(id: $id, slug: $slug) { id } }"

    by_id = api.ok(query, {"id": product["id"], "slug": None})["product"]
    by_handle = api.ok(query, {"id": None, "slug": "tent"})["product"]

    assert by_id == by_handle == {"id": product["id"]}


def test_lookup_of_an_unknown_or_malformed_slug_is_null(api: ApiClient) -> None:
    assert by_slug(api, "nothing-here") is None
    assert by_slug(api, "Not A Slug") is None


def test_product_by_slug_is_two_get_items(api: ApiClient, dynamodb_calls: CallLog) -> None:
    product = create_product(api, name="Tent")
    upsert_product(api, id=product["id"], slug="dome-tent")
    dynamodb_calls.reset()

    by_slug(api, "dome-tent")
    by_slug(api, "tent")

    assert dynamodb_calls.calls == ["GetItem"] * 4


def test_category_by_slug_is_one_query_and_an_old_one_two_calls(
    api: ApiClient, dynamodb_calls: CallLog
) -> None:
    # The by_slug index holds the category under its slug, and the claims of its old
    # slugs under theirs (docs/decisions/0015-category-tree.md).
    category = create_category(api, name="Tents")
    upsert_category(api, id=category["id"], slug="camping-tents")
    dynamodb_calls.reset()

    assert category_by_slug(api, "camping-tents")["id"] == category["id"]
    assert dynamodb_calls.calls == ["Query"]
    dynamodb_calls.reset()

    assert category_by_slug(api, "tents")["id"] == category["id"]
    assert dynamodb_calls.calls == ["Query", "GetItem"]


def test_product_by_id_stays_one_get_item(api: ApiClient, dynamodb_calls: CallLog) -> None:
    product = create_product(api, name="Tent")
    dynamodb_calls.reset()

    api.public("query($id: ID!) { product(id: $id) { id slug } }", {"id": product["id"]})

    assert dynamodb_calls.calls == ["GetItem"]


def test_create_with_a_free_slug_is_one_transaction(
    api: ApiClient, dynamodb_calls: CallLog
) -> None:
    dynamodb_calls.reset()

    create_product(api, name="Tent")

    assert dynamodb_calls.calls == ["TransactWriteItems"]


def test_claims_stay_out_of_every_list(api: ApiClient) -> None:
    category = create_category(api, name="Tents")
    product = create_product(api, name="Dome", categoryId=category["id"])
    upsert_product(api, id=product["id"], slug="dome-tent")

    products = api.ok(LIST_PRODUCTS, {"all": True})["products"]["edges"]
    categories = api.ok(LIST_CATEGORIES, {"all": True})["categories"]["edges"]

    assert [edge["node"]["id"] for edge in products] == [product["id"]]
    assert [edge["node"]["id"] for edge in categories] == [category["id"]]


# Concurrency: separate processes against DynamoDB Local, as in test_integrity.py.


def test_concurrent_creates_of_one_explicit_slug_let_exactly_one_win(
    local_backend: LocalDynamoDB,
) -> None:
    api = ApiClient("http-v2")
    batches = [
        [(UPSERT_PRODUCT, {"input": {"id": f"w{w}", "name": "Tent", "price": "1", "slug": "x"}})]
        for w in range(4)
    ]

    results = run_concurrently(local_backend.endpoint_url, batches)

    outcomes = sorted(codes(batch[0]) for batch in results)
    assert outcomes == [[], ["CONFLICT"], ["CONFLICT"], ["CONFLICT"]]
    winner = by_slug(api, "x")["id"]
    assert [get_product(api, f"w{w}") is not None for w in range(4)] == [
        f"w{w}" == winner for w in range(4)
    ]


def test_concurrent_creates_of_one_name_get_distinct_slugs(local_backend: LocalDynamoDB) -> None:
    api = ApiClient("http-v2")
    batches = [
        [(UPSERT_CATEGORY, {"input": {"id": f"c{w}-{i}", "name": "Tents"}}) for i in range(3)]
        for w in range(4)
    ]

    results = run_concurrently(local_backend.endpoint_url, batches)

    assert {c for batch in results for body in batch for c in codes(body)} == set()
    made = [body["data"]["upsertCategory"]["slug"] for batch in results for body in batch]
    assert sorted(made) == sorted(["tents", *(f"tents-{n}" for n in range(2, 13))])
    assert all(category_by_slug(api, slug) is not None for slug in made)


def test_search_backfill_reads_no_claims(api: ApiClient) -> None:
    category = create_category(api, name="Tents")
    product = create_product(api, name="Dome", categoryId=category["id"])
    upsert_product(api, id=product["id"], slug="dome-tent")

    read = [(change.kind, change.id) for change in backfill_changes()]

    assert sorted(read) == sorted([(CATEGORY, category["id"]), (PRODUCT, product["id"])])


def test_seed_gives_the_sample_shop_readable_slugs(api: ApiClient) -> None:
    first = seed()

    again = seed()

    assert not first.failures
    assert category_by_slug(api, "hiking-boots")["id"] == "cat-hiking-boots"
    assert by_slug(api, "trail-runner") == {
        "id": "prod-trail-runner",
        "name": "Trail Runner 4",
        "slug": "trail-runner",
        "deletedAt": None,
    }
    assert again.counts["products"]["unchanged"] == len(PRODUCTS)
    assert again.counts["categories"]["unchanged"] == len(SAMPLE_CATEGORIES)


def test_seed_writes_the_sample_shop_as_a_tree(api: ApiClient) -> None:
    seed()

    boots = api.ok(
        'query { category(slug: "hiking-boots") '
        "{ level parentId ancestors { slug } productCount } }"
    )["category"]
    roots = api.ok("query { categories(level: 0) { edges { node { slug } } } }")["categories"]

    assert boots == {
        "level": 2,
        "parentId": "cat-footwear",
        "ancestors": [{"slug": "outdoor"}, {"slug": "footwear"}],
        "productCount": 2,
    }
    assert [edge["node"]["slug"] for edge in roots["edges"]] == ["apparel", "outdoor"]
    parents = {category.parent_id for category in SAMPLE_CATEGORIES if category.parent_id}
    assert all(product.category_id not in parents for product in PRODUCTS)


def test_slug_lookup_cost_is_estimated_exactly(api: ApiClient) -> None:
    create_product(api, name="Tent")

    response = api.public(PRODUCT_BY_SLUG, {"slug": "tent"})

    cost = response.body["extensions"]["cost"]
    assert (cost["estimatedStorageCalls"], cost["actualStorageCalls"]) == (2, 2)

"""Request limits: just over one is refused, coded, before any DynamoDB call; just under passes."""

from __future__ import annotations

import json
import logging
import re
from dataclasses import replace
from pathlib import Path
from typing import Any, cast

import pytest
from graphql import get_introspection_query
from mangum import Mangum
from mangum.types import ASGI

from settings import Settings
from tests.client import (
    DEFAULT_SETTINGS,
    ApiClient,
    LambdaContext,
    Response,
    load_event,
    response_of,
    schema_for,
    settings_with,
)
from tests.functional.conftest import CallRecorder
from web.app import create_app

schema = schema_for(DEFAULT_SETTINGS)

# Pure validation needs one backend only: the handler on moto, through HTTP API v2.
ON_MOTO = pytest.mark.parametrize("backend", ["moto"], indirect=True)
SORTED_PAGE_OF_100 = """
{ products(first: 100, sortKey: PRICE, reverse: true, filter: {inStock: true, priceMin: "1"}) {
    edges { node { id name price category { name } } } } }
"""
CLIENT = ApiClient("http-v2")
REFUSED = ["GRAPHQL_VALIDATION_FAILED"]

# The deepest our contract needs: categories -> products -> category, at depth 8.
DEPTH_8 = "{ categories { edges { node { products { edges { node { category { name } } } } } } } }"
DEPTH_9 = """
{ products { edges { node { category {
    products { edges { node { category { name } } } }
} } } } }
"""
DEPTH_9_BY_FRAGMENTS = """
{ products { ...Page } }
fragment Page on ProductConnection { edges { node { category { ...InCategory } } } }
fragment InCategory on Category {
  products { edges { node { ... on Product { category { name } } } } }
}
"""
# cost = 1 (__typename) + 1 (categories) + 49 * (3 + 33 * 3) = 5000, the limit itself.
COST_5000 = """
{ __typename categories(first: 49) { edges { node {
    products(first: 33) { edges { node { name } } }
} } } }
"""
COST_5102 = COST_5000.replace("first: 49", "first: 50")
NESTED_PAGES = """
query Nested($categories: Int! = 50, $products: Int! = 50) {
  categories(first: $categories) { edges { node {
    products(first: $products) { edges { node { name } } }
  } } }
}
"""


def send(calls: CallRecorder, query: str, variables: dict[str, Any] | None = None) -> Response:
    calls.reset()
    return CLIENT.public(query, variables)


def assert_refused(response: Response, calls: CallRecorder, limit: str) -> None:
    assert response.status == 200
    assert set(response.codes) == set(REFUSED)
    assert any(f"maximum {limit}" in error["message"] for error in response.errors)
    assert response.data is None
    assert calls.calls == []


def assert_answered(response: Response) -> None:
    assert response.status == 200
    assert response.errors == []
    assert response.data is not None


def aliased_products(count: int) -> str:
    return "{ " + " ".join(f'p{i}: product(id: "p{i}") {{ name }}' for i in range(count)) + " }"


def names_with_directives(count: int) -> str:
    names = " ".join("name @include(if: true)" for _ in range(count))
    return f"{{ products {{ edges {{ node {{ {names} }} }} }} }}"


def padded_to_tokens(count: int) -> str:
    """A realistic document of exactly `count` tokens: a page read through many fragments."""
    # 16 tokens of structure; 11 per fragment (9 to define it, 2 to spread it); the
    # rest as extra fields of the first fragment.
    fragments, extra = divmod(count - 16, 11)
    extra_fields = " ".join(
        [
            "description",
            "currency",
            "stock",
            "imageUrl",
            "categoryId",
            "createdAt",
            "updatedAt",
            "deletedAt",
            "version",
            "__typename",
        ][:extra]
    )
    spreads = " ".join(f"...F{i}" for i in range(fragments))
    definitions = " ".join(
        f"fragment F{i} on Product {{ id name price {extra_fields if i == 0 else ''} }}"
        for i in range(fragments)
    )
    return f"{{ products(first: 10) {{ edges {{ node {{ {spreads} }} }} }} }} {definitions}"


@ON_MOTO
def test_depth_within_limit_is_answered(dynamodb_calls: CallRecorder) -> None:
    assert_answered(send(dynamodb_calls, DEPTH_8))


@ON_MOTO
@pytest.mark.parametrize(
    "query",
    [
        DEPTH_9,
        DEPTH_9_BY_FRAGMENTS,
        "query __schema " + DEPTH_9,
        DEPTH_9_BY_FRAGMENTS.replace("InCategory", "__schema"),
        DEPTH_9.replace("{ products", "{ __schema: products", 1),
    ],
    ids=["plain", "fragments", "operation-named-__schema", "fragment-named-__schema", "alias"],
)
def test_depth_over_limit_is_refused(dynamodb_calls: CallRecorder, query: str) -> None:
    assert_refused(send(dynamodb_calls, query), dynamodb_calls, "depth of 8")


def test_introspection_query_of_tools_is_answered() -> None:
    query = get_introspection_query(
        descriptions=True,
        specified_by_url=True,
        directive_is_repeatable=True,
        schema_description=True,
        input_value_deprecation=True,
    )

    result = schema.execute_sync(query)

    assert result.errors is None
    assert result.data is not None
    assert {"Product", "Category"} <= {t["name"] for t in result.data["__schema"]["types"]}


def test_nested_introspection_is_refused() -> None:
    query = "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }"

    result = schema.execute_sync(query)

    assert result.errors
    assert {error.extensions["code"] for error in result.errors} == set(REFUSED)


@ON_MOTO
def test_aliases_within_limit_are_answered(dynamodb_calls: CallRecorder) -> None:
    response = send(dynamodb_calls, aliased_products(15))

    assert_answered(response)
    assert response.data == {f"p{i}": None for i in range(15)}


@ON_MOTO
def test_aliases_over_limit_are_refused(dynamodb_calls: CallRecorder) -> None:
    assert_refused(send(dynamodb_calls, aliased_products(16)), dynamodb_calls, "aliases of 15")


@ON_MOTO
def test_aliases_are_counted_through_fragment_spreads(dynamodb_calls: CallRecorder) -> None:
    # 8 aliases in the text, 3 + 3 * 5 = 18 in the operation as executed.
    query = """
    { a: product(id: "a") { ...Names } b: product(id: "b") { ...Names }
      c: product(id: "c") { ...Names } }
    fragment Names on Product { n1: name n2: name n3: name n4: name n5: name }
    """

    assert_refused(send(dynamodb_calls, query), dynamodb_calls, "aliases of 15")


@ON_MOTO
def test_directives_within_limit_are_answered(dynamodb_calls: CallRecorder) -> None:
    assert_answered(send(dynamodb_calls, names_with_directives(50)))


@ON_MOTO
def test_directives_over_limit_are_refused(dynamodb_calls: CallRecorder) -> None:
    response = send(dynamodb_calls, names_with_directives(51))

    assert_refused(response, dynamodb_calls, "directives of 50")


@ON_MOTO
def test_directives_are_counted_through_fragment_spreads(dynamodb_calls: CallRecorder) -> None:
    # 10 directives in the fragment, spread 6 times.
    spreads = " ".join(f'p{i}: product(id: "{i}") {{ ...Tagged }}' for i in range(6))
    tagged = " ".join("name @skip(if: false)" for _ in range(10))
    query = f"{{ {spreads} }} fragment Tagged on Product {{ {tagged} }}"

    assert_refused(send(dynamodb_calls, query), dynamodb_calls, "directives of 50")


@ON_MOTO
def test_tokens_within_limit_are_answered(dynamodb_calls: CallRecorder) -> None:
    assert_answered(send(dynamodb_calls, padded_to_tokens(1000)))


@ON_MOTO
@pytest.mark.parametrize(
    "query",
    [padded_to_tokens(1001), padded_to_tokens(900) + "\n#" * 101],
    ids=["tokens", "comments"],
)
def test_tokens_over_limit_are_refused(dynamodb_calls: CallRecorder, query: str) -> None:
    response = send(dynamodb_calls, query)

    assert response.codes == REFUSED
    assert "more than 1000 tokens" in response.errors[0]["message"]
    assert dynamodb_calls.calls == []


@ON_MOTO
@pytest.mark.parametrize(
    ("query", "variables"),
    [
        (COST_5000, None),
        ("{ products(first: 100) { edges { node { id name price category { name } } } } }", None),
        (SORTED_PAGE_OF_100, None),
        (NESTED_PAGES, {"categories": 20, "products": 20}),
    ],
    ids=["at-limit", "page-of-100-with-categories", "sorted-filtered-page-of-100", "variables"],
)
def test_cost_within_limit_is_answered(
    dynamodb_calls: CallRecorder, query: str, variables: dict[str, Any] | None
) -> None:
    assert_answered(send(dynamodb_calls, query, variables))


@ON_MOTO
@pytest.mark.parametrize(
    ("query", "variables"),
    [
        (COST_5102, None),
        (NESTED_PAGES, {"categories": 100, "products": 100}),
        # Without variables, their defaults count: 1 + 50 * (3 + 50 * 3) = 7651.
        (NESTED_PAGES, None),
    ],
    ids=["just-over", "variables", "variable-defaults"],
)
def test_cost_over_limit_is_refused(
    dynamodb_calls: CallRecorder, query: str, variables: dict[str, Any] | None
) -> None:
    assert_refused(send(dynamodb_calls, query, variables), dynamodb_calls, "cost of 5000")


@ON_MOTO
@pytest.mark.parametrize("arguments", ["", ", sortKey: PRICE, filter: {inStock: true}"])
def test_pages_of_pages_of_pages_are_refused(dynamodb_calls: CallRecorder, arguments: str) -> None:
    # Sorting and filtering a list leave its cost to `first`, as for any list.
    query = f"""
    {{ categories(first: 100) {{ edges {{ node {{ products(first: 100{arguments}) {{
        edges {{ node {{ category {{ products(first: 100{arguments}) {{
            edges {{ node {{ name }} }} }} }}
    }} }} }} }} }} }} }}
    """

    assert_refused(send(dynamodb_calls, query), dynamodb_calls, "cost of 5000")


@pytest.mark.parametrize(
    ("field", "value", "query"),
    [
        ("max_depth", 3, "{ products { edges { node { name } } } }"),
        ("max_aliases", 1, "{ a: __typename b: __typename }"),
        ("max_directives", 1, "{ a: __typename @skip(if: false) b: __typename @skip(if: false) }"),
        ("max_tokens", 5, "{ __typename __typename __typename __typename }"),
        ("max_cost", 3, "{ products(first: 2) { edges { cursor } } }"),
        ("max_storage_calls", 1, '{ a: product(id: "a") { id } b: product(id: "b") { id } }'),
    ],
)
def test_each_limit_follows_its_setting(
    field: str, value: int, query: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No storage here: the default schema gets as far as the resolvers, and fails there.
    default = schema_for(DEFAULT_SETTINGS).execute_sync(query).errors or []
    assert "GRAPHQL_VALIDATION_FAILED" not in [error.extensions["code"] for error in default]
    lowered = schema_for(replace(DEFAULT_SETTINGS, **{field: value}))

    result = lowered.execute_sync(query)

    assert result.errors
    assert [error.extensions["code"] for error in result.errors] == REFUSED


@pytest.mark.parametrize(
    ("variable", "field", "value"),
    [
        ("CATALOG_MAX_DEPTH", "max_depth", 12),
        ("CATALOG_MAX_ALIASES", "max_aliases", 30),
        ("CATALOG_MAX_DIRECTIVES", "max_directives", 10),
        ("CATALOG_MAX_TOKENS", "max_tokens", 2000),
        ("CATALOG_MAX_COST", "max_cost", 20000),
        ("CATALOG_MAX_STORAGE_CALLS", "max_storage_calls", 500),
        ("CATALOG_MAX_BODY_BYTES", "max_body_bytes", 1_000_000),
    ],
)
def test_limit_settings_come_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, variable: str, field: str, value: int
) -> None:
    monkeypatch.setenv(variable, str(value))

    assert getattr(Settings.from_env(), field) == value


@pytest.mark.parametrize("value", ["0", "-1", "ten"])
def test_limit_setting_that_would_lift_the_limit_fails_at_start(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("CATALOG_MAX_DEPTH", value)

    # "ten" fails in int() itself, before the setting's own check can name it.
    with pytest.raises(ValueError, match=r"CATALOG_MAX_DEPTH|invalid literal for int"):
        Settings.from_env()


@ON_MOTO
def test_refused_request_is_logged_with_its_request_id(
    dynamodb_calls: CallRecorder, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="catalog"):
        response = send(dynamodb_calls, aliased_products(16))

    assert response.codes == REFUSED
    refusals = [r.getMessage() for r in caplog.records if "refused" in r.getMessage()]
    assert len(refusals) == 1
    assert "aliases" in refusals[0]
    assert "None" not in refusals[0]


def _documented_limits() -> dict[str, str]:
    """docs/security.md's table of request limits: setting name -> documented default."""
    page = (Path(__file__).parents[2] / "docs" / "security.md").read_text()
    table = page.split("## Request limits", 1)[1].split("\n\n", 2)[2]
    documented = {}
    for row in table.split("\n\n")[0].splitlines()[2:]:
        _, default, setting, _ = (cell.strip() for cell in row.strip("|").split("|"))
        name = re.search(r"CATALOG_[A-Z_]+", setting)
        if name:
            documented[name.group()] = default
    return documented


def test_defaults_are_the_ones_the_docs_document(monkeypatch: pytest.MonkeyPatch) -> None:
    documented = _documented_limits()
    for name in documented:
        monkeypatch.delenv(name, raising=False)

    defaults = Settings.from_env()

    assert set(documented) == {
        "CATALOG_MAX_DEPTH",
        "CATALOG_MAX_ALIASES",
        "CATALOG_MAX_DIRECTIVES",
        "CATALOG_MAX_TOKENS",
        "CATALOG_MAX_COST",
        "CATALOG_MAX_STORAGE_CALLS",
        "CATALOG_MAX_STORAGE_BYTES",
        "CATALOG_MAX_BODY_BYTES",
        "CATALOG_INTROSPECTION",
        "CATALOG_FIELD_SUGGESTIONS",
    }
    for name, default in documented.items():
        value = getattr(defaults, name.removeprefix("CATALOG_").lower())
        flags = {"on": True, "off": False}
        expected = flags[default] if default in flags else int(default.split()[0])
        assert value == expected, name


@ON_MOTO
def test_cached_document_is_still_measured_with_each_requests_variables(
    dynamodb_calls: CallRecorder,
) -> None:
    # Documents are parsed and validated once per container, and a request measured
    # within the limits is remembered: only with the same page sizes.
    query = """
    query Pages($a: Int = 100, $b: Int!) {
      categories(first: $a) { edges { node { products(first: $b) { edges { node { id } } } } } }
    }
    """

    small = send(dynamodb_calls, query, {"a": 5, "b": 5})
    large = send(dynamodb_calls, query, {"a": 100, "b": 100})
    again = send(dynamodb_calls, query, {"a": 100, "b": 100})
    small_again = send(dynamodb_calls, query, {"a": 5, "b": 5})
    by_default = send(dynamodb_calls, query, {"b": 100})
    not_a_page = send(dynamodb_calls, query, {"a": "5", "b": 100})

    assert not small.errors
    assert_refused(large, dynamodb_calls, "cost")
    assert_refused(again, dynamodb_calls, "cost")
    assert not small_again.errors
    assert_refused(by_default, dynamodb_calls, "cost")
    assert_refused(not_a_page, dynamodb_calls, "cost")


# The red team's request: every other limit passes (cost 2404), but each category of
# each alias lists its products with a Query of its own: 4 x (1 + 100) storage calls.
CATEGORY_FAN_OUT = (
    "{ "
    + " ".join(
        f"c{i}: categories(first: 100) {{ edges {{ node {{"
        " products(first: 1) { edges { node { id name } } } } } }"
        for i in range(4)
    )
    + " }"
)
# A storefront home page: 20 categories with 4 products each, and each product's category.
HOME_PAGE = """
{ categories(first: 20) { edges { node { id name products(first: 4) {
    edges { node { id name price imageUrl category { name } } }
} } } } }
"""


# Storage calls: 101 (a page of 100 categories, a Query each for their products)
# + 2 (a page of products, one BatchGetItem for their categories) + 15 aliased and 1
# plain product lookups + 1 category lookup = 120, the limit itself.
STORAGE_CALLS_120 = (
    "{ categories(first: 100) { edges { node { products(first: 1) { edges { node { id } } } } } }"
    " products(first: 100) { edges { node { category { id } } } }"
    + " ".join(f'p{i}: product(id: "p{i}") {{ id }}' for i in range(15))
    + ' product(id: "p") { id } category(id: "c") { id } }'
)
STORAGE_CALLS_121 = STORAGE_CALLS_120.replace(
    'category(id: "c") { id }', 'category(id: "c") { products(first: 1) { edges { cursor } } }'
)


@ON_MOTO
def test_storage_calls_at_limit_are_answered(dynamodb_calls: CallRecorder) -> None:
    assert_answered(send(dynamodb_calls, STORAGE_CALLS_120))


@ON_MOTO
def test_storage_calls_just_over_limit_are_refused(
    dynamodb_calls: CallRecorder, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="catalog"):
        response = send(dynamodb_calls, STORAGE_CALLS_121)

    assert_refused(response, dynamodb_calls, "storage calls of 120")
    assert "(storage calls: 121)" in response.errors[0]["message"]
    [refusal] = [r.getMessage() for r in caplog.records if "refused" in r.getMessage()]
    assert "storage calls" in refusal


@ON_MOTO
def test_storage_calls_over_limit_are_refused(dynamodb_calls: CallRecorder) -> None:
    response = send(dynamodb_calls, CATEGORY_FAN_OUT)

    assert_refused(response, dynamodb_calls, "storage calls of 120")
    assert "(storage calls: 404)" in response.errors[0]["message"]


def test_storage_calls_of_a_home_page_are_within_limit(
    api: ApiClient, dynamodb_calls: CallRecorder
) -> None:
    # GIVEN 20 categories of 4 products each
    for c in range(20):
        category = api.ok(
            "mutation($i: UpsertCategoryInput!) { upsertCategory(input: $i) { id } }",
            {"i": {"name": f"C{c:02}"}},
        )["upsertCategory"]
        for p in range(4):
            api.ok(
                "mutation($i: UpsertProductInput!) { upsertProduct(input: $i) { id } }",
                {"i": {"name": f"P{c:02}{p}", "price": "1", "categoryId": category["id"]}},
            )
    dynamodb_calls.reset()

    # WHEN the home page is read
    response = api.public(HOME_PAGE)

    # THEN it is answered in full, with one Query per category and one for the list
    assert_answered(response)
    edges = response.data["categories"]["edges"]
    assert [len(edge["node"]["products"]["edges"]) for edge in edges] == [4] * 20
    assert dynamodb_calls.calls == ["Query"] * 21


@ON_MOTO
def test_storage_calls_are_stopped_at_the_limit_while_running(
    dynamodb_calls: CallRecorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a request the estimate lets through, and a run-time cap below what it makes
    # (the estimate cannot foresee every call: a 1 MB page or a retried write), as an
    # app whose schema estimates with the default limit but whose store caps at 3
    settings = settings_with()
    capped = Mangum(
        cast(ASGI, create_app(schema_for(settings), replace(settings, max_storage_calls=3))),
        lifespan="off",
    )
    event = load_event("http-v2")
    event["body"] = json.dumps({"query": aliased_products(5)})

    # WHEN it makes more calls than that
    dynamodb_calls.reset()
    response = response_of(capped(event, LambdaContext()))

    # THEN the first 3 are made and answered, the others refused without a call
    assert response.status == 200
    assert response.codes == ["BAD_USER_INPUT", "BAD_USER_INPUT"]
    assert "at most 3 storage calls" in response.errors[0]["message"]
    assert [name for name, _ in dynamodb_calls.responses] == ["GetItem"] * 3
    assert sum(value is None for value in response.data.values()) == 5


# extensions.cost: what a request was estimated to cost, what it spent, and the limit.


@ON_MOTO
def test_cost_extension_shows_estimated_actual_and_maximum_storage_calls(
    dynamodb_calls: CallRecorder,
) -> None:
    # WHEN a page of products with their categories is read (no products: one Query)
    response = send(
        dynamodb_calls, "{ products(first: 5) { edges { node { category { name } } } } }"
    )

    # THEN its answer says what it cost, as the client's budget sees it
    assert_answered(response)
    assert response.body["extensions"]["cost"] == {
        "estimatedStorageCalls": 2,
        "actualStorageCalls": len(dynamodb_calls.calls),
        "maxStorageCalls": DEFAULT_SETTINGS.max_storage_calls,
    }
    assert dynamodb_calls.calls == ["Query"]


@ON_MOTO
def test_cost_extension_of_a_request_refused_by_the_limit_has_no_actual_calls(
    dynamodb_calls: CallRecorder,
) -> None:
    # Two lists of 100 categories, each category's products one Query: 2 + 200 calls.
    menu = "categories(first: 100) { edges { node { products(first: 1) { edges { cursor } } } } }"
    response = send(dynamodb_calls, f"{{ a: {menu} b: {menu} }}")

    assert response.codes == REFUSED
    assert response.body["extensions"]["cost"] == {
        "estimatedStorageCalls": 202,
        "maxStorageCalls": DEFAULT_SETTINGS.max_storage_calls,
    }
    assert dynamodb_calls.calls == []


@ON_MOTO
def test_cost_extension_is_absent_where_no_document_was_measured(
    dynamodb_calls: CallRecorder,
) -> None:
    response = send(dynamodb_calls, "{ products(first: 2 }")

    assert response.codes == ["GRAPHQL_PARSE_FAILED"]
    assert "cost" not in (response.body.get("extensions") or {})


@ON_MOTO
def test_bytes_read_are_stopped_at_the_limit_while_running(dynamodb_calls: CallRecorder) -> None:
    # GIVEN 12 products with 20 KB descriptions (finding 8), and a container whose bound on
    # the bytes a request reads from DynamoDB is 100 KB
    from tests.catalog import create_product

    admin = ApiClient("http-v2")
    for number in range(12):
        create_product(admin, name=f"P{number:02}", description="\U0001f600" * 5000)
    bounded = CLIENT.with_settings(max_storage_bytes=100 * 1024)

    # WHEN one request reads them all, twice, in price order
    pages = " ".join(
        f"p{i}: products(first: 100, sortKey: PRICE) {{ edges {{ node {{ id description }} }} }}"
        for i in range(2)
    )
    dynamodb_calls.reset()
    response = bounded.public(f"{{ {pages} }}")

    # THEN the first page, which passes the bound, is refused, and no call is made after it
    assert response.status == 200
    assert response.codes == ["BAD_USER_INPUT"]
    assert "bytes of storage" in response.errors[0]["message"]
    assert response.data is None or all(value is None for value in response.data.values())
    # (the first alias reads the in-stock and out-of-stock partitions; the second, nothing)
    assert dynamodb_calls.calls == ["Query", "Query"]


@ON_MOTO
def test_bytes_read_within_the_limit_are_answered(dynamodb_calls: CallRecorder) -> None:
    response = send(dynamodb_calls, SORTED_PAGE_OF_100)

    assert_answered(response)

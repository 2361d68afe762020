"""Measuring a document against the request limits (depth, aliases, directives, cost,
storage calls).

Only the document, the variables, the limits and the assembled schema's types: no storage.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from graphql import get_introspection_query, parse

from resolvers.product_bulk import BULK_CALLS
from schema.compat import core_schema
from schema.limits import KnownWithinLimits, Limits, introspection_cost, measure_limits
from tests.client import DEFAULT_SETTINGS, schema_for

schema = schema_for(DEFAULT_SETTINGS)

# The schema's graphql-core form, with the fields' default page sizes (schema.graphql
# built alone would have none).
CONTRACT = core_schema(schema)
# Every measure is over -1, so every one is reported with its value.
ZERO = Limits(max_depth=-1, max_aliases=-1, max_directives=-1, max_cost=-1, max_storage_calls=-1)
DEFAULTS = Limits(
    max_depth=8, max_aliases=15, max_directives=50, max_cost=5000, max_storage_calls=120
)
MEASURED = re.compile(r"\((depth|aliases|directives|cost|storage calls): (\d+)\)\.$")


def measure(query: str, variables: dict[str, Any] | None = None) -> dict[str, int]:
    """What each limit measured of the document's only operation, from its messages."""
    errors = measure_limits(ZERO, CONTRACT, parse(query), variables or {}).errors
    found = [MEASURED.search(error.message) for error in errors]
    return {match[1]: int(match[2]) for match in found if match}


def refusals(query: str, variables: dict[str, Any] | None = None) -> list[str]:
    errors = measure_limits(DEFAULTS, CONTRACT, parse(query), variables or {}).errors
    assert all(error.extensions == {"code": "GRAPHQL_VALIDATION_FAILED"} for error in errors)
    return [error.message for error in errors]


def test_measure_counts_depth_from_the_top_level_field() -> None:
    assert measure("{ products { edges { node { name } } } }")["depth"] == 4


def test_measure_fragments_add_no_depth_of_their_own() -> None:
    inline = measure("{ products { edges { node { ... on Product { name } } } } }")
    spread = measure(
        "{ products { ...Page } } fragment Page on ProductConnection { edges { node { name } } }"
    )

    assert inline["depth"] == spread["depth"] == 4


def test_measure_counts_aliases_each_time_a_fragment_is_spread() -> None:
    query = """
    { a: products { ...Named } b: products { ...Named } }
    fragment Named on ProductConnection { edges { node { title: name } } }
    """

    assert measure(query)["aliases"] == 4


def test_measure_counts_directives_on_operations_fields_and_fragments() -> None:
    query = """
    query Q @skip(if: false) {
      products @include(if: true) { ...Page @skip(if: false) }
    }
    fragment Page on ProductConnection {
      edges { ... on ProductEdge @include(if: true) { cursor } }
    }
    """

    assert measure(query)["directives"] == 4


def test_measure_cost_multiplies_what_a_page_selects_by_its_size() -> None:
    # products = 1 + 2 * (edges = 1 + cursor 1): 5.
    assert measure("{ products(first: 2) { edges { cursor } } }")["cost"] == 5


def test_measure_page_size_is_the_variables_value() -> None:
    query = "query($n: Int!) { products(first: $n) { edges { cursor } } }"

    assert measure(query, {"n": 3})["cost"] == 1 + 3 * 2


def test_measure_page_size_falls_back_to_the_variables_default() -> None:
    query = "query($n: Int! = 4) { products(first: $n) { edges { cursor } } }"

    assert measure(query)["cost"] == 1 + 4 * 2


def test_measure_page_size_falls_back_to_the_fields_default() -> None:
    assert measure("{ products { edges { cursor } } }")["cost"] == 1 + 20 * 2


@pytest.mark.parametrize("value", [None, 101, -1, "10", True])
def test_measure_unknown_or_out_of_range_page_counts_as_the_largest(value: Any) -> None:
    query = "query($n: Int) { products(first: $n) { edges { cursor } } }"

    assert measure(query, {"n": value})["cost"] == 1 + 100 * 2


def test_measure_depends_only_on_the_variables_given_as_page_sizes() -> None:
    query = """
    query($n: Int!, $m: Int!, $id: ID!) {
      products(first: $n) { edges { cursor } }
      category(id: $id) { products(first: $m) { edges { cursor } } }
    }
    """

    page_variables = measure_limits(
        DEFAULTS, CONTRACT, parse(query), {"n": 1, "id": "c"}
    ).page_variables

    assert page_variables == frozenset({("n",), ("m",)})


def test_measure_introspection_field_depth_is_exempt_and_costs_a_full_answer() -> None:
    deep = "{ __schema { types { fields { type { ofType { ofType { name } } } } } } }"

    measured = measure(deep)

    assert (measured["depth"], measured["cost"]) == (1, introspection_cost(CONTRACT))
    assert 1000 < introspection_cost(CONTRACT) < DEFAULTS.max_cost


def test_standard_introspection_query_is_within_the_limits() -> None:
    assert refusals(get_introspection_query(descriptions=True)) == []


def test_aliased_introspection_is_refused_by_cost() -> None:
    # Finding 9: 15 aliased full __schema selections answered 636 KB for 190 ms of CPU.
    full = get_introspection_query(descriptions=True)
    selection = full[full.index("__schema") : full.index("fragment FullType")].rstrip()[:-1]
    fragments = full[full.index("fragment FullType") :]
    aliased = " ".join(f"s{i}: {selection}" for i in range(15))

    refused = refusals(f"query IntrospectionQuery {{ {aliased} }} {fragments}")

    assert any("maximum cost" in message for message in refused)


def test_measure_alias_named_like_introspection_is_measured() -> None:
    assert measure("{ __schema: products { edges { node { name } } } }")["depth"] == 4


def test_measure_fragment_cycle_is_left_to_validation() -> None:
    query = """
    { products { edges { node { ...A } } } }
    fragment A on Product { name ...B }
    fragment B on Product { id ...A }
    """

    assert measure(query)["depth"] == 4


def test_limits_within_every_default_give_no_errors() -> None:
    query = (
        "{ categories { edges { node { products { edges { node { category { name } } } } } } } }"
    )

    assert refusals(query) == []


def test_limits_over_depth_name_the_limit_and_the_measure() -> None:
    query = """
    { products { edges { node { category {
        products { edges { node { category { name } } } }
    } } } } }
    """

    assert refusals(query) == ["The operation exceeds the maximum depth of 8 (depth: 9)."]


def test_limits_name_the_operation_over_them() -> None:
    aliases = " ".join(f"a{i}: __typename" for i in range(16))

    assert refusals(f"query Wide {{ {aliases} }}") == [
        "Operation 'Wide' exceeds the maximum aliases of 15 (aliases: 16)."
    ]


def test_limits_report_every_limit_an_operation_is_over() -> None:
    query = """
    query Big { categories(first: 100) { edges { node { products(first: 100) {
      edges { node { category { products { edges { node { name } } } } } }
    } } } } }
    """

    messages = refusals(query)

    assert [message.split(" of ")[0] for message in messages] == [
        "Operation 'Big' exceeds the maximum depth",
        "Operation 'Big' exceeds the maximum cost",
        "Operation 'Big' exceeds the maximum storage calls",
    ]


def test_limits_measure_each_operation_of_a_document() -> None:
    query = """
    query Small { products(first: 1) { edges { cursor } } }
    query Large { categories(first: 60) { edges { node { products(first: 60) {
      edges { cursor }
    } } } } }
    """

    assert refusals(query) == ["Operation 'Large' exceeds the maximum cost of 5000 (cost: 7381)."]


@pytest.mark.parametrize(
    ("query", "calls"),
    [
        # A storefront home page: 1 Query for the categories, 1 per category for its
        # products, whose `category` is the parent already read.
        (
            "{ categories(first: 20) { edges { node { products(first: 4) {"
            " edges { node { name category { name } } } } } } } }",
            21,
        ),
        # The red team's fan-out: 4 x (1 + 100).
        (
            "{ "
            + " ".join(
                f"c{i}: categories(first: 100) {{ edges {{ node {{"
                " products(first: 1) { edges { node { id } } } } } }"
                for i in range(4)
            )
            + " }",
            404,
        ),
        # A page's categories are one BatchGetItem, however many products select them.
        ("{ products(first: 100) { edges { node { category { id } c: category { name } } } } }", 2),
        # Outside a page, each product reads its own category.
        ('{ a: product(id: "a") { category { id } } b: product(id: "b") { category { id } } }', 4),
        # includeDeleted reads two partitions; a variable counts as true.
        ("{ products(includeDeleted: true) { edges { cursor } } }", 2),
        ("{ products(includeDeleted: false) { edges { cursor } } }", 1),
        ("query($d: Boolean!) { categories(includeDeleted: $d) { edges { cursor } } }", 2),
        # Another order than by name reads the two stock shelves apart.
        ("{ products(sortKey: PRICE) { edges { cursor } } }", 2),
        ("{ products(sortKey: NAME) { edges { cursor } } }", 1),
        ("{ products(sortKey: CREATED_AT, includeDeleted: true) { edges { cursor } } }", 3),
        ('mutation { upsertCategory(input: {name: "Hats"}) { id } }', 2),
        ("{ __typename }", 0),
        # A search: its products in one BatchGetItem, then the nodes' categories and the
        # facets' labels together in one more.
        (
            '{ search(query: "tent") { totalCount edges { node { category { name } } } '
            "facets { values { label } } } }",
            2,
        ),
        ('{ search(query: "tent") { totalCount edges { node { name } } } }', 1),
        (
            '{ predictiveSearch(query: "te") { queries products { category { name } } '
            "categories { name } } }",
            2,
        ),
        # A predicted category's products are a Query each: up to `limit` of them.
        (
            '{ predictiveSearch(query: "te", limit: 3) { categories { products(first: 2) '
            "{ edges { cursor } } } } }",
            1 + 1 + 3,
        ),
    ],
    ids=[
        "home-page",
        "fan-out",
        "batch-per-page",
        "batch-per-item",
        "include-deleted",
        "live-only",
        "include-deleted-variable",
        "by-price",
        "by-name",
        "by-creation-with-deleted",
        "mutation",
        "no-storage",
        "search-with-facets",
        "search-without-categories",
        "predictive-search",
        "predictive-search-category-products",
    ],
)
def test_measure_storage_calls_count_what_the_resolvers_call(query: str, calls: int) -> None:
    assert measure(query)["storage calls"] == calls


STOREFRONT = """
query($id: ID!, $sort: ProductSortKey, $filter: ProductFilter) {
  category(id: $id) { products(first: 20, sortKey: $sort, filter: $filter) { edges { cursor } } }
}
"""


@pytest.mark.parametrize(
    ("variables", "calls"),
    [
        ({"id": "c", "sort": "NAME"}, 2),
        ({"id": "c"}, 3),
        ({"id": "c", "sort": "PRICE"}, 3),
        ({"id": "c", "sort": "PRICE", "filter": {"inStock": True}}, 2),
        ({"id": "c", "sort": "PRICE", "filter": {"priceMin": "1"}}, 3),
        ({"id": "c", "sort": "NAME", "filter": {"inStock": False}}, 2),
    ],
)
def test_measure_storage_calls_read_the_lists_arguments_from_variables(
    variables: dict[str, Any], calls: int
) -> None:
    # The category's GetItem, then the partitions one page of its list reads.
    assert measure(STOREFRONT, variables)["storage calls"] == calls


def test_measure_storage_calls_count_a_value_they_cannot_read_as_the_costliest() -> None:
    query = "query($all: Boolean) { categories(includeDeleted: $all) { edges { cursor } } }"

    assert measure(query, {"all": True})["storage calls"] == 2
    assert measure(query, {"all": False})["storage calls"] == 1
    # Not given, or not a boolean (GraphQL refuses it later): counted as the costliest.
    assert measure(query, {})["storage calls"] == 2
    assert measure(query, {"all": "yes"})["storage calls"] == 2


def test_measured_requests_are_known_by_the_values_the_estimate_read() -> None:
    # GIVEN a request measured within the limits, its filter in stock
    known = KnownWithinLimits()
    in_stock = {"id": "c", "sort": "PRICE", "filter": {"inStock": True, "priceMin": "1"}}
    known.add(STOREFRONT, measure_limits(DEFAULTS, CONTRACT, parse(STOREFRONT), in_stock), in_stock)

    # THEN another price is the same measure, another stock is measured anew
    other_price = {**in_stock, "filter": {"inStock": True, "priceMin": "5"}}
    both_shelves = {**in_stock, "filter": {"priceMin": "1"}}
    assert known.get(STOREFRONT, other_price) == {None: 2}
    assert known.get(STOREFRONT, both_shelves) is None


BULK_UPSERT = """
mutation($inputs: [UpsertProductInput!]!) {
  upsertProducts(inputs: $inputs) { index product { id category { name } } error { code } }
}
"""


def test_measure_storage_calls_of_upsert_products_is_its_declared_bulk_cost() -> None:
    # Its batched reads and transactions, then the results' categories in one batch.
    assert measure(BULK_UPSERT)["storage calls"] == BULK_CALLS + 1


def test_upsert_products_of_100_inputs_is_within_the_default_limits() -> None:
    inputs = [{"id": f"p{i}", "name": "X", "price": "1"} for i in range(100)]

    assert refusals(BULK_UPSERT, {"inputs": inputs}) == []


@pytest.mark.parametrize(
    ("query", "variables", "calls"),
    [
        ('{ product(id: "p") { slug } }', {}, 1),
        ('{ product(slug: "tent") { id slug } }', {}, 2),
        # A category's slug: the index, then an old slug's owner, or the claim when the
        # index lags: up to 3.
        ('{ category(slug: "tents") { id slug } }', {}, 3),
        ('{ product(id: "p", slug: null) { slug } }', {}, 1),
        ("query($slug: String) { product(slug: $slug) { id } }", {"slug": "tent"}, 2),
        (
            "query($id: ID, $slug: String) { category(id: $id, slug: $slug) { id } }",
            {"id": "c", "slug": None},
            1,
        ),
    ],
    ids=[
        "product-id",
        "product-slug",
        "category-slug",
        "slug-null",
        "slug-variable",
        "slug-variable-null",
    ],
)
def test_measure_storage_calls_count_a_slug_lookup_as_claim_then_item(
    query: str, variables: dict[str, Any], calls: int
) -> None:
    assert measure(query, variables)["storage calls"] == calls


MENU = """
{ categories(level: 0, first: 20) { edges { node { name
    children(first: 10) { edges { node { name slug } } } } } } }
"""


@pytest.mark.parametrize(
    ("query", "calls"),
    [
        # A menu: the roots, then each one's children: 1 + 20 Queries, within the limit.
        (MENU, 21),
        # Breadcrumbs: the category, then its ancestors in one batch.
        ('{ category(id: "c") { ancestors { name } } }', 2),
        # A product page: the product, its category, the category's breadcrumbs.
        ('{ product(id: "p") { category { name ancestors { name slug } } } }', 3),
        # A page of categories' breadcrumbs: one batch for the page.
        ("{ categories(first: 50) { edges { node { ancestors { name } } } } }", 2),
        # A page of products' categories and their breadcrumbs: two batches.
        ("{ products(first: 50) { edges { node { category { ancestors { id } } } } } }", 3),
        # Children of a parent: its Query, and its GetItem when the page is empty.
        ('{ categories(parentId: "c") { edges { cursor } } }', 2),
        ("{ categories(level: 2) { edges { cursor } } }", 1),
        # A move (parentId given, null too) reads and writes the subtree.
        ('mutation { upsertCategory(input: {id: "c", parentId: "p"}) { id } }', 106),
        ('mutation { upsertCategory(input: {id: "c", parentId: null}) { id } }', 106),
        ('mutation { upsertCategory(input: {id: "c", name: "N"}) { id } }', 2),
    ],
    ids=[
        "menu",
        "breadcrumbs",
        "product-page",
        "page-breadcrumbs",
        "products-category-breadcrumbs",
        "children-of",
        "level",
        "move",
        "move-to-root",
        "rename",
    ],
)
def test_measure_storage_calls_count_the_tree(query: str, calls: int) -> None:
    assert measure(query)["storage calls"] == calls


def test_a_menu_of_20_categories_with_10_children_each_passes_the_default_limit() -> None:
    assert measure(MENU)["storage calls"] <= 120

"""GraphQL documents and small builders shared by the behaviour tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from graphql import GraphQLObjectType, build_schema

from tests.client import ApiClient

SCHEMA = Path(__file__).parents[1] / "schema.graphql"
# Fields of the public types that are relations, read by their own resolvers.
RELATIONS = {"Product": {"category"}, "Category": {"products", "parent", "ancestors", "children"}}

PRODUCT = """
    id name description price currency stock imageUrl categoryId
    createdAt updatedAt deletedAt version slug
"""
CATEGORY = (
    "id name description productCount createdAt updatedAt deletedAt version slug parentId level"
)

UPSERT_PRODUCT = f"""
mutation Upsert($input: UpsertProductInput!) {{ upsertProduct(input: $input) {{ {PRODUCT} }} }}
"""
UPSERT_PRODUCTS = f"""
mutation Bulk($inputs: [UpsertProductInput!]!) {{
  upsertProducts(inputs: $inputs) {{
    index
    product {{ {PRODUCT} category {{ id productCount }} }}
    error {{ code message field }}
  }}
}}
"""
UPSERT_CATEGORY = f"""
mutation Upsert($input: UpsertCategoryInput!) {{ upsertCategory(input: $input) {{ {CATEGORY} }} }}
"""


def upsert_category(api: ApiClient, **fields: Any) -> Any:
    return api.admin(UPSERT_CATEGORY, {"input": fields})


GET_PRODUCT = f"""
query Get($id: ID!, $all: Boolean! = false) {{
  product(id: $id, includeDeleted: $all) {{ {PRODUCT} category {{ {CATEGORY} }} }}
}}
"""
GET_CATEGORY = f"""
query Get($id: ID!, $all: Boolean! = false) {{
  category(id: $id, includeDeleted: $all) {{ {CATEGORY} }}
}}
"""
PRODUCT_BY_SLUG = """
query Get($slug: String!, $all: Boolean! = false) {
  product(slug: $slug, includeDeleted: $all) { id name slug deletedAt }
}
"""
CATEGORY_BY_SLUG = """
query Get($slug: String!, $all: Boolean! = false) {
  category(slug: $slug, includeDeleted: $all) { id name slug deletedAt }
}
"""
DELETE_PRODUCT = """
mutation Delete($id: ID!, $hard: Boolean! = false, $v: Int) {
  deleteProduct(id: $id, hard: $hard, expectedVersion: $v) { id hard deletedAt }
}
"""
DELETE_CATEGORY = """
mutation Delete($id: ID!, $hard: Boolean! = false, $v: Int) {
  deleteCategory(id: $id, hard: $hard, expectedVersion: $v) { id hard deletedAt }
}
"""
RESTORE_PRODUCT = f"mutation R($id: ID!) {{ restoreProduct(id: $id) {{ {PRODUCT} }} }}"
RESTORE_CATEGORY = f"mutation R($id: ID!) {{ restoreCategory(id: $id) {{ {CATEGORY} }} }}"
LIST_PRODUCTS = """
query List($first: Int! = 20, $after: String, $categoryId: ID, $all: Boolean! = false) {
  products(first: $first, after: $after, categoryId: $categoryId, includeDeleted: $all) {
    edges { cursor node { id name deletedAt categoryId } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
LIST_CATEGORIES = """
query List($first: Int! = 20, $after: String, $all: Boolean! = false) {
  categories(first: $first, after: $after, includeDeleted: $all) {
    edges { cursor node { id name deletedAt productCount } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
CATEGORY_PRODUCTS = """
query Page($id: ID!, $first: Int! = 20, $after: String) {
  category(id: $id) {
    productCount
    products(first: $first, after: $after) {
      edges { cursor node { id name } }
      pageInfo { hasNextPage endCursor }
    }
  }
}
"""


def create_category(api: ApiClient, name: str = "Shoes", **fields: Any) -> dict[str, Any]:
    data = api.ok(UPSERT_CATEGORY, {"input": {"name": name, **fields}})
    return data["upsertCategory"]  # type: ignore[no-any-return]


def create_product(
    api: ApiClient, name: str = "Trail Runner", price: str = "89.90", **fields: Any
) -> dict[str, Any]:
    data = api.ok(UPSERT_PRODUCT, {"input": {"name": name, "price": price, **fields}})
    return data["upsertProduct"]  # type: ignore[no-any-return]


def upsert_product(api: ApiClient, **fields: Any) -> Any:
    return api.admin(UPSERT_PRODUCT, {"input": fields})


def get_product(api: ApiClient, product_id: str, *, include_deleted: bool = False) -> Any:
    data = api.ok(GET_PRODUCT, {"id": product_id, "all": include_deleted})
    return data["product"]


def get_category(api: ApiClient, category_id: str, *, include_deleted: bool = False) -> Any:
    data = api.ok(GET_CATEGORY, {"id": category_id, "all": include_deleted})
    return data["category"]


def walk(
    api: ApiClient, query: str, field: str, first: int, **variables: Any
) -> list[list[dict[str, Any]]]:
    """Every page of a list, following `endCursor` until `hasNextPage` is false."""
    pages: list[list[dict[str, Any]]] = []
    after = None
    while True:
        data = api.ok(query, {"first": first, "after": after, **variables})[field]
        pages.append([edge["node"] for edge in data["edges"]])
        if not data["pageInfo"]["hasNextPage"]:
            return pages
        after = data["pageInfo"]["endCursor"]
        assert len(pages) < 1000, "pagination does not end"


def live_products(api: ApiClient, category_id: str) -> int:
    """How many live products the category's list shows, across all its pages."""
    pages = walk(api, LIST_PRODUCTS, "products", first=100, categoryId=category_id)
    return sum(len(page) for page in pages)


def assert_counts_match(api: ApiClient) -> None:
    """Every category, deleted ones too, counts exactly the live products it lists."""
    for page in walk(api, LIST_CATEGORIES, "categories", first=100, all=True):
        for category in page:
            assert category["productCount"] == live_products(api, category["id"]), category


def public_schema_fields(type_name: str) -> set[str]:
    """The fields of a type in schema.graphql that hold its own data (no relation)."""
    graphql_type = build_schema(SCHEMA.read_text()).type_map[type_name]
    assert isinstance(graphql_type, GraphQLObjectType)
    return set(graphql_type.fields) - RELATIONS[type_name]

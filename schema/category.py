"""The Category type, its connection, and UpsertCategoryInput."""

from __future__ import annotations

from datetime import datetime

import strawberry

from models import Category as CategoryModel
from models import values
from resolvers import categories as category_resolvers
from resolvers.pagination import Page
from resolvers.slugs import placeholder
from schema.pagination import PageInfo
from schema.product import CategoryBatch, ProductConnection
from schema.product_list import SERVED, FilterArgument, ProductSortKey, product_page


def resolve_products(
    root: Category,
    first: int = 20,
    after: str | None = strawberry.UNSET,
    sort_key: ProductSortKey = ProductSortKey.NAME,
    reverse: bool = False,
    filter_: FilterArgument = strawberry.UNSET,
) -> ProductConnection:
    page = product_page(
        first,
        after or None,
        category_id=root.id,
        include_deleted=False,
        sort_key=sort_key,
        reverse=reverse,
        product_filter=filter_ or None,
    )
    return ProductConnection.from_page(page, parent=root)


def resolve_parent(root: Category) -> Category | None:
    return root.tree.get(root.parent_id) if root.parent_id else None


def resolve_ancestors(root: Category) -> list[Category]:
    return root.tree.get_all(root.ancestor_ids)


def resolve_children(
    root: Category, first: int = 50, after: str | None = strawberry.UNSET
) -> CategoryConnection:
    page = category_resolvers.list_children(root.id, first, after or None)
    return CategoryConnection.from_page(page)


@strawberry.type
class Category:
    id: strawberry.ID
    name: str
    description: str | None
    product_count: int = strawberry.field(
        description="Number of live (not deleted) products in this category."
    )
    products: ProductConnection = strawberry.field(
        resolver=resolve_products,
        description="Live products of this category in the sortKey order (reversed when "
        "reverse is true), narrowed by filter." + SERVED,
    )
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None
    version: int
    slug: str = strawberry.field(
        description="URL handle: lowercase ASCII letters and digits in hyphen-separated runs, "
        "1-100 characters; unique among categories."
    )
    parent: Category | None = strawberry.field(
        resolver=resolve_parent, description="The parent category; null for a root."
    )
    parent_id: strawberry.ID | None
    ancestors: list[Category] = strawberry.field(
        resolver=resolve_ancestors,
        description="The breadcrumb trail: the root first, ending with the parent. Empty for "
        "a root.",
    )
    level: int = strawberry.field(description="0 for a root, the parent's level + 1 otherwise.")
    children: CategoryConnection = strawberry.field(
        resolver=resolve_children,
        description="Live child categories, by name (case-insensitive), then id.",
    )
    ancestor_ids: strawberry.Private[list[str]]
    tree: strawberry.Private[CategoryBatch]

    @classmethod
    def from_model(cls, model: CategoryModel, tree: CategoryBatch | None = None) -> Category:
        fields = values(model)
        ancestor_ids = list(fields.get("ancestor_ids") or ())
        parent_id = fields.get("parent_id")
        return cls(
            id=strawberry.ID(fields["id"]),
            name=fields["name"],
            description=fields.get("description"),
            product_count=int(fields["product_count"]),
            created_at=fields["created_at"],
            updated_at=fields["updated_at"],
            deleted_at=fields.get("deleted_at"),
            version=int(fields["version"]),
            slug=fields.get("slug") or placeholder(fields["id"]),
            parent_id=strawberry.ID(parent_id) if parent_id else None,
            level=int(fields.get("level") or 0),
            ancestor_ids=ancestor_ids,
            tree=tree if tree is not None else CategoryBatch(ancestor_ids),
        )


@strawberry.type
class CategoryEdge:
    cursor: str
    node: Category


@strawberry.type
class CategoryConnection:
    edges: list[CategoryEdge]
    page_info: PageInfo

    @classmethod
    def from_page(cls, page: Page[CategoryModel]) -> CategoryConnection:
        # One batch for the page: every breadcrumb of it in one BatchGetItem.
        tree = CategoryBatch()
        nodes = [Category.from_model(model, tree=tree) for _, model in page.items]
        for node in nodes:
            tree.add(node)
        return cls(
            edges=[
                CategoryEdge(cursor=cursor, node=node)
                for (cursor, _), node in zip(page.items, nodes, strict=True)
            ],
            page_info=PageInfo(has_next_page=page.has_next_page, end_cursor=page.end_cursor),
        )


@strawberry.input
class UpsertCategoryInput:
    id: strawberry.ID | None = strawberry.UNSET
    name: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    expected_version: int | None = strawberry.UNSET
    parent_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET,
        description="Absent: unchanged (a new category is a root). null: make it a root. An "
        "id: move it under that category.",
    )
    slug: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="Absent on create: made from the name. Absent on update: unchanged.",
    )


CATEGORY_INPUT_FIELDS = ("name", "description", "parent_id", "slug")

"""The Category type, its connection, and UpsertCategoryInput."""

from __future__ import annotations

from datetime import datetime

import strawberry

from models import Category as CategoryModel
from models import values
from resolvers.pagination import Page
from resolvers.slugs import placeholder
from schema.pagination import PageInfo
from schema.product import ProductConnection
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

    @classmethod
    def from_model(cls, model: CategoryModel) -> Category:
        fields = values(model)
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
        return cls(
            edges=[
                CategoryEdge(cursor=cursor, node=Category.from_model(model))
                for cursor, model in page.items
            ],
            page_info=PageInfo(has_next_page=page.has_next_page, end_cursor=page.end_cursor),
        )


@strawberry.input
class UpsertCategoryInput:
    id: strawberry.ID | None = strawberry.UNSET
    name: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    expected_version: int | None = strawberry.UNSET
    slug: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="Absent on create: made from the name. Absent on update: unchanged.",
    )


CATEGORY_INPUT_FIELDS = ("name", "description", "slug")

"""The Product type, its connection, and UpsertProductInput."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.types import Info

from models import Product as ProductModel
from resolvers.pagination import Page
from schema.context import Context
from schema.pagination import PageInfo

if TYPE_CHECKING:
    from schema.category import Category


async def resolve_category(
    root: Product, info: Info[Context, None]
) -> Annotated[Category, strawberry.lazy("schema.category")] | None:
    if root.category_id is None:
        return None
    from schema.category import Category

    model = await info.context.categories.load(root.category_id)
    return Category.from_model(model) if model is not None else None


@strawberry.type
class Product:
    id: strawberry.ID
    name: str
    description: str | None
    price: Decimal
    currency: str = strawberry.field(description="ISO 4217 code, three upper-case letters.")
    stock: int
    image_url: str | None
    category_id: strawberry.ID | None
    category: Annotated[Category, strawberry.lazy("schema.category")] | None = strawberry.field(
        resolver=resolve_category
    )
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None
    version: int

    @classmethod
    def from_model(cls, model: ProductModel) -> Product:
        return cls(
            id=strawberry.ID(model.id),
            name=model.name,
            description=model.description,
            price=model.price,
            currency=model.currency,
            stock=int(model.stock),
            image_url=model.image_url,
            category_id=strawberry.ID(model.category_id) if model.category_id else None,
            created_at=model.created_at,
            updated_at=model.updated_at,
            deleted_at=model.deleted_at,
            version=int(model.version),
        )


@strawberry.type
class ProductEdge:
    cursor: str
    node: Product


@strawberry.type
class ProductConnection:
    edges: list[ProductEdge]
    page_info: PageInfo

    @classmethod
    def from_page(cls, page: Page[ProductModel]) -> ProductConnection:
        return cls(
            edges=[
                ProductEdge(cursor=cursor, node=Product.from_model(model))
                for cursor, model in page.items
            ],
            page_info=PageInfo(has_next_page=page.has_next_page, end_cursor=page.end_cursor),
        )


@strawberry.input
class UpsertProductInput:
    id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET,
        description="Absent: create with a new id. Present: update that product, "
        "or create it with this id.",
    )
    name: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    price: Decimal | None = strawberry.UNSET
    currency: str | None = strawberry.UNSET
    stock: int | None = strawberry.UNSET
    image_url: str | None = strawberry.UNSET
    category_id: strawberry.ID | None = strawberry.UNSET
    expected_version: int | None = strawberry.field(
        default=strawberry.UNSET,
        description="If given, the write happens only when the stored version equals it.",
    )


def present_fields(data: Any, names: tuple[str, ...]) -> dict[str, Any]:
    """The input's fields the client sent, explicit nulls included, absent ones not."""
    return {
        name: getattr(data, name) for name in names if getattr(data, name) is not strawberry.UNSET
    }


PRODUCT_INPUT_FIELDS = (
    "name",
    "description",
    "price",
    "currency",
    "stock",
    "image_url",
    "category_id",
)

"""ProductSortKey and ProductFilter: how a list of products is ordered and narrowed."""

from __future__ import annotations

from decimal import Decimal
from enum import Enum
from typing import Annotated, Any

import strawberry

from resolvers import product_lists, products
from resolvers.pagination import Page
from schema.inputs import given

# The combinations the indexes serve, stated once for every list field's description.
SERVED = (
    " Every sortKey, reverse and inStock is served, for all products or one category;"
    " priceMin/priceMax need sortKey PRICE, nameStartsWith needs sortKey NAME, and"
    " inStock cannot be combined with includeDeleted (BAD_USER_INPUT otherwise)."
)


@strawberry.enum(description="How a list of products is ordered.")
class ProductSortKey(Enum):
    NAME = strawberry.enum_value(
        product_lists.NAME, description="Name, case-insensitive, then id (the default)."
    )
    PRICE = strawberry.enum_value(
        product_lists.PRICE, description="Price amount, then name (case-insensitive), then id."
    )
    CREATED_AT = strawberry.enum_value(
        product_lists.CREATED_AT, description="Creation time, then id."
    )


@strawberry.input(description="Narrows a list of products; every given field must hold.")
class ProductFilter:
    price_min: Decimal | None = strawberry.field(
        default=strawberry.UNSET, description="Price at least this (inclusive)."
    )
    price_max: Decimal | None = strawberry.field(
        default=strawberry.UNSET, description="Price at most this (inclusive)."
    )
    in_stock: bool | None = strawberry.field(
        default=strawberry.UNSET,
        description="true: only stock > 0. false: only stock = 0. Absent: both.",
    )
    name_starts_with: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="Name starts with this, case-insensitively (the value is trimmed).",
    )

    def to_filter(self) -> product_lists.ProductFilter:
        """The filter as the resolvers take it; absent and null fields both mean no bound."""

        return product_lists.ProductFilter(
            price_min=given(self.price_min),
            price_max=given(self.price_max),
            in_stock=given(self.in_stock),
            name_starts_with=given(self.name_starts_with),
        )


# The `filter` argument: a builtin's name in GraphQL, another in Python.
FilterArgument = Annotated[ProductFilter | None, strawberry.argument(name="filter")]


def product_page(
    first: int,
    after: str | None,
    *,
    category_id: str | None,
    include_deleted: bool,
    sort_key: ProductSortKey,
    reverse: bool,
    product_filter: ProductFilter | None,
) -> Page[Any]:
    """The page of the list these arguments name."""
    return products.list_products(
        first,
        after,
        category_id=category_id,
        include_deleted=include_deleted,
        sort=str(sort_key.value),
        reverse=reverse,
        product_filter=product_filter.to_filter() if product_filter else None,
    )

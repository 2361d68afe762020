"""Product search's types: SearchSortKey, SearchFilter, facets, the connection, predictions."""

from __future__ import annotations

from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any, Protocol, cast

import strawberry
from strawberry.types import Info

from resolvers import search
from schema.inputs import given
from schema.pagination import PageInfo
from schema.product import CategoryBatch, Product, ProductEdge
from search.types import SearchPage

if TYPE_CHECKING:
    from schema.category import Category
    from search.service import SearchService

CATEGORY_FACET = "category"
IN_STOCK_FACET = "inStock"
IN_STOCK_LABELS = {True: "In stock", False: "Out of stock"}


@strawberry.enum(description="How search results are ordered.")
class SearchSortKey(Enum):
    RELEVANCE = strawberry.enum_value(
        "RELEVANCE",
        description="Best match first (see the rules); ties by name, then id. "
        "With an empty query: NAME order.",
    )
    PRICE = "PRICE"
    NAME = "NAME"
    CREATED_AT = "CREATED_AT"


@strawberry.input(description="Narrows a search; every given field must hold.")
class SearchFilter:
    category_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET,
        description="Products of this category or of any category below it.",
    )
    price_min: Decimal | None = strawberry.UNSET
    price_max: Decimal | None = strawberry.UNSET
    in_stock: bool | None = strawberry.UNSET

    def to_filter(self) -> search.SearchFilter:
        """The filter as the resolvers take it; absent and null fields both mean no bound."""
        return search.SearchFilter(
            category_id=given(self.category_id),
            price_min=given(self.price_min),
            price_max=given(self.price_max),
            in_stock=given(self.in_stock),
        )


@strawberry.type
class FacetValue:
    value: str
    label: str
    count: int


@strawberry.type
class Facet:
    name: str = strawberry.field(
        description='"category" or "inStock"; `facets` always holds both, in that order, '
        "each possibly with no values."
    )
    values: list[FacetValue]


@strawberry.type
class PriceRange:
    min: Decimal
    max: Decimal


def _ordered(values: list[FacetValue]) -> list[FacetValue]:
    return sorted(values, key=lambda value: (-value.count, value.label))


def resolve_facets(root: ProductSearchConnection) -> list[Facet]:
    categories = []
    for category_id, count in root.category_counts:
        category = root.categories.get(category_id)
        if category is not None and category.deleted_at is None and count > 0:
            categories.append(FacetValue(value=category_id, label=category.name, count=count))
    in_stock = [
        FacetValue(value=str(state).lower(), label=IN_STOCK_LABELS[state], count=count)
        for state, count in root.stock_counts
        if count > 0
    ]
    return [
        Facet(name=CATEGORY_FACET, values=_ordered(categories)),
        Facet(name=IN_STOCK_FACET, values=_ordered(in_stock)),
    ]


@strawberry.type
class ProductSearchConnection:
    edges: list[ProductEdge]
    page_info: PageInfo
    total_count: int = strawberry.field(description="Exact number of matching products.")
    facets: list[Facet] = strawberry.field(resolver=resolve_facets)
    price_range: PriceRange | None = strawberry.field(
        description="Lowest and highest price among the matches, ignoring priceMin/priceMax; "
        "null when nothing matches."
    )
    category_counts: strawberry.Private[list[tuple[str, int]]]
    stock_counts: strawberry.Private[list[tuple[bool, int]]]
    categories: strawberry.Private[CategoryBatch]

    @classmethod
    def from_answer(cls, answer: SearchPage) -> ProductSearchConnection:
        """The connection; the nodes' categories and the facets' labels are one read."""
        categories = CategoryBatch(
            [model.category_id for _, model in answer.items]
            + [category_id for category_id, _ in answer.categories]
        )
        edges = [
            ProductEdge(cursor=cursor, node=Product.from_model(model, categories))
            for cursor, model in answer.items
        ]
        low_high = answer.price_range
        return cls(
            edges=edges,
            page_info=PageInfo(
                has_next_page=answer.has_next_page,
                end_cursor=edges[-1].cursor if edges else None,
            ),
            total_count=answer.total_count,
            price_range=PriceRange(min=low_high[0], max=low_high[1]) if low_high else None,
            category_counts=answer.categories,
            stock_counts=answer.in_stock,
            categories=categories,
        )


def resolve_predicted_categories(
    root: PredictiveSearchResult,
) -> list[Annotated[Category, strawberry.lazy("schema.category")]]:
    found = [root.batch.get(category_id) for category_id in root.category_ids]
    return [category for category in found if category is not None and category.deleted_at is None]


@strawberry.type
class PredictiveSearchResult:
    queries: list[str] = strawberry.field(
        description="Completed queries for what was typed, most useful first."
    )
    products: list[Product]
    categories: list[Annotated[Category, strawberry.lazy("schema.category")]] = strawberry.field(
        resolver=resolve_predicted_categories
    )
    category_ids: strawberry.Private[list[str]]
    batch: strawberry.Private[CategoryBatch]

    @classmethod
    def from_answer(cls, answer: search.PredictionAnswer) -> PredictiveSearchResult:
        """The result; the products' and the predicted categories were read with the products
        (a category the index did not know for a product is read on first use)."""
        batch = CategoryBatch()
        batch.loaded(answer.categories)
        return cls(
            queries=answer.queries,
            products=[Product.from_model(model, batch) for model in answer.products],
            category_ids=answer.category_ids,
            batch=batch,
        )


# The `filter` argument: a builtin's name in GraphQL, another in Python.
SearchFilterArgument = Annotated[SearchFilter | None, strawberry.argument(name="filter")]


class _Searching(Protocol):
    """A schema that searches an index: schema/root.py's CatalogSchema."""

    search_service: SearchService


def search_service(info: Info[Any, Any]) -> SearchService:
    """The index source of the schema running the request, which the composition root
    built from the settings (build_schema)."""
    return cast(_Searching, info.schema).search_service


def search_products(
    info: Info[Any, Any],
    query: str = "",
    first: int = 20,
    after: str | None = strawberry.UNSET,
    sort_key: SearchSortKey = SearchSortKey.RELEVANCE,
    reverse: bool = False,
    filter_: SearchFilterArgument = strawberry.UNSET,
) -> ProductSearchConnection:
    answer = search.search_products(
        search_service(info),
        query,
        first,
        after or None,
        sort=str(sort_key.value),
        reverse=reverse,
        search_filter=filter_.to_filter() if filter_ else None,
    )
    return ProductSearchConnection.from_answer(answer)


def predictive_search(info: Info[Any, Any], query: str, limit: int = 5) -> PredictiveSearchResult:
    return PredictiveSearchResult.from_answer(search.predict(search_service(info), query, limit))

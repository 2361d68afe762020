"""Search and predictive search: the checked request, the index's answer, fresh nodes.

The index (search/) decides which live products match and in what order; the nodes
are then read from DynamoDB in one BatchGetItem, so what a result shows is what
`product(id:)` shows, and a product deleted since the index saw it is left out.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from errors import BadUserInput
from models import Category, Product
from resolvers import validation
from resolvers.pagination import decode_cursor, encode_cursor
from search.text import MAX_QUERY_CHARACTERS, MAX_QUERY_WORDS
from search.types import (
    CREATED_AT,
    NAME,
    PRICE,
    RELEVANCE,
    Filters,
    Search,
    SearchPage,
    UnknownCategory,
)
from store.entities import get_products_and_categories
from store.errors import translated_errors

if TYPE_CHECKING:
    from search.service import SearchService

MAX_LIMIT = 10
# The storage cost of a search, as schema/limits.py estimates it: the index answers
# without a call, then the page's products are one BatchGetItem (a page holds at most
# 100, BatchGetItem's most). Their categories, and the facets' labels, are one more,
# batched by the schema (schema/product.py's CategoryBatch).
SEARCH_CALLS = 1
# Predictive search: its at most MAX_LIMIT products and the categories the index
# knows for them and predicts, in one BatchGetItem. The schema counts one more for the
# categories' batch: a product moved since the index saw it needs its new category read.
PREDICT_CALLS = 1
_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
# A creation time as the index keeps it (models.base.CREATED_KEY_FORMAT).
_CREATED = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}\+0000")


@dataclass(frozen=True)
class SearchFilter:
    """What a search is narrowed to, as the client sent it (unchecked)."""

    category_id: str | None = None
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    in_stock: bool | None = None


@dataclass(frozen=True)
class PredictionAnswer:
    """Predictive search's queries, fresh live products, and the categories' ids, with
    the stored categories read alongside the products (the predicted ones, and the
    products' as the index knows them)."""

    queries: list[str]
    products: list[Product]
    category_ids: list[str]
    categories: dict[str, Category | None]


def search_products(
    service: SearchService,
    query: str,
    first: int,
    after: str | None,
    *,
    sort: str = RELEVANCE,
    reverse: bool = False,
    search_filter: SearchFilter | None = None,
) -> SearchPage:
    """A page of the products matching `query`, narrowed by the filter, in `sort` order:
    its items are (cursor, product) for the products that are live now, read fresh."""
    page = search_page(
        service, query, first, after, sort=sort, reverse=reverse, search_filter=search_filter
    )
    products = load_products([product_id for _, product_id in page.items])
    items = [(cursor, products[item]) for cursor, item in page.items if item in products]
    return replace(page, items=items)


def search_page(
    service: SearchService,
    query: str,
    first: int,
    after: str | None,
    *,
    sort: str = RELEVANCE,
    reverse: bool = False,
    search_filter: SearchFilter | None = None,
) -> SearchPage:
    """The index's answer, its items as (cursor, product id): no DynamoDB read."""
    words = query_words(query)
    validation.page_size(first)
    filters = _filters(search_filter or SearchFilter())
    search = Search(words=tuple(words), filters=filters, sort=sort, reverse=reverse)
    start = decode_cursor(search.cursor_kind, after, lambda key: _key(search.order, key) != ())
    try:
        page = service.current_index().search(
            search, first, _key(search.order, start) if start else None
        )
    except UnknownCategory:
        raise BadUserInput(f"categoryId {filters.category_id} is not a category.") from None
    return replace(
        page,
        items=[
            (encode_cursor(search.cursor_kind, _encoded(key)), product_id)
            for key, product_id in page.items
        ],
    )


def predict(service: SearchService, query: str, limit: int) -> PredictionAnswer:
    """What predictive search answers for `query`: at most `limit` of each list."""
    words = query_words(query)
    if not words:
        raise BadUserInput("query must hold at least one word.")
    if not 1 <= limit <= MAX_LIMIT:
        raise BadUserInput(f"limit must be between 1 and {MAX_LIMIT}.")
    prediction = service.current_index().predict(words, limit)
    category_ids = {*prediction.category_ids, *prediction.product_category_ids}
    products, categories = get_products_and_categories(prediction.product_ids, category_ids)
    return PredictionAnswer(
        queries=prediction.queries,
        products=[
            products[item]
            for item in prediction.product_ids
            if item in products and products[item].deleted_at is None
        ],
        category_ids=prediction.category_ids,
        # Those read and not found are known not to exist: no second read for them.
        categories={category_id: categories.get(category_id) for category_id in category_ids},
    )


def query_words(query: str) -> list[str]:
    """The query's words as the index matches them; BAD_USER_INPUT over the limits."""
    validation.text(query, "query")
    if len(query) > MAX_QUERY_CHARACTERS:
        raise BadUserInput(f"query must be at most {MAX_QUERY_CHARACTERS} characters.")
    from search.text import words

    found = words(query)
    if len(found) > MAX_QUERY_WORDS:
        raise BadUserInput(f"query must be at most {MAX_QUERY_WORDS} words.")
    return found


def load_products(product_ids: Sequence[str]) -> dict[str, Product]:
    """The live products among `product_ids`, read in one BatchGetItem (per 100)."""
    if not product_ids:
        return {}
    with translated_errors():
        found = Product.batch_get(set(product_ids))
        return {product.id: product for product in found if product.deleted_at is None}


def _filters(given: SearchFilter) -> Filters:
    price_min, price_max = validation.price_bounds(given.price_min, given.price_max)
    return Filters(
        category_id=validation.category_id(given.category_id),
        price_min=price_min,
        price_max=price_max,
        in_stock=given.in_stock,
    )


def _encoded(key: tuple[Any, ...]) -> str:
    return json.dumps([str(part) if isinstance(part, Decimal) else part for part in key])


def _key(order: str, raw: str) -> tuple[Any, ...]:
    """The sort key a cursor carries, in the shape of `order`'s keys; () when it is not."""
    try:
        parts = json.loads(raw)
    except ValueError:
        return ()
    if not isinstance(parts, list) or not parts or not _ID.fullmatch(str(parts[-1])):
        return ()
    if not all(isinstance(part, str) for part in parts[1:]):
        return ()
    head = parts[0]
    if order == RELEVANCE and len(parts) == 3 and isinstance(head, int | float):
        return (float(head), parts[1], parts[2])
    if order == PRICE and len(parts) == 3 and isinstance(head, str):
        try:
            return (validation.price(Decimal(head)), parts[1], parts[2])
        except (InvalidOperation, BadUserInput):
            return ()
    if order == NAME and len(parts) == 2 and isinstance(head, str):
        return (head, parts[1])
    if (
        order == CREATED_AT
        and len(parts) == 2
        and isinstance(head, str)
        and _CREATED.fullmatch(head)
    ):
        return (head, parts[1])
    return ()

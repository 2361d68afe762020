"""The benchmarked operations: a handler request and the raw botocore calls it must make.

Each baseline is what a hand-written handler would do at the least: the same DynamoDB
requests the operation needs (same tables, index, keys, limit, conditions), a flat
reading of the DynamoDB JSON into the response's fields, and `json.dumps` of the
response body. It skips GraphQL, Mangum, Strawberry and PynamoDB entirely.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import botocore.client
import botocore.session

from cli.sample_images import sample_png
from models.base import CONNECT_TIMEOUT_SECONDS, MAX_RETRY_ATTEMPTS, READ_TIMEOUT_SECONDS

if TYPE_CHECKING:
    from search.service import SearchService

PRODUCT_FIELDS = (
    "id name description price currency stock imageUrl categoryId "
    "createdAt updatedAt deletedAt version"
)
CATEGORY_FIELDS = "id name description productCount createdAt updatedAt deletedAt version"

GET_PRODUCT = f"query Get($id: ID!) {{ product(id: $id) {{ {PRODUCT_FIELDS} }} }}"
GET_CATEGORY = f"query Get($id: ID!) {{ category(id: $id) {{ {CATEGORY_FIELDS} }} }}"
PRODUCT_BY_SLUG = f"query Get($slug: String!) {{ product(slug: $slug) {{ {PRODUCT_FIELDS} }} }}"
CATEGORY_BY_SLUG = f"query Get($slug: String!) {{ category(slug: $slug) {{ {CATEGORY_FIELDS} }} }}"
# The seeded items' slugs, made from their names (bench/catalog.py): "Product 007".
PRODUCT_SLUG = "product-007"
CATEGORY_SLUG = "category-1"
# The third level of the seeded tree (bench/catalog.py), and a product in it.
LEAF_SLUG = "category-2"
BREADCRUMBS = (
    "query Crumbs($slug: String!) { category(slug: $slug) { id name slug "
    "ancestors { id name slug } } }"
)
PRODUCT_CRUMBS = (
    "query Page($id: ID!) { product(id: $id) { id name "
    "category { name ancestors { name slug } } } }"
)
PRODUCTS_PAGE = """query Page($first: Int!) {
  products(first: $first) {
    edges { cursor node { id name price } }
    pageInfo { hasNextPage endCursor }
  }
}"""
PRODUCTS_PAGE_WITH_CATEGORIES = """query Page($first: Int!) {
  products(first: $first) {
    edges { cursor node { id name price category { name } } }
    pageInfo { hasNextPage endCursor }
  }
}"""
CATEGORY_PAGE = """query Page($id: ID!) {
  category(id: $id) {
    id name productCount
    products(first: 20) {
      edges { cursor node { id name price } }
      pageInfo { hasNextPage endCursor }
    }
  }
}"""
CREATE_PRODUCT = f"""mutation Create($input: UpsertProductInput!) {{
  upsertProduct(input: $input) {{ {PRODUCT_FIELDS} }}
}}"""
# upsertProducts at its most inputs: new products in one category.
BULK_SIZE = 100
# Products in one transaction of a bulk create: each with its slug's claim, and the count.
BULK_GROUP = 49
BULK_FIELDS = "id name price version"
UPSERT_PRODUCTS = f"""mutation Bulk($inputs: [UpsertProductInput!]!) {{
  upsertProducts(inputs: $inputs) {{ index product {{ {BULK_FIELDS} }} error {{ code }} }}
}}"""
UPDATE_PRODUCT = """mutation Update($input: UpsertProductInput!) {
  upsertProduct(input: $input) { id name stock updatedAt version }
}"""
STOREFRONT_PAGE = """query Storefront($id: ID!, $filter: ProductFilter) {
  category(id: $id) {
    id name productCount
    products(first: 20, sortKey: PRICE, filter: $filter) {
      edges { cursor node { id name price } }
      pageInfo { hasNextPage endCursor }
    }
  }
}"""
NAME_PREFIX_PAGE = """query Search($prefix: String!) {
  products(first: 20, filter: {nameStartsWith: $prefix}) {
    edges { cursor node { id name price } }
    pageInfo { hasNextPage endCursor }
  }
}"""
SEARCH_PAGE = """query Search($query: String!) {
  search(query: $query, first: 20) {
    totalCount
    edges { cursor node { id name price category { name } } }
    pageInfo { hasNextPage endCursor }
    facets { name values { value label count } }
    priceRange { min max }
  }
}"""
# Two words, the second with one typo ("product"): every seeded product matches.
SEARCH_WORDS = "seeded prodct"
PREDICTIVE_SEARCH = """query Predict($query: String!) {
  predictiveSearch(query: $query, limit: 5) {
    queries
    products { id name price category { name } }
    categories { id name }
  }
}"""
# The inStock facet's labels (schema/search.py), for the baseline.
STOCK_LABELS = {True: "In stock", False: "Out of stock"}
PREDICTIVE_WORDS = "prod"
UPDATE_DESCRIPTION = """mutation Update($input: UpsertProductInput!) {
  upsertProduct(input: $input) { id description updatedAt version }
}"""
SOFT_DELETE_PRODUCT = """mutation Delete($id: ID!) {
  deleteProduct(id: $id) { id hard deletedAt }
}"""
CREATE_IMAGE_UPLOAD = """mutation Create($input: CreateProductImageUploadInput!) {
  createProductImageUpload(input: $input) { uploadId url fields { name value } expiresAt }
}"""
ATTACH_IMAGE = """mutation Attach($input: AttachProductImageInput!) {
  attachProductImage(input: $input) { id version imageUrl image { url width height contentType } }
}"""
# The image both sides upload and attach, again and again: a sample catalog picture.
PICTURE = sample_png("bench")

# Stored PynamoDB dates look like 2026-11-27T18:30:00.123000+0000; the API shows ...00.123Z.
_INTS = frozenset({"stock", "version", "product_count"})
_DATES = frozenset({"created_at", "updated_at", "deleted_at"})


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name)


def plain(item: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    """The response fields of a DynamoDB item, read flat: the baseline's deserialiser."""
    out: dict[str, Any] = {}
    for name in fields:
        value = item.get(name)
        if value is None or "NULL" in value:
            out[_camel(name)] = None
        elif name in _INTS:
            out[_camel(name)] = int(value["N"])
        elif name in _DATES:
            out[_camel(name)] = value["S"][:23] + "Z"
        else:
            out[_camel(name)] = next(iter(value.values()))
    return out


def cursor(kind: str, item: dict[str, Any], key: str = "sort_key") -> str:
    raw = f"v1:{kind}:{item[key]['S']}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def cursor_kind(sort: str = "NAME", category_id: str | None = None, **filters: Any) -> str:
    """The cursor kind the API gives a list: computed once, outside the timed baseline."""
    from resolvers.product_lists import ProductFilter, list_spec

    spec = list_spec(
        sort, False, ProductFilter(**filters), category_id=category_id, include_deleted=False
    )
    return spec.cursor_kind


def fields_of(selection: str) -> tuple[str, ...]:
    return tuple(_snake(name) for name in selection.split())


def stored(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f+0000")


@dataclass
class Operation:
    """One benchmarked operation: its handler request, its baseline, its minimum calls."""

    name: str
    minimum: dict[str, int]
    why: str
    request: Callable[[], tuple[str, dict[str, Any], bool]]
    baseline: Callable[[], str]
    # Called with the handler's `data`, for operations whose results later ones use.
    answered: Callable[[Any], None] = lambda data: None
    # Run before each timed baseline: what a client did before the request (an upload).
    prepare: Callable[[], None] = lambda: None
    # The handler's event, for operations that are not a JSON POST of `request`.
    event: Callable[[], dict[str, Any]] | None = None
    # The status the handler must answer: 304 for a revalidation.
    status: int = 200
    # How far the storage-call estimate may exceed the calls of a read whose cost
    # depends on the data (a category's current slug is 1 call, an old one 2, one the
    # index has not caught up with 3: the estimate declares 3).
    estimate_slack: int = 0


@dataclass
class Workload:
    """The seeded catalog, a raw botocore client on the same endpoint, and the operations."""

    endpoint_url: str
    categories: list[str]
    products: list[str]
    products_table: str
    categories_table: str
    client: Any = None
    # The cursor kinds of the benchmarked lists, as the API computes them.
    kinds: dict[str, str] = field(default_factory=dict)
    images_endpoint_url: str = ""
    images_bucket: str = ""
    s3: Any = None
    # The index the handler searches too (bench/catalog.py's frozen_search): a
    # hand-written handler would need one as well.
    search: SearchService | None = None
    # The Lambda handler the operations run through: handler.py's, unless given (the
    # bench's searches its frozen index).
    handler: Any = None
    # Products made by the create operations wait here for the soft-delete ones.
    created: deque[str] = field(default_factory=deque)
    _serial: itertools.count[int] = field(default_factory=itertools.count)
    # The baseline's staged upload, and the image it replaces on its product.
    _staged: str = ""
    _baseline_image: str | None = None
    # The ETag of the cached page, and whether its hash is registered (APQ).
    _etag: str | None = None
    _persisted: bool = False

    def __post_init__(self) -> None:
        if self.handler is None:
            from handler import handler

            self.handler = handler
        # The same client configuration PynamoDB builds from the models' Meta
        # (models/base.py): its timeouts and retries, and no parameter validation.
        config = botocore.client.Config(
            parameter_validation=False,
            connect_timeout=CONNECT_TIMEOUT_SECONDS,
            read_timeout=READ_TIMEOUT_SECONDS,
            retries={"mode": "standard", "total_max_attempts": 1 + MAX_RETRY_ATTEMPTS},
        )
        self.client = botocore.session.get_session().create_client(
            "dynamodb", "us-east-1", endpoint_url=self.endpoint_url, config=config
        )
        price_range = {"price_min": Decimal(20), "price_max": Decimal(80)}
        self.kinds = {
            "all": cursor_kind(),
            "category": cursor_kind(category_id=self.categories[2]),
            "storefront": cursor_kind("PRICE", self.categories[2], in_stock=True, **price_range),
            "storefront, both": cursor_kind("PRICE", self.categories[2], **price_range),
            "prefix": cursor_kind(name_starts_with="product 01"),
        }
        if self.images_endpoint_url:
            s3_config = botocore.client.Config(
                signature_version="s3v4",
                connect_timeout=CONNECT_TIMEOUT_SECONDS,
                read_timeout=READ_TIMEOUT_SECONDS,
                retries={"mode": "standard", "total_max_attempts": 1 + MAX_RETRY_ATTEMPTS},
            )
            self.s3 = botocore.session.get_session().create_client(
                "s3", "us-east-1", endpoint_url=self.images_endpoint_url, config=s3_config
            )

    # -- reads --------------------------------------------------------------------------

    def get_product(self) -> str:
        item = self.client.get_item(
            TableName=self.products_table, Key={"id": {"S": self.products[7]}}
        )["Item"]
        product = plain(item, fields_of(PRODUCT_FIELDS))
        return json.dumps({"data": {"product": product}})

    def get_category(self) -> str:
        item = self.client.get_item(
            TableName=self.categories_table, Key={"id": {"S": self.categories[1]}}
        )["Item"]
        category = plain(item, fields_of(CATEGORY_FIELDS))
        return json.dumps({"data": {"category": category}})

    def _by_slug(self, table: str, slug: str) -> dict[str, Any]:
        """An item by slug as the API reads it: its claim, then the owner it names."""
        claim = self.client.get_item(TableName=table, Key={"id": {"S": f"slug#{slug}"}})["Item"]
        return self.client.get_item(TableName=table, Key={"id": claim["owner"]})["Item"]  # type: ignore[no-any-return]

    def product_by_slug(self) -> str:
        item = self._by_slug(self.products_table, PRODUCT_SLUG)
        return json.dumps({"data": {"product": plain(item, fields_of(PRODUCT_FIELDS))}})

    def _category_by_slug(self, slug: str) -> dict[str, Any]:
        """A category by its current slug: one Query of the by_slug index."""
        answer = self.client.query(
            TableName=self.categories_table,
            IndexName="by_slug",
            KeyConditionExpression="slug = :slug",
            ExpressionAttributeValues={":slug": {"S": slug}},
        )
        return next(item for item in answer["Items"] if not item["id"]["S"].startswith("slug#"))

    def _ancestors(self, item: dict[str, Any], fields: tuple[str, ...]) -> list[dict[str, Any]]:
        """A category's ancestors, root first: one BatchGetItem of its path."""
        path = [value["S"] for value in item.get("ancestor_ids", {}).get("L", [])]
        answer = self.client.batch_get_item(
            RequestItems={self.categories_table: {"Keys": [{"id": {"S": key}} for key in path]}}
        )
        found = {row["id"]["S"]: row for row in answer["Responses"][self.categories_table]}
        return [plain(found[key], fields) for key in path]

    def category_by_slug(self) -> str:
        item = self._category_by_slug(CATEGORY_SLUG)
        return json.dumps({"data": {"category": plain(item, fields_of(CATEGORY_FIELDS))}})

    def breadcrumbs(self) -> str:
        item = self._category_by_slug(LEAF_SLUG)
        category = plain(item, ("id", "name", "slug"))
        category["ancestors"] = self._ancestors(item, ("id", "name", "slug"))
        return json.dumps({"data": {"category": category}})

    def product_crumbs(self) -> str:
        item = self.client.get_item(
            TableName=self.products_table, Key={"id": {"S": self.products[2]}}
        )["Item"]
        product = plain(item, ("id", "name"))
        answer = self.client.batch_get_item(
            RequestItems={self.categories_table: {"Keys": [{"id": item["category_id"]}]}}
        )
        category_item = answer["Responses"][self.categories_table][0]
        category = plain(category_item, ("name",))
        category["ancestors"] = self._ancestors(category_item, ("name", "slug"))
        product["category"] = category
        return json.dumps({"data": {"product": product}})

    def _page(
        self, items: list[dict[str, Any]], first: int, kind: str, key: str = "sort_key"
    ) -> dict[str, Any]:
        edges = [
            {"cursor": cursor(kind, item, key), "node": plain(item, ("id", "name", "price"))}
            for item in items[:first]
        ]
        end = edges[-1]["cursor"] if edges else None
        return {"edges": edges, "pageInfo": {"hasNextPage": len(items) > first, "endCursor": end}}

    def _query(
        self,
        first: int,
        index: str,
        key: str,
        value: str,
        between: tuple[str, str, str] | None = None,
    ) -> list[dict[str, Any]]:
        """One page of an index partition; `between` (attribute, low, high) bounds its keys."""
        condition = "#k = :v"
        names = {"#k": key}
        values = {":v": {"S": value}}
        if between is not None:
            attribute, low, high = between
            condition += " AND #r BETWEEN :lo AND :hi"
            names["#r"] = attribute
            values[":lo"] = {"S": low}
            values[":hi"] = {"S": high}
        return self.client.query(  # type: ignore[no-any-return]
            TableName=self.products_table,
            IndexName=index,
            KeyConditionExpression=condition,
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=values,
            Limit=first + 1,
        )["Items"]

    def products_page(self, first: int, with_categories: bool) -> str:
        items = self._query(first, "by_name", "status", "LIVE")
        page = self._page(items, first, self.kinds["all"])
        if with_categories:
            ids = list({item["category_id"]["S"] for item in items[:first]})
            found = self.client.batch_get_item(
                RequestItems={self.categories_table: {"Keys": [{"id": {"S": i}} for i in ids]}}
            )["Responses"][self.categories_table]
            names = {c["id"]["S"]: {"name": c["name"]["S"]} for c in found}
            for edge, item in zip(page["edges"], items, strict=False):
                edge["node"]["category"] = names.get(item["category_id"]["S"])
        return json.dumps({"data": {"products": page}})

    def category_page(self) -> str:
        category_id = self.categories[2]
        item = self.client.get_item(
            TableName=self.categories_table, Key={"id": {"S": category_id}}
        )["Item"]
        category = plain(item, ("id", "name", "product_count"))
        items = self._query(20, "by_category", "category_status", f"{category_id}#LIVE")
        category["products"] = self._page(items, 20, self.kinds["category"])
        return json.dumps({"data": {"category": category}})

    def storefront_page(self, in_stock: bool) -> str:
        """A category by price within 20-80, in stock only or both sides merged."""
        category_id = self.categories[2]
        item = self.client.get_item(
            TableName=self.categories_table, Key={"id": {"S": category_id}}
        )["Item"]
        category = plain(item, ("id", "name", "product_count"))
        bounds = ("price_key", f"{200000:013d}", f"{800000:013d} ")
        shelves = ["LIVE#IN"] if in_stock else ["LIVE#IN", "LIVE#OUT"]
        items = sorted(
            (
                item
                for shelf in shelves
                for item in self._query(
                    20,
                    "category_shelf_by_price",
                    "category_shelf",
                    f"{category_id}#{shelf}",
                    bounds,
                )
            ),
            key=lambda item: item["price_key"]["S"],
        )
        kind = self.kinds["storefront" if in_stock else "storefront, both"]
        category["products"] = self._page(items, 20, kind, "price_key")
        return json.dumps({"data": {"category": category}})

    def name_prefix_page(self) -> str:
        prefix = "product 01"
        bounds = ("sort_key", prefix, prefix + "\U0010ffff" * ((1024 - len(prefix)) // 4))
        items = self._query(20, "by_name", "status", "LIVE", bounds)
        page = self._page(items, 20, self.kinds["prefix"])
        return json.dumps({"data": {"products": page}})

    def search_page(self) -> str:
        """What the index answers, then the page's products and categories in one batch each.

        The same index the handler searches: a hand-written handler would need one too.
        """
        from resolvers.search import search_page

        page = search_page(self._search(), SEARCH_WORDS, 20, None)
        items = self._batch(self.products_table, [product for _, product in page.items])
        category_ids = {item["category_id"]["S"] for item in items.values()}
        category_ids |= {category for category, _ in page.categories}
        names = {
            item["id"]["S"]: item["name"]["S"]
            for item in self._batch(self.categories_table, sorted(category_ids)).values()
        }
        edges = []
        for cursor_, product_id in page.items:
            node = plain(items[product_id], ("id", "name", "price"))
            node["category"] = {"name": names[items[product_id]["category_id"]["S"]]}
            edges.append({"cursor": cursor_, "node": node})
        facets = [
            {
                "name": "category",
                "values": sorted(
                    ({"value": c, "label": names[c], "count": n} for c, n in page.categories),
                    key=lambda value: (-value["count"], value["label"]),
                ),
            },
            {
                "name": "inStock",
                "values": [
                    {"value": str(state).lower(), "label": STOCK_LABELS[state], "count": n}
                    for state, n in sorted(
                        ((state, n) for state, n in page.in_stock if n > 0),
                        key=lambda pair: (-pair[1], STOCK_LABELS[pair[0]]),
                    )
                ],
            },
        ]
        low, high = page.price_range or (None, None)
        result = {
            "totalCount": page.total_count,
            "edges": edges,
            "pageInfo": {"hasNextPage": page.has_next_page, "endCursor": edges[-1]["cursor"]},
            "facets": facets,
            "priceRange": {"min": str(low), "max": str(high)},
        }
        return json.dumps({"data": {"search": result}})

    def predictive_search(self) -> str:
        from resolvers.search import query_words

        prediction = self._search().current_index().predict(query_words(PREDICTIVE_WORDS), 5)
        category_ids = sorted({*prediction.product_category_ids, *prediction.category_ids})
        answer = self.client.batch_get_item(
            RequestItems={
                self.products_table: {"Keys": [{"id": {"S": i}} for i in prediction.product_ids]},
                self.categories_table: {"Keys": [{"id": {"S": i}} for i in category_ids]},
            }
        )["Responses"]
        items = {item["id"]["S"]: item for item in answer[self.products_table]}
        found = {item["id"]["S"]: item for item in answer[self.categories_table]}
        products = []
        for product_id in prediction.product_ids:
            product = plain(items[product_id], ("id", "name", "price"))
            category = found[items[product_id]["category_id"]["S"]]
            product["category"] = {"name": category["name"]["S"]}
            products.append(product)
        categories = [
            {"id": i, "name": found[i]["name"]["S"]} for i in prediction.category_ids if i in found
        ]
        result = {"queries": prediction.queries, "products": products, "categories": categories}
        return json.dumps({"data": {"predictiveSearch": result}})

    def _search(self) -> SearchService:
        if self.search is None:
            raise RuntimeError("the workload was given no search index")
        return self.search

    def _batch(self, table: str, ids: list[str]) -> dict[str, dict[str, Any]]:
        found = self.client.batch_get_item(
            RequestItems={table: {"Keys": [{"id": {"S": i}} for i in ids]}}
        )["Responses"][table]
        return {item["id"]["S"]: item for item in found}

    # -- writes -------------------------------------------------------------------------

    def _new_product(self, prefix: str) -> dict[str, Any]:
        n = next(self._serial)
        return {
            "name": f"zz {prefix} {n:06}",
            "price": "19.99",
            "stock": 3,
            "categoryId": self.categories[3],
        }

    def create_request(self) -> tuple[str, dict[str, Any], bool]:
        return CREATE_PRODUCT, {"input": self._new_product("handler")}, True

    def create(self) -> str:
        from ulid import ULID

        fields = self._new_product("baseline")
        product_id = str(ULID())
        category_id = fields["categoryId"]
        item = self._product_item(product_id, fields, stored(datetime.now(UTC)))
        self.client.transact_write_items(
            TransactItems=[self._put_new(item), self._count_update(category_id, 1)]
        )
        self.created.append(product_id)
        return json.dumps({"data": {"upsertProduct": plain(item, fields_of(PRODUCT_FIELDS))}})

    @staticmethod
    def _product_item(product_id: str, fields: dict[str, Any], moment: str) -> dict[str, Any]:
        """A new product's item as the API stores it, list keys included."""
        category_id = fields["categoryId"]
        name = fields["name"]
        return {
            "id": {"S": product_id},
            "name": {"S": name},
            "price": {"N": fields["price"]},
            "currency": {"S": "USD"},
            "stock": {"N": str(fields["stock"])},
            "category_id": {"S": category_id},
            "created_at": {"S": moment},
            "updated_at": {"S": moment},
            "version": {"N": "1"},
            "status": {"S": "LIVE"},
            "sort_key": {"S": f"{name.casefold()}\x1f{product_id}"},
            "category_status": {"S": f"{category_id}#LIVE"},
            "shelf": {"S": "LIVE#IN"},
            "category_shelf": {"S": f"{category_id}#LIVE#IN"},
            "price_key": {"S": f"{199900:013d}\x1f{name.casefold()}\x1f{product_id}"},
            "created_key": {"S": f"{moment}\x1f{product_id}"},
        }

    @staticmethod
    def _claim(item: dict[str, Any]) -> dict[str, Any]:
        """The claim item of a product's slug."""
        slug = item["slug"]["S"]
        return {"id": {"S": f"slug#{slug}"}, "owner": item["id"], "slug": {"S": slug}}

    def _put_new(self, item: dict[str, Any]) -> dict[str, Any]:
        return {
            "Put": {
                "TableName": self.products_table,
                "Item": item,
                "ConditionExpression": "attribute_not_exists(id)",
            }
        }

    def _count_update(self, category_id: str, delta: int) -> dict[str, Any]:
        return {
            "Update": {
                "TableName": self.categories_table,
                "Key": {"id": {"S": category_id}},
                "UpdateExpression": "ADD product_count :delta",
                "ConditionExpression": "#s = :live",
                "ExpressionAttributeNames": {"#s": "status"},
                "ExpressionAttributeValues": {
                    ":delta": {"N": str(delta)},
                    ":live": {"S": "LIVE"},
                },
            }
        }

    def bulk_create_request(self) -> tuple[str, dict[str, Any], bool]:
        inputs = [self._new_product("bulk") for _ in range(BULK_SIZE)]
        return UPSERT_PRODUCTS, {"inputs": inputs}, True

    def bulk_create(self) -> str:
        """100 new products in one category: the category read (it must be live), the
        slugs' claims read (they must be free), then three transactions of at most 100
        actions: 49 products, their claims and the count, 49 more, then 2."""
        from ulid import ULID

        from resolvers.slugs import from_name

        inputs = [self._new_product("bulk baseline") for _ in range(BULK_SIZE)]
        category_id = inputs[0]["categoryId"]
        self._batch(self.categories_table, [category_id])
        slugs = [from_name(fields["name"], "") for fields in inputs]
        self._batch(self.products_table, [f"slug#{slug}" for slug in slugs])
        moment = stored(datetime.now(UTC))
        items = [self._product_item(str(ULID()), fields, moment) for fields in inputs]
        for item, slug in zip(items, slugs, strict=True):
            item["slug"] = {"S": slug}
        for start in range(0, BULK_SIZE, BULK_GROUP):
            group = items[start : start + BULK_GROUP]
            self.client.transact_write_items(
                TransactItems=[self._put_new(item) for item in group]
                + [self._put_new(self._claim(item)) for item in group]
                + [self._count_update(category_id, len(group))]
            )
        results = [
            {"index": i, "product": plain(item, fields_of(BULK_FIELDS)), "error": None}
            for i, item in enumerate(items)
        ]
        return json.dumps({"data": {"upsertProducts": results}})

    def update_request(self) -> tuple[str, dict[str, Any], bool]:
        text = f"Described {next(self._serial)}"
        return UPDATE_DESCRIPTION, {"input": {"id": self.products[11], "description": text}}, True

    def update(self) -> str:
        item = self.client.update_item(
            TableName=self.products_table,
            Key={"id": {"S": self.products[12]}},
            UpdateExpression="SET description = :text, updated_at = :now ADD version :one",
            ConditionExpression="#s = :live",
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues={
                ":text": {"S": f"Described {next(self._serial)}"},
                ":now": {"S": stored(datetime.now(UTC))},
                ":one": {"N": "1"},
                ":live": {"S": "LIVE"},
            },
            ReturnValues="ALL_NEW",
        )["Attributes"]
        product = plain(item, ("id", "description", "updated_at", "version"))
        return json.dumps({"data": {"upsertProduct": product}})

    def update_stock_request(self) -> tuple[str, dict[str, Any], bool]:
        stock = next(self._serial) % 2
        return UPDATE_PRODUCT, {"input": {"id": self.products[13], "stock": stock}}, True

    def update_stock(self) -> str:
        """Read the product, then put it back with its stock and stock-aware list keys."""
        product_id = self.products[14]
        item = self.client.get_item(
            TableName=self.products_table, Key={"id": {"S": product_id}}, ConsistentRead=True
        )["Item"]
        stock = next(self._serial) % 2
        shelf = "LIVE#IN" if stock else "LIVE#OUT"
        version = item["version"]
        item = {
            **item,
            "stock": {"N": str(stock)},
            "updated_at": {"S": stored(datetime.now(UTC))},
            "version": {"N": str(int(version["N"]) + 1)},
            "shelf": {"S": shelf},
            "category_shelf": {"S": f"{item['category_id']['S']}#{shelf}"},
        }
        self.client.put_item(
            TableName=self.products_table,
            Item=item,
            ConditionExpression="version = :v",
            ExpressionAttributeValues={":v": version},
        )
        product = plain(item, ("id", "name", "stock", "updated_at", "version"))
        return json.dumps({"data": {"upsertProduct": product}})

    def soft_delete_request(self) -> tuple[str, dict[str, Any], bool]:
        return SOFT_DELETE_PRODUCT, {"id": self.created.popleft()}, True

    def soft_delete(self) -> str:
        product_id = self.created.popleft()
        current = self.client.get_item(
            TableName=self.products_table, Key={"id": {"S": product_id}}, ConsistentRead=True
        )["Item"]
        category_id = current["category_id"]["S"]
        moment = stored(datetime.now(UTC))
        self.client.transact_write_items(
            TransactItems=[
                {
                    "Update": {
                        "TableName": self.products_table,
                        "Key": {"id": {"S": product_id}},
                        "UpdateExpression": "SET deleted_at = :now, updated_at = :now, "
                        "#s = :deleted, category_status = :cs, shelf = :deleted, "
                        "category_shelf = :cs ADD version :one",
                        "ConditionExpression": "version = :v",
                        "ExpressionAttributeNames": {"#s": "status"},
                        "ExpressionAttributeValues": {
                            ":now": {"S": moment},
                            ":deleted": {"S": "DELETED"},
                            ":cs": {"S": f"{category_id}#DELETED"},
                            ":one": {"N": "1"},
                            ":v": current["version"],
                        },
                    }
                },
                {
                    "Update": {
                        "TableName": self.categories_table,
                        "Key": {"id": {"S": category_id}},
                        "UpdateExpression": "ADD product_count :minus",
                        "ConditionExpression": "attribute_exists(id)",
                        "ExpressionAttributeValues": {":minus": {"N": "-1"}},
                    }
                },
            ]
        )
        payload = {"id": product_id, "hard": False, "deletedAt": moment[:23] + "Z"}
        return json.dumps({"data": {"deleteProduct": payload}})

    # -- images -------------------------------------------------------------------------

    def _stage(self, product_id: str) -> str:
        """What the browser did before attaching: the PNG POSTed to a fresh upload key."""
        from ulid import ULID

        upload_id = f"{ULID()}-png-{len(PICTURE)}"
        self.s3.put_object(
            Bucket=self.images_bucket, Key=f"uploads/{product_id}/{upload_id}", Body=PICTURE
        )
        return upload_id

    def create_upload_request(self) -> tuple[str, dict[str, Any], bool]:
        variables = {
            "input": {
                "productId": self.products[20],
                "contentType": "image/png",
                "contentLength": len(PICTURE),
            }
        }
        return CREATE_IMAGE_UPLOAD, variables, True

    def create_upload(self) -> str:
        from ulid import ULID

        product_id = self.products[21]
        item = self.client.get_item(TableName=self.products_table, Key={"id": {"S": product_id}})[
            "Item"
        ]
        if "deleted_at" in item:
            raise RuntimeError("the product is deleted")
        upload_id = f"{ULID()}-png-{len(PICTURE)}"
        post = self.s3.generate_presigned_post(
            Bucket=self.images_bucket,
            Key=f"uploads/{product_id}/{upload_id}",
            Fields={"Content-Type": "image/png"},
            Conditions=[{"Content-Type": "image/png"}, ["content-length-range", 1, len(PICTURE)]],
            ExpiresIn=900,
        )
        expires = (datetime.now(UTC) + timedelta(seconds=900)).isoformat()
        fields = [{"name": k, "value": v} for k, v in post["fields"].items()]
        upload = {"uploadId": upload_id, "url": post["url"], "fields": fields, "expiresAt": expires}
        return json.dumps({"data": {"createProductImageUpload": upload}})

    def attach_request(self) -> tuple[str, dict[str, Any], bool]:
        product_id = self.products[22]
        upload_id = self._stage(product_id)
        return ATTACH_IMAGE, {"input": {"productId": product_id, "uploadId": upload_id}}, True

    def prepare_attach(self) -> None:
        self._staged = self._stage(self.products[23])

    def attach(self) -> str:
        """Read, check, copy, write and clean up as attachProductImage must, with no layers."""
        import io

        import imagesize
        from ulid import ULID

        product_id, bucket = self.products[23], self.images_bucket
        source = f"uploads/{product_id}/{self._staged}"
        current = self.client.get_item(
            TableName=self.products_table, Key={"id": {"S": product_id}}, ConsistentRead=True
        )["Item"]
        head = self.s3.get_object(Bucket=bucket, Key=source, Range="bytes=0-65535")
        data = head["Body"].read()
        size = int(head["ContentRange"].rpartition("/")[2])
        tail = data[-12:] if size <= len(data) else self._tail(source)
        if not (data.startswith(b"\x89PNG") and tail.endswith(b"IEND\xaeB`\x82")):
            raise RuntimeError("not a whole PNG")
        width, height = imagesize.get(io.BytesIO(data))
        key = f"images/{product_id}/{ULID()}.png"
        self.s3.copy_object(
            Bucket=bucket,
            Key=key,
            CopySource={"Bucket": bucket, "Key": source},
            MetadataDirective="REPLACE",
            ContentType="image/png",
            CacheControl="public, max-age=31536000, immutable",
        )
        item = self.client.update_item(
            TableName=self.products_table,
            Key={"id": {"S": product_id}},
            UpdateExpression="SET image_key = :k, image_width = :w, image_height = :h, "
            "image_content_type = :t, updated_at = :now ADD version :one",
            ConditionExpression="#s = :live AND version = :v",
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues={
                ":k": {"S": key},
                ":w": {"N": str(width)},
                ":h": {"N": str(height)},
                ":t": {"S": "image/png"},
                ":now": {"S": stored(datetime.now(UTC))},
                ":one": {"N": "1"},
                ":live": {"S": "LIVE"},
                ":v": current["version"],
            },
            ReturnValues="ALL_NEW",
        )["Attributes"]
        self.s3.delete_object(Bucket=bucket, Key=source)
        previous = current.get("image_key", {}).get("S")
        if previous:
            self.s3.delete_object(Bucket=bucket, Key=previous)
        url = f"{self.images_endpoint_url}/{bucket}/{key}"
        image = {"url": url, "width": width, "height": height, "contentType": "image/png"}
        product = plain(item, ("id", "version")) | {"imageUrl": url, "image": image}
        return json.dumps({"data": {"attachProductImage": product}})

    def _tail(self, key: str) -> bytes:
        response = self.s3.get_object(Bucket=self.images_bucket, Key=key, Range="bytes=-12")
        data: bytes = response["Body"].read()
        return data

    # -- GET: HTTP caching and persisted queries ---------------------------------------

    def revalidation_event(self) -> dict[str, Any]:
        """A GET of the page of 20 with the ETag of its last answer: a 304."""
        from bench.catalog import context, get_event

        variables = {"first": 20}
        if self._etag is None:
            answer = self.handler(get_event(PRODUCTS_PAGE, variables), context())
            self._etag = answer["headers"]["etag"]
        return get_event(PRODUCTS_PAGE, variables, headers={"if-none-match": self._etag})

    def persisted_event(self) -> dict[str, Any]:
        """A GET of the page of 20 by its SHA-256 alone, registered once (APQ)."""
        from bench.catalog import context, get_event

        digest = hashlib.sha256(PRODUCTS_PAGE.encode()).hexdigest()
        extensions = {"persistedQuery": {"version": 1, "sha256Hash": digest}}
        variables = {"first": 20}
        if not self._persisted:
            self.handler(get_event(PRODUCTS_PAGE, variables, extensions=extensions), context())
            self._persisted = True
        return get_event(None, variables, extensions=extensions)

    # -- the table ----------------------------------------------------------------------

    def operations(self) -> list[Operation]:
        """Every benchmarked operation; creates come before the deletes that consume them."""

        def read(query: str, variables: dict[str, Any]) -> Callable[[], Any]:
            return lambda: (query, variables, False)

        return [
            Operation(
                "get product",
                {"GetItem": 1},
                "one item by key",
                read(GET_PRODUCT, {"id": self.products[7]}),
                self.get_product,
            ),
            Operation(
                "get category",
                {"GetItem": 1},
                "one item by key",
                read(GET_CATEGORY, {"id": self.categories[1]}),
                self.get_category,
            ),
            Operation(
                "get product by slug",
                {"GetItem": 2},
                "the slug's claim by key, then the product it names (an old slug alike)",
                read(PRODUCT_BY_SLUG, {"slug": PRODUCT_SLUG}),
                self.product_by_slug,
            ),
            Operation(
                "get category by slug",
                {"Query": 1},
                "the by_slug index (an old slug: its claim there, then the category by key)",
                read(CATEGORY_BY_SLUG, {"slug": CATEGORY_SLUG}),
                self.category_by_slug,
                estimate_slack=2,
            ),
            Operation(
                "category by slug + ancestors (breadcrumbs)",
                {"Query": 1, "BatchGetItem": 1},
                "the by_slug index, then the stored path's categories in one batch",
                read(BREADCRUMBS, {"slug": LEAF_SLUG}),
                self.breadcrumbs,
                estimate_slack=2,
            ),
            Operation(
                "product + category { ancestors } (product page)",
                {"GetItem": 1, "BatchGetItem": 2},
                "the product by key, its category, then the category's path in one batch",
                read(PRODUCT_CRUMBS, {"id": self.products[2]}),
                self.product_crumbs,
            ),
            Operation(
                "products page of 20",
                {"Query": 1},
                "one page of the by_name index",
                read(PRODUCTS_PAGE, {"first": 20}),
                lambda: self.products_page(20, with_categories=False),
            ),
            Operation(
                "products page of 20 + category { name }",
                {"Query": 1, "BatchGetItem": 1},
                "the page, then its distinct categories in one batch",
                read(PRODUCTS_PAGE_WITH_CATEGORIES, {"first": 20}),
                lambda: self.products_page(20, with_categories=True),
            ),
            Operation(
                "products page of 100",
                {"Query": 1},
                "one page of the by_name index",
                read(PRODUCTS_PAGE, {"first": 100}),
                lambda: self.products_page(100, with_categories=False),
            ),
            Operation(
                "products page of 100 + category { name }",
                {"Query": 1, "BatchGetItem": 1},
                "the page, then its distinct categories in one batch",
                read(PRODUCTS_PAGE_WITH_CATEGORIES, {"first": 100}),
                lambda: self.products_page(100, with_categories=True),
            ),
            Operation(
                "products page of 20, GET revalidated by ETag (304)",
                {"Query": 1},
                "the page is read again to know whether it changed (no answer cache)",
                read(PRODUCTS_PAGE, {"first": 20}),
                lambda: self.products_page(20, with_categories=False),
                event=self.revalidation_event,
                status=304,
            ),
            Operation(
                "products page of 20, GET by persisted hash (APQ hit)",
                {"Query": 1},
                "one page of the by_name index; the document comes from memory",
                read(PRODUCTS_PAGE, {"first": 20}),
                lambda: self.products_page(20, with_categories=False),
                event=self.persisted_event,
            ),
            Operation(
                "category page with 20 products",
                {"GetItem": 1, "Query": 1},
                "the category, then one page of the by_category index",
                read(CATEGORY_PAGE, {"id": self.categories[2]}),
                self.category_page,
            ),
            Operation(
                "storefront: category by price in 20-80, in stock",
                {"GetItem": 1, "Query": 1},
                "the category, then one key range of one category_shelf_by_price partition",
                read(
                    STOREFRONT_PAGE,
                    {
                        "id": self.categories[2],
                        "filter": {"priceMin": "20", "priceMax": "80", "inStock": True},
                    },
                ),
                lambda: self.storefront_page(in_stock=True),
            ),
            Operation(
                "storefront: category by price in 20-80, any stock",
                {"GetItem": 1, "Query": 2},
                "the category, then the same key range of the in- and out-of-stock partitions",
                read(
                    STOREFRONT_PAGE,
                    {"id": self.categories[2], "filter": {"priceMin": "20", "priceMax": "80"}},
                ),
                lambda: self.storefront_page(in_stock=False),
            ),
            Operation(
                "search as you type: name prefix",
                {"Query": 1},
                "one key range (the prefix) of the by_name index",
                read(NAME_PREFIX_PAGE, {"prefix": "Product 01"}),
                self.name_prefix_page,
            ),
            Operation(
                "search: two words, one typo, with facets",
                {"BatchGetItem": 2},
                "the index answers ids, counts and facets; then the page's products, and "
                "their categories with the facets' labels, one batch each",
                read(SEARCH_PAGE, {"query": SEARCH_WORDS}),
                self.search_page,
            ),
            Operation(
                "predictive search",
                {"BatchGetItem": 1},
                "the index answers completions, ids and the products' categories; then the "
                "products and those categories with the predicted ones in one batch",
                read(PREDICTIVE_SEARCH, {"query": PREDICTIVE_WORDS}),
                self.predictive_search,
                # The estimate holds a second read for a product moved to a category
                # the index does not know for it yet.
                estimate_slack=1,
            ),
            Operation(
                "upsert product: create in a category",
                {"TransactWriteItems": 1},
                "the product and its category's count change, atomically",
                self.create_request,
                self.create,
                lambda data: self.created.append(data["upsertProduct"]["id"]),
            ),
            Operation(
                "upsert products: 100 creates in a category",
                {"BatchGetItem": 2, "TransactWriteItems": 3},
                "the category (it must be live) and the slugs' claims (free?), then three "
                "transactions of at most 100 actions: 49 products with their claims and the "
                "count, 49 more, then 2",
                self.bulk_create_request,
                self.bulk_create,
            ),
            Operation(
                "upsert product: update description",
                {"UpdateItem": 1},
                "one conditional update returning the new item",
                self.update_request,
                self.update,
            ),
            Operation(
                "upsert product: update stock",
                {"GetItem": 1, "PutItem": 1},
                "read it (the list keys need its category), then a conditional put",
                self.update_stock_request,
                self.update_stock,
            ),
            Operation(
                "soft delete product",
                {"GetItem": 1, "TransactWriteItems": 1},
                "read to learn its category, then product + count atomically",
                self.soft_delete_request,
                self.soft_delete,
            ),
            Operation(
                "create product image upload",
                {"GetItem": 1},
                "the product must be live; the POST form is signed locally, no S3 call",
                self.create_upload_request,
                self.create_upload,
            ),
            Operation(
                "attach product image",
                {"GetItem": 1, "UpdateItem": 1},
                "read to refuse before any S3 work and learn the image replaced, then one "
                "conditional write",
                self.attach_request,
                self.attach,
                prepare=self.prepare_attach,
            ),
        ]


def counted(calls: list[str]) -> dict[str, int]:
    return dict(Counter(calls))

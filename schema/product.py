"""The Product type, its connection, and UpsertProductInput."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry

from models import Category as CategoryModel
from models import Product as ProductModel
from models import values
from resolvers.categories import load_categories
from resolvers.pagination import Page
from resolvers.slugs import placeholder
from schema.image import ProductImage
from schema.pagination import PageInfo

if TYPE_CHECKING:
    from schema.category import Category


class CategoryBatch:
    """The categories of the products of one result, read together on first use.

    Every product built from one page shares a batch, so the first `category` a
    client asks for fetches all of the page's categories in one BatchGetItem, and
    the others are answered from memory, each category converted once. Resolving
    synchronously this way costs a fraction of an async DataLoader, whose per-field
    coroutines and tasks dominated the CPU of a page of 100 products.
    """

    def __init__(
        self, category_ids: Iterable[str | None] = (), known: Iterable[Category] = ()
    ) -> None:
        self._wanted = {category_id for category_id in category_ids if category_id}
        self._found: dict[str, Category | None] = {}
        for category in known:
            self.add(category)

    def add(self, category: Category) -> None:
        # A category's ancestors are read with the next batch (breadcrumbs of a page
        # in one more BatchGetItem), and the ancestors of those are among them.
        self._found[category.id] = category
        self._wanted.update(category.ancestor_ids)

    def loaded(self, models: Mapping[str, CategoryModel | None]) -> None:
        """Categories read already, by id (None: known not to exist)."""
        from schema.category import Category

        for category_id, model in models.items():
            if model is None:
                self._found[category_id] = None
            else:
                self.add(Category.from_model(model, tree=self))

    def get(self, category_id: str) -> Category | None:
        if category_id not in self._found:
            pending = sorted((self._wanted | {category_id}) - self._found.keys())
            self.loaded(dict(zip(pending, load_categories(pending), strict=True)))
        return self._found[category_id]

    def get_all(self, category_ids: Iterable[str]) -> list[Category]:
        """The categories of `category_ids` that exist, in order, read together."""
        wanted = list(category_ids)
        self._wanted.update(wanted)
        return [found for found in map(self.get, wanted) if found is not None]


def resolve_category(
    root: Product,
) -> Annotated[Category, strawberry.lazy("schema.category")] | None:
    if root.category_id is None:
        return None
    return root.categories.get(root.category_id)


@strawberry.type
class Product:
    id: strawberry.ID
    name: str
    description: str | None
    price: Decimal
    currency: str = strawberry.field(description="ISO 4217 code, three upper-case letters.")
    stock: int
    image_url: str | None
    image: ProductImage | None
    category_id: strawberry.ID | None
    category: Annotated[Category, strawberry.lazy("schema.category")] | None = strawberry.field(
        resolver=resolve_category
    )
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None
    version: int
    slug: str = strawberry.field(
        description="URL handle, same form as Category.slug; unique among products."
    )
    categories: strawberry.Private[CategoryBatch]

    @classmethod
    def from_model(cls, model: ProductModel, categories: CategoryBatch | None = None) -> Product:
        fields = values(model)
        category_id = fields.get("category_id")
        image = ProductImage.from_model(model) if "image_key" in fields else None
        return cls(
            id=strawberry.ID(fields["id"]),
            name=fields["name"],
            description=fields.get("description"),
            price=fields["price"],
            currency=fields["currency"],
            stock=int(fields["stock"]),
            # An attached image is the product's image, whatever imageUrl was set to.
            image_url=image.url if image else fields.get("image_url"),
            image=image,
            category_id=strawberry.ID(category_id) if category_id else None,
            created_at=fields["created_at"],
            updated_at=fields["updated_at"],
            deleted_at=fields.get("deleted_at"),
            version=int(fields["version"]),
            slug=fields.get("slug") or placeholder(fields["id"]),
            categories=categories or CategoryBatch([category_id]),
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
    def from_page(
        cls, page: Page[ProductModel], parent: Category | None = None
    ) -> ProductConnection:
        """The page's connection; `parent`, the category being listed, needs no read."""
        categories = CategoryBatch(
            (model.category_id for _, model in page.items), known=[parent] if parent else []
        )
        return cls(
            edges=[
                ProductEdge(cursor=cursor, node=Product.from_model(model, categories))
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
    slug: str | None = strawberry.UNSET
    expected_version: int | None = strawberry.field(
        default=strawberry.UNSET,
        description="If given, the write happens only when the stored version equals it.",
    )


PRODUCT_INPUT_FIELDS = (
    "name",
    "description",
    "price",
    "currency",
    "stock",
    "image_url",
    "category_id",
    "slug",
)

"""Query, Mutation and the assembled Schema."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import strawberry
from graphql import GraphQLError
from graphql.validation import MaxIntrospectionDepthRule
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaxTokensLimiter,
    SchemaExtension,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.types import Info

from resolvers import categories, images, product_bulk, products
from resolvers.auth import require_admin
from schema.bulk import BulkProductResult
from schema.category import (
    CATEGORY_INPUT_FIELDS,
    Category,
    CategoryConnection,
    UpsertCategoryInput,
)
from schema.compat import SchemaWithoutFederationCheck, call_parent_only_resolvers_directly
from schema.context import Context
from schema.delete import DeletePayload
from schema.errors import CodedErrors
from schema.image import AttachProductImageInput
from schema.image_upload import CreateProductImageUploadInput, ProductImageUpload
from schema.inputs import given, present_fields
from schema.limits import KnownWithinLimits, Limits, RequestLimits
from schema.parsing import ParseCache, ValidationCache
from schema.permissions import IsAdmin
from schema.pipeline import pipeline
from schema.product import (
    PRODUCT_INPUT_FIELDS,
    CategoryBatch,
    Product,
    ProductConnection,
    UpsertProductInput,
)
from schema.product_list import SERVED, FilterArgument, ProductSortKey, product_page
from schema.recorder import OperationRecorder
from schema.scalars import SCALARS
from schema.search import predictive_search, search_products
from search.service import SearchService
from settings import Settings

CatalogInfo = Info[Context, None]


def _admin_if(include_deleted: bool, info: CatalogInfo) -> None:
    if include_deleted:
        require_admin(info.context.identity, info.context.admin_group)


@strawberry.type
class Query:
    @strawberry.field(  # type: ignore[untyped-decorator]
        description="Exactly one of id and slug (BAD_USER_INPUT otherwise). A slug the product "
        "had before still finds it."
    )
    def product(
        self,
        info: CatalogInfo,
        id: strawberry.ID | None = strawberry.UNSET,
        slug: str | None = strawberry.UNSET,
        include_deleted: bool = False,
    ) -> Product | None:
        _admin_if(include_deleted, info)
        model = products.get_product(given(id), slug=given(slug), include_deleted=include_deleted)
        return Product.from_model(model) if model else None

    @strawberry.field(  # type: ignore[untyped-decorator]
        description="Products in the sortKey order (reversed when reverse is true), "
        "narrowed by filter." + SERVED
    )
    def products(
        self,
        info: CatalogInfo,
        first: int = 20,
        after: str | None = strawberry.UNSET,
        category_id: strawberry.ID | None = strawberry.UNSET,
        include_deleted: bool = False,
        sort_key: ProductSortKey = ProductSortKey.NAME,
        reverse: bool = False,
        filter_: FilterArgument = strawberry.UNSET,
    ) -> ProductConnection:
        _admin_if(include_deleted, info)
        page = product_page(
            first,
            after or None,
            category_id=category_id or None,
            include_deleted=include_deleted,
            sort_key=sort_key,
            reverse=reverse,
            product_filter=filter_ or None,
        )
        return ProductConnection.from_page(page)

    @strawberry.field(  # type: ignore[untyped-decorator]
        description="Exactly one of id and slug (BAD_USER_INPUT otherwise). A slug the "
        "category had before still finds it."
    )
    def category(
        self,
        info: CatalogInfo,
        id: strawberry.ID | None = strawberry.UNSET,
        slug: str | None = strawberry.UNSET,
        include_deleted: bool = False,
    ) -> Category | None:
        _admin_if(include_deleted, info)
        model = categories.get_category(
            given(id), slug=given(slug), include_deleted=include_deleted
        )
        return Category.from_model(model) if model else None

    @strawberry.field(  # type: ignore[untyped-decorator]
        description="Ordered by name (case-insensitive), then id. parentId: only the children "
        "of that category (an unknown id is BAD_USER_INPUT). level: only categories at that "
        "depth, 0-5 (0 = roots). Both given: BAD_USER_INPUT. Neither: every category, as "
        "today. includeDeleted (admins) adds the deleted ones, as today."
    )
    def categories(
        self,
        info: CatalogInfo,
        first: int = 20,
        after: str | None = strawberry.UNSET,
        include_deleted: bool = False,
        parent_id: strawberry.ID | None = strawberry.UNSET,
        level: int | None = strawberry.UNSET,
    ) -> CategoryConnection:
        _admin_if(include_deleted, info)
        page = categories.list_categories(
            first,
            after or None,
            include_deleted=include_deleted,
            parent_id=given(parent_id),
            level=given(level),
        )
        return CategoryConnection.from_page(page)

    search = strawberry.field(resolver=search_products)
    predictive_search = strawberry.field(
        resolver=predictive_search, description="At most limit (1-10) of each list."
    )


@strawberry.type
class Mutation:
    @strawberry.mutation(permission_classes=[IsAdmin])  # type: ignore[untyped-decorator]
    def upsert_product(self, info: CatalogInfo, input: UpsertProductInput) -> Product:
        model = products.upsert_product(
            given(input.id),
            present_fields(input, PRODUCT_INPUT_FIELDS),
            given(input.expected_version),
        )
        return Product.from_model(model)

    @strawberry.mutation(  # type: ignore[untyped-decorator]
        permission_classes=[IsAdmin],
        description="Admin only. 1-100 inputs, each applied as upsertProduct would apply it, "
        # The line break is the contract's (issue 20), kept so the SDL is the same.
        "independently: one bad input does\nnot stop the others. Results in input order, "
        "each with either product or error.",
    )
    def upsert_products(
        self, info: CatalogInfo, inputs: list[UpsertProductInput]
    ) -> list[BulkProductResult]:
        results = product_bulk.upsert_products(
            [
                product_bulk.BulkInput(
                    given(each.id),
                    present_fields(each, PRODUCT_INPUT_FIELDS),
                    given(each.expected_version),
                )
                for each in inputs
            ]
        )
        # The results' categories as written (their counts changed), in one BatchGetItem
        # when selected: the ones read to plan the writes are from before.
        categories = CategoryBatch(
            result.product.category_id for result in results if result.product
        )
        return [BulkProductResult.from_result(result, categories) for result in results]

    @strawberry.mutation(permission_classes=[IsAdmin])  # type: ignore[untyped-decorator]
    def delete_product(
        self,
        info: CatalogInfo,
        id: strawberry.ID,
        hard: bool = False,
        expected_version: int | None = strawberry.UNSET,
    ) -> DeletePayload:
        _, deleted_at = products.delete_product(
            id,
            hard=hard,
            expected_version=given(expected_version),
        )
        return DeletePayload(id=id, hard=hard, deleted_at=deleted_at)

    @strawberry.mutation(permission_classes=[IsAdmin])  # type: ignore[untyped-decorator]
    def restore_product(self, info: CatalogInfo, id: strawberry.ID) -> Product:
        return Product.from_model(products.restore_product(id))

    @strawberry.mutation(permission_classes=[IsAdmin])  # type: ignore[untyped-decorator]
    def create_product_image_upload(
        self, info: CatalogInfo, input: CreateProductImageUploadInput
    ) -> ProductImageUpload:
        upload = images.create_upload(input.product_id, input.content_type, input.content_length)
        return ProductImageUpload.from_model(upload)

    @strawberry.mutation(permission_classes=[IsAdmin])  # type: ignore[untyped-decorator]
    def attach_product_image(self, info: CatalogInfo, input: AttachProductImageInput) -> Product:
        model = images.attach_image(
            input.product_id,
            input.upload_id,
            given(input.expected_version),
        )
        return Product.from_model(model)

    @strawberry.mutation(permission_classes=[IsAdmin])  # type: ignore[untyped-decorator]
    def upsert_category(self, info: CatalogInfo, input: UpsertCategoryInput) -> Category:
        model = categories.upsert_category(
            given(input.id),
            present_fields(input, CATEGORY_INPUT_FIELDS),
            given(input.expected_version),
        )
        return Category.from_model(model)

    @strawberry.mutation(permission_classes=[IsAdmin])  # type: ignore[untyped-decorator]
    def delete_category(
        self,
        info: CatalogInfo,
        id: strawberry.ID,
        hard: bool = False,
        expected_version: int | None = strawberry.UNSET,
    ) -> DeletePayload:
        _, deleted_at = categories.delete_category(
            id,
            hard=hard,
            expected_version=given(expected_version),
        )
        return DeletePayload(id=id, hard=hard, deleted_at=deleted_at)

    @strawberry.mutation(permission_classes=[IsAdmin])  # type: ignore[untyped-decorator]
    def restore_category(self, info: CatalogInfo, id: strawberry.ID) -> Category:
        return Category.from_model(categories.restore_category(id))


class CatalogSchema(SchemaWithoutFederationCheck):
    """The schema, leaving error logging to `CodedErrors`, which knows the expected ones.

    `search_service` is the index its search fields ask (schema/search.py reads it from
    `info.schema`).
    """

    def __init__(self, *args: Any, search: SearchService, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.search_service = search

    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        pass


def build_schema(config: Settings, search: SearchService | None = None) -> CatalogSchema:
    """The schema with the request limits, introspection and error hints the settings set,
    searching `search` (by default, the index the settings call for, started on the first
    search)."""
    limits = Limits(
        max_depth=config.max_depth,
        max_aliases=config.max_aliases,
        max_directives=config.max_directives,
        max_cost=config.max_cost,
        max_storage_calls=config.max_storage_calls,
    )
    known_within_limits = KnownWithinLimits()
    # Factories, not instances: Strawberry builds each extension anew for every request.
    extensions: list[Callable[[], SchemaExtension]] = [
        # First: it must see the errors after CodedErrors gave them codes.
        OperationRecorder,
        lambda: CodedErrors(suggestions=config.field_suggestions),
        lambda: MaxTokensLimiter(config.max_tokens),
        lambda: RequestLimits(limits, known_within_limits),
        # Clients send the same few documents: parse and validate each once per
        # container (after the limits, which depend on each request's variables).
        ParseCache,
        ValidationCache,
        # graphql-core recommends this rule but does not apply it by default: it bounds
        # the fan-out of nested introspection lists, which the other limits exempt.
        lambda: AddValidationRules([MaxIntrospectionDepthRule]),
    ]
    if not config.introspection:
        extensions.append(DisableIntrospection)
    schema = CatalogSchema(
        query=Query,
        mutation=Mutation,
        # As one extension: the same hooks in the same order, at less cost (decision 0016).
        extensions=[pipeline(extensions)],
        config=StrawberryConfig(scalar_map=SCALARS),
        search=search or SearchService(config),
    )
    call_parent_only_resolvers_directly(schema)
    return schema

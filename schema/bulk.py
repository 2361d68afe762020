"""BulkError and BulkProductResult: what `upsertProducts` answers for each input."""

from __future__ import annotations

import strawberry

from errors import CatalogError
from resolvers.product_bulk import BulkResult
from schema.product import CategoryBatch, Product


@strawberry.type
class BulkError:
    code: str
    message: str
    field: str | None = strawberry.field(
        description="The input field at fault by its GraphQL name (for example `categoryId`), "
        "when there is one."
    )

    @classmethod
    def from_error(cls, error: CatalogError) -> BulkError:
        return cls(code=error.code, message=error.message, field=error.field)


@strawberry.type
class BulkProductResult:
    index: int = strawberry.field(description="Position of the input in `inputs`, from 0.")
    product: Product | None
    error: BulkError | None

    @classmethod
    def from_result(cls, result: BulkResult, categories: CategoryBatch) -> BulkProductResult:
        return cls(
            index=result.index,
            product=Product.from_model(result.product, categories) if result.product else None,
            error=BulkError.from_error(result.error) if result.error else None,
        )

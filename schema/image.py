"""The ProductImage type and AttachProductImageInput."""

from __future__ import annotations

import strawberry

from models import Product as ProductModel
from models import values
from models.images import public_url


@strawberry.type
class ProductImage:
    url: str
    width: int
    height: int
    content_type: str

    @classmethod
    def from_model(cls, model: ProductModel) -> ProductImage | None:
        """The product's attached image, or None without one (or without a base URL)."""
        fields = values(model)
        key = fields.get("image_key")
        url = public_url(key) if key else None
        if url is None:
            return None
        return cls(
            url=url,
            width=int(fields["image_width"]),
            height=int(fields["image_height"]),
            content_type=fields["image_content_type"],
        )


@strawberry.input
class AttachProductImageInput:
    product_id: strawberry.ID
    upload_id: strawberry.ID
    expected_version: int | None = strawberry.field(
        default=strawberry.UNSET,
        description="If given, the product is changed only when its stored version equals it.",
    )

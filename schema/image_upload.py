"""The ProductImageUpload type, its FormField, and CreateProductImageUploadInput."""

from __future__ import annotations

from datetime import datetime

import strawberry

from resolvers.images import Upload


@strawberry.type
class FormField:
    name: str
    value: str


@strawberry.type(
    # The line break is the contract's (issue 14), kept so the two compare equal.
    description="Where and how to upload one image file: POST a multipart/form-data form "
    'to url with these fields, then the\nfile in a field named "file".'
)
class ProductImageUpload:
    upload_id: strawberry.ID
    url: str
    fields: list[FormField]
    expires_at: datetime

    @classmethod
    def from_model(cls, upload: Upload) -> ProductImageUpload:
        return cls(
            upload_id=strawberry.ID(upload.upload_id),
            url=upload.url,
            fields=[FormField(name=name, value=value) for name, value in upload.fields.items()],
            expires_at=upload.expires_at,
        )


@strawberry.input
class CreateProductImageUploadInput:
    product_id: strawberry.ID
    content_type: str = strawberry.field(description="image/jpeg, image/png or image/webp.")
    content_length: int = strawberry.field(description="Size of the file in bytes.")

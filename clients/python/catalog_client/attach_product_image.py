from typing import Optional

from pydantic import Field

from .base_model import BaseModel


class AttachProductImage(BaseModel):
    attach_product_image: "AttachProductImageAttachProductImage" = Field(
        alias="attachProductImage"
    )


class AttachProductImageAttachProductImage(BaseModel):
    id: str
    version: int
    image_url: Optional[str] = Field(alias="imageUrl")
    image: Optional["AttachProductImageAttachProductImageImage"]


class AttachProductImageAttachProductImageImage(BaseModel):
    url: str
    width: int
    height: int
    content_type: str = Field(alias="contentType")


AttachProductImage.model_rebuild()
AttachProductImageAttachProductImage.model_rebuild()

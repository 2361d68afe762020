from datetime import datetime
from decimal import Decimal
from typing import Optional

from pydantic import Field

from .base_model import BaseModel


class UpsertProduct(BaseModel):
    upsert_product: "UpsertProductUpsertProduct" = Field(alias="upsertProduct")


class UpsertProductUpsertProduct(BaseModel):
    id: str
    name: str
    description: Optional[str]
    price: Decimal
    currency: str
    stock: int
    image_url: Optional[str] = Field(alias="imageUrl")
    category_id: Optional[str] = Field(alias="categoryId")
    created_at: datetime = Field(alias="createdAt")
    updated_at: datetime = Field(alias="updatedAt")
    version: int


UpsertProduct.model_rebuild()

from decimal import Decimal
from typing import Optional

from pydantic import Field

from .base_model import BaseModel


class UpsertCategoryInput(BaseModel):
    id: Optional[str] = None
    name: Optional[str] = None
    description: Optional[str] = None
    expected_version: Optional[int] = Field(alias="expectedVersion", default=None)


class UpsertProductInput(BaseModel):
    id: Optional[str] = None
    "Absent: create with a new id. Present: update that product, or create it with this id."
    name: Optional[str] = None
    description: Optional[str] = None
    price: Optional[Decimal] = None
    currency: Optional[str] = None
    stock: Optional[int] = None
    image_url: Optional[str] = Field(alias="imageUrl", default=None)
    category_id: Optional[str] = Field(alias="categoryId", default=None)
    expected_version: Optional[int] = Field(alias="expectedVersion", default=None)
    "If given, the write happens only when the stored version equals it."

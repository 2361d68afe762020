from datetime import datetime
from decimal import Decimal
from typing import Optional

from pydantic import Field

from .base_model import BaseModel


class ProductPage(BaseModel):
    product: Optional["ProductPageProduct"]


class ProductPageProduct(BaseModel):
    id: str
    name: str
    description: Optional[str]
    price: Decimal
    currency: str
    stock: int
    image_url: Optional[str] = Field(alias="imageUrl")
    image: Optional["ProductPageProductImage"]
    updated_at: datetime = Field(alias="updatedAt")
    category: Optional["ProductPageProductCategory"]


class ProductPageProductImage(BaseModel):
    url: str
    width: int
    height: int


class ProductPageProductCategory(BaseModel):
    id: str
    name: str


ProductPage.model_rebuild()
ProductPageProduct.model_rebuild()

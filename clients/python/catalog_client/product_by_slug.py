from decimal import Decimal
from typing import Optional

from .base_model import BaseModel


class ProductBySlug(BaseModel):
    product: Optional["ProductBySlugProduct"]


class ProductBySlugProduct(BaseModel):
    id: str
    name: str
    slug: str
    price: Decimal
    currency: str
    stock: int
    category: Optional["ProductBySlugProductCategory"]


class ProductBySlugProductCategory(BaseModel):
    id: str
    name: str
    slug: str
    ancestors: list["ProductBySlugProductCategoryAncestors"]


class ProductBySlugProductCategoryAncestors(BaseModel):
    name: str
    slug: str


ProductBySlug.model_rebuild()
ProductBySlugProduct.model_rebuild()
ProductBySlugProductCategory.model_rebuild()

from decimal import Decimal
from typing import Optional

from pydantic import Field

from .base_model import BaseModel


class AttachProductImageInput(BaseModel):
    product_id: str = Field(alias="productId")
    upload_id: str = Field(alias="uploadId")
    expected_version: Optional[int] = Field(alias="expectedVersion", default=None)
    "If given, the product is changed only when its stored version equals it."


class CreateProductImageUploadInput(BaseModel):
    product_id: str = Field(alias="productId")
    content_type: str = Field(alias="contentType")
    "image/jpeg, image/png or image/webp."
    content_length: int = Field(alias="contentLength")
    "Size of the file in bytes."


class ProductFilter(BaseModel):
    """Narrows a list of products; every given field must hold."""

    price_min: Optional[Decimal] = Field(alias="priceMin", default=None)
    "Price at least this (inclusive)."
    price_max: Optional[Decimal] = Field(alias="priceMax", default=None)
    "Price at most this (inclusive)."
    in_stock: Optional[bool] = Field(alias="inStock", default=None)
    "true: only stock > 0. false: only stock = 0. Absent: both."
    name_starts_with: Optional[str] = Field(alias="nameStartsWith", default=None)
    "Name starts with this, case-insensitively (the value is trimmed)."


class SearchFilter(BaseModel):
    """Narrows a search; every given field must hold."""

    category_id: Optional[str] = Field(alias="categoryId", default=None)
    "Products of this category or of any category below it."
    price_min: Optional[Decimal] = Field(alias="priceMin", default=None)
    price_max: Optional[Decimal] = Field(alias="priceMax", default=None)
    in_stock: Optional[bool] = Field(alias="inStock", default=None)


class UpsertCategoryInput(BaseModel):
    id: Optional[str] = None
    name: Optional[str] = None
    description: Optional[str] = None
    expected_version: Optional[int] = Field(alias="expectedVersion", default=None)
    parent_id: Optional[str] = Field(alias="parentId", default=None)
    "Absent: unchanged (a new category is a root). null: make it a root. An id: move it under that category."
    slug: Optional[str] = None
    "Absent on create: made from the name. Absent on update: unchanged."


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
    slug: Optional[str] = None
    expected_version: Optional[int] = Field(alias="expectedVersion", default=None)
    "If given, the write happens only when the stored version equals it."

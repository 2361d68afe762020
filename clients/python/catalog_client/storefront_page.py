from decimal import Decimal
from typing import Optional

from pydantic import Field

from .base_model import BaseModel


class StorefrontPage(BaseModel):
    category: Optional["StorefrontPageCategory"]


class StorefrontPageCategory(BaseModel):
    id: str
    name: str
    product_count: int = Field(alias="productCount")
    products: "StorefrontPageCategoryProducts"


class StorefrontPageCategoryProducts(BaseModel):
    edges: list["StorefrontPageCategoryProductsEdges"]
    page_info: "StorefrontPageCategoryProductsPageInfo" = Field(alias="pageInfo")


class StorefrontPageCategoryProductsEdges(BaseModel):
    cursor: str
    node: "StorefrontPageCategoryProductsEdgesNode"


class StorefrontPageCategoryProductsEdgesNode(BaseModel):
    id: str
    name: str
    price: Decimal
    currency: str
    stock: int
    image_url: Optional[str] = Field(alias="imageUrl")


class StorefrontPageCategoryProductsPageInfo(BaseModel):
    has_next_page: bool = Field(alias="hasNextPage")
    end_cursor: Optional[str] = Field(alias="endCursor")


StorefrontPage.model_rebuild()
StorefrontPageCategory.model_rebuild()
StorefrontPageCategoryProducts.model_rebuild()
StorefrontPageCategoryProductsEdges.model_rebuild()

from decimal import Decimal
from typing import Optional

from pydantic import Field

from .base_model import BaseModel


class CategoryPage(BaseModel):
    category: Optional["CategoryPageCategory"]


class CategoryPageCategory(BaseModel):
    id: str
    name: str
    description: Optional[str]
    product_count: int = Field(alias="productCount")
    products: "CategoryPageCategoryProducts"


class CategoryPageCategoryProducts(BaseModel):
    edges: list["CategoryPageCategoryProductsEdges"]
    page_info: "CategoryPageCategoryProductsPageInfo" = Field(alias="pageInfo")


class CategoryPageCategoryProductsEdges(BaseModel):
    cursor: str
    node: "CategoryPageCategoryProductsEdgesNode"


class CategoryPageCategoryProductsEdgesNode(BaseModel):
    id: str
    name: str
    price: Decimal
    currency: str
    stock: int
    image_url: Optional[str] = Field(alias="imageUrl")


class CategoryPageCategoryProductsPageInfo(BaseModel):
    has_next_page: bool = Field(alias="hasNextPage")
    end_cursor: Optional[str] = Field(alias="endCursor")


CategoryPage.model_rebuild()
CategoryPageCategory.model_rebuild()
CategoryPageCategoryProducts.model_rebuild()
CategoryPageCategoryProductsEdges.model_rebuild()

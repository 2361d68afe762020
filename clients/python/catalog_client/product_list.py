from datetime import datetime
from decimal import Decimal
from typing import Optional

from pydantic import Field

from .base_model import BaseModel


class ProductList(BaseModel):
    products: "ProductListProducts"


class ProductListProducts(BaseModel):
    edges: list["ProductListProductsEdges"]
    page_info: "ProductListProductsPageInfo" = Field(alias="pageInfo")


class ProductListProductsEdges(BaseModel):
    cursor: str
    node: "ProductListProductsEdgesNode"


class ProductListProductsEdgesNode(BaseModel):
    id: str
    name: str
    price: Decimal
    currency: str
    stock: int
    category_id: Optional[str] = Field(alias="categoryId")
    created_at: datetime = Field(alias="createdAt")


class ProductListProductsPageInfo(BaseModel):
    has_next_page: bool = Field(alias="hasNextPage")
    end_cursor: Optional[str] = Field(alias="endCursor")


ProductList.model_rebuild()
ProductListProducts.model_rebuild()
ProductListProductsEdges.model_rebuild()

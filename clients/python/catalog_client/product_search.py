from decimal import Decimal

from .base_model import BaseModel


class ProductSearch(BaseModel):
    products: "ProductSearchProducts"


class ProductSearchProducts(BaseModel):
    edges: list["ProductSearchProductsEdges"]


class ProductSearchProductsEdges(BaseModel):
    node: "ProductSearchProductsEdgesNode"


class ProductSearchProductsEdgesNode(BaseModel):
    id: str
    name: str
    price: Decimal
    currency: str
    stock: int


ProductSearch.model_rebuild()
ProductSearchProducts.model_rebuild()
ProductSearchProductsEdges.model_rebuild()

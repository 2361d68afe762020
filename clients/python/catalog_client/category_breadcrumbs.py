from decimal import Decimal
from typing import Optional

from .base_model import BaseModel


class CategoryBreadcrumbs(BaseModel):
    category: Optional["CategoryBreadcrumbsCategory"]


class CategoryBreadcrumbsCategory(BaseModel):
    id: str
    name: str
    slug: str
    level: int
    ancestors: list["CategoryBreadcrumbsCategoryAncestors"]
    children: "CategoryBreadcrumbsCategoryChildren"
    products: "CategoryBreadcrumbsCategoryProducts"


class CategoryBreadcrumbsCategoryAncestors(BaseModel):
    id: str
    name: str
    slug: str


class CategoryBreadcrumbsCategoryChildren(BaseModel):
    edges: list["CategoryBreadcrumbsCategoryChildrenEdges"]


class CategoryBreadcrumbsCategoryChildrenEdges(BaseModel):
    node: "CategoryBreadcrumbsCategoryChildrenEdgesNode"


class CategoryBreadcrumbsCategoryChildrenEdgesNode(BaseModel):
    id: str
    name: str
    slug: str


class CategoryBreadcrumbsCategoryProducts(BaseModel):
    edges: list["CategoryBreadcrumbsCategoryProductsEdges"]


class CategoryBreadcrumbsCategoryProductsEdges(BaseModel):
    node: "CategoryBreadcrumbsCategoryProductsEdgesNode"


class CategoryBreadcrumbsCategoryProductsEdgesNode(BaseModel):
    id: str
    name: str
    slug: str
    price: Decimal


CategoryBreadcrumbs.model_rebuild()
CategoryBreadcrumbsCategory.model_rebuild()
CategoryBreadcrumbsCategoryChildren.model_rebuild()
CategoryBreadcrumbsCategoryChildrenEdges.model_rebuild()
CategoryBreadcrumbsCategoryProducts.model_rebuild()
CategoryBreadcrumbsCategoryProductsEdges.model_rebuild()

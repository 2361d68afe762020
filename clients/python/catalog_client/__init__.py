from .base_client import BaseClient
from .base_model import BaseModel, Upload
from .category_page import (
    CategoryPage,
    CategoryPageCategory,
    CategoryPageCategoryProducts,
    CategoryPageCategoryProductsEdges,
    CategoryPageCategoryProductsEdgesNode,
    CategoryPageCategoryProductsPageInfo,
)
from .client import Client
from .delete_product import DeleteProduct, DeleteProductDeleteProduct
from .exceptions import (
    GraphQLClientError,
    GraphQLClientGraphQLError,
    GraphQLClientGraphQLMultiError,
    GraphQLClientHttpError,
    GraphQLClientInvalidResponseError,
)
from .input_types import UpsertCategoryInput, UpsertProductInput
from .product_page import ProductPage, ProductPageProduct, ProductPageProductCategory
from .upsert_product import UpsertProduct, UpsertProductUpsertProduct

__all__ = [
    "BaseClient",
    "BaseModel",
    "CategoryPage",
    "CategoryPageCategory",
    "CategoryPageCategoryProducts",
    "CategoryPageCategoryProductsEdges",
    "CategoryPageCategoryProductsEdgesNode",
    "CategoryPageCategoryProductsPageInfo",
    "Client",
    "DeleteProduct",
    "DeleteProductDeleteProduct",
    "GraphQLClientError",
    "GraphQLClientGraphQLError",
    "GraphQLClientGraphQLMultiError",
    "GraphQLClientHttpError",
    "GraphQLClientInvalidResponseError",
    "ProductPage",
    "ProductPageProduct",
    "ProductPageProductCategory",
    "Upload",
    "UpsertCategoryInput",
    "UpsertProduct",
    "UpsertProductInput",
    "UpsertProductUpsertProduct",
]

from .attach_product_image import (
    AttachProductImage,
    AttachProductImageAttachProductImage,
    AttachProductImageAttachProductImageImage,
)
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
from .create_product_image_upload import (
    CreateProductImageUpload,
    CreateProductImageUploadCreateProductImageUpload,
    CreateProductImageUploadCreateProductImageUploadFields,
)
from .delete_product import DeleteProduct, DeleteProductDeleteProduct
from .enums import ProductSortKey, SearchSortKey
from .exceptions import (
    GraphQLClientError,
    GraphQLClientGraphQLError,
    GraphQLClientGraphQLMultiError,
    GraphQLClientHttpError,
    GraphQLClientInvalidResponseError,
)
from .input_types import (
    AttachProductImageInput,
    CreateProductImageUploadInput,
    ProductFilter,
    SearchFilter,
    UpsertCategoryInput,
    UpsertProductInput,
)
from .predictive_search import (
    PredictiveSearch,
    PredictiveSearchPredictiveSearch,
    PredictiveSearchPredictiveSearchCategories,
    PredictiveSearchPredictiveSearchProducts,
)
from .product_list import (
    ProductList,
    ProductListProducts,
    ProductListProductsEdges,
    ProductListProductsEdgesNode,
    ProductListProductsPageInfo,
)
from .product_page import (
    ProductPage,
    ProductPageProduct,
    ProductPageProductCategory,
    ProductPageProductImage,
)
from .product_search import (
    ProductSearch,
    ProductSearchProducts,
    ProductSearchProductsEdges,
    ProductSearchProductsEdgesNode,
)
from .search_page import (
    SearchPage,
    SearchPageSearch,
    SearchPageSearchEdges,
    SearchPageSearchEdgesNode,
    SearchPageSearchEdgesNodeCategory,
    SearchPageSearchFacets,
    SearchPageSearchFacetsValues,
    SearchPageSearchPageInfo,
    SearchPageSearchPriceRange,
)
from .storefront_page import (
    StorefrontPage,
    StorefrontPageCategory,
    StorefrontPageCategoryProducts,
    StorefrontPageCategoryProductsEdges,
    StorefrontPageCategoryProductsEdgesNode,
    StorefrontPageCategoryProductsPageInfo,
)
from .upsert_product import UpsertProduct, UpsertProductUpsertProduct

__all__ = [
    "AttachProductImage",
    "AttachProductImageAttachProductImage",
    "AttachProductImageAttachProductImageImage",
    "AttachProductImageInput",
    "BaseClient",
    "BaseModel",
    "CategoryPage",
    "CategoryPageCategory",
    "CategoryPageCategoryProducts",
    "CategoryPageCategoryProductsEdges",
    "CategoryPageCategoryProductsEdgesNode",
    "CategoryPageCategoryProductsPageInfo",
    "Client",
    "CreateProductImageUpload",
    "CreateProductImageUploadCreateProductImageUpload",
    "CreateProductImageUploadCreateProductImageUploadFields",
    "CreateProductImageUploadInput",
    "DeleteProduct",
    "DeleteProductDeleteProduct",
    "GraphQLClientError",
    "GraphQLClientGraphQLError",
    "GraphQLClientGraphQLMultiError",
    "GraphQLClientHttpError",
    "GraphQLClientInvalidResponseError",
    "PredictiveSearch",
    "PredictiveSearchPredictiveSearch",
    "PredictiveSearchPredictiveSearchCategories",
    "PredictiveSearchPredictiveSearchProducts",
    "ProductFilter",
    "ProductList",
    "ProductListProducts",
    "ProductListProductsEdges",
    "ProductListProductsEdgesNode",
    "ProductListProductsPageInfo",
    "ProductPage",
    "ProductPageProduct",
    "ProductPageProductCategory",
    "ProductPageProductImage",
    "ProductSearch",
    "ProductSearchProducts",
    "ProductSearchProductsEdges",
    "ProductSearchProductsEdgesNode",
    "ProductSortKey",
    "SearchFilter",
    "SearchPage",
    "SearchPageSearch",
    "SearchPageSearchEdges",
    "SearchPageSearchEdgesNode",
    "SearchPageSearchEdgesNodeCategory",
    "SearchPageSearchFacets",
    "SearchPageSearchFacetsValues",
    "SearchPageSearchPageInfo",
    "SearchPageSearchPriceRange",
    "SearchSortKey",
    "StorefrontPage",
    "StorefrontPageCategory",
    "StorefrontPageCategoryProducts",
    "StorefrontPageCategoryProductsEdges",
    "StorefrontPageCategoryProductsEdgesNode",
    "StorefrontPageCategoryProductsPageInfo",
    "Upload",
    "UpsertCategoryInput",
    "UpsertProduct",
    "UpsertProductInput",
    "UpsertProductUpsertProduct",
]

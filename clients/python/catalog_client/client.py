from typing import Any, Optional, Union

from .attach_product_image import AttachProductImage
from .base_client import BaseClient
from .base_model import UNSET, UnsetType
from .category_breadcrumbs import CategoryBreadcrumbs
from .category_page import CategoryPage
from .create_product_image_upload import CreateProductImageUpload
from .delete_product import DeleteProduct
from .enums import ProductSortKey, SearchSortKey
from .input_types import (
    AttachProductImageInput,
    CreateProductImageUploadInput,
    ProductFilter,
    SearchFilter,
    UpsertProductInput,
)
from .navigation_menu import NavigationMenu
from .predictive_search import PredictiveSearch
from .product_by_slug import ProductBySlug
from .product_list import ProductList
from .product_page import ProductPage
from .product_search import ProductSearch
from .search_page import SearchPage
from .storefront_page import StorefrontPage
from .upsert_product import UpsertProduct


def gql(q: str) -> str:
    return q


class Client(BaseClient):
    def attach_product_image(
        self, input: AttachProductImageInput, **kwargs: Any
    ) -> AttachProductImage:
        query = gql("""
            mutation AttachProductImage($input: AttachProductImageInput!) {
              attachProductImage(input: $input) {
                id
                version
                imageUrl
                image {
                  url
                  width
                  height
                  contentType
                }
              }
            }
            """)
        variables: dict[str, object] = {"input": input}
        response = self.execute(
            query=query,
            operation_name="AttachProductImage",
            variables=variables,
            **kwargs,
        )
        data = self.get_data(response)
        return AttachProductImage.model_validate(data)

    def create_product_image_upload(
        self, input: CreateProductImageUploadInput, **kwargs: Any
    ) -> CreateProductImageUpload:
        query = gql("""
            mutation CreateProductImageUpload($input: CreateProductImageUploadInput!) {
              createProductImageUpload(input: $input) {
                uploadId
                url
                fields {
                  name
                  value
                }
                expiresAt
              }
            }
            """)
        variables: dict[str, object] = {"input": input}
        response = self.execute(
            query=query,
            operation_name="CreateProductImageUpload",
            variables=variables,
            **kwargs,
        )
        data = self.get_data(response)
        return CreateProductImageUpload.model_validate(data)

    def delete_product(
        self,
        id: str,
        hard: bool,
        expected_version: Union[Optional[int], UnsetType] = UNSET,
        **kwargs: Any,
    ) -> DeleteProduct:
        query = gql("""
            mutation DeleteProduct($id: ID!, $hard: Boolean! = false, $expectedVersion: Int) {
              deleteProduct(id: $id, hard: $hard, expectedVersion: $expectedVersion) {
                id
                hard
                deletedAt
              }
            }
            """)
        variables: dict[str, object] = {
            "id": id,
            "hard": hard,
            "expectedVersion": expected_version,
        }
        response = self.execute(
            query=query, operation_name="DeleteProduct", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return DeleteProduct.model_validate(data)

    def upsert_product(self, input: UpsertProductInput, **kwargs: Any) -> UpsertProduct:
        query = gql("""
            mutation UpsertProduct($input: UpsertProductInput!) {
              upsertProduct(input: $input) {
                id
                name
                description
                price
                currency
                stock
                imageUrl
                categoryId
                createdAt
                updatedAt
                version
              }
            }
            """)
        variables: dict[str, object] = {"input": input}
        response = self.execute(
            query=query, operation_name="UpsertProduct", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return UpsertProduct.model_validate(data)

    def category_breadcrumbs(self, slug: str, **kwargs: Any) -> CategoryBreadcrumbs:
        query = gql("""
            query CategoryBreadcrumbs($slug: String!) {
              category(slug: $slug) {
                id
                name
                slug
                level
                ancestors {
                  id
                  name
                  slug
                }
                children(first: 20) {
                  edges {
                    node {
                      id
                      name
                      slug
                    }
                  }
                }
                products(first: 20) {
                  edges {
                    node {
                      id
                      name
                      slug
                      price
                    }
                  }
                }
              }
            }
            """)
        variables: dict[str, object] = {"slug": slug}
        response = self.execute(
            query=query,
            operation_name="CategoryBreadcrumbs",
            variables=variables,
            **kwargs,
        )
        data = self.get_data(response)
        return CategoryBreadcrumbs.model_validate(data)

    def category_page(
        self,
        id: str,
        first: int,
        after: Union[Optional[str], UnsetType] = UNSET,
        **kwargs: Any,
    ) -> CategoryPage:
        query = gql("""
            query CategoryPage($id: ID!, $first: Int! = 20, $after: String) {
              category(id: $id) {
                id
                name
                description
                productCount
                products(first: $first, after: $after) {
                  edges {
                    cursor
                    node {
                      id
                      name
                      price
                      currency
                      stock
                      imageUrl
                    }
                  }
                  pageInfo {
                    hasNextPage
                    endCursor
                  }
                }
              }
            }
            """)
        variables: dict[str, object] = {"id": id, "first": first, "after": after}
        response = self.execute(
            query=query, operation_name="CategoryPage", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return CategoryPage.model_validate(data)

    def navigation_menu(self, **kwargs: Any) -> NavigationMenu:
        query = gql("""
            query NavigationMenu {
              categories(level: 0, first: 20) {
                edges {
                  node {
                    id
                    name
                    slug
                    children(first: 10) {
                      edges {
                        node {
                          id
                          name
                          slug
                        }
                      }
                    }
                  }
                }
              }
            }
            """)
        variables: dict[str, object] = {}
        response = self.execute(
            query=query, operation_name="NavigationMenu", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return NavigationMenu.model_validate(data)

    def predictive_search(
        self, query: str, limit: int, **kwargs: Any
    ) -> PredictiveSearch:
        _query = gql("""
            query PredictiveSearch($query: String!, $limit: Int! = 5) {
              predictiveSearch(query: $query, limit: $limit) {
                queries
                products {
                  id
                  name
                  price
                  currency
                  imageUrl
                }
                categories {
                  id
                  name
                }
              }
            }
            """)
        variables: dict[str, object] = {"query": query, "limit": limit}
        response = self.execute(
            query=_query,
            operation_name="PredictiveSearch",
            variables=variables,
            **kwargs,
        )
        data = self.get_data(response)
        return PredictiveSearch.model_validate(data)

    def product_by_slug(self, slug: str, **kwargs: Any) -> ProductBySlug:
        query = gql("""
            query ProductBySlug($slug: String!) {
              product(slug: $slug) {
                id
                name
                slug
                price
                currency
                stock
                category {
                  id
                  name
                  slug
                  ancestors {
                    name
                    slug
                  }
                }
              }
            }
            """)
        variables: dict[str, object] = {"slug": slug}
        response = self.execute(
            query=query, operation_name="ProductBySlug", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return ProductBySlug.model_validate(data)

    def product_list(
        self,
        first: int,
        sort_key: ProductSortKey,
        reverse: bool,
        after: Union[Optional[str], UnsetType] = UNSET,
        category_id: Union[Optional[str], UnsetType] = UNSET,
        filter_: Union[Optional[ProductFilter], UnsetType] = UNSET,
        **kwargs: Any,
    ) -> ProductList:
        query = gql("""
            query ProductList($first: Int! = 20, $after: String, $categoryId: ID, $sortKey: ProductSortKey! = NAME, $reverse: Boolean! = false, $filter: ProductFilter) {
              products(
                first: $first
                after: $after
                categoryId: $categoryId
                sortKey: $sortKey
                reverse: $reverse
                filter: $filter
              ) {
                edges {
                  cursor
                  node {
                    id
                    name
                    price
                    currency
                    stock
                    categoryId
                    createdAt
                  }
                }
                pageInfo {
                  hasNextPage
                  endCursor
                }
              }
            }
            """)
        variables: dict[str, object] = {
            "first": first,
            "after": after,
            "categoryId": category_id,
            "sortKey": sort_key,
            "reverse": reverse,
            "filter": filter_,
        }
        response = self.execute(
            query=query, operation_name="ProductList", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return ProductList.model_validate(data)

    def product_page(self, id: str, **kwargs: Any) -> ProductPage:
        query = gql("""
            query ProductPage($id: ID!) {
              product(id: $id) {
                id
                name
                description
                price
                currency
                stock
                imageUrl
                image {
                  url
                  width
                  height
                }
                updatedAt
                category {
                  id
                  name
                }
              }
            }
            """)
        variables: dict[str, object] = {"id": id}
        response = self.execute(
            query=query, operation_name="ProductPage", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return ProductPage.model_validate(data)

    def product_search(
        self,
        text: str,
        first: int,
        in_stock: Union[Optional[bool], UnsetType] = UNSET,
        **kwargs: Any,
    ) -> ProductSearch:
        query = gql("""
            query ProductSearch($text: String!, $first: Int! = 10, $inStock: Boolean) {
              products(first: $first, filter: {nameStartsWith: $text, inStock: $inStock}) {
                edges {
                  node {
                    id
                    name
                    price
                    currency
                    stock
                  }
                }
              }
            }
            """)
        variables: dict[str, object] = {
            "text": text,
            "first": first,
            "inStock": in_stock,
        }
        response = self.execute(
            query=query, operation_name="ProductSearch", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return ProductSearch.model_validate(data)

    def search_page(
        self,
        first: int,
        sort_key: SearchSortKey,
        reverse: bool,
        query: Union[Optional[str], UnsetType] = UNSET,
        after: Union[Optional[str], UnsetType] = UNSET,
        filter_: Union[Optional[SearchFilter], UnsetType] = UNSET,
        **kwargs: Any,
    ) -> SearchPage:
        _query = gql("""
            query SearchPage($query: String, $first: Int! = 20, $after: String, $sortKey: SearchSortKey! = RELEVANCE, $reverse: Boolean! = false, $filter: SearchFilter) {
              search(
                query: $query
                first: $first
                after: $after
                sortKey: $sortKey
                reverse: $reverse
                filter: $filter
              ) {
                totalCount
                edges {
                  cursor
                  node {
                    id
                    name
                    price
                    currency
                    stock
                    imageUrl
                    category {
                      id
                      name
                    }
                  }
                }
                pageInfo {
                  hasNextPage
                  endCursor
                }
                facets {
                  name
                  values {
                    value
                    label
                    count
                  }
                }
                priceRange {
                  min
                  max
                }
              }
            }
            """)
        variables: dict[str, object] = {
            "query": query,
            "first": first,
            "after": after,
            "sortKey": sort_key,
            "reverse": reverse,
            "filter": filter_,
        }
        response = self.execute(
            query=_query, operation_name="SearchPage", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return SearchPage.model_validate(data)

    def storefront_page(
        self,
        id: str,
        first: int,
        sort_key: ProductSortKey,
        reverse: bool,
        after: Union[Optional[str], UnsetType] = UNSET,
        filter_: Union[Optional[ProductFilter], UnsetType] = UNSET,
        **kwargs: Any,
    ) -> StorefrontPage:
        query = gql("""
            query StorefrontPage($id: ID!, $first: Int! = 20, $after: String, $sortKey: ProductSortKey! = PRICE, $reverse: Boolean! = false, $filter: ProductFilter = {inStock: true}) {
              category(id: $id) {
                id
                name
                productCount
                products(
                  first: $first
                  after: $after
                  sortKey: $sortKey
                  reverse: $reverse
                  filter: $filter
                ) {
                  edges {
                    cursor
                    node {
                      id
                      name
                      price
                      currency
                      stock
                      imageUrl
                    }
                  }
                  pageInfo {
                    hasNextPage
                    endCursor
                  }
                }
              }
            }
            """)
        variables: dict[str, object] = {
            "id": id,
            "first": first,
            "after": after,
            "sortKey": sort_key,
            "reverse": reverse,
            "filter": filter_,
        }
        response = self.execute(
            query=query, operation_name="StorefrontPage", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return StorefrontPage.model_validate(data)

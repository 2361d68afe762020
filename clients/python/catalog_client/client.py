from typing import Any, Optional, Union

from .base_client import BaseClient
from .base_model import UNSET, UnsetType
from .category_page import CategoryPage
from .delete_product import DeleteProduct
from .input_types import UpsertProductInput
from .product_page import ProductPage
from .upsert_product import UpsertProduct


def gql(q: str) -> str:
    return q


class Client(BaseClient):
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

from enum import Enum


class ProductSortKey(str, Enum):
    NAME = "NAME"
    PRICE = "PRICE"
    CREATED_AT = "CREATED_AT"


class SearchSortKey(str, Enum):
    RELEVANCE = "RELEVANCE"
    PRICE = "PRICE"
    NAME = "NAME"
    CREATED_AT = "CREATED_AT"

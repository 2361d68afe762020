from decimal import Decimal
from typing import Optional

from pydantic import Field

from .base_model import BaseModel


class SearchPage(BaseModel):
    search: "SearchPageSearch"


class SearchPageSearch(BaseModel):
    total_count: int = Field(alias="totalCount")
    edges: list["SearchPageSearchEdges"]
    page_info: "SearchPageSearchPageInfo" = Field(alias="pageInfo")
    facets: list["SearchPageSearchFacets"]
    price_range: Optional["SearchPageSearchPriceRange"] = Field(alias="priceRange")


class SearchPageSearchEdges(BaseModel):
    cursor: str
    node: "SearchPageSearchEdgesNode"


class SearchPageSearchEdgesNode(BaseModel):
    id: str
    name: str
    price: Decimal
    currency: str
    stock: int
    image_url: Optional[str] = Field(alias="imageUrl")
    category: Optional["SearchPageSearchEdgesNodeCategory"]


class SearchPageSearchEdgesNodeCategory(BaseModel):
    id: str
    name: str


class SearchPageSearchPageInfo(BaseModel):
    has_next_page: bool = Field(alias="hasNextPage")
    end_cursor: Optional[str] = Field(alias="endCursor")


class SearchPageSearchFacets(BaseModel):
    name: str
    values: list["SearchPageSearchFacetsValues"]


class SearchPageSearchFacetsValues(BaseModel):
    value: str
    label: str
    count: int


class SearchPageSearchPriceRange(BaseModel):
    min: Decimal
    max: Decimal


SearchPage.model_rebuild()
SearchPageSearch.model_rebuild()
SearchPageSearchEdges.model_rebuild()
SearchPageSearchEdgesNode.model_rebuild()
SearchPageSearchFacets.model_rebuild()

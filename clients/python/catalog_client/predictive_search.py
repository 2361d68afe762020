from decimal import Decimal
from typing import Optional

from pydantic import Field

from .base_model import BaseModel


class PredictiveSearch(BaseModel):
    predictive_search: "PredictiveSearchPredictiveSearch" = Field(
        alias="predictiveSearch"
    )


class PredictiveSearchPredictiveSearch(BaseModel):
    queries: list[str]
    products: list["PredictiveSearchPredictiveSearchProducts"]
    categories: list["PredictiveSearchPredictiveSearchCategories"]


class PredictiveSearchPredictiveSearchProducts(BaseModel):
    id: str
    name: str
    price: Decimal
    currency: str
    image_url: Optional[str] = Field(alias="imageUrl")


class PredictiveSearchPredictiveSearchCategories(BaseModel):
    id: str
    name: str


PredictiveSearch.model_rebuild()
PredictiveSearchPredictiveSearch.model_rebuild()

from datetime import datetime
from typing import Optional

from pydantic import Field

from .base_model import BaseModel


class DeleteProduct(BaseModel):
    delete_product: "DeleteProductDeleteProduct" = Field(alias="deleteProduct")


class DeleteProductDeleteProduct(BaseModel):
    id: str
    hard: bool
    deleted_at: Optional[datetime] = Field(alias="deletedAt")


DeleteProduct.model_rebuild()

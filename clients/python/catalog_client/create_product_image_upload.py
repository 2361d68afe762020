from datetime import datetime

from pydantic import Field

from .base_model import BaseModel


class CreateProductImageUpload(BaseModel):
    create_product_image_upload: "CreateProductImageUploadCreateProductImageUpload" = (
        Field(alias="createProductImageUpload")
    )


class CreateProductImageUploadCreateProductImageUpload(BaseModel):
    upload_id: str = Field(alias="uploadId")
    url: str
    fields: list["CreateProductImageUploadCreateProductImageUploadFields"]
    expires_at: datetime = Field(alias="expiresAt")


class CreateProductImageUploadCreateProductImageUploadFields(BaseModel):
    name: str
    value: str


CreateProductImageUpload.model_rebuild()
CreateProductImageUploadCreateProductImageUpload.model_rebuild()

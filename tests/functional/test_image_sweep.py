"""Image files no product points at are swept without an operator (moto's S3)."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse
from urllib3.response import HTTPResponse

import handler
import models.images
from resolvers.image_sweep import sweep
from tests.catalog import DELETE_PRODUCT, create_product
from tests.client import ApiClient
from tests.functional.test_images import (
    BUCKET,
    PNG,
    Bucket,
    attach,
    bucket,
    image_of,
    s3_endpoint,
    upload,
)

__all__ = ["bucket", "s3_endpoint"]
pytestmark = pytest.mark.parametrize("backend", ["moto"], indirect=True)


@pytest.fixture
def api(backend: Any) -> ApiClient:
    return ApiClient("http-v2")


def unavailable(request: Any, **_: Any) -> AWSResponse:
    body = b"<Error><Code>ServiceUnavailable</Code><Message>Try again.</Message></Error>"
    raw = HTTPResponse(body=io.BytesIO(body), status=503, preload_content=False)
    return AWSResponse(request.url, 503, {"Content-Type": "application/xml"}, raw)


def test_hard_deleted_products_files_are_swept_after_s3_failed(
    api: ApiClient, bucket: Bucket
) -> None:
    # GIVEN a product with an image, hard-deleted while S3 fails (finding 6), and a live
    # product with its image and a leftover earlier image
    gone, kept = create_product(api, name="Gone"), create_product(api, name="Kept")
    attach(api, gone["id"], upload(api, gone["id"], PNG))
    attach(api, kept["id"], upload(api, kept["id"], PNG))
    leftover = f"images/{kept['id']}/earlier.png"
    bucket.client.put_object(Bucket=BUCKET, Key=leftover, Body=PNG)
    events = models.images.client().meta.events
    events.register("before-send.s3.ListObjectsV2", unavailable)
    try:
        deleted = api.admin(DELETE_PRODUCT, {"id": gone["id"], "hard": True})
    finally:
        events.unregister("before-send.s3.ListObjectsV2", unavailable)
    assert not deleted.errors
    assert any(key.startswith(f"images/{gone['id']}/") for key in bucket.listed())

    # WHEN the sweep runs (files younger than its minimum age are left alone)
    early = sweep()
    report = sweep(min_age=timedelta(0))

    # THEN the deleted product's file and the leftover are gone; the shown image stays
    assert early.deleted == 0
    assert report.deleted == 2
    kept_key = image_of(api, kept["id"])["image"]["url"].split(f"/{BUCKET}/", 1)[1]
    assert bucket.listed() == [kept_key]


def test_sweep_is_the_lambda_entry_point_of_the_schedule(bucket: Bucket) -> None:
    assert handler.sweep(None, None) == {"products": 0, "deleted": 0}

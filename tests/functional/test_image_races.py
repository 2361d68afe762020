"""attachProductImage against a changing upload, a costly file and S3 faults (moto's S3)."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse
from urllib3.response import HTTPResponse

import models.images
from resolvers.image_files import BLOCK_BYTES, TAIL_BYTES
from tests.catalog import create_product
from tests.client import ApiClient
from tests.functional.test_images import (
    BUCKET,
    CREATE,
    HTML,
    Bucket,
    attach,
    bucket,
    image_of,
    post_form,
    s3_endpoint,
    staged,
)
from tests.unit.test_image_files import jpeg_with_metadata

# The images tests' fixtures, shared.
__all__ = ["bucket", "s3_endpoint"]
pytestmark = pytest.mark.parametrize("backend", ["moto"], indirect=True)
RACES = 30


@pytest.fixture
def api(backend: Any) -> ApiClient:
    return ApiClient("http-v2")


def form(api: ApiClient, product_id: str, content_type: str, length: int) -> dict[str, Any]:
    variables = {"productId": product_id, "contentType": content_type, "contentLength": length}
    response = api.admin(CREATE, {"input": variables})
    assert not response.errors, response.errors
    return response.data["createProductImageUpload"]  # type: ignore[no-any-return]


@pytest.fixture
def s3_calls(bucket: Bucket) -> Iterator[list[dict[str, Any]]]:
    """The parameters of every GetObject the API's S3 client makes."""
    calls: list[dict[str, Any]] = []

    def record(params: dict[str, Any], **_: Any) -> None:
        calls.append(dict(params))

    events = models.images.client().meta.events
    events.register("before-parameter-build.s3.GetObject", record)
    yield calls
    events.unregister("before-parameter-build.s3.GetObject", record)


def test_attach_product_image_racing_reposts_never_publishes_unchecked_bytes(
    api: ApiClient, bucket: Bucket
) -> None:
    # A JPEG larger than the first block: the check makes three reads, then the copy,
    # a window the re-POSTs land in.
    good = jpeg_with_metadata(300_000)
    outcomes: list[str] = []
    for _ in range(RACES):
        # GIVEN a JPEG uploaded, and the same form re-POSTed with HTML and the JPEG in turn
        product = create_product(api)
        upload = form(api, product["id"], "image/jpeg", len(good))
        assert post_form(upload, good, "image/jpeg").status_code == 204
        done = threading.Event()

        def repost(upload: dict[str, Any] = upload, done: threading.Event = done) -> None:
            while not done.is_set():
                post_form(upload, HTML, "image/jpeg")
                post_form(upload, good, "image/jpeg")

        racer = threading.Thread(target=repost)
        racer.start()
        # WHEN the upload is attached meanwhile
        try:
            response = attach(api, product["id"], upload["uploadId"])
        finally:
            done.set()
            racer.join()
        # THEN what is published is the JPEG checked, or nothing and a client error
        public = [key for key in bucket.listed() if key.startswith("images/")]
        if response.errors:
            assert response.codes in (["CONFLICT"], ["BAD_USER_INPUT"])
            assert public == []
            assert image_of(api, product["id"])["image"] is None
            outcomes.append(response.codes[0])
        else:
            (key,) = public
            assert bucket.client.get_object(Bucket=BUCKET, Key=key)["Body"].read() == good
            outcomes.append("attached")
        for key in public:
            bucket.client.delete_object(Bucket=BUCKET, Key=key)
    # Both sides of the race were run: some attaches won it, some lost it.
    assert "attached" in outcomes
    assert set(outcomes) - {"attached"}


def test_attach_product_image_of_a_hostile_jpeg_takes_at_most_six_reads(
    api: ApiClient, bucket: Bucket, s3_calls: list[dict[str, Any]]
) -> None:
    # GIVEN 5 MiB of a JPEG signature, zeros and an end marker (finding 4)
    data = b"\xff\xd8\xff\x01" + b"\0" * (5 * 1024 * 1024 - 6) + b"\xff\xd9"
    product = create_product(api)
    upload = form(api, product["id"], "image/jpeg", len(data))
    assert post_form(upload, data, "image/jpeg").status_code == 204
    s3_calls.clear()
    # WHEN it is attached
    response = attach(api, product["id"], upload["uploadId"])
    # THEN it is refused after at most six ranged reads, and deleted
    assert response.codes == ["BAD_USER_INPUT"]
    assert "width and height" in response.errors[0]["message"]
    assert len(s3_calls) <= 6
    assert all("Range" in call for call in s3_calls)
    assert bucket.listed() == []


def slow_down(size: int) -> Any:
    """S3's SlowDown for every ranged read of a `size`-byte file but its first block and
    its last bytes: the reads that find its width and height."""
    allowed = {f"bytes=0-{BLOCK_BYTES - 1}", f"bytes={size - TAIL_BYTES}-{size - 1}"}

    def answer(request: Any, **_: Any) -> AWSResponse | None:
        asked = request.headers.get("Range") or b""
        if (asked.decode() if isinstance(asked, bytes) else asked) in allowed:
            return None
        body = b"<Error><Code>SlowDown</Code><Message>Reduce your request rate.</Message></Error>"
        raw = HTTPResponse(body=io.BytesIO(body), status=503, preload_content=False)
        return AWSResponse(request.url, 503, {"Content-Type": "application/xml"}, raw)

    return answer


def test_attach_product_image_when_s3_slows_down_keeps_the_upload(
    api: ApiClient, bucket: Bucket
) -> None:
    # GIVEN a good JPEG larger than the first block, and S3 answering SlowDown to later reads
    data = jpeg_with_metadata(300_000)
    product = create_product(api)
    upload = form(api, product["id"], "image/jpeg", len(data))
    assert post_form(upload, data, "image/jpeg").status_code == 204
    events = models.images.client().meta.events
    fault = slow_down(len(data))
    events.register("before-send.s3.GetObject", fault)
    try:
        # WHEN it is attached
        response = attach(api, product["id"], upload["uploadId"])
    finally:
        events.unregister("before-send.s3.GetObject", fault)
    # THEN the client is told to retry, the upload is kept, and a retry attaches it
    assert response.codes == ["SERVICE_UNAVAILABLE"]
    assert bucket.listed() == [staged(product["id"], upload["uploadId"])]
    retried = attach(api, product["id"], upload["uploadId"])
    assert retried.data["attachProductImage"]["image"]["width"] == 40

"""Product images through the Lambda handler, with uploads to moto's S3 server."""

from __future__ import annotations

import base64
import dataclasses
import functools
import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import httpx
import pytest
from ulid import ULID

import models.images
from cli.dynamodb_local import LocalDynamoDB, free_port
from cli.local_s3 import prepare_bucket
from resolvers import products
from tests.catalog import DELETE_PRODUCT, GET_PRODUCT, RESTORE_PRODUCT, create_product
from tests.client import ApiClient

IMAGES = Path(__file__).parents[1] / "images"
PNG = (IMAGES / "mountain-24x16.png").read_bytes()
JPEG = (IMAGES / "mountain-40x30.jpg").read_bytes()
WEBP = (IMAGES / "mountain-32x20.webp").read_bytes()
WEBP_LOSSLESS = (IMAGES / "mountain-48x36.webp").read_bytes()
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(1)</script></svg>"
)
BUCKET = "catalog-images-test"
LIMIT = 5 * 1024 * 1024

CREATE = """
mutation Create($input: CreateProductImageUploadInput!) {
  createProductImageUpload(input: $input) { uploadId url fields { name value } expiresAt }
}
"""
ATTACH = """
mutation Attach($input: AttachProductImageInput!) {
  attachProductImage(input: $input) {
    id version imageUrl image { url width height contentType }
  }
}
"""
IMAGE_OF = """
query Image($id: ID!, $all: Boolean! = false) {
  product(id: $id, includeDeleted: $all) { version imageUrl image { url width height } }
}
"""


@dataclasses.dataclass
class Bucket:
    """The images bucket on moto's S3 server, as a test reads it."""

    endpoint_url: str
    client: Any

    def listed(self) -> list[str]:
        listed = self.client.list_objects_v2(Bucket=BUCKET)
        return sorted(item["Key"] for item in listed.get("Contents", []))

    def head(self, key: str) -> dict[str, Any]:
        return self.client.head_object(Bucket=BUCKET, Key=key)  # type: ignore[no-any-return]

    @property
    def base_url(self) -> str:
        return f"{self.endpoint_url}/{BUCKET}/images"


@pytest.fixture(scope="session")
def s3_endpoint(moto_server: LocalDynamoDB) -> Iterator[str]:
    """moto's server as the S3 endpoint botocore picks up, with the images bucket."""
    endpoint = moto_server.endpoint_url
    previous = os.environ.get("AWS_ENDPOINT_URL_S3")
    os.environ["AWS_ENDPOINT_URL_S3"] = endpoint
    models.images.client.cache_clear()
    prepare_bucket(endpoint, BUCKET)
    yield endpoint
    if previous is None:
        os.environ.pop("AWS_ENDPOINT_URL_S3")
    else:
        os.environ["AWS_ENDPOINT_URL_S3"] = previous
    models.images.client.cache_clear()


@pytest.fixture
def bucket(s3_endpoint: str, monkeypatch: pytest.MonkeyPatch, backend: LocalDynamoDB) -> Bucket:
    """The images bucket, emptied, and settings that name it."""
    monkeypatch.setenv("CATALOG_IMAGES_BUCKET", BUCKET)
    monkeypatch.setenv("CATALOG_IMAGES_BASE_URL", f"{s3_endpoint}/{BUCKET}/images")
    found = Bucket(s3_endpoint, _test_client(s3_endpoint))
    for key in found.listed():
        found.client.delete_object(Bucket=BUCKET, Key=key)
    return found


@functools.cache
def _test_client(endpoint: str) -> Any:
    return boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")


def create_upload(
    api: ApiClient, product_id: str, content_type: str = "image/png", length: int = len(PNG)
) -> Any:
    return api.admin(
        CREATE,
        {"input": {"productId": product_id, "contentType": content_type, "contentLength": length}},
    )


def post_form(upload: dict[str, Any], data: bytes, content_type: str) -> httpx.Response:
    """What a browser does with the form: its fields, then the file, to its URL."""
    fields = {field["name"]: field["value"] for field in upload["fields"]}
    return httpx.post(
        upload["url"], data=fields, files={"file": ("upload", data, content_type)}, timeout=10
    )


def upload(
    api: ApiClient,
    product_id: str,
    data: bytes,
    content_type: str = "image/png",
    declared: int | None = None,
) -> str:
    """Create an upload for `data` and POST it; the upload id."""
    response = create_upload(api, product_id, content_type, declared or len(data))
    assert not response.errors, response.errors
    created = response.data["createProductImageUpload"]
    posted = post_form(created, data, content_type)
    assert posted.status_code == 204, posted.text
    return str(created["uploadId"])


def attach(api: ApiClient, product_id: str, upload_id: str, **extra: Any) -> Any:
    return api.admin(ATTACH, {"input": {"productId": product_id, "uploadId": upload_id, **extra}})


def image_of(api: ApiClient, product_id: str, *, include_deleted: bool = False) -> Any:
    return api.ok(IMAGE_OF, {"id": product_id, "all": include_deleted})["product"]


def staged(product_id: str, upload_id: str) -> str:
    return f"uploads/{product_id}/{upload_id}"


@pytest.mark.parametrize(
    ("data", "content_type", "width", "height"),
    [
        (PNG, "image/png", 24, 16),
        (JPEG, "image/jpeg", 40, 30),
        (WEBP, "image/webp", 32, 20),
        (WEBP_LOSSLESS, "image/webp", 48, 36),
    ],
    ids=["png", "jpeg", "webp-lossy", "webp-lossless"],
)
def test_attach_product_image_publishes_a_good_file(
    api: ApiClient, bucket: Bucket, data: bytes, content_type: str, width: int, height: int
) -> None:
    # GIVEN a product and a file uploaded through the form
    product = create_product(api)
    upload_id = upload(api, product["id"], data, content_type)
    # WHEN it is attached
    response = attach(api, product["id"], upload_id)
    # THEN the product shows it, with the size read from the file
    assert not response.errors, response.errors
    attached = response.data["attachProductImage"]
    image = attached["image"]
    assert (image["width"], image["height"], image["contentType"]) == (width, height, content_type)
    assert attached["version"] == 2
    assert attached["imageUrl"] == image["url"]
    assert image["url"].startswith(bucket.base_url + f"/{product['id']}/")
    assert image_of(api, product["id"])["image"] == {
        "url": image["url"],
        "width": width,
        "height": height,
    }
    # AND the bucket holds only the public copy, served as its type, cached for good
    (key,) = bucket.listed()
    assert key == "images/" + image["url"].removeprefix(bucket.base_url + "/")
    head = bucket.head(key)
    assert head["ContentType"] == content_type
    assert head["CacheControl"] == "public, max-age=31536000, immutable"
    served = httpx.get(image["url"], timeout=10)
    assert served.content == data


def test_create_product_image_upload_signs_a_pinned_short_lived_policy(
    api: ApiClient, bucket: Bucket
) -> None:
    product = create_product(api)
    before = datetime.now(UTC).replace(microsecond=0)

    response = create_upload(api, product["id"], "image/webp", 1234)
    after = datetime.now(UTC)

    created = response.data["createProductImageUpload"]
    fields = {field["name"]: field["value"] for field in created["fields"]}
    policy = json.loads(base64.b64decode(fields["policy"]))
    expires = datetime.fromisoformat(created["expiresAt"].replace("Z", "+00:00"))
    assert created["url"] == f"{bucket.endpoint_url}/{BUCKET}"
    assert fields["key"] == staged(product["id"], created["uploadId"])
    assert fields["Content-Type"] == "image/webp"
    assert {"Content-Type": "image/webp"} in policy["conditions"]
    assert ["content-length-range", 1, 1234] in policy["conditions"]
    assert {"key": fields["key"]} in policy["conditions"]
    assert before < expires <= after + timedelta(minutes=15)
    assert policy["expiration"] == created["expiresAt"].replace(".000Z", "Z")
    assert fields["x-amz-algorithm"] == "AWS4-HMAC-SHA256"
    assert bucket.listed() == []


@pytest.mark.parametrize(
    ("content_type", "length", "field"),
    [
        ("image/svg+xml", 100, "contentType"),
        ("text/html", 100, "contentType"),
        ("image/gif", 100, "contentType"),
        ("image/png", 0, "contentLength"),
        ("image/png", -5, "contentLength"),
        ("image/png", LIMIT + 1, "contentLength"),
    ],
)
def test_create_product_image_upload_rejects_bad_input(
    api: ApiClient, bucket: Bucket, content_type: str, length: int, field: str
) -> None:
    product = create_product(api)

    response = create_upload(api, product["id"], content_type, length)

    assert response.codes == ["BAD_USER_INPUT"]
    assert response.errors[0]["message"].startswith(field)


def test_create_product_image_upload_needs_a_live_product(api: ApiClient, bucket: Bucket) -> None:
    product = create_product(api)
    api.ok(DELETE_PRODUCT, {"id": product["id"]})

    deleted = create_upload(api, product["id"])
    missing = create_upload(api, "no-such-product")

    assert deleted.codes == missing.codes == ["NOT_FOUND"]


@pytest.mark.parametrize(
    ("data", "declared_type", "declared", "reason"),
    [
        (HTML, "image/png", None, "not a PNG, JPEG or WebP"),
        (SVG, "image/png", None, "not a PNG, JPEG or WebP"),
        (SVG, "image/webp", None, "not a PNG, JPEG or WebP"),
        (JPEG, "image/png", None, "is image/jpeg, not the declared image/png"),
        (WEBP, "image/jpeg", None, "is image/webp, not the declared image/jpeg"),
        (PNG, "image/png", len(PNG) - 1, "more than the"),
        (PNG[: len(PNG) // 2], "image/png", len(PNG), "cut short"),
        (JPEG[:-200], "image/jpeg", len(JPEG), "cut short"),
        (PNG[:20], "image/png", len(PNG), "cut short"),
    ],
    ids=[
        "html",
        "svg-as-png",
        "svg-as-webp",
        "jpeg-as-png",
        "webp-as-jpeg",
        "larger-than-declared",
        "truncated-png",
        "truncated-jpeg",
        "png-header-only",
    ],
)
def test_attach_product_image_refuses_and_deletes_a_bad_file(
    api: ApiClient,
    bucket: Bucket,
    data: bytes,
    declared_type: str,
    declared: int | None,
    reason: str,
) -> None:
    # GIVEN a file the storage accepted (moto checks no POST policy condition)
    product = create_product(api)
    upload_id = upload(api, product["id"], data, declared_type, declared)
    assert bucket.listed() == [staged(product["id"], upload_id)]
    private = f"{bucket.endpoint_url}/{BUCKET}/{staged(product['id'], upload_id)}"
    assert httpx.get(private, timeout=10).status_code == 403
    # WHEN it is attached
    response = attach(api, product["id"], upload_id)
    # THEN it is refused, saying why, deleted, and the product is unchanged
    assert response.codes == ["BAD_USER_INPUT"]
    assert reason in response.errors[0]["message"]
    assert bucket.listed() == []
    assert image_of(api, product["id"]) == {"version": 1, "imageUrl": None, "image": None}


def test_attach_product_image_refuses_a_file_over_the_limit(
    api: ApiClient, bucket: Bucket, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN an upload made while the limit was higher than it is now
    product = create_product(api)
    upload_id = upload(api, product["id"], JPEG, "image/jpeg")
    lowered = api.with_settings(max_image_bytes=len(JPEG) - 1)

    response = attach(lowered, product["id"], upload_id)

    assert response.codes == ["BAD_USER_INPUT"]
    assert f"over the limit of {len(JPEG) - 1}" in response.errors[0]["message"]
    assert bucket.listed() == []


def test_attach_product_image_unknown_upload_is_not_found(api: ApiClient, bucket: Bucket) -> None:
    product = create_product(api)
    other = upload(api, product["id"], PNG)

    unknown = attach(api, product["id"], f"{ULID()}-png-176")
    malformed = attach(api, product["id"], "../../images/x")

    assert unknown.codes == ["NOT_FOUND"]
    assert malformed.codes == ["BAD_USER_INPUT"]
    assert bucket.listed() == [staged(product["id"], other)]
    assert image_of(api, product["id"])["version"] == 1


def test_attach_product_image_of_another_products_upload_is_not_found(
    api: ApiClient, bucket: Bucket
) -> None:
    # GIVEN a file uploaded for product A
    a, b = create_product(api, name="A"), create_product(api, name="B")
    upload_id = upload(api, a["id"], PNG)
    # WHEN it is attached to product B
    response = attach(api, b["id"], upload_id)
    # THEN B has no such upload; A's is untouched and still attaches to A
    assert response.codes == ["NOT_FOUND"]
    assert bucket.listed() == [staged(a["id"], upload_id)]
    assert image_of(api, b["id"])["image"] is None
    assert attach(api, a["id"], upload_id).data["attachProductImage"]["image"]["width"] == 24


def test_attach_product_image_to_a_deleted_product(api: ApiClient, bucket: Bucket) -> None:
    # GIVEN files uploaded for two products, one then soft-deleted, one hard-deleted
    soft, hard = create_product(api, name="Soft"), create_product(api, name="Hard")
    soft_upload = upload(api, soft["id"], PNG)
    hard_upload = upload(api, hard["id"], PNG)
    api.ok(DELETE_PRODUCT, {"id": soft["id"]})
    api.ok(DELETE_PRODUCT, {"id": hard["id"], "hard": True})
    # WHEN they are attached
    to_soft = attach(api, soft["id"], soft_upload)
    to_hard = attach(api, hard["id"], hard_upload)
    # THEN nothing is published: the soft-deleted product's upload waits, private, for
    # a restore or the bucket's expiry; the hard delete took the other's with it
    assert to_soft.codes == ["CONFLICT"]
    assert to_hard.codes == ["NOT_FOUND"]
    assert bucket.listed() == [staged(soft["id"], soft_upload)]


def test_attach_product_image_to_a_product_deleted_meanwhile_publishes_nothing(
    api: ApiClient, bucket: Bucket, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a product deleted after its upload passed the checks, before the write
    product = create_product(api)
    upload_id = upload(api, product["id"], JPEG, "image/jpeg")
    publish = models.images.publish

    def publish_then_delete(source: str, destination: str, content_type: str, etag: str) -> str:
        copied = publish(source, destination, content_type, etag)
        products.delete_product(product["id"], hard=False, expected_version=None)
        return copied

    monkeypatch.setattr(models.images, "publish", publish_then_delete)
    # WHEN it is attached
    response = attach(api, product["id"], upload_id)
    # THEN the write is refused and the published copy is gone again
    assert response.codes == ["CONFLICT"]
    assert bucket.listed() == [staged(product["id"], upload_id)]
    assert image_of(api, product["id"], include_deleted=True)["image"] is None


def test_attach_product_image_honours_expected_version(api: ApiClient, bucket: Bucket) -> None:
    product = create_product(api)
    upload_id = upload(api, product["id"], PNG)

    stale = attach(api, product["id"], upload_id, expectedVersion=7)
    current = attach(api, product["id"], upload_id, expectedVersion=1)

    assert stale.codes == ["CONFLICT"]
    assert "version 1, not 7" in stale.errors[0]["message"]
    assert current.data["attachProductImage"]["version"] == 2


def test_attach_product_image_replaces_and_deletes_the_previous_image(
    api: ApiClient, bucket: Bucket
) -> None:
    # GIVEN a product with a PNG attached
    product = create_product(api)
    first = attach(api, product["id"], upload(api, product["id"], PNG))
    first_url = first.data["attachProductImage"]["image"]["url"]
    # WHEN a JPEG is attached in its place
    second = attach(api, product["id"], upload(api, product["id"], JPEG, "image/jpeg"))
    # THEN the product shows the JPEG, and only the JPEG is left in the bucket
    replaced = second.data["attachProductImage"]
    assert replaced["version"] == 3
    assert replaced["image"]["contentType"] == "image/jpeg"
    assert replaced["image"]["url"] != first_url
    (key,) = bucket.listed()
    assert key.endswith(".jpg")
    assert httpx.get(first_url, timeout=10).status_code == 404


def test_delete_product_hard_deletes_its_images_soft_keeps_them(
    api: ApiClient, bucket: Bucket
) -> None:
    # GIVEN two products with images, one with an upload still pending too
    kept, gone = create_product(api, name="Kept"), create_product(api, name="Gone")
    attach(api, kept["id"], upload(api, kept["id"], PNG))
    attach(api, gone["id"], upload(api, gone["id"], WEBP, "image/webp"))
    upload(api, gone["id"], PNG)
    kept_image = image_of(api, kept["id"])["image"]
    # WHEN one is soft-deleted and the other hard-deleted
    api.ok(DELETE_PRODUCT, {"id": kept["id"]})
    api.ok(DELETE_PRODUCT, {"id": gone["id"], "hard": True})
    # THEN the hard-deleted product's files are gone; the other's image returns with it
    assert [key.split("/")[1] for key in bucket.listed()] == [kept["id"]]
    restored = api.ok(RESTORE_PRODUCT, {"id": kept["id"]})["restoreProduct"]
    assert restored["imageUrl"] == kept_image["url"]
    assert httpx.get(kept_image["url"], timeout=10).content == PNG


def test_image_url_written_by_upsert_shows_until_an_image_is_attached(
    api: ApiClient, bucket: Bucket
) -> None:
    product = create_product(api, imageUrl="https://example.com/old.jpg")

    attached = attach(api, product["id"], upload(api, product["id"], PNG))

    assert (
        api.ok(GET_PRODUCT, {"id": product["id"]})["product"]["imageUrl"]
        == (attached.data["attachProductImage"]["image"]["url"])
    )
    assert product["imageUrl"] == "https://example.com/old.jpg"


@pytest.mark.parametrize(
    ("document", "variables"),
    [
        (CREATE, {"productId": "p", "contentType": "image/png", "contentLength": 1}),
        (ATTACH, {"productId": "p", "uploadId": f"{ULID()}-png-1"}),
    ],
    ids=["create", "attach"],
)
def test_image_mutations_need_an_admin(
    api: ApiClient, bucket: Bucket, document: str, variables: dict[str, Any]
) -> None:
    anonymous = api.public(document, {"input": variables})
    member = api.send(document, {"input": variables}, admin_route=True, groups="[editors]")

    assert anonymous.codes == ["UNAUTHENTICATED"]
    assert member.codes == ["FORBIDDEN"]


@pytest.mark.parametrize(
    ("document", "variables"),
    [
        (CREATE, {"contentType": "image/png", "contentLength": 1}),
        (ATTACH, {"uploadId": f"{ULID()}-png-1"}),
    ],
    ids=["create", "attach"],
)
def test_image_mutations_without_a_bucket_say_images_are_not_configured(
    api: ApiClient, document: str, variables: dict[str, Any]
) -> None:
    product = create_product(api)

    response = api.admin(document, {"input": {"productId": product["id"], **variables}})

    assert response.codes == ["SERVICE_UNAVAILABLE"]
    assert "not configured" in response.errors[0]["message"]


def test_attach_product_image_with_storage_unreachable_is_service_unavailable(
    api: ApiClient, bucket: Bucket, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a product, and an S3 endpoint where nothing listens
    product = create_product(api)
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", f"http://127.0.0.1:{free_port()}")
    models.images.client.cache_clear()
    try:
        # WHEN an upload is attached
        response = attach(api, product["id"], f"{ULID()}-png-176")
    finally:
        models.images.client.cache_clear()
    # THEN the client is told to retry, and the product is unchanged
    assert response.codes == ["SERVICE_UNAVAILABLE"]
    assert "image store" in response.errors[0]["message"]
    assert image_of(api, product["id"]) == {"version": 1, "imageUrl": None, "image": None}

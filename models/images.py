"""Product image files in S3: staged uploads, public images, and the calls made on them."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.session import get_session

from models.base import CONNECT_TIMEOUT_SECONDS, MAX_RETRY_ATTEMPTS, READ_TIMEOUT_SECONDS

# Uploads land under a private staging prefix, one folder per product; only what
# passed the checks is copied under the public prefix, which alone the CDN serves.
UPLOADS_PREFIX = "uploads/"
IMAGES_PREFIX = "images/"
# A public key never changes content (a new image gets a new key), so caches may
# keep it for a year without revalidating.
IMMUTABLE = "public, max-age=31536000, immutable"
MISSING_CODES = frozenset({"404", "NoSuchKey", "NotFound"})
DEFAULT_MAX_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class ImageConfig:
    """Where images are kept and served from; no bucket turns the image mutations off."""

    bucket: str | None = None
    base_url: str | None = None
    region: str = "us-east-1"
    max_bytes: int = DEFAULT_MAX_BYTES


_config = ImageConfig()


def configure(config: ImageConfig) -> None:
    """Use `config` from now on (the store's `bind` calls this); a new region gets a new client."""
    global _config
    if config.region != _config.region:
        client.cache_clear()
    _config = config


def config() -> ImageConfig:
    return _config


@functools.cache
def client() -> Any:
    """The S3 client, made on first use: most requests never touch images.

    Its endpoint is botocore's own AWS_ENDPOINT_URL_S3 when set; its timeouts and
    retries are the DynamoDB client's (models/base.py).
    """
    config = Config(
        signature_version="s3v4",
        connect_timeout=CONNECT_TIMEOUT_SECONDS,
        read_timeout=READ_TIMEOUT_SECONDS,
        retries={"mode": "standard", "total_max_attempts": 1 + MAX_RETRY_ATTEMPTS},
    )
    return get_session().create_client("s3", region_name=_config.region, config=config)


def bucket() -> str:
    if _config.bucket is None:
        raise RuntimeError("no images bucket is configured")
    return _config.bucket


def upload_key(product_id: str, upload_id: str) -> str:
    return f"{UPLOADS_PREFIX}{product_id}/{upload_id}"


def image_key(product_id: str, name: str) -> str:
    return f"{IMAGES_PREFIX}{product_id}/{name}"


def public_url(key: str) -> str | None:
    """Where browsers fetch an image: the base URL stands for the images/ prefix."""
    if _config.base_url is None or not key.startswith(IMAGES_PREFIX):
        return None
    return f"{_config.base_url}/{key.removeprefix(IMAGES_PREFIX)}"


def presigned_post(
    key: str, content_type: str, max_length: int, expires_in: int
) -> tuple[str, dict[str, str]]:
    """The URL and form fields of a browser upload of one file to `key`.

    The policy S3 checks pins the key, the content type, and a length of
    1..`max_length` bytes, and expires after `expires_in` seconds.
    """
    post = client().generate_presigned_post(
        Bucket=bucket(),
        Key=key,
        Fields={"Content-Type": content_type},
        Conditions=[
            {"Content-Type": content_type},
            ["content-length-range", 1, max_length],
        ],
        ExpiresIn=expires_in,
    )
    return post["url"], post["fields"]


@dataclass(frozen=True)
class Head:
    """The first bytes of an object, its whole size, and the ETag of the version read."""

    data: bytes
    size: int
    etag: str = ""


def read_head(key: str, length: int) -> Head | None:
    """The first `length` bytes of an object with one ranged GET; None when it is missing."""
    try:
        response = client().get_object(Bucket=bucket(), Key=key, Range=f"bytes=0-{length - 1}")
    except ClientError as error:
        if _code(error) in MISSING_CODES:
            return None
        if _code(error) == "InvalidRange":  # An empty object has no byte 0.
            return Head(b"", 0)
        raise
    with response["Body"] as body:
        data = body.read(length)
    content_range = response.get("ContentRange") or ""
    total = content_range.rpartition("/")[2]
    size = int(total) if total.isdigit() else len(data)
    return Head(data, size, str(response.get("ETag") or ""))


def read_range(key: str, start: int, end: int, etag: str) -> bytes:
    """Bytes `start` to `end` (inclusive) of the version of an object whose ETag is `etag`.

    S3 answers 412 PreconditionFailed when the object was replaced since.
    """
    response = client().get_object(
        Bucket=bucket(), Key=key, Range=f"bytes={start}-{end}", IfMatch=etag
    )
    with response["Body"] as body:
        data: bytes = body.read(end - start + 1)
    return data


def publish(source: str, destination: str, content_type: str, etag: str) -> str:
    """Copy the version `etag` of a checked upload to its public key, with the type and
    caching it is served with; the copy's ETag.

    S3 refuses the copy (412) when the upload was replaced since it was checked. The
    caller compares the copy's ETag too, for stores that ignore the condition (moto): a
    single-part object's ETag under SSE-S3 is the MD5 of its bytes, the copy's included.
    """
    response = client().copy_object(
        Bucket=bucket(),
        Key=destination,
        CopySource={"Bucket": bucket(), "Key": source},
        CopySourceIfMatch=etag,
        MetadataDirective="REPLACE",
        ContentType=content_type,
        CacheControl=IMMUTABLE,
    )
    return str((response.get("CopyObjectResult") or {}).get("ETag") or "")


def delete(key: str) -> None:
    client().delete_object(Bucket=bucket(), Key=key)


def delete_prefix(prefix: str) -> int:
    """Delete every object under `prefix`; how many there were."""
    deleted = 0
    pages = client().get_paginator("list_objects_v2").paginate(Bucket=bucket(), Prefix=prefix)
    for page in pages:
        keys = [{"Key": item["Key"]} for item in page.get("Contents", [])]
        if keys:
            client().delete_objects(Bucket=bucket(), Delete={"Objects": keys, "Quiet": True})
            deleted += len(keys)
    return deleted


def list_prefix(prefix: str) -> Iterator[tuple[str, datetime]]:
    """Every key under `prefix`, with when it was last written."""
    pages = client().get_paginator("list_objects_v2").paginate(Bucket=bucket(), Prefix=prefix)
    for page in pages:
        for item in page.get("Contents", []):
            yield item["Key"], item["LastModified"]


def delete_keys(keys: list[str]) -> int:
    """Delete `keys`, 1,000 to a call; how many."""
    for start in range(0, len(keys), 1000):
        chunk = [{"Key": key} for key in keys[start : start + 1000]]
        client().delete_objects(Bucket=bucket(), Delete={"Objects": chunk, "Quiet": True})
    return len(keys)


def _code(error: ClientError) -> str:
    return str((error.response.get("Error") or {}).get("Code", ""))

"""Product images: a staged upload straight to S3, checked and attached by the server."""

from __future__ import annotations

import base64
import json
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from ulid import ULID

from errors import BadUserInput, Conflict, NotFound, ServiceUnavailable
from models import Product
from models import images as store
from resolvers import validation
from resolvers.image_files import BLOCK_BYTES, EXTENSIONS, CheckedImage, StagedFile, check
from store.budget import hook_deadline
from store.entities import check_writable, require, require_live, update_live, with_retries
from store.errors import Raced

logger = logging.getLogger("catalog")

# How long an upload form may be used: long enough for a slow link to send 5 MiB,
# short enough that a leaked form is soon worthless.
UPLOAD_SECONDS = 15 * 60
# An upload id names the staged object and carries what was declared for it, so
# attaching needs no record of its own: S3's policy pins the key, and with it the
# declared type and length. "<ULID>-<png|jpeg|webp>-<bytes>".
UPLOAD_ID = re.compile(
    r"(?P<ulid>[0-9A-HJKMNP-TV-Z]{26})-(?P<kind>png|jpeg|webp)-(?P<length>[1-9][0-9]{0,9})"
)
# S3's answer to a read or copy conditioned on an ETag the object no longer has.
PRECONDITION_FAILED = "PreconditionFailed"
REPLACED = (
    "The upload was replaced while it was being checked; nothing was published. "
    "Attach it again to check what it holds now."
)
NOT_CONFIGURED = (
    "Product images are not configured on this deployment (CATALOG_IMAGES_BUCKET is unset)."
)
UNAVAILABLE_STATUS = 500
PRECONDITION_STATUS = 412


@dataclass(frozen=True)
class Upload:
    """Where and how to upload one file, and until when."""

    upload_id: str
    url: str
    fields: dict[str, str]
    expires_at: datetime


def create_upload(product_id: str, content_type: str, content_length: int) -> Upload:
    """A presigned POST for one image of a live product, to a private staging key."""
    _require_configured()
    validation.item_id(product_id, "productId")
    if content_type not in EXTENSIONS:
        raise BadUserInput("contentType must be image/jpeg, image/png or image/webp.")
    limit = store.config().max_bytes
    if not 1 <= content_length <= limit:
        raise BadUserInput(f"contentLength must be between 1 and {limit} bytes.")
    require_live(Product, product_id)
    kind = content_type.removeprefix("image/")
    upload_id = f"{ULID()}-{kind}-{content_length}"
    with s3_errors():
        _hook_deadline()
        url, fields = store.presigned_post(
            store.upload_key(product_id, upload_id), content_type, content_length, UPLOAD_SECONDS
        )
    return Upload(upload_id, url, fields, _expiry(fields))


def attach_image(product_id: str, upload_id: str, expected_version: int | None) -> Product:
    """Check the uploaded file, publish it, and make it the product's image in one write.

    Every read and the copy are pinned to the ETag of the version first read, so what is
    published is what was checked: an upload replaced meanwhile is CONFLICT, and kept.
    A storage fault is SERVICE_UNAVAILABLE, and the upload is kept for a retry.
    A file that fails a check is deleted; a file published for a write that then
    fails is deleted again, so nothing unattached is ever public. The previous
    image is deleted once the write has landed.
    """
    _require_configured()
    validation.item_id(product_id, "productId")
    match = UPLOAD_ID.fullmatch(upload_id)
    if match is None:
        raise BadUserInput("uploadId is not one createProductImageUpload returned.")
    current = _writable(product_id, expected_version)
    source = store.upload_key(product_id, upload_id)
    with s3_errors():
        _hook_deadline()
        image, etag = _checked(source, f"image/{match['kind']}", int(match["length"]))
        public = store.image_key(product_id, f"{ULID()}.{image.extension}")
        _publish(source, public, image.content_type, etag)
    try:
        product, previous = _set_image(current, public, image, expected_version)
    except BaseException:
        _forget(public)
        raise
    _forget(source)
    if previous and previous != public:
        _forget(previous)
    return product


def delete_product_files(product_id: str) -> None:
    """Delete a hard-deleted product's images and staged uploads, if images are on."""
    if store.config().bucket is None:
        return
    try:
        with s3_errors():
            _hook_deadline()
            for prefix in (store.IMAGES_PREFIX, store.UPLOADS_PREFIX):
                store.delete_prefix(f"{prefix}{product_id}/")
    except (ServiceUnavailable, ClientError):
        # The product is gone already: the scheduled sweep (resolvers/image_sweep.py)
        # deletes its files within a day.
        logger.warning(
            "images of deleted product %s not deleted; the daily sweep will",
            product_id,
            exc_info=True,
        )


@contextmanager
def s3_errors() -> Iterator[None]:
    """Turn S3 throttling, 5xx and unreachability into SERVICE_UNAVAILABLE, and a read or
    copy of an upload replaced since it was first read into CONFLICT."""
    try:
        yield
    except BotoCoreError as error:
        raise ServiceUnavailable(
            "The image store is busy or unreachable; try again shortly."
        ) from error
    except ClientError as error:
        response: dict[str, Any] = dict(error.response)
        status = int((response.get("ResponseMetadata") or {}).get("HTTPStatusCode", 0))
        code = (response.get("Error") or {}).get("Code")
        if code == PRECONDITION_FAILED or status == PRECONDITION_STATUS:
            raise Conflict(REPLACED) from error
        if status >= UNAVAILABLE_STATUS or code in ("SlowDown", "Throttling"):
            raise ServiceUnavailable(
                "The image store is busy or unreachable; try again shortly."
            ) from error
        raise


def _require_configured() -> None:
    if store.config().bucket is None:
        raise ServiceUnavailable(NOT_CONFIGURED)


def _hook_deadline() -> None:
    """Make the S3 client's calls respect the request's time budget, as DynamoDB's do."""
    hook_deadline(store.client().meta.events, "s3")


def _expiry(fields: dict[str, str]) -> datetime:
    """When the form stops working: the expiration S3 reads in the signed policy."""
    policy = json.loads(base64.b64decode(fields["policy"]))
    return datetime.strptime(policy["expiration"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def _writable(product_id: str, expected_version: int | None) -> Product:
    current = require(Product, product_id)
    check_writable(current, expected_version)
    return current


def _checked(source: str, declared_type: str, declared_length: int) -> tuple[CheckedImage, str]:
    """The staged file's checks, and the ETag of the version checked; a file that fails
    them is deleted (a storage fault or a replaced upload leaves it for a retry)."""
    head = store.read_head(source, BLOCK_BYTES)
    if head is None:
        raise NotFound("No such upload for this product: it was never made, or has expired.")
    staged = StagedFile(
        head.size, head.data, lambda start, end: store.read_range(source, start, end, head.etag)
    )
    try:
        return check(declared_type, declared_length, store.config().max_bytes, staged), head.etag
    except BadUserInput:
        store.delete(source)
        raise


def _publish(source: str, public: str, content_type: str, etag: str) -> None:
    """Copy the checked version to `public`; CONFLICT, with no copy left, if it changed."""
    copied = store.publish(source, public, content_type, etag)
    if not etag or copied != etag:
        _forget(public)
        raise Conflict(REPLACED)


def _set_image(
    current: Product, key: str, image: CheckedImage, expected_version: int | None
) -> tuple[Product, str | None]:
    """Point the product at `key` with one conditional UpdateItem; the previous image's key.

    The write is conditioned on the version read, so the previous key is the one
    replaced; a lost race reads again, and gives up as the first check would.
    """
    changes = {
        "image_key": key,
        "image_width": image.width,
        "image_height": image.height,
        "image_content_type": image.content_type,
    }
    latest = [current]

    def write_once() -> tuple[Product, str | None]:
        read = latest[0]
        updated = update_live(Product, read.id, changes, int(read.version))
        if updated is None:
            latest[0] = _writable(read.id, expected_version)
            raise Raced
        return updated, read.image_key

    return with_retries(write_once)


def _forget(key: str) -> None:
    """Delete an object that must not stay; a failure is logged, not shown to the client."""
    try:
        with s3_errors():
            store.delete(key)
    except (ServiceUnavailable, ClientError):
        logger.warning("could not delete %s from the images bucket", key, exc_info=True)

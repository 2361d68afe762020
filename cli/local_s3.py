"""A local S3 for product images: moto's server, its bucket, and its files kept under .data/."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from botocore.session import get_session
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Receive, Scope, Send

from cli.dynamodb_local import free_port, wait_until_serving

BUCKET = "catalog-images"
REGION = "us-east-1"
# Credentials for the moto server we start: it accepts any.
LOCAL_CREDENTIALS = {"aws_access_key_id": "local", "aws_secret_access_key": "local"}


def public_images_policy(bucket: str) -> str:
    """Anyone may read the images/ prefix, and nothing else: locally, the CDN's part.

    Deployed, the bucket stays private and CloudFront alone reads images/ (its origin
    access control); moto has no CloudFront, so this policy plays it.
    """
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "PublicImages",
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "s3:GetObject",
                    "Resource": f"arn:aws:s3:::{bucket}/images/*",
                }
            ],
        }
    )


def s3_client(endpoint_url: str) -> Any:
    return get_session().create_client(
        "s3",
        region_name=REGION,
        endpoint_url=endpoint_url,
        aws_access_key_id=LOCAL_CREDENTIALS["aws_access_key_id"],
        aws_secret_access_key=LOCAL_CREDENTIALS["aws_secret_access_key"],
    )


def prepare_bucket(endpoint_url: str, bucket: str = BUCKET) -> None:
    """Create the bucket where missing, with its images/ prefix readable as the CDN's would be."""
    client = s3_client(endpoint_url)
    existing = {b["Name"] for b in client.list_buckets().get("Buckets", [])}
    if bucket not in existing:
        client.create_bucket(Bucket=bucket)
    client.put_bucket_policy(Bucket=bucket, Policy=public_images_policy(bucket))


def base_url(endpoint_url: str, bucket: str = BUCKET) -> str:
    """The URL the images/ prefix is read from, as CATALOG_IMAGES_BASE_URL gives it."""
    return f"{endpoint_url}/{bucket}/images"


@dataclass
class LocalS3:
    """moto's S3 server on 127.0.0.1 in this process, with the images bucket in it."""

    endpoint_url: str
    _server: Any = field(default=None, repr=False)
    _saving: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def start(cls, origins: Iterable[str] = ()) -> LocalS3:
        """Started, answering only its own Host, and browser pages of `origins` alone
        (the dev server's: an admin page POSTs the upload form to it)."""
        from cli.moto_guard import GuardedMotoServer

        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        port = free_port()
        server = GuardedMotoServer(port, origins)
        server.start()
        local = cls(f"http://127.0.0.1:{port}", server)
        wait_until_serving(local.endpoint_url, None, timeout=30)
        prepare_bucket(local.endpoint_url)
        return local

    def load(self, folder: Path) -> int:
        """Put every file under `folder` into the bucket, at its relative path; how many."""
        client = s3_client(self.endpoint_url)
        count = 0
        for path in sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []:
            key = path.relative_to(folder).as_posix()
            extra = _served_as(key)
            client.put_object(Bucket=BUCKET, Key=key, Body=path.read_bytes(), **extra)
            count += 1
        return count

    def save(self, folder: Path) -> int:
        """Make `folder` hold exactly the bucket's objects, one file each; how many.

        Only objects not yet in `folder` are read: a key never changes content.
        """
        with self._saving:
            client = s3_client(self.endpoint_url)
            keys = set()
            for page in client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET):
                for item in page.get("Contents", []):
                    key = item["Key"]
                    keys.add(key)
                    target = folder / key
                    if target.is_file() and target.stat().st_size == item["Size"]:
                        continue
                    target.parent.mkdir(parents=True, exist_ok=True)
                    body = client.get_object(Bucket=BUCKET, Key=key)["Body"].read()
                    target.write_bytes(body)
            if folder.is_dir():
                for path in folder.rglob("*"):
                    if path.is_file() and path.relative_to(folder).as_posix() not in keys:
                        path.unlink()
            return len(keys)

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None


def _served_as(key: str) -> dict[str, str]:
    """What a published image is served with (models/images.py sets it on publishing)."""
    from models.images import IMMUTABLE
    from resolvers.image_files import EXTENSIONS

    types = {extension: content_type for content_type, extension in EXTENSIONS.items()}
    content_type = types.get(key.rpartition(".")[2])
    if not key.startswith("images/") or content_type is None:
        return {}
    return {"ContentType": content_type, "CacheControl": IMMUTABLE}


class SavesImages:
    """After each admin request (the only way files are attached or deleted), save the bucket.

    The images then survive a restart, or a kill, as the rows DynamoDB Local writes
    to disk do; an upload posted but not yet attached is saved with the next one.
    """

    def __init__(self, app: ASGIApp, local: LocalS3, folder: Path, admin_path: str) -> None:
        self.app = app
        self.local = local
        self.folder = folder
        self.admin_path = admin_path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)
        if scope["type"] == "http" and scope["path"] == self.admin_path:
            await run_in_threadpool(self.local.save, self.folder)

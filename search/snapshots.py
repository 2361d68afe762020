"""Index snapshots in S3: the indexer publishes them, serving containers load them.

Under the search prefix, `manifest.json` names the newest snapshot
(`snapshots/<version>-<random>.tar`, the index directory as a tar). The indexer is the only
writer, and S3's conditional writes keep it so: a snapshot is published by replacing the
manifest only if it is still the one the indexer started from (If-Match on its ETag, or
If-None-Match for the first). An indexer that loses the race (a retry, or two
invocations that overlap) re-reads the winner's snapshot and applies its records again
on top of it; records already in a snapshot are skipped by their stream position, so
none is lost and none applied twice.
"""

from __future__ import annotations

import io
import json
import logging
import shutil
import tarfile
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.session import get_session

from search.engine import SearchIndex
from search.types import Change

if TYPE_CHECKING:
    from settings import Settings

logger = logging.getLogger("catalog")

MANIFEST = "manifest.json"
# A serving container checks for a newer snapshot at most this often, on a search.
REFRESH_SECONDS = 2.0
# Publishing retries after losing the manifest race before the batch fails (and Lambda
# retries it).
PUBLISH_ATTEMPTS = 5
LOST_RACE = frozenset({"PreconditionFailed", "ConditionalRequestConflict", "412", "409"})
# The indexer has minutes; a serving container's first search must fit in the API's
# 20 s timeout: two attempts of at most 1 s to connect and 5 s between reads.
_INDEXER_CONFIG = Config(
    signature_version="s3v4",
    connect_timeout=1,
    read_timeout=10,
    retries={"mode": "standard", "total_max_attempts": 3},
)
_SERVING_CONFIG = Config(
    signature_version="s3v4",
    connect_timeout=1,
    read_timeout=5,
    retries={"mode": "standard", "total_max_attempts": 2},
)


class LostRace(Exception):
    """Another writer replaced the manifest since it was read."""


@dataclass(frozen=True)
class Manifest:
    """The newest snapshot: its version, key and the manifest's ETag."""

    version: int
    key: str
    etag: str
    # The snapshot before this one: kept while readers may still be downloading it.
    previous: str | None = None


def s3_client(region: str, *, serving: bool = False) -> Any:
    """An S3 client for the indexer, or with the tighter timeouts a request needs."""
    config = _SERVING_CONFIG if serving else _INDEXER_CONFIG
    return get_session().create_client("s3", region_name=region, config=config)


class SnapshotStore:
    """The snapshots under one bucket and prefix."""

    def __init__(self, client: Any, bucket: str, prefix: str) -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = prefix

    def manifest(self, unless_etag: str | None = None) -> Manifest | None:
        """The manifest (None: none yet, or still `unless_etag`)."""
        extra = {"IfNoneMatch": unless_etag} if unless_etag else {}
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self.prefix + MANIFEST, **extra)
        except ClientError as error:
            code = _code(error)
            if code in ("NoSuchKey", "404", "304", "NotModified"):
                return None
            raise
        body = json.loads(answer["Body"].read())
        return Manifest(
            version=int(body["version"]),
            key=body["key"],
            etag=answer["ETag"],
            previous=body.get("previous"),
        )

    def download(self, manifest: Manifest, into: Path) -> SearchIndex:
        """The snapshot's index, unpacked into `into`."""
        answer = self.client.get_object(Bucket=self.bucket, Key=manifest.key)
        shutil.rmtree(into, ignore_errors=True)
        into.mkdir(parents=True)
        with tarfile.open(fileobj=io.BytesIO(answer["Body"].read()), mode="r:") as archive:
            archive.extractall(into, filter="data")
        return SearchIndex(into)

    def publish(self, index: SearchIndex, after: Manifest | None) -> Manifest:
        """Upload the index as the next snapshot and make it the newest, if `after` still
        is; LostRace otherwise."""
        if index.path is None:
            raise ValueError("only an on-disk index can be published")
        index.save()
        version = (after.version if after else 0) + 1
        # Unique, and never overwritten: a writer that loses the race must not replace
        # the winner's snapshot of the same version.
        key = f"{self.prefix}snapshots/{version:012d}-{uuid.uuid4().hex}.tar"
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w:") as archive:
            for path in sorted(index.path.iterdir()):
                if path.is_file() and not path.name.startswith("."):
                    archive.add(path, arcname=path.name)
        self.client.put_object(Bucket=self.bucket, Key=key, Body=buffer.getvalue(), IfNoneMatch="*")
        condition = {"IfMatch": after.etag} if after else {"IfNoneMatch": "*"}
        previous = after.key if after else None
        body = json.dumps({"version": version, "key": key, "previous": previous}).encode()
        try:
            answer = self.client.put_object(
                Bucket=self.bucket, Key=self.prefix + MANIFEST, Body=body, **condition
            )
        except ClientError as error:
            if _code(error) in LOST_RACE:
                # Nobody will ever read this one.
                self.client.delete_object(Bucket=self.bucket, Key=key)
                raise LostRace(key) from error
            raise
        if after is not None and after.previous:
            # Two snapshots back: no reader that found a manifest still downloads it.
            self.client.delete_object(Bucket=self.bucket, Key=after.previous)
        return Manifest(version=version, key=key, etag=answer["ETag"], previous=previous)


def _code(error: ClientError) -> str:
    info = error.response.get("Error", {})
    status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return str(info.get("Code") or status)


class SnapshotWriter:
    """The indexer's side: apply a batch of changes and publish it, as the only writer."""

    def __init__(self, store: SnapshotStore, work_dir: Path) -> None:
        self.store = store
        self.work_dir = work_dir
        self._index: SearchIndex | None = None
        self._manifest: Manifest | None = None

    def apply(self, changes: list[Change]) -> Manifest | None:
        """Apply `changes` on the newest snapshot and publish the result; the manifest
        published (None: every change was already in it)."""
        for _ in range(PUBLISH_ATTEMPTS):
            newest = self.store.manifest()
            index = self._index_at(newest)
            if not index.apply(changes) and newest is not None:
                return None
            try:
                self._manifest = self.store.publish(index, newest)
                return self._manifest
            except LostRace:
                # Our copy holds changes the newest snapshot may lack: start again from it.
                self._index = None
                logger.info("search: another indexer published first; applying again")
        raise LostRace("gave up after losing the race repeatedly")

    def _index_at(self, manifest: Manifest | None) -> SearchIndex:
        same = (manifest is None and self._manifest is None) or (
            manifest is not None
            and self._manifest is not None
            and manifest.etag == self._manifest.etag
        )
        if self._index is not None and same:
            return self._index
        directory = Path(tempfile.mkdtemp(prefix="search-", dir=self.work_dir))
        if manifest is None:
            self._index = SearchIndex(directory)
        else:
            self._index = self.store.download(manifest, directory)
        self._manifest = manifest
        return self._index


class SnapshotReader:
    """A serving container's side: the newest snapshot, loaded on the first search and
    replaced by a newer one within REFRESH_SECONDS of a search."""

    def __init__(self, store: SnapshotStore, work_dir: Path) -> None:
        self.store = store
        self.work_dir = work_dir
        self._index: SearchIndex | None = None
        self._manifest: Manifest | None = None
        self._checked = 0.0
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, config: Settings) -> SnapshotReader:
        """The reader of the settings' search bucket, unpacking into the temporary folder."""
        if not config.search_bucket:
            raise ValueError("CATALOG_SEARCH_BUCKET is not set")
        client = s3_client(config.region, serving=True)
        store = SnapshotStore(client, config.search_bucket, config.search_prefix)
        return cls(store, Path(tempfile.gettempdir()))

    def current(self) -> SearchIndex:
        with self._lock:
            now = time.monotonic()
            if self._index is None or now - self._checked >= REFRESH_SECONDS:
                self._checked = now
                self._refresh()
            assert self._index is not None
            return self._index

    def _refresh(self) -> None:
        etag = self._manifest.etag if self._manifest and self._index else None
        newest = self.store.manifest(unless_etag=etag)
        if newest is None:
            if self._index is None:
                self._index = SearchIndex()
            return
        directory = self.work_dir / f"search-{newest.version}"
        index = self.store.download(newest, directory)
        previous = self._index.path if self._index else None
        self._index, self._manifest = index, newest
        if previous is not None and previous != directory:
            shutil.rmtree(previous, ignore_errors=True)

    def stop(self) -> None:
        pass

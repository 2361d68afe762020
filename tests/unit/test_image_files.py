"""The checks of an uploaded file, on bytes in memory: type, wholeness, size in pixels."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest

from errors import BadUserInput
from resolvers.image_files import (
    BLOCK_BYTES,
    MAX_READS,
    MAX_SIDE,
    PREFIX_BYTES,
    StagedFile,
    check,
    sniff,
)

IMAGES = Path(__file__).parents[1] / "images"
PNG = (IMAGES / "mountain-24x16.png").read_bytes()
JPEG = (IMAGES / "mountain-40x30.jpg").read_bytes()
LIMIT = 5 * 1024 * 1024


class Fetches:
    """A file served in ranges, counting the ranges asked for."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.ranges: list[tuple[int, int]] = []

    def __call__(self, start: int, end: int) -> bytes:
        self.ranges.append((start, end))
        return self.data[start : end + 1]

    def reader(self) -> StagedFile:
        """The file as attach sees it after its first read, the first block."""
        self.ranges.append((0, BLOCK_BYTES - 1))
        return StagedFile(len(self.data), self.data[:BLOCK_BYTES], self)


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_header_only(width: int, height: int) -> bytes:
    """A PNG signature, IHDR and IEND: what the checks read, with any dimensions."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", b"")
        + png_chunk(b"IEND", b"")
    )


def jpeg_with_metadata(padding: int) -> bytes:
    """The sample JPEG with APP segments of `padding` bytes before its frame header."""
    segments = b""
    while padding > 0:
        size = min(padding, 65_000)
        segments += b"\xff\xe2" + struct.pack(">H", size + 2) + b"\0" * size
        padding -= size
    return JPEG[:2] + segments + JPEG[2:]


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (PNG, "image/png"),
        (JPEG, "image/jpeg"),
        (b"RIFF\x10\0\0\0WEBPVP8 ", "image/webp"),
        (b"RIFF\x10\0\0\0AVI LIST", None),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", None),
        (b"GIF89a\x01\x00\x01\x00", None),
        (b"", None),
    ],
)
def test_sniff_reads_the_type_from_leading_bytes(head: bytes, expected: str | None) -> None:
    assert sniff(head) == expected


def test_check_reads_a_jpeg_frame_header_past_its_metadata_in_three_reads() -> None:
    # GIVEN a JPEG whose frame header comes after 300 kB of metadata segments
    data = jpeg_with_metadata(300_000)
    fetches = Fetches(data)
    # WHEN it is checked
    image = check("image/jpeg", len(data), LIMIT, fetches.reader())
    # THEN its size is read with the first block, the last bytes and one prefix
    assert (image.width, image.height) == (40, 30)
    assert len(fetches.ranges) == MAX_READS == 3


def test_check_of_a_hostile_jpeg_stops_after_three_reads() -> None:
    # GIVEN 5 MiB of a JPEG signature, zeros and an end marker (finding 4), which made
    # the size reader fetch it a few bytes at a time
    data = b"\xff\xd8\xff\x01" + b"\0" * (LIMIT - 6) + b"\xff\xd9"
    fetches = Fetches(data)
    # WHEN it is checked
    with pytest.raises(BadUserInput, match="width and height cannot be read"):
        check("image/jpeg", len(data), LIMIT, fetches.reader())
    # THEN it took three ranged reads, none past the first MiB but the last bytes
    assert len(fetches.ranges) <= 6
    assert len(fetches.ranges) == MAX_READS
    assert max(end for start, end in fetches.ranges if start < LIMIT - 100) < PREFIX_BYTES


def test_check_lets_a_storage_fault_through() -> None:
    # GIVEN a file whose later reads fail in storage (finding 5: S3's SlowDown)
    data = jpeg_with_metadata(300_000)

    def failing(start: int, end: int) -> bytes:
        raise ConnectionError("SlowDown")

    staged = StagedFile(len(data), data[:BLOCK_BYTES], failing)
    # WHEN it is checked, THEN the fault is raised, not taken for a bad file
    with pytest.raises(ConnectionError):
        check("image/jpeg", len(data), LIMIT, staged)


@pytest.mark.parametrize(
    ("width", "height"), [(MAX_SIDE + 1, 10), (10, MAX_SIDE + 1), (8_000, 6_000), (0, 10)]
)
def test_check_refuses_dimensions_out_of_bounds(width: int, height: int) -> None:
    data = png_header_only(width, height)

    with pytest.raises(BadUserInput) as raised:
        check("image/png", len(data), LIMIT, Fetches(data).reader())

    assert "width and height" in raised.value.message or "pixels" in raised.value.message


def test_check_accepts_the_largest_dimensions() -> None:
    data = png_header_only(MAX_SIDE, 4_000)

    image = check("image/png", len(data), LIMIT, Fetches(data).reader())

    assert (image.width, image.height) == (MAX_SIDE, 4_000)


def test_check_refuses_an_empty_file() -> None:
    with pytest.raises(BadUserInput, match="empty"):
        check("image/png", 10, LIMIT, Fetches(b"").reader())

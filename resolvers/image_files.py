"""What an uploaded file really is: its type, whether it is whole, its size in pixels."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

from errors import BadUserInput

# The declared types accepted, and the extension of their public key.
EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/webp": "webp"}
# Each format's signature, from its specification: PNG's 8-byte signature, JPEG's
# start-of-image marker followed by another marker, WebP's RIFF header with its
# form type at offset 8.
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JPEG_SIGNATURE = b"\xff\xd8\xff"
# A whole file ends so: PNG with its IEND chunk (length 0, type, CRC), JPEG with
# its end-of-image marker; a RIFF file's header holds its length less 8 bytes.
PNG_END = b"\x00\x00\x00\x00IEND\xaeB`\x82"
JPEG_END = b"\xff\xd9"
TAIL_BYTES = len(PNG_END)
# Bounds on what a storefront can show: a side of 10,000 px, and 40 megapixels,
# which a browser decodes to 160 MB of RGBA; anything larger is a decompression
# bomb for every client and thumbnailer that opens it.
MAX_SIDE = 10_000
MAX_PIXELS = 40_000_000
# How much of a file is read: PNG and WebP give their size in the first 30 bytes; a
# JPEG's frame header follows its metadata segments (EXIF, ICC), which usually fit in
# the first block. When they do not, one more read fetches the first PREFIX_BYTES,
# which imagesize then parses in memory: a check makes at most three ranged GETs
# (the first block, the last bytes, the prefix) whatever the file holds.
BLOCK_BYTES = 64 * 1024
PREFIX_BYTES = 1024 * 1024
MAX_READS = 3


def sniff(head: bytes) -> str | None:
    """The content type the file's leading bytes show, or None if none of the three."""
    if head.startswith(PNG_SIGNATURE):
        return "image/png"
    if head.startswith(JPEG_SIGNATURE):
        return "image/jpeg"
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def is_whole(content_type: str, head: bytes, tail: bytes, size: int) -> bool:
    """Whether the file ends where its format says it ends (a cut-off upload does not)."""
    if content_type == "image/png":
        return tail.endswith(PNG_END)
    if content_type == "image/jpeg":
        return tail.endswith(JPEG_END)
    riff_length = int.from_bytes(head[4:8], "little")
    # RIFF pads an odd-length chunk with one byte.
    return riff_length + 8 in (size, size - 1)


@dataclass(frozen=True)
class StagedFile:
    """An uploaded file as the checks see it: its size, its first bytes, and `fetch(start,
    end)` for bytes start..end (inclusive) of that same version of it.

    `fetch` raises what storage raises: a fault is never mistaken for a bad file.
    """

    size: int
    head: bytes
    fetch: Callable[[int, int], bytes]


def dimensions(data: bytes) -> tuple[int, int]:
    """Width and height as imagesize reads them from bytes in memory; -1, -1 if it cannot."""
    # Imported on first use: imagesize imports urllib.request and xml.etree, 30 ms
    # of every cold start otherwise, for the one mutation that needs it.
    import imagesize

    width, height = imagesize.get(io.BytesIO(data))
    return int(width), int(height)


@dataclass(frozen=True)
class CheckedImage:
    """An upload that passed every check: its type, size and dimensions as read from it."""

    content_type: str
    size: int
    width: int
    height: int

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.content_type]


def check(declared_type: str, declared_length: int, limit: int, staged: StagedFile) -> CheckedImage:
    """The upload, or BAD_USER_INPUT saying why it is refused; at most MAX_READS reads."""
    size = staged.size
    if size == 0:
        raise BadUserInput("The uploaded file is empty.")
    if size > declared_length:
        raise BadUserInput(
            f"The uploaded file has {size} bytes, more than the {declared_length} declared "
            "as contentLength."
        )
    if size > limit:
        raise BadUserInput(f"The uploaded file has {size} bytes, over the limit of {limit}.")
    head = staged.head[:BLOCK_BYTES]
    actual = sniff(head)
    if actual is None:
        raise BadUserInput("The uploaded file is not a PNG, JPEG or WebP image.")
    if actual != declared_type:
        raise BadUserInput(f"The uploaded file is {actual}, not the declared {declared_type}.")
    whole = len(head) >= size
    tail = head[-TAIL_BYTES:] if whole else staged.fetch(max(0, size - TAIL_BYTES), size - 1)
    if not is_whole(actual, head, tail, size):
        raise BadUserInput(f"The uploaded file is cut short: not a whole {actual} file.")
    width, height = dimensions(head)
    if (width < 1 or height < 1) and not whole:
        width, height = dimensions(staged.fetch(0, min(size, PREFIX_BYTES) - 1))
    if width < 1 or height < 1:
        raise BadUserInput(
            f"The uploaded {actual} file's width and height cannot be read "
            f"within its first {PREFIX_BYTES // 1024} KiB."
        )
    if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
        raise BadUserInput(
            f"The uploaded image is {width}x{height} pixels; at most {MAX_SIDE} a side "
            f"and {MAX_PIXELS // 1_000_000} megapixels are accepted."
        )
    return CheckedImage(actual, size, width, height)

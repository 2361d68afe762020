"""What an uploaded file really is: its type, whether it is whole, its size in pixels."""

from __future__ import annotations

import io
import os
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
# How much of a file is read at a time: PNG and WebP give their size in the first
# 30 bytes; a JPEG's frame header follows its metadata segments (EXIF, ICC), which
# usually fit in the first block.
BLOCK_BYTES = 64 * 1024
# What one later read fetches: a segment header is 4 bytes, a frame header 10.
FETCH_BYTES = 4 * 1024


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


class RangeReader(io.RawIOBase):
    """A file read on demand from `fetch(start, end)`, given its first bytes: what imagesize reads.

    imagesize hops from one JPEG segment to the next: each hop past the bytes in hand
    fetches FETCH_BYTES from where it lands, never the segments in between.
    """

    def __init__(self, head: bytes, size: int, fetch: Callable[[int, int], bytes]) -> None:
        super().__init__()
        self.size = size
        self.fetch = fetch
        self.pieces: list[tuple[int, bytes]] = [(0, head)]
        self.position = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        base = {os.SEEK_SET: 0, os.SEEK_CUR: self.position, os.SEEK_END: self.size}[whence]
        self.position = max(0, base + offset)
        return self.position

    def tell(self) -> int:
        return self.position

    def read(self, size: int = -1) -> bytes:
        end = self.size if size < 0 else min(self.size, self.position + size)
        chunks = []
        while self.position < end:
            piece = self._piece_at(self.position, end)
            if not piece:
                break
            chunks.append(piece)
            self.position += len(piece)
        return b"".join(chunks)

    def _piece_at(self, position: int, end: int) -> bytes:
        for start, data in self.pieces:
            if start <= position < start + len(data):
                return data[position - start : end - start]
        last = min(self.size, position + max(end - position, FETCH_BYTES)) - 1
        data = self.fetch(position, last)
        self.pieces.append((position, data))
        return data[: end - position]


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


def check(
    declared_type: str,
    declared_length: int,
    limit: int,
    reader: RangeReader,
) -> CheckedImage:
    """The upload read through `reader`, or BAD_USER_INPUT saying why it is refused."""
    size = reader.size
    if size == 0:
        raise BadUserInput("The uploaded file is empty.")
    if size > declared_length:
        raise BadUserInput(
            f"The uploaded file has {size} bytes, more than the {declared_length} declared "
            "as contentLength."
        )
    if size > limit:
        raise BadUserInput(f"The uploaded file has {size} bytes, over the limit of {limit}.")
    head = reader.read(BLOCK_BYTES)
    actual = sniff(head)
    if actual is None:
        raise BadUserInput("The uploaded file is not a PNG, JPEG or WebP image.")
    if actual != declared_type:
        raise BadUserInput(f"The uploaded file is {actual}, not the declared {declared_type}.")
    reader.seek(max(0, size - TAIL_BYTES))
    if not is_whole(actual, head, reader.read(TAIL_BYTES), size):
        raise BadUserInput(f"The uploaded file is cut short: not a whole {actual} file.")
    # Imported on first use: imagesize imports urllib.request and xml.etree, 30 ms
    # of every cold start otherwise, for the one mutation that needs it.
    import imagesize

    width, height = imagesize.get(reader)
    if width < 1 or height < 1:
        raise BadUserInput(f"The uploaded {actual} file's width and height cannot be read.")
    if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
        raise BadUserInput(
            f"The uploaded image is {width}x{height} pixels; at most {MAX_SIDE} a side "
            f"and {MAX_PIXELS // 1_000_000} megapixels are accepted."
        )
    return CheckedImage(actual, size, width, height)

"""Pictures for the sample catalog, drawn in code, and their upload through the API's own flow."""

from __future__ import annotations

import colorsys
import hashlib
import math
import struct
import urllib.request
import uuid
import zlib

WIDTH, HEIGHT = 160, 120
SUN = bytes((250, 214, 92))


def sample_png(seed: str, width: int = WIDTH, height: int = HEIGHT) -> bytes:
    """A small landscape (sky, two ridges, a sun) whose colours and shapes follow `seed`."""
    digest = hashlib.sha256(seed.encode()).digest()
    hue = digest[0] / 255
    sky_top = _rgb(hue, 0.45, 0.95)
    sky_bottom = _rgb(hue, 0.15, 1.0)
    far = bytes(_rgb((hue + 0.5) % 1, 0.35, 0.55))
    near = bytes(_rgb((hue + 0.5) % 1, 0.45, 0.30))
    sun_x, sun_y, sun_r = width * (0.2 + digest[1] / 400), height * 0.28, height * 0.11
    phase, wave = digest[2] / 40, 2 + digest[3] % 3
    far_ridge = [
        height * (0.55 - 0.12 * math.sin(x / width * wave * math.pi + phase)) for x in range(width)
    ]
    near_ridge = [
        height * (0.75 - 0.08 * math.sin(x / width * (wave + 2) * math.pi - phase))
        for x in range(width)
    ]
    rows = []
    for y in range(height):
        sky = bytes(_mix(sky_top, sky_bottom, y / height))
        row = bytearray(b"\x00")  # PNG filter type 0 (None) for each scanline
        for x in range(width):
            if y > near_ridge[x]:
                row += near
            elif y > far_ridge[x]:
                row += far
            elif (x - sun_x) ** 2 + (y - sun_y) ** 2 < sun_r**2:
                row += SUN
            else:
                row += sky
        rows.append(bytes(row))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + _chunk(b"IEND", b"")
    )


def post_form(url: str, fields: dict[str, str], data: bytes, content_type: str) -> int:
    """POST an upload form as a browser would: its fields, then the file; the HTTP status."""
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="image"\r\n'
        f"Content-Type: {content_type}\r\n\r\n".encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    request = urllib.request.Request(
        url,
        data=b"".join(parts),
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return int(response.status)


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _rgb(hue: float, saturation: float, value: float) -> tuple[int, int, int]:
    red, green, blue = colorsys.hsv_to_rgb(hue, saturation, value)
    return round(red * 255), round(green * 255), round(blue * 255)


def _mix(a: tuple[int, int, int], b: tuple[int, int, int], t: float) -> tuple[int, int, int]:
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )

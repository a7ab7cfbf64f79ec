"""Draws the Teams app icons (color.png 192x192, outline.png 32x32) with the standard library.

Run from this folder: ``python make_icons.py``. The PNG files are committed; this script
is only needed to change them.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

ACCENT = (0x2B, 0x57, 0x97)
WHITE = (0xFF, 0xFF, 0xFF)
# The letter M as a polygon in a unit square (x to the right, y down).
LETTER_M = [
    (0.22, 0.78),
    (0.22, 0.24),
    (0.34, 0.24),
    (0.50, 0.50),
    (0.66, 0.24),
    (0.78, 0.24),
    (0.78, 0.78),
    (0.67, 0.78),
    (0.67, 0.44),
    (0.53, 0.66),
    (0.47, 0.66),
    (0.33, 0.44),
    (0.33, 0.78),
]


def _inside(x: float, y: float, polygon: list[tuple[float, float]]) -> bool:
    inside = False
    j = len(polygon) - 1
    for i, (xi, yi) in enumerate(polygon):
        xj, yj = polygon[j]
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def _rounded(x: float, y: float, radius: float) -> bool:
    cx = min(max(x, radius), 1 - radius)
    cy = min(max(y, radius), 1 - radius)
    return (x - cx) ** 2 + (y - cy) ** 2 <= radius**2


def _coverage(size: int, px: int, py: int, test: object) -> float:
    samples = 4  # 4x4 supersampling for smooth edges
    hits = sum(
        test((px + (sx + 0.5) / samples) / size, (py + (sy + 0.5) / samples) / size)  # type: ignore[operator]
        for sx in range(samples)
        for sy in range(samples)
    )
    return hits / samples**2


def _png(size: int, pixel: object) -> bytes:
    rows = b"".join(
        b"\x00" + b"".join(bytes(pixel(x, y)) for x in range(size))  # type: ignore[operator]
        for y in range(size)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


def color_icon(size: int = 192) -> bytes:
    """The full-colour icon: a white M on the accent colour, rounded corners."""

    def pixel(x: int, y: int) -> tuple[int, int, int, int]:
        shape = _coverage(size, x, y, lambda u, v: _rounded(u, v, 0.18))
        letter = _coverage(size, x, y, lambda u, v: _inside(u, v, LETTER_M))
        r, g, b = (round(a + (w - a) * letter) for a, w in zip(ACCENT, WHITE, strict=True))
        return r, g, b, round(255 * shape)

    return _png(size, pixel)


def outline_icon(size: int = 32) -> bytes:
    """The outline icon: a white M on a transparent background, as Teams requires."""

    def pixel(x: int, y: int) -> tuple[int, int, int, int]:
        letter = _coverage(size, x, y, lambda u, v: _inside(u, v, LETTER_M))
        return (*WHITE, round(255 * letter))

    return _png(size, pixel)


if __name__ == "__main__":
    here = Path(__file__).parent
    (here / "color.png").write_bytes(color_icon())
    (here / "outline.png").write_bytes(outline_icon())

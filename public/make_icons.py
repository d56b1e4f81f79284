#!/usr/bin/env python3
"""Draws heapscope's app icons (public/icons/icon-{192,512}.png).

Python stdlib only (zlib + struct); run it again after changing the drawing
and commit the PNGs. The picture: a lens over three heap bars on the app's
accent blue, full-bleed with everything inside the central 60% so the same
file serves as a maskable icon.
"""
import struct
import zlib
from pathlib import Path

BG = (0x2F, 0x6F, 0xDE)
FG = (0xFF, 0xFF, 0xFF)
BAR = (0xC9, 0xDA, 0xF8)
SS = 4  # supersamples per axis


def shade(x, y):
    """Colour at (x, y) in unit coordinates (0..1)."""
    cx, cy, r_out, r_in = 0.45, 0.45, 0.20, 0.155
    d2 = (x - cx) ** 2 + (y - cy) ** 2
    # handle: a thick segment from the lens rim towards the lower right
    hx, hy = x - cx, y - cy
    t = (hx + hy) / 2 ** 0.5  # along the diagonal
    n = abs(hx - hy) / 2 ** 0.5  # across it
    if r_out - 0.01 <= t <= r_out + 0.16 and n <= 0.035:
        return FG
    if r_in ** 2 <= d2 <= r_out ** 2:
        return FG
    if d2 < r_in ** 2:
        # three bars of a histogram inside the lens
        for left, top in ((0.345, 0.47), (0.415, 0.36), (0.485, 0.42)):
            if left <= x <= left + 0.055 and top <= y <= 0.555:
                return BAR
    return BG


def render(size):
    rows = []
    for py in range(size):
        row = bytearray([0])  # filter: none
        for px in range(size):
            acc = [0, 0, 0]
            for sy in range(SS):
                for sx in range(SS):
                    c = shade((px + (sx + 0.5) / SS) / size, (py + (sy + 0.5) / SS) / size)
                    acc[0] += c[0]
                    acc[1] += c[1]
                    acc[2] += c[2]
            row += bytes(v // (SS * SS) for v in acc)
        rows.append(bytes(row))
    return b"".join(rows)


def png(size):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)  # 8-bit RGB
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(render(size), 9)) + chunk(b"IEND", b"")


if __name__ == "__main__":
    out = Path(__file__).resolve().parent / "icons"
    out.mkdir(exist_ok=True)
    for size in (192, 512):
        (out / f"icon-{size}.png").write_bytes(png(size))
        print(f"wrote {out / f'icon-{size}.png'}")

"""A very small PNG toolkit for amalgamation steps: an RGB canvas, a colour map, a 3x5 pixel font.

Standard library only (zlib). The PNG is 8-bit RGB, not interlaced, every row with filter 0 (None),
so that any reader — including a test in another language — decodes it with one inflate.
"""
import struct
import zlib

# Viridis, sampled at nine points; colour() interpolates linearly between them.
VIRIDIS = [
    (68, 1, 84), (72, 40, 120), (62, 74, 137), (49, 104, 142), (38, 130, 142),
    (31, 158, 137), (53, 183, 121), (109, 205, 89), (180, 222, 44), (253, 231, 37),
]

FONT = {  # 3 columns x 5 rows, one string per row
    "0": ["###", "#.#", "#.#", "#.#", "###"], "1": [".#.", "##.", ".#.", ".#.", "###"],
    "2": ["###", "..#", "###", "#..", "###"], "3": ["###", "..#", "###", "..#", "###"],
    "4": ["#.#", "#.#", "###", "..#", "..#"], "5": ["###", "#..", "###", "..#", "###"],
    "6": ["###", "#..", "###", "#.#", "###"], "7": ["###", "..#", "..#", "..#", "..#"],
    "8": ["###", "#.#", "###", "#.#", "###"], "9": ["###", "#.#", "###", "..#", "###"],
    ".": ["...", "...", "...", "...", ".#."], "-": ["...", "...", "###", "...", "..."],
    "%": ["#.#", "..#", ".#.", "#..", "#.#"], " ": ["...", "...", "...", "...", "..."],
    "b": ["#..", "#..", "##.", "#.#", "##."], "g": [".##", "#.#", ".##", "..#", "##."],
    "R": ["##.", "#.#", "##.", "#.#", "#.#"], "=": ["...", "###", "...", "###", "..."],
}


def colour(t):
    """Viridis colour for t in [0, 1] (clamped), as an (r, g, b) tuple of ints."""
    t = min(1.0, max(0.0, t))
    x = t * (len(VIRIDIS) - 1)
    k = min(int(x), len(VIRIDIS) - 2)
    f = x - k
    a, b = VIRIDIS[k], VIRIDIS[k + 1]
    return tuple(int(round(a[j] + (b[j] - a[j]) * f)) for j in range(3))


class Canvas:
    def __init__(self, width, height, background=(255, 255, 255)):
        self.width, self.height = width, height
        self.pixels = bytearray(bytes(background) * (width * height))

    def set(self, x, y, rgb):
        if 0 <= x < self.width and 0 <= y < self.height:
            o = 3 * (y * self.width + x)
            self.pixels[o:o + 3] = bytes(rgb)

    def rect(self, x0, y0, w, h, rgb):
        row = bytes(rgb) * max(0, min(w, self.width - x0))
        for y in range(max(0, y0), min(self.height, y0 + h)):
            o = 3 * (y * self.width + x0)
            self.pixels[o:o + len(row)] = row

    def text(self, x, y, s, rgb=(0, 0, 0), scale=2):
        for ch in s:
            glyph = FONT.get(ch, FONT[" "])
            for gy, line in enumerate(glyph):
                for gx, c in enumerate(line):
                    if c == "#":
                        self.rect(x + gx * scale, y + gy * scale, scale, scale, rgb)
            x += 4 * scale

    def save(self, path):
        write_png(path, self.width, self.height, bytes(self.pixels))


def text_width(s, scale=2):
    return len(s) * 4 * scale - scale


def write_png(path, width, height, rgb):
    """Writes width x height RGB bytes (row-major) as a PNG."""
    stride = 3 * width
    raw = b"".join(b"\x00" + rgb[y * stride:(y + 1) * stride] for y in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)))
        f.write(chunk(b"IDAT", zlib.compress(raw, 9)))
        f.write(chunk(b"IEND", b""))

"""ICC profiles built by code: sRGB's primaries and tone curve, with the primaries in any order.

A profile with red and blue swapped shows the numbers (r, g, b) as sRGB shows (b, g, r):
so a picture converted into it correctly is a channel swap, with nothing lost.
"""

from __future__ import annotations

import struct

# sRGB's primaries adapted to D50 (the profile connection space's white), as sRGB profiles hold them.
SRGB_PRIMARIES = {"red": (0.4360747, 0.2225045, 0.0139322), "green": (0.3850649, 0.7168786, 0.0971045),
                  "blue": (0.1430804, 0.0606169, 0.7141733)}
D50 = (0.9642, 1.0, 0.8249)


def _s15(value: float) -> bytes:
    return struct.pack(">i", round(value * 65536))


def _xyz(values: tuple[float, float, float]) -> bytes:
    return b"XYZ \0\0\0\0" + b"".join(_s15(v) for v in values)


def _srgb_curve(entries: int = 1024) -> bytes:
    def decoded(x: float) -> float:
        return x / 12.92 if x <= 0.04045 else ((x + 0.055) / 1.055) ** 2.4
    table = b"".join(struct.pack(">H", round(decoded(i / (entries - 1)) * 65535)) for i in range(entries))
    return b"curv\0\0\0\0" + struct.pack(">I", entries) + table


def _description(text: str) -> bytes:
    ascii_text = text.encode("ascii") + b"\0"
    return (b"desc\0\0\0\0" + struct.pack(">I", len(ascii_text)) + ascii_text
            + b"\0" * 8 + b"\0\0\0" + b"\0" * 67)


def _linear_curve() -> bytes:
    return b"curv\0\0\0\0" + struct.pack(">I", 0)  # no entries: the identity


def rgb_profile(description: str, order: tuple[str, str, str] = ("red", "green", "blue"), *,
                linear: bool = False) -> bytes:
    """An ICC v2 display profile with sRGB's tone curve (or, ``linear``, none) whose channels 1-3 are the
    primaries named by ``order``."""
    curve = _linear_curve() if linear else _srgb_curve()
    tags = [(b"desc", _description(description)), (b"wtpt", _xyz(D50)),
            (b"rXYZ", _xyz(SRGB_PRIMARIES[order[0]])), (b"gXYZ", _xyz(SRGB_PRIMARIES[order[1]])),
            (b"bXYZ", _xyz(SRGB_PRIMARIES[order[2]])), (b"rTRC", curve), (b"gTRC", curve), (b"bTRC", curve)]
    table_size = 4 + 12 * len(tags)
    offset = 128 + table_size
    entries, bodies = b"", b""
    for signature, body in tags:
        padded = body + b"\0" * (-len(body) % 4)
        entries += signature + struct.pack(">II", offset + len(bodies), len(body))
        bodies += padded
    size = 128 + table_size + len(bodies)
    header = (struct.pack(">I", size) + b"\0\0\0\0" + struct.pack(">I", 0x02100000) + b"mntrRGB XYZ "
              + b"\0" * 12 + b"acsp" + b"\0" * 24 + struct.pack(">I", 0) + b"".join(_s15(v) for v in D50)
              + b"\0" * 48)
    assert len(header) == 128
    return header + struct.pack(">I", len(tags)) + entries + bodies

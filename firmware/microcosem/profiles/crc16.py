"""CRC-16/X.25, the HDLC frame check sequence (IEC 62056-46 clause 6.4.4, ISO/IEC 13239).

Reflected polynomial 0x8408 (x^16 + x^12 + x^5 + 1), initial value 0xFFFF,
final XOR 0xFFFF; HDLC sends the result low byte first.  "123456789" gives
0x906E.

`crc16_update` returns the raw register (no final XOR) so a frame is checked in
one pass: running the register over data *and* its own little-endian check
value always ends at the constant GOOD_RESIDUE (0xF0B8).  The HDLC codec uses
this to verify HCS and FCS without unpacking either, and to start the FCS of an
information field from GOOD_RESIDUE instead of re-reading the header.
"""

from array import array

from ..compat import const

INITIAL = const(0xFFFF)
GOOD_RESIDUE = const(0xF0B8)


def _make_table():
    t = array("H", [0] * 256)
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0x8408 if c & 1 else c >> 1
        t[i] = c
    return t


# 256 x 16-bit entries built once at import (512 bytes of heap); a literal
# bytes table would sit in flash when frozen but costs two lookups per byte.
_TABLE = _make_table()


def crc16_update_py(crc, data, start=0, end=None):
    """Run the raw CRC register `crc` over data[start:end]; no final XOR.

    The table loop: one lookup per byte, no object per byte."""
    if end is None:
        end = len(data)
    t = _TABLE
    for b in memoryview(data)[start:end]:
        crc = (crc >> 8) ^ t[(crc ^ b) & 0xFF]
    return crc


crc16_update = crc16_update_py

try:
    # CPython's binascii has the same CRC in C, but most significant bit
    # first (CRC-16/XMODEM's shift direction).  X.25 is its mirror image:
    # reverse the bits of each byte (bytes.translate, in C too) and of the
    # register in and out.  About 40x the table loop on a 128-byte field.
    # MicroPython's binascii has only crc32, so it keeps the loop above.
    from binascii import crc_hqx as _crc_hqx
except ImportError:
    _crc_hqx = None

if _crc_hqx is not None:
    _REV = bytes(int("{:08b}".format(i)[::-1], 2) for i in range(256))

    def crc16_update(crc, data, start=0, end=None):  # noqa: F811
        """Run the raw CRC register `crc` over data[start:end]; no final XOR."""
        r = _REV
        crc = _crc_hqx(memoryview(data)[start:end].tobytes().translate(r),
                       (r[crc & 0xFF] << 8) | r[crc >> 8])
        return (r[crc & 0xFF] << 8) | r[crc >> 8]


def crc16(data, start=0, end=None):
    """CRC-16/X.25 of data[start:end] (the value HDLC sends as HCS or FCS)."""
    return crc16_update(INITIAL, data, start, end) ^ 0xFFFF

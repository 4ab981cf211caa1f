# heapsize: 64k
"""A-XDR Data codec: what is not a value, and how it is refused."""

from checks import raises, unhex
from microcosem import axdr
from microcosem.axdr import (ARRAY, BIT_STRING, BOOLEAN, COMPACT_ARRAY, DATE, DATE_TIME,
                             DOUBLE_LONG_UNSIGNED, ENUM, INTEGER, LONG, LONG64, LONG_UNSIGNED, NULL_DATA,
                             OCTET_STRING, STRUCTURE, UNSIGNED, VISIBLE_STRING)
from microcosem.cosemdate import DateTime
from microcosem.errors import DecodeError, EncodeError, IncompleteData

def test_out_of_range_values_are_encode_errors():
    for value in ((UNSIGNED, 256), (UNSIGNED, -1), (INTEGER, 128), (LONG, 40000),
                  (DOUBLE_LONG_UNSIGNED, 1 << 32), (LONG64, 1 << 63), (ENUM, 1.0),
                  (UNSIGNED, "5"), (OCTET_STRING, "text"), (VISIBLE_STRING, "\u00e9"),
                  (BOOLEAN, 2), (NULL_DATA, 0), (BIT_STRING, "012"), (99, 1), (STRUCTURE, 5),
                  (COMPACT_ARRAY, (UNSIGNED, [(LONG, 1)])),
                  (COMPACT_ARRAY, ((ARRAY, 2, UNSIGNED), [(ARRAY, [(UNSIGNED, 1)])])),
                  (COMPACT_ARRAY, (COMPACT_ARRAY, [])),
                  (COMPACT_ARRAY, (NULL_DATA, [(NULL_DATA, None)]))):
        raises(EncodeError, axdr.encode, value)


def test_malformed_inputs_are_decode_errors_with_offsets():
    cases = (
        ("07 00", 0),                       # tag 7 is not in the CHOICE
        ("01 01 08", 2),                    # unknown tag inside an array
        ("09 85 0000000001 00", 1),         # a length field longer than 4 bytes
        ("09 80", 1),                       # indefinite length is not A-XDR
        ("01 84 80000000", 6),              # 2^31 elements cannot fit in 0 bytes
        ("09 84 7FFFFFFF 00", 6),           # a length that runs past the end
        ("13 07 00", 1),                    # type description with a bad tag
        ("13 13 00", 1),                    # compact-array inside a description
        ("11 05 00", 2),                    # trailing bytes after the value
        ("13 00 01 00", 3),                 # null-data elements: no size, no count
        ("13 01 0000 11 02 0000", 6),       # empty arrays as elements: the same
    )
    for h, offset in cases:
        e = raises(DecodeError, axdr.decode, unhex(h))
        assert e.offset == offset, (h, e.offset, str(e))
        assert ("offset %d" % offset) in str(e)


def test_nesting_is_bounded():
    deep = b"\x01\x01" * (axdr.MAX_DEPTH + 1) + b"\x00"
    e = raises(DecodeError, axdr.decode, deep)
    assert not isinstance(e, IncompleteData)
    ok = b"\x01\x01" * (axdr.MAX_DEPTH - 1) + b"\x00"
    assert axdr.encode(axdr.decode(ok)) == ok
    v = (NULL_DATA, None)
    for _ in range(axdr.MAX_DEPTH + 1):
        v = (ARRAY, [v])
    raises(EncodeError, axdr.encode, v)


def test_primitives():
    out = bytearray()
    for n in (0, 0x7F, 0x80, 0xFF, 0x100, 0xFFFF, 0x10000):
        out[:] = b""
        axdr.encode_length(out, n)
        assert axdr.decode_length(out, 0, len(out)) == (n, len(out))
    assert axdr.decode_uint(unhex("0102"), 0, 2, 2) == (0x0102, 2)
    assert axdr.decode_optional(b"\x00", 0, 1) == (False, 1)
    assert axdr.decode_optional(b"\x01", 0, 1) == (True, 1)
    raises(DecodeError, axdr.decode_optional, b"\x02", 0, 1)
    assert axdr.decode_octets(unhex("03 616263 FF"), 0, 5) == (b"abc", 4)
    raises(EncodeError, axdr.encode_uint, bytearray(), 256, 1)

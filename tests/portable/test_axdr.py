# heapsize: 64k
"""A-XDR Data codec: the bytes of each type, what they mean, and the round trip."""

from checks import raises, unhex
from microcosem import axdr
from microcosem.axdr import (ARRAY, BCD, BIT_STRING, BOOLEAN, COMPACT_ARRAY, DATE, DATE_TIME,
                             DONT_CARE, DOUBLE_LONG, DOUBLE_LONG_UNSIGNED, ENUM, FLOAT32, FLOAT64,
                             INTEGER, LONG, LONG64, LONG64_UNSIGNED, LONG_UNSIGNED, NULL_DATA,
                             OCTET_STRING, STRUCTURE, TIME, UNSIGNED, UTF8_STRING, VISIBLE_STRING)
from microcosem.cosemdate import Date, DateTime, Time
from microcosem.errors import DecodeError, EncodeError, IncompleteData

# (hex, value): every type of the Data CHOICE, checked by hand against the
# Green Book's tag table.
VECTORS = (
    ("00", (NULL_DATA, None)),
    ("0300", (BOOLEAN, False)),
    ("0301", (BOOLEAN, True)),
    ("0405 B0", (BIT_STRING, "10110")),
    ("0400", (BIT_STRING, "")),
    ("0410 8001", (BIT_STRING, "1000000000000001")),
    ("05 FFFFFFFE", (DOUBLE_LONG, -2)),
    ("05 7FFFFFFF", (DOUBLE_LONG, 2147483647)),
    ("06 0000007B", (DOUBLE_LONG_UNSIGNED, 123)),
    ("06 FFFFFFFF", (DOUBLE_LONG_UNSIGNED, 4294967295)),
    ("09 06 0100010800FF", (OCTET_STRING, b"\x01\x00\x01\x08\x00\xff")),
    ("09 00", (OCTET_STRING, b"")),
    ("0A 03 616263", (VISIBLE_STRING, "abc")),
    ("0A 02 41FF", (VISIBLE_STRING, b"A\xff")),  # not ASCII: kept as bytes
    ("0C 02 C2B5", (UTF8_STRING, "\u00b5")),
    ("0C 01 FF", (UTF8_STRING, b"\xff")),  # not UTF-8: kept as bytes
    ("0D 42", (BCD, 0x42)),
    ("0F 80", (INTEGER, -128)),
    ("0F 7F", (INTEGER, 127)),
    ("10 8000", (LONG, -32768)),
    ("11 05", (UNSIGNED, 5)),
    ("12 FFFF", (LONG_UNSIGNED, 65535)),
    ("14 8000000000000000", (LONG64, -9223372036854775808)),
    ("15 FFFFFFFFFFFFFFFF", (LONG64_UNSIGNED, 18446744073709551615)),
    ("16 03", (ENUM, 3)),
    ("17 3FC00000", (FLOAT32, 1.5)),
    ("18 C000000000000000", (FLOAT64, -2.0)),
    ("19 07EA0B19 03 0E1E00 00 FFC4 80", (DATE_TIME, DateTime(2026, 11, 25, 3, 14, 30, 0, 0, -60, 0x80))),
    ("19 FFFFFFFFFFFFFFFFFF 8000 FF", (DATE_TIME, DateTime())),
    ("1A 07EA FE FD 01", (DATE, Date(2026, 0xFE, 0xFD, 1))),
    ("1B 17 3B 3B FF", (TIME, Time(23, 59, 59, None))),
    ("FF", (DONT_CARE, None)),
    ("01 00", (ARRAY, [])),
    ("01 02 1100 1101", (ARRAY, [(UNSIGNED, 0), (UNSIGNED, 1)])),
    ("02 03 0F FF 09 01 AA 01 01 00", (STRUCTURE, [(INTEGER, -1), (OCTET_STRING, b"\xaa"),
                                                  (ARRAY, [(NULL_DATA, None)])])),
    # compact-array of structure{unsigned, octet-string}: contents are untagged values
    ("13 02 02 11 09 07 01 01 61 02 02 62 63",
     (COMPACT_ARRAY, ((STRUCTURE, (UNSIGNED, OCTET_STRING)),
                      [(STRUCTURE, [(UNSIGNED, 1), (OCTET_STRING, b"a")]),
                       (STRUCTURE, [(UNSIGNED, 2), (OCTET_STRING, b"bc")])]))),
    # compact-array of array[2] of long-unsigned
    ("13 01 0002 12 08 0001 0002 0003 0004",
     (COMPACT_ARRAY, ((ARRAY, 2, LONG_UNSIGNED),
                      [(ARRAY, [(LONG_UNSIGNED, 1), (LONG_UNSIGNED, 2)]),
                       (ARRAY, [(LONG_UNSIGNED, 3), (LONG_UNSIGNED, 4)])]))),
)


def test_every_type_decodes_to_its_value():
    for h, value in VECTORS:
        assert axdr.decode(unhex(h)) == value, h


def test_every_type_encodes_to_its_bytes():
    for h, value in VECTORS:
        assert axdr.encode(value) == unhex(h), h


def test_round_trip_keeps_the_type():
    # unsigned 5 stays unsigned, not long 5 or enum 5
    for tag in (UNSIGNED, ENUM, BCD, INTEGER, LONG, LONG_UNSIGNED):
        b = axdr.encode((tag, 5))
        assert b[0] == tag
        assert axdr.decode(b) == (tag, 5)


def test_long_lengths():
    data = bytes(range(256)) * 2  # 512 bytes: length 82 02 00
    b = axdr.encode((OCTET_STRING, data))
    assert b[:4] == unhex("09 82 0200")
    assert axdr.decode(b) == (OCTET_STRING, data)
    b = axdr.encode((OCTET_STRING, data[:200]))
    assert b[:3] == unhex("09 81 C8")


def test_long_array_length():
    # 130 elements: the count takes the 81 form (kept apart from the octet
    # strings above so that a 64k heap holds one case at a time)
    items = [(UNSIGNED, 7)] * 130  # one tuple shared: the heap holds the decoded copy only
    b = axdr.encode((ARRAY, items))
    assert b[:3] == unhex("01 81 82")
    assert axdr.decode(b) == (ARRAY, items)


def test_decode_from_memoryview_and_offset():
    buf = bytearray(unhex("AAAA 06 0000007B 11 05"))
    mv = memoryview(buf)
    v, pos = axdr.decode_data(mv, 2)
    assert v == (DOUBLE_LONG_UNSIGNED, 123) and pos == 7
    v, pos = axdr.decode_data(mv, pos)
    assert v == (UNSIGNED, 5) and pos == 9
    # an end bound stops the decoder even if the buffer goes on
    raises(IncompleteData, axdr.decode_data, mv, 2, 5)


def test_encode_appends_into_a_reused_buffer():
    out = bytearray(b"\xc4\x01\xc1\x00")
    axdr.encode_data(out, (LONG_UNSIGNED, 0x1234))
    assert bytes(out) == unhex("C4 01 C1 00 12 1234")
    out[:] = b""
    axdr.encode_data(out, (UNSIGNED, 7))
    assert bytes(out) == unhex("11 07")


def test_float_payloads_that_a_float_cannot_carry_stay_raw():
    # a signalling NaN: converting it to a float would quieten it
    raw = unhex("7F800001")
    v = axdr.decode(b"\x17" + raw)
    assert axdr.encode(v) == b"\x17" + raw
    assert axdr.encode((FLOAT64, unhex("0102030405060708"))) == unhex("18 0102030405060708")


def test_date_time_accepts_raw_bytes():
    raw = unhex("07EA0B1903 0E1E0000 FFC4 80")
    assert axdr.encode((DATE_TIME, raw)) == b"\x19" + raw
    raises(EncodeError, axdr.encode, (DATE_TIME, raw[:11]))
    raises(EncodeError, axdr.encode, (DATE, DateTime()))


def test_type_names():
    assert axdr.type_name(axdr.type_tag("long64-unsigned")) == "long64-unsigned"
    assert axdr.type_name(UNSIGNED) == "unsigned"
    raises(KeyError, axdr.type_tag, "word")


def test_truncation_at_every_byte_is_incomplete_data():
    for h, value in VECTORS:
        b = unhex(h)
        for cut in range(len(b)):
            e = raises(DecodeError, axdr.decode, b[:cut])
            assert isinstance(e, IncompleteData), (h, cut)
            assert e.offset is not None and 0 <= e.offset <= cut

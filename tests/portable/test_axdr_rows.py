# heapsize: 64k
"""Arrays of uniform rows (profile buffers): the same values and bytes whatever
path the codec takes (one struct call on CPython, row by row elsewhere), and
every row that breaks the pattern still decoded or refused exactly."""

from checks import raises, unhex

from microcosem import axdr
from microcosem.axdr import (ARRAY, BOOLEAN, DOUBLE_LONG, DOUBLE_LONG_UNSIGNED, INTEGER,
                             LONG_UNSIGNED, OCTET_STRING, STRUCTURE, UNSIGNED)
from microcosem.errors import DecodeError, EncodeError, IncompleteData

STAMP = unhex("07EA0C01 02 0C1E00 00 FFC4 00")  # 2026-12-01 Tue 12:30:00, dev -60


def row(i):
    return (STRUCTURE, [(OCTET_STRING, STAMP), (DOUBLE_LONG_UNSIGNED, 1000 + i),
                        (LONG_UNSIGNED, i)])


ROW_BYTES = "02 03 09 0C 07EA0C01020C1E0000FFC400 06 %08X 12 %04X"


def buffer_bytes(n):
    return unhex("01 %02X" % n + "".join(ROW_BYTES % (1000 + i, i) for i in range(n)))


def test_uniform_rows_decode_and_encode():
    data = buffer_bytes(20)
    value = (ARRAY, [row(i) for i in range(20)])
    assert axdr.decode(data) == value
    assert axdr.encode(value) == data


def test_row_of_another_shape_in_the_middle():
    rows = [row(i) for i in range(12)]
    rows[7] = (STRUCTURE, [(OCTET_STRING, STAMP), (DOUBLE_LONG, -5), (LONG_UNSIGNED, 7)])
    b = axdr.encode((ARRAY, rows))
    assert b[2 + 7 * 24 + 16] == DOUBLE_LONG
    assert axdr.decode(b) == (ARRAY, rows)
    rows[3] = (STRUCTURE, [(OCTET_STRING, STAMP[:5]), (DOUBLE_LONG_UNSIGNED, 3), (LONG_UNSIGNED, 3)])
    assert axdr.decode(axdr.encode((ARRAY, rows))) == (ARRAY, rows)
    rows[9] = (STRUCTURE, [(OCTET_STRING, STAMP), (DOUBLE_LONG_UNSIGNED, 9)])
    assert axdr.decode(axdr.encode((ARRAY, rows))) == (ARRAY, rows)


def test_every_integer_type_in_rows():
    rows = [(STRUCTURE, [(INTEGER, -i), (UNSIGNED, i), (DOUBLE_LONG, -70000 * i),
                         (axdr.LONG64, -(1 << 40) * i), (axdr.LONG64_UNSIGNED, (1 << 63) + i),
                         (axdr.ENUM, i), (axdr.BCD, 0x10 + i), (axdr.LONG, -300 * i)])
            for i in range(10)]
    b = axdr.encode((ARRAY, rows))
    assert b[:4] == unhex("01 0A 02 08") and b[4:6] == unhex("0F 00")
    assert axdr.decode(b) == (ARRAY, rows)


def test_out_of_range_or_wrong_type_in_one_row_is_refused():
    for bad in ((LONG_UNSIGNED, 0x10000), (LONG_UNSIGNED, -1), (LONG_UNSIGNED, 1.0),
                (LONG_UNSIGNED, "7")):
        rows = [row(i) for i in range(10)]
        rows[6] = (STRUCTURE, [(OCTET_STRING, STAMP), (DOUBLE_LONG_UNSIGNED, 6), bad])
        out = bytearray(b"\xAA")
        raises(EncodeError, axdr.encode_data, out, (ARRAY, rows))


def test_values_the_general_path_takes_are_taken_alike():
    # a bool where an unsigned is due, bytearray octets: whatever the general
    # encoder makes of them, the array makes of them too
    rows = [row(i) for i in range(10)]
    rows[2] = (STRUCTURE, [(OCTET_STRING, bytearray(STAMP)), (DOUBLE_LONG_UNSIGNED, True),
                           (LONG_UNSIGNED, 2)])
    b = axdr.encode((ARRAY, rows))
    one = axdr.encode(rows[2])
    assert b[2 + 2 * 24:2 + 3 * 24] == one
    assert axdr.decode(b)[1][2] == (STRUCTURE, [(OCTET_STRING, STAMP), (DOUBLE_LONG_UNSIGNED, 1),
                                                (LONG_UNSIGNED, 2)])


def test_rows_with_booleans_take_the_general_path():
    rows = [(STRUCTURE, [(BOOLEAN, i & 1 == 1), (UNSIGNED, i)]) for i in range(10)]
    b = axdr.encode((ARRAY, rows))
    assert axdr.decode(b) == (ARRAY, rows)


def test_truncated_and_corrupted_buffers():
    data = buffer_bytes(10)
    for cut in (len(data) - 1, len(data) - 3, 40, 3):
        raises(IncompleteData, axdr.decode, data[:cut])
    bad = bytearray(data)
    bad[2 + 5 * 24 + 16] = 0x07  # no such data type: the sixth row's energy tag
    e = raises(DecodeError, axdr.decode, bytes(bad))
    assert e.offset == 2 + 5 * 24 + 16, e.offset
    bad = bytearray(data)
    bad[2 + 8 * 24 + 1] = 4  # the ninth row claims four elements
    raises(DecodeError, axdr.decode, bytes(bad))

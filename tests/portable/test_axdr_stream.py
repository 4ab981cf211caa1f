# heapsize: 64k
"""A-XDR Data codec: walking a large array one element at a time.

The buffer is written row by row, as a meter writes a profile: a device
never holds the rows as Python values, only their bytes.
"""

from checks import raises, unhex
from microcosem import axdr
from microcosem.axdr import ARRAY, DOUBLE_LONG_UNSIGNED, LONG_UNSIGNED, OCTET_STRING, STRUCTURE, UNSIGNED
from microcosem.cosemdate import DateTime
from microcosem.errors import DecodeError, IncompleteData


def _row(i):
    stamp = DateTime.from_timestamp(1764000000 + 900 * i, -60, 0).to_bytes()
    return (STRUCTURE, [(OCTET_STRING, stamp), (DOUBLE_LONG_UNSIGNED, 1000 + 7 * i),
                        (LONG_UNSIGNED, i & 0xFF)])


def _profile_bytes(rows, out):
    out.append(ARRAY)
    axdr.encode_length(out, rows)
    for i in range(rows):
        axdr.encode_data(out, _row(i))
    return out


ROW_SIZE = 24  # 02 03 | 09 0C + 12 | 06 + 4 | 12 + 2


def _profile_in_place(rows):
    # preallocated once, rows written in place: no growth, no fragmentation
    head = bytearray()
    head.append(ARRAY)
    axdr.encode_length(head, rows)
    h = len(head)
    buf = bytearray(h + rows * ROW_SIZE)
    buf[0:h] = head
    row = bytearray()
    for i in range(rows):
        row[:] = b""
        axdr.encode_data(row, _row(i))
        buf[h + i * ROW_SIZE:h + (i + 1) * ROW_SIZE] = row
    return buf


def test_array_reader_streams_rows():
    b = bytearray(b"\xaa")
    _profile_bytes(50, b)
    axdr.encode_data(b, (UNSIGNED, 5))
    r = axdr.ArrayReader(memoryview(b), 1)
    assert r.count == 50
    n = 0
    for row in r:
        assert row == _row(n)
        n += 1
    assert n == 50
    assert axdr.decode_data(b, r.end) == ((UNSIGNED, 5), len(b))


def test_array_reader_refuses_what_is_not_an_array():
    raises(DecodeError, axdr.ArrayReader, unhex("11 05"))
    raises(IncompleteData, axdr.ArrayReader, unhex("01 05 11"))
    r = axdr.ArrayReader(unhex("01 02 11 05 07"))
    it = iter(r)
    assert next(it) == (UNSIGNED, 5)
    raises(DecodeError, next, it)


def test_streaming_heap_stays_small():
    # 300 rows (the 1000-row figure is measured by tools/bench_axdr.py): walking
    # them one by one must not keep rows alive
    import gc

    if not hasattr(gc, "mem_alloc"):
        return  # CPython: nothing to measure; the MicroPython run measures
    b = _profile_in_place(300)
    gc.collect()
    before = gc.mem_alloc()
    grew = 0
    total = 0
    for row in axdr.ArrayReader(b):
        total += row[1][1][1]
        if row[1][2][1] % 50 == 0:
            gc.collect()
            grew = max(grew, gc.mem_alloc() - before)
    assert total == sum(1000 + 7 * i for i in range(300))
    assert grew < 4096, grew

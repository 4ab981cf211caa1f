# heapsize: 128k
# (code, not data: axdr, cosemdate, storage and the cosem base, clock, register and profile
# modules load ~80k of .mpy into the 64-bit unix heap; the rows streamed are a few hundred
# bytes at a time, while the 10000-row buffer read below is 230 kB)
"""COSEM Profile generic (7): capture into a ring of encoded rows, reset,
the buffer streamed row by row, selective access by range and by entry."""

import gc
import os

from checks import raises
from microcosem import axdr
from microcosem.axdr import (ARRAY, DATE_TIME, DOUBLE_LONG_UNSIGNED, ENUM, INTEGER, LONG, LONG_UNSIGNED,
                             OCTET_STRING, STRUCTURE, UNSIGNED)
from microcosem.cosem.base import sn_target
from microcosem.cosem.clock import Clock
from microcosem.cosem.profile import ProfileGeneric
from microcosem.cosem.register import Data, Register
from microcosem.cosemdate import DateTime
from microcosem.errors import AccessError
from microcosem.storage import FileStorage

T0 = 1764000000


def _code(fn, *args):
    return raises(AccessError, fn, *args).result


def _bytes(v):
    out = bytearray()
    v.encode_into(out)
    return bytes(out)


def _meter(entries=5):
    t = [T0]
    wh = [1000]
    clock = Clock("0.0.1.0.0.255", time_source=lambda: t[0], time_zone=(LONG, -60))
    energy = Register("1.0.1.8.0.255", value=lambda: (DOUBLE_LONG_UNSIGNED, wh[0]))
    status = Data("0.0.96.10.1.255", value=(UNSIGNED, 8))
    lp = ProfileGeneric("1.0.99.1.0.255", capture_objects=((clock, 2, 0), (energy, 2, 0), (status, 2, 0)),
                        profile_entries=entries, capture_period=(DOUBLE_LONG_UNSIGNED, 900))
    return t, wh, clock, energy, status, lp


def _stamp(s):
    return (OCTET_STRING, DateTime.from_timestamp(s, -60, 0).to_bytes())


def _run(t, wh, lp, n):
    for _ in range(n):
        assert lp.action(2, (INTEGER, 0), None) is None
        t[0] += 900
        wh[0] += 7


def _row(i):
    return (STRUCTURE, [_stamp(T0 + 900 * i), (DOUBLE_LONG_UNSIGNED, 1000 + 7 * i), (UNSIGNED, 8)])


def test_capture_and_read_the_buffer():
    t, wh, clock, energy, status, lp = _meter()
    assert lp.get(7, None, None) == (DOUBLE_LONG_UNSIGNED, 0)
    assert axdr.decode(_bytes(lp.get(2, None, None))) == (ARRAY, [])
    _run(t, wh, lp, 3)
    assert lp.get(7, None, None) == (DOUBLE_LONG_UNSIGNED, 3)
    v = lp.get(2, None, None)
    assert type(v) is axdr.EncodedData
    assert axdr.decode(_bytes(v)) == (ARRAY, [_row(0), _row(1), _row(2)])
    # rows are kept as their bytes, in slots sized by the first row
    assert lp._ring.slot_size == 14 + 5 + 2


def test_ring_keeps_the_newest_entries_and_reset_empties_it():
    t, wh, clock, energy, status, lp = _meter(entries=4)
    _run(t, wh, lp, 7)
    assert lp.get(7, None, None) == (DOUBLE_LONG_UNSIGNED, 4)
    assert lp.get(8, None, None) == (DOUBLE_LONG_UNSIGNED, 4)
    assert axdr.decode(_bytes(lp.get(2, None, None)))[1] == [_row(3), _row(4), _row(5), _row(6)]
    lp.action(1, (INTEGER, 0), None)
    assert lp.get(7, None, None) == (DOUBLE_LONG_UNSIGNED, 0)
    lp.set(8, (DOUBLE_LONG_UNSIGNED, 2), None)
    _run(t, wh, lp, 3)
    assert axdr.decode(_bytes(lp.get(2, None, None)))[1] == [_row(8), _row(9)]
    assert _code(lp.set, 8, (DOUBLE_LONG_UNSIGNED, 0), None) == 250
    lp.set(8, (DOUBLE_LONG_UNSIGNED, 4), None)               # back to what the meter planned
    assert _code(lp.set, 8, (DOUBLE_LONG_UNSIGNED, 5), None) == 250           # but no more
    assert _code(lp.set, 8, (DOUBLE_LONG_UNSIGNED, 0xFFFFFFFF), None) == 250
    assert _code(lp.set, 2, (ARRAY, []), None) == 3
    assert _code(lp.set, 7, (DOUBLE_LONG_UNSIGNED, 0), None) == 3


def test_capture_objects_attribute():
    t, wh, clock, energy, status, lp = _meter()
    v = lp.get(3, None, None)
    assert v[0] == ARRAY and len(v[1]) == 3
    assert v[1][1] == (STRUCTURE, ((LONG_UNSIGNED, 3), (OCTET_STRING, b"\x01\x00\x01\x08\x00\xff"),
                                   (INTEGER, 2), (LONG_UNSIGNED, 0)))
    assert axdr.encode(v)[:4] == b"\x01\x03\x02\x04"


class _Model:
    def __init__(self, objs):
        self.objs = objs

    def find(self, class_id, ln):
        for o in self.objs:
            if o.class_id == class_id and o.logical_name == ln:
                return o
        return None


class _Ctx:
    def __init__(self, model):
        self.model = model


def test_set_capture_objects_through_the_model():
    t, wh, clock, energy, status, lp = _meter()
    _run(t, wh, lp, 2)
    ctx = _Ctx(_Model([clock, energy, status]))
    cols = (ARRAY, [(STRUCTURE, [(LONG_UNSIGNED, 3), (OCTET_STRING, energy.logical_name),
                                 (INTEGER, 2), (LONG_UNSIGNED, 0)])])
    lp.set(3, cols, ctx)
    assert lp.get(7, None, None) == (DOUBLE_LONG_UNSIGNED, 0)   # new columns, new buffer
    lp.action(2, None, None)
    assert axdr.decode(_bytes(lp.get(2, None, None))) == (ARRAY, [(STRUCTURE, [(DOUBLE_LONG_UNSIGNED, 1014)])])
    missing = (ARRAY, [(STRUCTURE, [(LONG_UNSIGNED, 3), (OCTET_STRING, b"\x01\x00\x02\x08\x00\xff"),
                                    (INTEGER, 2), (LONG_UNSIGNED, 0)])])
    assert _code(lp.set, 3, missing, ctx) == 11
    assert _code(lp.set, 3, (ARRAY, [(UNSIGNED, 1)]), ctx) == 12
    assert _code(lp.set, 5, (ENUM, 2), ctx) == 250


def test_periodic_capture_by_tick():
    t, wh, clock, energy, status, lp = _meter()
    assert not lp.tick(T0 + 10)          # first call finds the next boundary
    assert not lp.tick(T0 + 899)
    assert lp.tick(T0 + 900)
    assert not lp.tick(T0 + 1000)
    assert lp.tick(T0 + 2700)
    assert lp.get(7, None, None) == (DOUBLE_LONG_UNSIGNED, 2)


def _cod(obj, attr=2):
    return (STRUCTURE, [(LONG_UNSIGNED, obj.class_id), (OCTET_STRING, obj.logical_name),
                        (INTEGER, attr), (LONG_UNSIGNED, 0)])


def test_selective_access_by_range():
    t, wh, clock, energy, status, lp = _meter(entries=10)
    _run(t, wh, lp, 6)
    rng = (STRUCTURE, [_cod(clock), _stamp(T0 + 900), _stamp(T0 + 2700), (ARRAY, [])])
    got = axdr.decode(_bytes(lp.get(2, (1, rng), None)))
    assert got == (ARRAY, [_row(1), _row(2), _row(3)])
    # from/to as the date-time type, in another time zone; one column selected
    frm = (DATE_TIME, DateTime.from_timestamp(T0 + 1800, 0, 0))
    to = (DATE_TIME, DateTime.from_timestamp(T0 + 99999, 0, 0))
    rng = (STRUCTURE, [_cod(clock), frm, to, (ARRAY, [_cod(energy), _cod(status)])])
    got = axdr.decode(_bytes(lp.get(2, (1, rng), None)))
    assert got == (ARRAY, [(STRUCTURE, [(DOUBLE_LONG_UNSIGNED, 1000 + 7 * i), (UNSIGNED, 8)])
                           for i in range(2, 6)])
    # restricting on a register value
    rng = (STRUCTURE, [_cod(energy), (DOUBLE_LONG_UNSIGNED, 1007), (DOUBLE_LONG_UNSIGNED, 1014), (ARRAY, [])])
    assert axdr.decode(_bytes(lp.get(2, (1, rng), None)))[1] == [_row(1), _row(2)]
    nothing = (STRUCTURE, [_cod(clock), _stamp(T0 - 99), _stamp(T0 - 9), (ARRAY, [])])
    assert _bytes(lp.get(2, (1, nothing), None)) == b"\x01\x00"
    bad = (STRUCTURE, [_cod(clock, 3), _stamp(T0), _stamp(T0), (ARRAY, [])])
    assert _code(lp.get, 2, (1, bad), None) == 250
    assert _code(lp.get, 2, (1, (UNSIGNED, 1)), None) == 12
    assert _code(lp.get, 2, (3, (UNSIGNED, 1)), None) == 250
    assert _code(lp.get, 3, (1, rng), None) == 250   # capture_objects takes no selection


def _entries(fe, te, fv, tv):
    return (STRUCTURE, [(DOUBLE_LONG_UNSIGNED, fe), (DOUBLE_LONG_UNSIGNED, te),
                        (LONG_UNSIGNED, fv), (LONG_UNSIGNED, tv)])


def test_selective_access_by_entry():
    t, wh, clock, energy, status, lp = _meter(entries=10)
    _run(t, wh, lp, 6)
    assert axdr.decode(_bytes(lp.get(2, (2, _entries(2, 3, 0, 0)), None)))[1] == [_row(1), _row(2)]
    assert axdr.decode(_bytes(lp.get(2, (2, _entries(5, 0, 2, 2)), None)))[1] == [
        (STRUCTURE, [(DOUBLE_LONG_UNSIGNED, 1028)]), (STRUCTURE, [(DOUBLE_LONG_UNSIGNED, 1035)])]
    assert axdr.decode(_bytes(lp.get(2, (2, _entries(1, 99, 1, 0)), None)))[1] == [_row(i) for i in range(6)]
    assert _bytes(lp.get(2, (2, _entries(7, 9, 0, 0)), None)) == b"\x01\x00"
    assert _code(lp.get, 2, (2, _entries(1, 2, 3, 2)), None) == 250
    assert _code(lp.get, 2, (2, (STRUCTURE, [(UNSIGNED, 1)])), None) == 12


class _SyntheticRing:
    """10000 rows that exist only as they are read: what a flash ring looks like."""

    slots = 10000
    slot_size = 21

    def __len__(self):
        return 10000

    def rows(self, first=0, stop=None):
        out = bytearray()
        for i in range(first, 10000 if stop is None else stop):
            out[:] = b""
            axdr.encode_data(out, _stamp(T0 + 900 * i))
            axdr.encode_data(out, (DOUBLE_LONG_UNSIGNED, i))
            axdr.encode_data(out, (UNSIGNED, 8))
            yield out


def test_ten_thousand_rows_stream_in_small_chunks():
    t, wh, clock, energy, status, lp = _meter()
    lp = ProfileGeneric("1.0.99.1.0.255", capture_objects=lp._capture, profile_entries=10000,
                        ring=_SyntheticRing())
    assert lp.get(7, None, None) == (DOUBLE_LONG_UNSIGNED, 10000)
    gc.collect()
    chunks = iter(lp.get(2, None, None).chunks)
    head = next(chunks)
    assert bytes(head) == b"\x01\x82\x27\x10"
    total = len(head)
    n = 0
    row = bytearray()
    for c in chunks:
        assert len(c) <= 21
        total += len(c)
        row += c
        if len(c) == 2:   # the row's structure header
            continue
        v = axdr.decode(row)
        assert v[1][1] == (DOUBLE_LONG_UNSIGNED, n)
        row[:] = b""
        n += 1
    assert n == 10000 and total == 4 + 10000 * 23   # 230 kB: more than this test's heap
    # a selected window streams the same way
    v = lp.get(2, (2, _entries(9998, 0, 2, 2)), None)
    assert axdr.decode(_bytes(v)) == (ARRAY, [(STRUCTURE, [(DOUBLE_LONG_UNSIGNED, 9997)]),
                                             (STRUCTURE, [(DOUBLE_LONG_UNSIGNED, 9998)]),
                                             (STRUCTURE, [(DOUBLE_LONG_UNSIGNED, 9999)])])


def test_profile_in_a_file_ring_survives_reopening():
    d = "/tmp/mcp_%s" % os.urandom(4).hex()
    try:
        t, wh, clock, energy, status, lp = _meter()
        lp = ProfileGeneric("1.0.99.1.0.255", capture_objects=lp._capture, profile_entries=3,
                            ring=FileStorage(d).ring("lp", 24, 3))
        _run(t, wh, lp, 4)
        lp2 = ProfileGeneric("1.0.99.1.0.255", capture_objects=lp._capture, profile_entries=3,
                             ring=FileStorage(d).ring("lp", 24, 3))
        assert axdr.decode(_bytes(lp2.get(2, None, None)))[1] == [_row(1), _row(2), _row(3)]
        assert _code(lp2.set, 8, (DOUBLE_LONG_UNSIGNED, 4), None) == 250
    finally:
        for n in os.listdir(d):
            os.remove(d + "/" + n)
        os.rmdir(d)


def test_profile_short_names():
    lp = ProfileGeneric("1.0.99.1.0.255", short_name=0x400)
    assert sn_target(lp, 0x438) == ("a", 8)
    assert sn_target(lp, 0x458) == ("m", 1) and sn_target(lp, 0x460) == ("m", 2)


def test_capture_during_a_long_read_keeps_order_and_count():
    t, wh, clock, energy, status, lp = _meter(entries=4)
    _run(t, wh, lp, 4)
    chunks = iter(lp.get(2, None, None).chunks)
    out = bytearray(next(chunks))
    out += next(chunks)
    out += next(chunks)           # row 0 sent
    lp.capture()                  # row 4 comes, row 0 leaves
    for c in chunks:
        out += c
    assert axdr.decode(out)[1] == [_row(0), _row(2), _row(3), _row(4)]


def _range(clock, lo, hi):
    return (1, (STRUCTURE, [_cod(clock), _stamp(lo), _stamp(hi), (ARRAY, [])]))


def _stamps(lp, sel):
    return [DateTime.from_bytes(r[1][0][1]).to_timestamp() - T0 for r in axdr.decode(_bytes(lp.get(2, sel, None)))[1]]


def test_range_read_when_the_clock_went_back():
    t, wh, clock, energy, status, lp = _meter(entries=6)
    for dt in (0, 900, 1800, 300, 1200):      # the clock is set back after the third row
        t[0] = T0 + dt
        lp.capture()
    n = len(lp._ring)
    assert not lp._sorted(n)                  # no bisection: every row is looked at
    assert _stamps(lp, _range(clock, T0 + 800, T0 + 1300)) == [900, 1200]   # two runs apart
    assert _stamps(lp, _range(clock, T0 + 0, T0 + 300)) == [0, 300]
    assert _stamps(lp, _range(clock, T0 + 1800, T0 + 1800)) == [1800]
    for k in range(6):                        # the rows out of order leave the ring
        t[0] = T0 + 3000 + 900 * k
        lp.capture()
    assert lp._sorted(len(lp._ring))
    assert _stamps(lp, _range(clock, T0 + 3900, T0 + 5700)) == [3900, 4800, 5700]
    assert _stamps(lp, _range(clock, T0 + 3901, T0 + 4799)) == []
    assert _stamps(lp, _range(clock, T0 - 9999, T0 + 99999)) == [3000 + 900 * k for k in range(6)]
    lp.action(1, None, None)
    assert lp._sorted(0) and _stamps(lp, _range(clock, T0, T0 + 99999)) == []


def test_range_read_of_a_ring_from_before_checks_its_order_once():
    d = "/tmp/mco_%s" % os.urandom(4).hex()
    try:
        t, wh, clock, energy, status, lp = _meter()
        cols = lp._capture
        lp = ProfileGeneric("1.0.99.1.0.255", capture_objects=cols, profile_entries=4,
                            ring=FileStorage(d).ring("lp", 24, 4))
        for dt in (0, 900, 450, 1800):
            t[0] = T0 + dt
            lp.capture()
        again = ProfileGeneric("1.0.99.1.0.255", capture_objects=cols, profile_entries=4,
                               ring=FileStorage(d).ring("lp", 24, 4))
        assert again._broken is None
        assert _stamps(again, _range(clock, T0 + 400, T0 + 1000)) == [900, 450]
        assert again._broken is not None and not again._sorted(4)
    finally:
        for n in os.listdir(d):
            os.remove(d + "/" + n)
        os.rmdir(d)


def test_range_on_a_register_column_and_negative_values():
    t, wh, clock, energy, status, lp = _meter(entries=10)
    v = [0]
    temp = Register("0.0.96.9.0.255", value=lambda: (LONG, v[0]))
    lp2 = ProfileGeneric("0.0.99.1.0.255", capture_objects=((clock, 2, 0), (temp, 2, 0)), profile_entries=10)
    for x in (-5, 3, -20, 7, 0):
        v[0] = x
        lp2.capture()
    rng = (STRUCTURE, [_cod(temp), (LONG, -6), (LONG, 3), (ARRAY, [_cod(temp)])])
    got = axdr.decode(_bytes(lp2.get(2, (1, rng), None)))[1]
    assert got == [(STRUCTURE, [(LONG, -5)]), (STRUCTURE, [(LONG, 3)]), (STRUCTURE, [(LONG, 0)])]

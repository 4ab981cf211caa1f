# heapsize: 96k
# (64k is not enough only for the code: axdr, cosemdate, the cosem base, register and clock
# modules and this test load ~65k of .mpy into the 64-bit unix heap; objects take little)
"""COSEM Data (1), Register (3), Extended register (4), Demand register (5):
get/set/action dispatch, types, live values and the behaviour of each class."""

from checks import raises, unhex
from microcosem import axdr
from microcosem.axdr import (DOUBLE_LONG, DOUBLE_LONG_UNSIGNED, INTEGER, LONG, LONG_UNSIGNED,
                             OCTET_STRING, STRUCTURE, UNSIGNED, VISIBLE_STRING, ENUM)
from microcosem.cosem.base import NO_DATE_TIME, scaler_unit, sn_target, sn_size
from microcosem.cosem.clock import Clock
from microcosem.cosem.register import (UNIT_WH, Data, DemandRegister, ExtendedRegister, Register)
from microcosem.cosemdate import DateTime
from microcosem.errors import AccessError

T0 = 1764000000  # 2025-11-24 16:00:00 UTC


def _code(fn, *args):
    return raises(AccessError, fn, *args).result


def test_logical_name_is_attribute_1():
    r = Register("1.0.1.8.0.255")
    assert r.get(1, None, None) == (OCTET_STRING, b"\x01\x00\x01\x08\x00\xff")
    assert r.class_id == 3 and r.version == 0 and r.ATTRIBUTE_COUNT == 3 and r.METHOD_COUNT == 1
    assert _code(r.set, 1, (OCTET_STRING, b"\x00" * 6), None) == 3  # read-write-denied


def test_bad_ids_are_object_undefined():
    r = Register("1.0.1.8.0.255")
    for i in (0, 4, 9, -1):
        assert _code(r.get, i, None, None) == 4
        assert _code(r.set, i, (UNSIGNED, 1), None) == 4
    assert _code(r.action, 2, (INTEGER, 0), None) == 4
    assert _code(r.action, 0, None, None) == 4
    assert _code(Data("0.0.96.1.0.255").action, 1, None, None) == 4


def test_register_value_scaler_unit_and_wire_bytes():
    r = Register("1.0.1.8.0.255", value=(DOUBLE_LONG_UNSIGNED, 123456), scaler_unit=scaler_unit(-3, UNIT_WH))
    assert r.get(2, None, None) == (DOUBLE_LONG_UNSIGNED, 123456)
    assert axdr.encode(r.get(2, None, None)) == unhex("06 00 01 E2 40")
    assert axdr.encode(r.get(3, None, None)) == unhex("02 02 0F FD 16 1E")


def test_register_set_keeps_its_type():
    r = Register("1.0.1.8.0.255", value=(DOUBLE_LONG_UNSIGNED, 5))
    r.set(2, (DOUBLE_LONG_UNSIGNED, 7), None)
    assert r.get(2, None, None) == (DOUBLE_LONG_UNSIGNED, 7)
    assert _code(r.set, 2, (LONG_UNSIGNED, 7), None) == 12           # type-unmatched
    assert _code(r.set, 2, (STRUCTURE, []), None) == 12
    assert _code(r.set, 2, (DOUBLE_LONG_UNSIGNED, "7"), None) == 12    # the tag right, the value not
    assert _code(r.set, 2, [DOUBLE_LONG_UNSIGNED, 7], None) == 12
    assert _code(r.set, 3, (STRUCTURE, [(INTEGER, 1)]), None) == 12   # one field short
    assert _code(r.set, 3, (STRUCTURE, [(UNSIGNED, 1), (ENUM, 30)]), None) == 12
    r.set(3, (STRUCTURE, [(INTEGER, 2), (ENUM, 30)]), None)
    assert r.get(3, None, None) == (STRUCTURE, [(INTEGER, 2), (ENUM, 30)])
    assert r.get(2, None, None) == (DOUBLE_LONG_UNSIGNED, 7)


def test_register_live_value_and_reset_hook():
    meter = [1000]

    def clear():
        meter[0] = 0

    r = Register("1.0.1.8.0.255", value=lambda: (DOUBLE_LONG_UNSIGNED, meter[0]), reset=clear)
    assert r.get(2, None, None) == (DOUBLE_LONG_UNSIGNED, 1000)
    meter[0] = 1500
    assert r.get(2, None, None) == (DOUBLE_LONG_UNSIGNED, 1500)
    assert _code(r.set, 2, (DOUBLE_LONG_UNSIGNED, 1), None) == 3     # a measurement is not written
    assert r.action(1, (INTEGER, 0), None) is None
    assert meter[0] == 0 and r.get(2, None, None) == (DOUBLE_LONG_UNSIGNED, 0)
    bare = Register("1.0.2.8.0.255", value=lambda: (DOUBLE_LONG_UNSIGNED, 9))
    assert _code(bare.action, 1, (INTEGER, 0), None) == 3


def test_register_reset_constant_value():
    r = Register("1.0.1.8.0.255", value=(LONG, -20))
    r.action(1, (INTEGER, 0), None)
    assert r.get(2, None, None) == (LONG, 0)
    assert _code(r.action, 1, (OCTET_STRING, b"x"), None) == 12
    s = Register("0.0.96.1.0.255", value=(VISIBLE_STRING, "abc"))
    assert _code(s.action, 1, None, None) == 250


def test_data_keeps_any_type_it_was_given():
    d = Data("0.0.96.1.0.255", value=(OCTET_STRING, b"SN123"))
    assert d.ATTRIBUTE_COUNT == 2 and d.METHOD_COUNT == 0
    d.set(2, (OCTET_STRING, b"SN999"), None)
    assert d.get(2, None, None) == (OCTET_STRING, b"SN999")
    assert _code(d.set, 2, (UNSIGNED, 3), None) == 12
    s = Data("0.0.96.2.0.255", value=(STRUCTURE, [(UNSIGNED, 1)]))
    s.set(2, (STRUCTURE, [(UNSIGNED, 1), (UNSIGNED, 2)]), None)
    assert len(s.get(2, None, None)[1]) == 2


def test_unknown_keyword_is_a_programming_error():
    raises(TypeError, Register, "1.0.1.8.0.255", valeu=(UNSIGNED, 1))


def test_short_names_per_class_table():
    r = Register("1.0.1.8.0.255", short_name=0x100)
    assert sn_target(r, 0x100) == ("a", 1)
    assert sn_target(r, 0x110) == ("a", 3)
    assert sn_target(r, 0x118) is None
    assert sn_target(r, 0x128) == ("m", 1)
    assert sn_target(r, 0x130) is None and sn_target(r, 0x104) is None
    assert sn_size(r) == 0x30
    e = ExtendedRegister("1.0.1.6.0.255", short_name=0x200)
    assert sn_target(e, 0x220) == ("a", 5) and sn_target(e, 0x238) == ("m", 1)
    d = DemandRegister("1.0.1.4.0.255", short_name=0x300)
    assert sn_target(d, 0x340) == ("a", 9)
    assert sn_target(d, 0x348) == ("m", 1) and sn_target(d, 0x350) == ("m", 2)
    assert Register("1.0.1.8.0.255").short_name is None


def _clock(t):
    return Clock("0.0.1.0.0.255", time_source=lambda: t[0], time_zone=(LONG, -60))


def test_extended_register_capture_and_reset_stamp_time():
    t = [T0]
    e = ExtendedRegister("1.0.1.6.0.255", value=(DOUBLE_LONG_UNSIGNED, 0), clock=_clock(t),
                         status=(UNSIGNED, 0))
    assert e.get(5, None, None) == (OCTET_STRING, NO_DATE_TIME)
    e.capture((DOUBLE_LONG_UNSIGNED, 4200), (UNSIGNED, 3))
    stamp = DateTime.from_timestamp(T0, -60, 0).to_bytes()
    assert e.get(2, None, None) == (DOUBLE_LONG_UNSIGNED, 4200)
    assert e.get(4, None, None) == (UNSIGNED, 3)
    assert e.get(5, None, None) == (OCTET_STRING, stamp)
    assert stamp[5:8] == b"\x11\x00\x00"  # 17:00 local, UTC+1
    t[0] += 3600
    e.action(1, (INTEGER, 0), None)
    assert e.get(2, None, None) == (DOUBLE_LONG_UNSIGNED, 0)
    assert e.get(4, None, None) == (UNSIGNED, 0)
    assert e.get(5, None, None) == (OCTET_STRING, DateTime.from_timestamp(T0 + 3600, -60, 0).to_bytes())
    assert _code(e.set, 5, (OCTET_STRING, b"short"), None) == 12


def test_demand_register_block_demand():
    t = [T0]              # T0 is a multiple of 60
    wh = [10000]
    d = DemandRegister("1.0.1.4.0.255", source=lambda: wh[0], clock=_clock(t),
                       period=(DOUBLE_LONG_UNSIGNED, 60), scaler_unit=scaler_unit(0, 27))
    assert d.get(8, None, None) == (DOUBLE_LONG_UNSIGNED, 60)
    assert d.get(7, None, None) == (OCTET_STRING, DateTime.from_timestamp(T0, -60, 0).to_bytes())
    t[0] += 30
    wh[0] += 50           # 50 Wh in 30 s of a 60 s period: 3000 W so far
    assert d.get(2, None, None) == (DOUBLE_LONG_UNSIGNED, 50 * 3600 // 60)
    t[0] += 30
    wh[0] += 50           # period over: 100 Wh in 60 s = 6000 W
    d.tick()
    assert d.get(3, None, None) == (DOUBLE_LONG_UNSIGNED, 6000)
    assert d.get(2, None, None) == (DOUBLE_LONG_UNSIGNED, 0)
    assert d.get(6, None, None) == (OCTET_STRING, DateTime.from_timestamp(T0 + 60, -60, 0).to_bytes())
    assert d.get(7, None, None) == d.get(6, None, None)
    assert _code(d.set, 2, (DOUBLE_LONG_UNSIGNED, 1), None) == 3


def test_demand_register_sliding_window_and_methods():
    t = [T0]
    wh = [0]
    d = DemandRegister("1.0.1.5.0.255", source=lambda: wh[0], clock=_clock(t),
                       period=(DOUBLE_LONG_UNSIGNED, 60), number_of_periods=(LONG_UNSIGNED, 3))
    for growth in (30, 60, 90):
        wh[0] += growth
        t[0] += 60
        d.tick()
    # the window of 3 periods (180 s) holds 180 Wh: 3600 W
    assert d.get(3, None, None) == (DOUBLE_LONG_UNSIGNED, 180 * 3600 // 180)
    wh[0] += 120
    t[0] += 60
    d.tick()              # the oldest period (30) leaves the window
    assert d.get(3, None, None) == (DOUBLE_LONG_UNSIGNED, (60 + 90 + 120) * 20)
    wh[0] += 18
    t[0] += 10
    assert d.get(2, None, None) == (DOUBLE_LONG_UNSIGNED, (90 + 120 + 18) * 20)
    d.action(2, (INTEGER, 0), None)   # next_period closes the period early
    assert d.get(3, None, None) == (DOUBLE_LONG_UNSIGNED, (90 + 120 + 18) * 20)
    d.action(1, (INTEGER, 0), None)   # reset
    assert d.get(3, None, None) == (DOUBLE_LONG_UNSIGNED, 0)
    assert d.get(2, None, None) == (DOUBLE_LONG_UNSIGNED, 0)
    wh[0] += 60
    assert d.get(2, None, None) == (DOUBLE_LONG_UNSIGNED, 60 * 20)
    assert _code(d.set, 9, (LONG_UNSIGNED, 0), None) == 250
    assert _code(d.set, 8, (LONG_UNSIGNED, 60), None) == 12
    d.set(8, (DOUBLE_LONG_UNSIGNED, 900), None)
    assert d.get(2, None, None) == (DOUBLE_LONG_UNSIGNED, 0)


def test_demand_register_without_source_keeps_periods():
    d = DemandRegister("1.0.1.4.0.255", value_type=DOUBLE_LONG)
    d.current_average_value = (DOUBLE_LONG, -42)
    d.action(2, None, None)
    assert d.get(3, None, None) == (DOUBLE_LONG, -42)
    assert d.get(2, None, None) == (DOUBLE_LONG, 0)

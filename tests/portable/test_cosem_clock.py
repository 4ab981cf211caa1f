# heapsize: 96k
# (the code of axdr, cosemdate, the cosem base and clock takes ~55k of the 64-bit unix heap)
"""COSEM Clock (8): time from a time source, time zone and daylight saving,
and the adjust / preset / shift methods."""

from checks import raises
from microcosem.axdr import BOOLEAN, DATE_TIME, ENUM, INTEGER, LONG, OCTET_STRING, STRUCTURE, UNSIGNED
from microcosem.cosem.base import sn_target
from microcosem.cosem.clock import Clock
from microcosem.cosemdate import DateTime, days_from_civil
from microcosem.errors import AccessError

T0 = days_from_civil(2026, 1, 15) * 86400 + 12 * 3600 + 7 * 60 + 29   # 12:07:29 UTC


def _code(fn, *args):
    return raises(AccessError, fn, *args).result


def _cet(t):
    # last Sunday of March 02:00 to last Sunday of October 03:00 (DST) = 02:00 standard time
    begin = DateTime(None, 3, 0xFE, 7, 2, 0, 0, 0, None, None).to_bytes()
    end = DateTime(None, 10, 0xFE, 7, 2, 0, 0, 0, None, None).to_bytes()
    return Clock("0.0.1.0.0.255", time_source=lambda: t[0], time_zone=(LONG, -60),
                 dst_begin=(OCTET_STRING, begin), dst_end=(OCTET_STRING, end),
                 dst_enabled=(BOOLEAN, True))


def _time(c):
    return DateTime.from_bytes(c.get(2, None, None)[1])


def test_time_comes_from_the_source():
    t = [T0]
    c = Clock("0.0.1.0.0.255", time_source=lambda: t[0])
    assert c.class_id == 8 and c.ATTRIBUTE_COUNT == 9 and c.METHOD_COUNT == 6
    v = c.get(2, None, None)
    assert v[0] == OCTET_STRING and len(v[1]) == 12
    assert v[1] == DateTime.from_timestamp(T0, 0, 0).to_bytes()
    t[0] += 61
    assert _time(c).minute == 8 and _time(c).second == 30
    assert c.get(3, None, None) == (LONG, 0) and c.get(9, None, None) == (ENUM, 1)


def test_hundredths_from_a_fractional_source():
    c = Clock("0.0.1.0.0.255", time_source=lambda: T0 + 0.25)
    assert _time(c).hundredths == 25


def test_set_time_moves_the_offset_not_the_source():
    t = [T0]
    c = Clock("0.0.1.0.0.255", time_source=lambda: t[0], time_zone=(LONG, -60))
    new = DateTime(2026, 2, 1, None, 10, 0, 0, 0, -60, 0)    # 09:00 UTC
    c.set(2, (OCTET_STRING, new.to_bytes()), None)
    assert int(c.seconds()) == new.to_timestamp()
    t[0] += 10
    got = _time(c)
    assert (got.hour, got.minute, got.second, got.deviation) == (10, 0, 10, -60)
    # a date-time typed value, and one without deviation (the clock's own is used)
    c.set(2, (DATE_TIME, DateTime(2026, 2, 1, None, 11, 0, 0, 0, None, None)), None)
    assert int(c.seconds()) == DateTime(2026, 2, 1, None, 10, 0, 0, 0, 0, 0).to_timestamp()
    assert _code(c.set, 2, (OCTET_STRING, b"\x07\xea"), None) == 12
    assert _code(c.set, 2, (UNSIGNED, 1), None) == 12
    assert _code(c.set, 2, (OCTET_STRING, b"\xff" * 9 + b"\x80\x00\xff"), None) == 250
    assert t[0] == T0 + 10


def test_setting_the_time_clears_invalid_status():
    t = [T0]
    c = Clock("0.0.1.0.0.255", time_source=lambda: t[0], status=(UNSIGNED, 0x03))
    assert _time(c).status == 0x03
    c.set(2, (OCTET_STRING, DateTime.from_timestamp(T0 + 5, 0, 0).to_bytes()), None)
    assert c.get(4, None, None) == (UNSIGNED, 0) and _time(c).status == 0
    # a date-time typed daylight-saving date is kept as the octet-string the Blue Book carries
    c.set(5, (DATE_TIME, DateTime(None, 3, 0xFE, 7, 2, 0, 0, 0, None, None)), None)
    assert c.get(5, None, None) == (OCTET_STRING, DateTime(None, 3, 0xFE, 7, 2, 0, 0, 0, None, None).to_bytes())


def test_time_zone_and_read_only_attributes():
    t = [T0]
    c = Clock("0.0.1.0.0.255", time_source=lambda: t[0])
    c.set(3, (LONG, -120), None)
    assert _time(c).hour == 14 and _time(c).deviation == -120
    assert _code(c.set, 3, (INTEGER, 1), None) == 12
    assert _code(c.set, 4, (UNSIGNED, 0), None) == 3
    assert _code(c.set, 9, (ENUM, 2), None) == 3


def test_daylight_saving_with_wildcard_dates():
    t = [days_from_civil(2026, 7, 1) * 86400]
    c = _cet(t)
    got = _time(c)
    assert got.deviation == -120 and got.status & 0x80 and got.hour == 2
    assert c.get(4, None, None) == (UNSIGNED, 0)   # the status attribute keeps bit 7 out
    t[0] = T0
    assert _time(c).deviation == -60 and not _time(c).status & 0x80
    # 2026-03-29 is the last Sunday of March: 01:00 UTC = 02:00 CET is the switch
    switch = days_from_civil(2026, 3, 29) * 86400 + 3600
    t[0] = switch - 1
    assert _time(c).deviation == -60 and _time(c).hour == 1
    t[0] = switch
    assert _time(c).deviation == -120 and _time(c).hour == 3
    # 2026-10-25: back at 01:00 UTC
    back = days_from_civil(2026, 10, 25) * 86400 + 3600
    t[0] = back - 1
    assert _time(c).deviation == -120
    t[0] = back
    assert _time(c).deviation == -60
    c.set(8, (BOOLEAN, False), None)
    t[0] = days_from_civil(2026, 7, 1) * 86400
    assert _time(c).deviation == -60


def test_adjust_to_quarter_minute_and_measuring_period():
    t = [T0]                                # 12:07:29
    c = Clock("0.0.1.0.0.255", time_source=lambda: t[0], measuring_period=600)
    assert c.action(1, (INTEGER, 0), None) is None
    assert (_time(c).hour, _time(c).minute, _time(c).second) == (12, 0, 0)
    c.action(6, (LONG, 7 * 60 + 30), None)  # 12:07:30 rounds up
    c.action(1, (INTEGER, 0), None)
    assert (_time(c).hour, _time(c).minute) == (12, 15)
    c.action(6, (LONG, 31), None)           # 12:15:31
    c.action(3, (INTEGER, 0), None)
    assert (_time(c).minute, _time(c).second) == (16, 0)
    c.action(2, (INTEGER, 0), None)         # nearest 10 minutes
    assert (_time(c).minute, _time(c).second) == (20, 0)
    assert t[0] == T0


def test_shift_time_bounds_and_types():
    t = [T0]
    c = Clock("0.0.1.0.0.255", time_source=lambda: t[0])
    c.action(6, (LONG, -900), None)
    assert int(c.seconds()) == T0 - 900
    assert _code(c.action, 6, (LONG, 901), None) == 250
    assert _code(c.action, 6, (INTEGER, 5), None) == 12
    assert _code(c.action, 1, (OCTET_STRING, b""), None) == 12
    assert _code(c.action, 7, None, None) == 4


def test_preset_adjusting_time_then_adjust_to_preset_time():
    t = [T0]
    c = Clock("0.0.1.0.0.255", time_source=lambda: t[0])

    def dt(s):
        return (OCTET_STRING, DateTime.from_timestamp(s, 0, 0).to_bytes())

    assert _code(c.action, 4, (INTEGER, 0), None) == 250          # nothing preset
    c.action(5, (STRUCTURE, [dt(T0 + 3600), dt(T0 + 100), dt(T0 + 200)]), None)
    assert _code(c.action, 4, (INTEGER, 0), None) == 250          # not yet valid
    t[0] += 150
    c.action(4, (INTEGER, 0), None)
    assert int(c.seconds()) == T0 + 3600
    assert _code(c.action, 5, (STRUCTURE, [dt(T0)]), None) == 12


def test_clock_short_names():
    c = Clock("0.0.1.0.0.255", time_source=lambda: 0, short_name=0x2000)
    assert sn_target(c, 0x2040) == ("a", 9)
    assert sn_target(c, 0x2060) == ("m", 1) and sn_target(c, 0x2088) == ("m", 6)
    assert sn_target(c, 0x2048) is None

# heapsize: 128k
# (code: axdr, cosemdate, the server model and the cosem base, register, clock, control
# and calendar modules take ~90k of the 64-bit unix heap)
"""COSEM Special days table (11) and Activity calendar (20): which day profile
and which script are in force, activation of the passive calendar."""

from checks import raises
from microcosem.axdr import ARRAY, ENUM, INTEGER, LONG_UNSIGNED, OCTET_STRING, STRUCTURE, UNSIGNED
from microcosem.cosem.base import sn_target
from microcosem.cosem.calendar import ActivityCalendar, SpecialDaysTable
from microcosem.cosem.clock import Clock
from microcosem.cosem.control import ScriptTable
from microcosem.cosem.register import Data
from microcosem.cosemdate import DateTime, days_from_civil
from microcosem.errors import AccessError
from microcosem.server.model import ObjectModel


def _code(fn, *args):
    return raises(AccessError, fn, *args).result


def _sd(idx, date, day_id):
    return (STRUCTURE, ((LONG_UNSIGNED, idx), (OCTET_STRING, date), (UNSIGNED, day_id)))


def test_special_days_insert_delete_and_wildcards():
    sd = SpecialDaysTable("0.0.11.0.0.255", short_name=0x600)
    sd.action(1, _sd(1, b"\xff\xff\x0c\x19\xff", 3), None)     # every 25 December
    sd.action(1, _sd(2, b"\x07\xea\x04\x06\xff", 4), None)     # 2026-04-06 only
    assert sd.day_id(DateTime(2030, 12, 25, 3)) == 3
    assert sd.day_id(DateTime(2026, 4, 6, 1)) == 4 and sd.day_id(DateTime(2027, 4, 6, 2)) is None
    sd.action(1, _sd(2, b"\x07\xea\x04\x07\xff", 5), None)     # same index: replaced
    assert len(sd.get(2, None, None)[1]) == 2 and sd.day_id(DateTime(2026, 4, 6, 1)) is None
    sd.action(2, (LONG_UNSIGNED, 1), None)
    assert sd.day_id(DateTime(2030, 12, 25, 3)) is None
    assert _code(sd.action, 2, (LONG_UNSIGNED, 1), None) == 250
    assert _code(sd.action, 1, _sd(3, b"\x07", 1), None) == 250
    assert _code(sd.set, 2, (ARRAY, ()), None) == 3
    assert sn_target(sd, 0x610) == ("m", 1) and sn_target(sd, 0x618) == ("m", 2)


def _ln(s):
    return bytes(int(x) for x in s.split("."))


def _calendar(t):
    tariff = Data("0.0.96.14.0.255", value=(UNSIGNED, 0))
    spec = lambda sid, v: (STRUCTURE, ((LONG_UNSIGNED, sid), (ARRAY, ((STRUCTURE, (
        (ENUM, 1), (LONG_UNSIGNED, 1), (OCTET_STRING, tariff.logical_name), (INTEGER, 2), (UNSIGNED, v))),))))
    scripts = ScriptTable("0.0.10.0.100.255", scripts=(ARRAY, (spec(1, 1), spec(2, 2), spec(3, 3))))
    sd = SpecialDaysTable("0.0.11.0.0.255")
    sd.action(1, _sd(1, b"\xff\xff\x0c\x19\xff", 2), None)
    clock = Clock("0.0.1.0.0.255", time_source=lambda: t[0])
    model = ObjectModel((tariff, scripts, sd, clock))
    scripts.model = model
    act = lambda hh, sel: (STRUCTURE, ((OCTET_STRING, bytes((hh, 0, 0, 0))),
                                       (OCTET_STRING, scripts.logical_name), (LONG_UNSIGNED, sel)))
    day = lambda did, acts: (STRUCTURE, ((UNSIGNED, did), (ARRAY, acts)))
    week = (STRUCTURE, ((OCTET_STRING, b"W"),) + tuple((UNSIGNED, 1) for _ in range(5)) + ((UNSIGNED, 2), (UNSIGNED, 2)))
    season = (STRUCTURE, ((OCTET_STRING, b"ALL"), (OCTET_STRING, DateTime(None, 1, 1, None, 0, 0, 0, 0).to_bytes()),
                          (OCTET_STRING, b"W")))
    cal = ActivityCalendar("0.0.13.0.0.255", special_days=sd, model=model,
                           calendar_name_passive=(OCTET_STRING, b"TOU1"),
                           season_profile_passive=(ARRAY, (season,)),
                           week_profile_table_passive=(ARRAY, (week,)),
                           day_profile_table_passive=(ARRAY, (day(1, (act(7, 1), act(22, 2))),   # weekdays
                                                              day(2, (act(0, 3),)))))           # weekend
    return cal, clock, tariff


def _at(y, m, d, hh, mm=0):
    return days_from_civil(y, m, d) * 86400 + hh * 3600 + mm * 60


def test_calendar_runs_the_script_in_force():
    t = [_at(2026, 3, 4, 6)]          # a Wednesday, 06:00
    cal, clock, tariff = _calendar(t)
    assert not cal.tick(clock)        # nothing active yet
    cal.action(1, (INTEGER, 0), None)
    assert cal.get(2, None, None) == (OCTET_STRING, b"TOU1")
    assert cal.tick(clock) and tariff.get(2, None, None) == (UNSIGNED, 2)   # the 22:00 entry holds till 07:00
    t[0] = _at(2026, 3, 4, 7, 30)
    assert cal.tick(clock) and tariff.get(2, None, None) == (UNSIGNED, 1)
    assert not cal.tick(clock)
    t[0] = _at(2026, 3, 4, 22, 1)
    assert cal.tick(clock) and tariff.get(2, None, None) == (UNSIGNED, 2)
    t[0] = _at(2026, 3, 7, 12)        # Saturday
    assert cal.tick(clock) and tariff.get(2, None, None) == (UNSIGNED, 3)
    t[0] = _at(2026, 12, 25, 12)      # a Friday, but a special day of day_id 2
    cal.tick(clock)
    assert cal.action_in_force(clock.now())[0] == 2
    assert _code(cal.set, 2, (OCTET_STRING, b"X"), None) == 3


def test_passive_calendar_activates_at_its_time():
    t = [_at(2026, 3, 4, 12)]
    cal, clock, tariff = _calendar(t)
    cal.set(10, (OCTET_STRING, DateTime.from_timestamp(_at(2026, 3, 5, 0), 0, 0).to_bytes()), None)
    assert not cal.tick(clock) and cal.get(2, None, None) == (OCTET_STRING, b"")
    t[0] = _at(2026, 3, 5, 0, 1)
    assert cal.tick(clock) and cal.get(2, None, None) == (OCTET_STRING, b"TOU1")
    assert sn_target(ActivityCalendar("0.0.13.0.0.255", short_name=0x700), 0x750) == ("m", 1)

# heapsize: 64k
"""COSEM date, time and date-time: every field, wildcards, deviation and status."""

from checks import raises, unhex
from microcosem.cosemdate import (DST_BEGIN, DST_END, LAST_DAY, SECOND_LAST_DAY, STATUS_DST_ACTIVE,
                                  Date, DateTime, Time, civil_from_days, days_from_civil)
from microcosem.errors import EncodeError, IncompleteData


def test_date_time_fields():
    # 2026-11-25 Wednesday 14:30:15.50, 60 minutes behind UTC's sign, DST active
    b = unhex("07EA 0B 19 03 0E 1E 0F 32 FFC4 80")
    dt = DateTime.from_bytes(b)
    assert (dt.year, dt.month, dt.day, dt.weekday) == (2026, 11, 25, 3)
    assert (dt.hour, dt.minute, dt.second, dt.hundredths) == (14, 30, 15, 50)
    assert dt.deviation == -60 and dt.status == STATUS_DST_ACTIVE
    assert dt.to_bytes() == b
    assert str(dt) == "2026-11-25 14:30:15.50 dev=-60 status=0x80"
    assert dt.date == Date(2026, 11, 25, 3) and dt.time == Time(14, 30, 15, 50)


def test_not_specified_fields_are_none():
    b = unhex("FFFF FF FF FF FF FF FF FF 8000 FF")
    dt = DateTime.from_bytes(b)
    assert dt == DateTime()
    assert dt.to_bytes() == b
    assert str(dt) == "****-**-** **:**:**"


def test_wildcards_survive_the_round_trip():
    # last Sunday of March, 02:00: the usual DST switch description
    d = Date(None, DST_BEGIN, LAST_DAY, 7)
    assert d.to_bytes() == unhex("FFFF FE FE 07")
    assert Date.from_bytes(d.to_bytes()) == d
    d = Date(2026, DST_END, SECOND_LAST_DAY, None)
    assert Date.from_bytes(d.to_bytes()) == d
    t = Time(2, 0, None, None)
    assert t.to_bytes() == unhex("02 00 FF FF")
    assert str(t) == "02:00:**"


def test_every_twelve_bytes_round_trip():
    # values outside the calendar still come back as they went (lossless)
    for b in (unhex("0000 00 00 00 00 00 00 00 0000 00"), unhex("1234 0D 20 08 18 3C 3C 64 7FFF 7F"),
              unhex("FFFE FC E0 FE FE FE FE FE 8001 FE")):
        assert DateTime.from_bytes(b).to_bytes() == b


def test_from_offset_and_truncation():
    buf = unhex("AA 07EA0B1903")
    assert Date.from_bytes(buf, 1) == Date(2026, 11, 25, 3)
    raises(IncompleteData, Date.from_bytes, buf, 2)
    raises(IncompleteData, DateTime.from_bytes, bytes(11))
    raises(IncompleteData, Time.from_bytes, bytes(3))


def test_encode_refuses_out_of_range_fields():
    raises(EncodeError, DateTime(year=70000).to_bytes)
    raises(EncodeError, DateTime(month=256).to_bytes)
    raises(EncodeError, DateTime(deviation=-32768).to_bytes)
    raises(EncodeError, Time(hour=-1).to_bytes)


def test_timestamps():
    # 2026-11-25 14:30:15 UTC = 1795617015
    dt = DateTime.from_timestamp(1795617015, 0, 0)
    assert (dt.year, dt.month, dt.day, dt.weekday, dt.hour, dt.minute, dt.second) == (2026, 11, 25, 3, 14, 30, 15)
    assert dt.to_timestamp() == 1795617015
    # local time one hour ahead of UTC: deviation -60 (UTC = local + deviation)
    cet = DateTime.from_timestamp(1795617015, -60, 0)
    assert (cet.hour, cet.deviation) == (15, -60)
    assert cet.to_timestamp() == 1795617015
    raises(ValueError, DateTime(2026, 11, None, None, 1, 2, 3).to_timestamp)


def test_civil_days():
    assert days_from_civil(1970, 1, 1) == 0
    assert days_from_civil(2000, 3, 1) == 11017
    assert civil_from_days(11017) == (2000, 3, 1)
    for z in (-1, 0, 59, 365 * 30 + 7, 20000, 2932896):
        assert days_from_civil(*civil_from_days(z)) == z

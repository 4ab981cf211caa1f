"""Clock, class 8 version 0 (IEC 62056-6-2, 4.5.1).

The clock never reads a clock itself: it is given a time source, a callable
that returns the UTC seconds of the meter's time base (an RTC, `time.time`,
a test's counter), and keeps the difference a client's settings make to it
(`time` set, shift_time, the adjust_to_* methods) as an offset.  So the same
object runs on a board, on a host and in a test that moves time by hand.

    clock = Clock("0.0.1.0.0.255", time_source=rtc_seconds, time_zone=(LONG, -60),
                  dst_begin=(OCTET_STRING, begin), dst_end=(OCTET_STRING, end),
                  dst_enabled=(BOOLEAN, True))   # begin, end: 12-byte date-times
    clock.seconds()       # UTC seconds, as the meter keeps time
    clock.now_data()      # (OCTET_STRING, 12 bytes): what a profile captures

Sign of time_zone and of the date-time deviation, as in the Blue Book: minutes
such that UTC = local time + deviation (central European time is -60, and
-120 while daylight saving is active).
"""

from ..axdr import BOOLEAN, ENUM, INTEGER, LONG, OCTET_STRING, STRUCTURE, UNSIGNED
from ..compat import const
from ..cosemdate import STATUS_DOUBTFUL, STATUS_DST_ACTIVE, STATUS_INVALID, DateTime, civil_from_days, days_from_civil
from ..errors import AccessError
from .base import (DT, NO_DATE_TIME, OTHER_REASON, TYPE_UNMATCHED, CosemObject, conforms,
                   date_time_bytes, param_int)

_LAST_DAY = const(0xFE)
_SECOND_LAST_DAY = const(0xFD)
_CLOCK_STATUS_MASK = const(0x7F)  # bit 7 (daylight saving active) is computed

_PRESET_TD = (STRUCTURE, (DT, DT, DT))


class Clock(CosemObject):
    class_id = 8
    version = 0
    ATTRIBUTE_COUNT = 9
    METHOD_COUNT = 6
    SN_METHOD_OFFSET = 0x60
    ATTRS = ("time", "time_zone", "status", "dst_begin", "dst_end", "dst_deviation",
             "dst_enabled", "clock_base")
    TYPES = (DT, LONG, UNSIGNED, DT, DT, INTEGER, BOOLEAN, ENUM)
    READ_ONLY = 1 << 4 | 1 << 9  # status and clock_base describe the meter

    # shared defaults: a clock that sets none of these costs nothing for them
    time_zone = (LONG, 0)
    status = (UNSIGNED, 0)
    dst_begin = (OCTET_STRING, NO_DATE_TIME)
    dst_end = (OCTET_STRING, NO_DATE_TIME)
    dst_deviation = (INTEGER, 60)
    dst_enabled = (BOOLEAN, False)
    clock_base = (ENUM, 1)  # internal crystal
    measuring_period = 900  # seconds, for adjust_to_measuring_period
    _offset = 0
    _preset = None

    def __init__(self, logical_name, time_source, short_name=None, measuring_period=None, **values):
        CosemObject.__init__(self, logical_name, short_name, **values)
        self.time_source = time_source
        if measuring_period is not None:
            self.measuring_period = measuring_period

    # ---------------------------------------------------------- time

    def seconds(self):
        """The meter's time, UTC seconds (a float when the source has fractions)."""
        return self.time_source() + self._offset

    def deviation(self, utc=None):
        """Minutes, UTC = local + deviation, daylight saving applied."""
        if utc is None:
            utc = self.seconds()
        dev = self.time_zone[1]
        if self.dst_active(utc):
            dev -= self.dst_deviation[1]
        return dev

    def dst_active(self, utc=None):
        if not self.dst_enabled[1]:
            return False
        if utc is None:
            utc = self.seconds()
        # the begin and end are written in local standard time
        local = int(utc) - self.time_zone[1] * 60
        year = civil_from_days(local // 86400)[0]
        begin = _occurrence(date_time_bytes(self.dst_begin), year)
        end = _occurrence(date_time_bytes(self.dst_end), year)
        if begin is None or end is None:
            return False
        if begin <= end:
            return begin <= local < end
        return local >= begin or local < end  # southern hemisphere: across new year

    def now(self):
        """The local date-time, with deviation and status, as the clock answers."""
        t = self.seconds()
        dev = self.time_zone[1]
        status = self.status[1] & _CLOCK_STATUS_MASK
        if self.dst_active(t):
            dev -= self.dst_deviation[1]
            status |= STATUS_DST_ACTIVE
        sec = int(t)
        return DateTime.from_timestamp(sec, dev, status, int((t - sec) * 100))

    def now_data(self):
        return (OCTET_STRING, self.now().to_bytes())

    def set_seconds(self, utc):
        """Set the clock; a clock that is set is no longer invalid or doubtful."""
        self._offset = utc - self.time_source()
        st = self.status[1]
        if st & (STATUS_INVALID | STATUS_DOUBTFUL):
            self.status = (UNSIGNED, st & ~(STATUS_INVALID | STATUS_DOUBTFUL) & 0xFF)

    # ---------------------------------------------------------- handlers

    def _get(self, i, selection, ctx):
        if i == 2:
            return self.now_data()
        return CosemObject._get(self, i, selection, ctx)

    def _set(self, i, value, ctx):
        if i == 2:
            if not conforms(value, DT):
                raise AccessError("time takes a date-time", TYPE_UNMATCHED)
            self.set_seconds(_timestamp(value, self.deviation()))
            return
        CosemObject._set(self, i, value, ctx)

    def _action(self, m, parameters, ctx):
        t = self.seconds()
        if m == 1:      # adjust_to_quarter
            param_int(parameters)
            self.set_seconds(_nearest(t, 900))
        elif m == 2:    # adjust_to_measuring_period
            param_int(parameters)
            self.set_seconds(_nearest(t, self.measuring_period))
        elif m == 3:    # adjust_to_minute
            param_int(parameters)
            self.set_seconds(_nearest(t, 60))
        elif m == 4:    # adjust_to_preset_time
            param_int(parameters)
            p = self._preset
            if p is None:
                raise AccessError("no preset time", OTHER_REASON)
            preset, start, end = p
            if not start <= t <= end:
                raise AccessError("outside the validity interval", OTHER_REASON)
            self.set_seconds(preset)
            self._preset = None
        elif m == 5:    # preset_adjusting_time {preset_time, validity_start, validity_end}
            if not conforms(parameters, _PRESET_TD):
                raise AccessError("preset_adjusting_time takes 3 date-times", TYPE_UNMATCHED)
            dev = self.deviation(t)
            f = parameters[1]
            self._preset = (_timestamp(f[0], dev), _timestamp(f[1], dev), _timestamp(f[2], dev))
        elif m == 6:    # shift_time: long, seconds -900..900
            if parameters is None or parameters[0] != LONG:
                raise AccessError("shift_time takes a long", TYPE_UNMATCHED)
            n = parameters[1]
            if not -900 <= n <= 900:
                raise AccessError("shift_time is -900..900 s", OTHER_REASON)
            self._offset += n
        return None


def _nearest(t, step):
    # the nearest (+/-) multiple of step: 12:07:30 goes to 12:15 with quarters
    return (int(t) + step // 2) // step * step


def _timestamp(value, default_deviation):
    dt = DateTime.from_bytes(date_time_bytes(value))
    if dt.deviation is None:
        dt.deviation = default_deviation
    try:
        return dt.to_timestamp()
    except ValueError:
        raise AccessError("date-time not fully specified", OTHER_REASON)


def _occurrence(raw, year):
    """Local-standard seconds of a daylight-saving begin/end in `year`.

    The Blue Book allows wildcards: year not specified (every year), day 0xFE
    (last day of the month) or 0xFD (second last), and a weekday, which then
    means the first such weekday on or after the day given, or with 0xFE/0xFD
    the last such weekday on or before it (last Sunday of March).
    """
    dt = DateTime.from_bytes(raw)
    y = year if dt.year is None else dt.year
    m = dt.month
    if m is None or not 1 <= m <= 12:
        return None
    last = _days_in_month(y, m)
    day = dt.day
    backwards = False
    if day == _LAST_DAY:
        day, backwards = last, True
    elif day == _SECOND_LAST_DAY:
        day, backwards = last - 1, True
    elif day is None:
        day = 1
    if not 1 <= day <= last:
        return None
    days = days_from_civil(y, m, day)
    wd = dt.weekday
    if wd is not None and 1 <= wd <= 7:
        cur = (days + 3) % 7 + 1  # 1 = Monday; 1970-01-01 was a Thursday
        if backwards:
            days -= (cur - wd) % 7
        else:
            days += (wd - cur) % 7
    return days * 86400 + (dt.hour or 0) * 3600 + (dt.minute or 0) * 60 + (dt.second or 0)


def _days_in_month(y, m):
    if m == 12:
        return 31
    return days_from_civil(y, m + 1, 1) - days_from_civil(y, m, 1)

"""COSEM date, time and date-time (IEC 62056-6-2, 4.1.6.1).

    date-time = year(2) month day weekday hour minute second hundredths
                deviation(2, signed) clock-status          12 bytes
    date      = year(2) month day weekday                   5 bytes
    time      = hour minute second hundredths               4 bytes

A field the sender leaves "not specified" (0xFFFF for year, 0x8000 for
deviation, 0xFF otherwise) is `None` here.  Every other value is kept as it
came, including the wildcards that are not plain numbers:

    month 0xFD / 0xFE   daylight-savings end / begin      (DST_END, DST_BEGIN)
    day   0xFD / 0xFE   second-last / last day of month   (SECOND_LAST_DAY, LAST_DAY)

so `from_bytes(b).to_bytes() == b` for every 12 (5, 4) bytes.

deviation is minutes, with the Blue Book's sign: UTC = local time + deviation
(central European winter time is -60).
"""

from .errors import IncompleteData, EncodeError

DST_END = 0xFD
DST_BEGIN = 0xFE
SECOND_LAST_DAY = 0xFD
LAST_DAY = 0xFE

# clock status bits (IEC 62056-6-2, 4.1.6.1)
STATUS_INVALID = 0x01
STATUS_DOUBTFUL = 0x02
STATUS_DIFFERENT_BASE = 0x04
STATUS_INVALID_STATUS = 0x08
STATUS_DST_ACTIVE = 0x80

_NS16 = 0xFFFF
_DEV_NS = 0x8000


def _byte(v):
    return 0xFF if v is None else v


def _check(buf, pos, size, what):
    if len(buf) - pos < size:
        raise IncompleteData("%s needs %d bytes" % (what, size), pos)


class Date:
    """COSEM date: year, month, day, weekday (1 = Monday)."""

    SIZE = 5

    def __init__(self, year=None, month=None, day=None, weekday=None):
        self.year = year
        self.month = month
        self.day = day
        self.weekday = weekday

    @classmethod
    def from_bytes(cls, buf, pos=0):
        _check(buf, pos, 5, "date")
        d = cls()
        d._load_date(buf, pos)
        return d

    def _load_date(self, buf, pos):
        y = (buf[pos] << 8) | buf[pos + 1]
        self.year = None if y == _NS16 else y
        v = buf[pos + 2]
        self.month = None if v == 0xFF else v
        v = buf[pos + 3]
        self.day = None if v == 0xFF else v
        v = buf[pos + 4]
        self.weekday = None if v == 0xFF else v

    def _dump_date(self, out):
        y = _NS16 if self.year is None else self.year
        if not 0 <= y <= 0xFFFF:
            raise EncodeError("year out of range: %r" % (self.year,))
        out.append(y >> 8)
        out.append(y & 0xFF)
        for v in (self.month, self.day, self.weekday):
            v = _byte(v)
            if not 0 <= v <= 0xFF:
                raise EncodeError("date field out of range: %r" % (v,))
            out.append(v)

    def encode_into(self, out):
        self._dump_date(out)

    def to_bytes(self):
        out = bytearray()
        self.encode_into(out)
        return bytes(out)

    def _fields(self):
        return (self.year, self.month, self.day, self.weekday)

    def __eq__(self, other):
        return type(other) is type(self) and other._fields() == self._fields()

    def __ne__(self, other):
        return not self.__eq__(other)

    def __repr__(self):
        return "%s(%s)" % (type(self).__name__, ", ".join(_fmt(v) for v in self._fields()))

    def _date_text(self):
        return "%s-%s-%s" % (_num(self.year, 4), _num(self.month, 2), _num(self.day, 2))

    def __str__(self):
        return self._date_text()

    def to_dict(self):
        return {"year": self.year, "month": self.month, "day": self.day, "weekday": self.weekday}


class Time:
    """COSEM time: hour, minute, second, hundredths."""

    SIZE = 4

    def __init__(self, hour=None, minute=None, second=None, hundredths=None):
        self.hour = hour
        self.minute = minute
        self.second = second
        self.hundredths = hundredths

    @classmethod
    def from_bytes(cls, buf, pos=0):
        _check(buf, pos, 4, "time")
        t = cls()
        t._load_time(buf, pos)
        return t

    def _load_time(self, buf, pos):
        v = buf[pos]
        self.hour = None if v == 0xFF else v
        v = buf[pos + 1]
        self.minute = None if v == 0xFF else v
        v = buf[pos + 2]
        self.second = None if v == 0xFF else v
        v = buf[pos + 3]
        self.hundredths = None if v == 0xFF else v

    def _dump_time(self, out):
        for v in (self.hour, self.minute, self.second, self.hundredths):
            v = _byte(v)
            if not 0 <= v <= 0xFF:
                raise EncodeError("time field out of range: %r" % (v,))
            out.append(v)

    def encode_into(self, out):
        self._dump_time(out)

    to_bytes = Date.to_bytes
    __eq__ = Date.__eq__
    __ne__ = Date.__ne__
    __repr__ = Date.__repr__

    def _fields(self):
        return (self.hour, self.minute, self.second, self.hundredths)

    def _time_text(self):
        s = "%s:%s:%s" % (_num(self.hour, 2), _num(self.minute, 2), _num(self.second, 2))
        if self.hundredths is not None:
            s += ".%02d" % self.hundredths
        return s

    def __str__(self):
        return self._time_text()

    def to_dict(self):
        return {"hour": self.hour, "minute": self.minute, "second": self.second, "hundredths": self.hundredths}


class DateTime(Date, Time):
    """COSEM date-time: a date, a time, the deviation from UTC and the clock status."""

    SIZE = 12

    def __init__(self, year=None, month=None, day=None, weekday=None, hour=None, minute=None,
                 second=None, hundredths=None, deviation=None, status=None):
        Date.__init__(self, year, month, day, weekday)
        Time.__init__(self, hour, minute, second, hundredths)
        self.deviation = deviation
        self.status = status

    @classmethod
    def from_bytes(cls, buf, pos=0):
        _check(buf, pos, 12, "date-time")
        dt = cls()
        dt._load_date(buf, pos)
        dt._load_time(buf, pos + 5)
        dev = (buf[pos + 9] << 8) | buf[pos + 10]
        dt.deviation = None if dev == _DEV_NS else (dev - 0x10000 if dev & 0x8000 else dev)
        v = buf[pos + 11]
        dt.status = None if v == 0xFF else v
        return dt

    def encode_into(self, out):
        self._dump_date(out)
        self._dump_time(out)
        dev = _DEV_NS if self.deviation is None else self.deviation
        if self.deviation is not None and not -0x7FFF <= dev <= 0x7FFF:
            raise EncodeError("deviation out of range: %r" % (dev,))
        dev &= 0xFFFF
        out.append(dev >> 8)
        out.append(dev & 0xFF)
        v = _byte(self.status)
        if not 0 <= v <= 0xFF:
            raise EncodeError("clock status out of range: %r" % (v,))
        out.append(v)

    def _fields(self):
        return Date._fields(self) + Time._fields(self) + (self.deviation, self.status)

    @property
    def date(self):
        return Date(self.year, self.month, self.day, self.weekday)

    @property
    def time(self):
        return Time(self.hour, self.minute, self.second, self.hundredths)

    def __str__(self):
        s = self._date_text() + " " + self._time_text()
        if self.deviation is not None:
            s += " dev=%d" % self.deviation
        if self.status is not None:
            s += " status=0x%02X" % self.status
        return s

    def to_dict(self):
        d = Date.to_dict(self)
        d.update(Time.to_dict(self))
        d["deviation"] = self.deviation
        d["status"] = self.status
        return d

    # -- seconds since 1970-01-01 UTC, portable (no `time`/`datetime` epoch quirks) --

    @classmethod
    def from_timestamp(cls, seconds, deviation=0, status=0, hundredths=0):
        """The local date-time of a UTC timestamp, for a clock `deviation` minutes off UTC."""
        local = int(seconds) - (0 if deviation is None else deviation) * 60
        days, rem = divmod(local, 86400)
        y, m, d = civil_from_days(days)
        return cls(y, m, d, (days + 3) % 7 + 1, rem // 3600, rem // 60 % 60, rem % 60,
                   hundredths, deviation, status)

    def to_timestamp(self):
        """Seconds since 1970-01-01 UTC; needs every field from year to second specified."""
        f = (self.year, self.month, self.day, self.hour, self.minute, self.second)
        if None in f or not 1 <= self.month <= 12 or not 1 <= self.day <= 31:
            raise ValueError("date-time not fully specified: %s" % self)
        days = days_from_civil(self.year, self.month, self.day)
        s = days * 86400 + self.hour * 3600 + self.minute * 60 + self.second
        return s + (self.deviation or 0) * 60


def _num(v, width):
    if v is None:
        return "*" * width
    if width == 4:
        return "%04d" % v
    return "%02d" % v


def _fmt(v):
    return "None" if v is None else str(v)


def days_from_civil(y, m, d):
    """Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm)."""
    y -= m <= 2
    era = (y if y >= 0 else y - 399) // 400
    yoe = y - era * 400
    doy = (153 * (m + (-3 if m > 2 else 9)) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def civil_from_days(z):
    """(year, month, day) of a day count since 1970-01-01."""
    z += 719468
    era = (z if z >= 0 else z - 146096) // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    y = yoe + era * 400
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + (3 if mp < 10 else -9)
    return y + (m <= 2), m, d

"""Data (1), Register (3), Extended register (4), Demand register (5).

IEC 62056-6-2 4.3.1-4.3.4.  A value is a Data tuple, or a callable that
returns one (a live measurement):

    Register("1.0.1.8.0.255", value=lambda: (DOUBLE_LONG_UNSIGNED, meter.wh),
             scaler_unit=scaler_unit(0, UNIT_WH), reset=meter.clear_energy)

`reset` (Register and Extended register) is the firmware's hook for a live
value: a constant value is reset to 0 of its own type by the object itself.
"""

from ..axdr import (DOUBLE_LONG_UNSIGNED, ENUM, FLOAT32, FLOAT64, INTEGER, LONG_UNSIGNED,
                    NULL_DATA, OCTET_STRING, STRUCTURE, UNSIGNED)
from ..cosemdate import DateTime
from ..errors import AccessError
from .base import (ANY, DT, NO_DATE_TIME, NULL, OTHER_REASON, READ_WRITE_DENIED, SAME, SIMPLE,
                   CosemObject, param_int)

_SCALER_UNIT_TD = (STRUCTURE, (INTEGER, ENUM))
UNITLESS = (STRUCTURE, ((INTEGER, 0), (ENUM, 255)))
# units (IEC 62056-6-2, table 4: enumeration of unit) a meter uses most
UNIT_W = 27
UNIT_VA = 28
UNIT_VAR = 29
UNIT_WH = 30
UNIT_VAH = 31
UNIT_VARH = 32
UNIT_A = 33
UNIT_V = 35
UNIT_HZ = 44
UNIT_NONE = 255


def zero_of(v):
    """The reset value of a simple Data value: 0 of its own type."""
    tag = v[0]
    if tag == FLOAT32 or tag == FLOAT64:
        return (tag, 0.0)
    if type(v[1]) is int:
        return (tag, 0)
    raise AccessError("value of this type has no reset value", OTHER_REASON)


class Data(CosemObject):
    """A value and its logical name; the value keeps the type it was given."""

    class_id = 1
    version = 0
    ATTRIBUTE_COUNT = 2
    ATTRS = ("value",)
    TYPES = (SAME,)
    value = NULL


class Register(CosemObject):
    class_id = 3
    version = 0
    ATTRIBUTE_COUNT = 3
    METHOD_COUNT = 1
    SN_METHOD_OFFSET = 0x28
    ATTRS = ("value", "scaler_unit")
    TYPES = (SIMPLE, _SCALER_UNIT_TD)
    value = (DOUBLE_LONG_UNSIGNED, 0)
    scaler_unit = UNITLESS
    on_reset = None

    def __init__(self, logical_name, short_name=None, reset=None, **values):
        CosemObject.__init__(self, logical_name, short_name, **values)
        if reset is not None:
            self.on_reset = reset

    def _reset(self):
        if self.on_reset is not None:
            self.on_reset()
        elif callable(self.value):
            raise AccessError("a live value without a reset hook", READ_WRITE_DENIED)
        else:
            self.value = zero_of(self.value)

    def _action(self, m, parameters, ctx):
        param_int(parameters)  # reset (data) with data ::= integer(0)
        self._reset()
        return None


class ExtendedRegister(Register):
    """A register with a status and the time its value was captured.

    The firmware calls `capture(value, status)` when it takes a new value;
    `clock` (a Clock) stamps it.  Without a clock the stamp is "not specified".
    """

    class_id = 4
    version = 0
    ATTRIBUTE_COUNT = 5
    SN_METHOD_OFFSET = 0x38
    ATTRS = ("value", "scaler_unit", "status", "capture_time")
    TYPES = (SIMPLE, _SCALER_UNIT_TD, ANY, DT)
    status = (UNSIGNED, 0)
    capture_time = (OCTET_STRING, NO_DATE_TIME)
    clock = None

    def __init__(self, logical_name, short_name=None, reset=None, clock=None, **values):
        Register.__init__(self, logical_name, short_name, reset, **values)
        if clock is not None:
            self.clock = clock

    def stamp(self):
        c = self.clock
        return (OCTET_STRING, NO_DATE_TIME) if c is None else c.now_data()

    def capture(self, value=None, status=None):
        if value is not None:
            self.value = value
        if status is not None:
            self.status = status
        self.capture_time = self.stamp()

    def _action(self, m, parameters, ctx):
        param_int(parameters)
        self._reset()
        if not callable(self.status):
            self.status = zero_of(self.status) if self.status[0] != NULL_DATA else self.status
        self.capture_time = self.stamp()
        return None


class DemandRegister(CosemObject):
    """Average of a quantity over a sliding window of `number_of_periods` periods.

    `source` returns the cumulative quantity (an energy counter, an int);
    the average is its growth over the window, times `factor`, per window
    second: with the default factor 3600 a Wh counter gives W.  The window
    moves when the firmware calls `tick()` (or a client reads or calls
    next_period): periods start on multiples of `period` seconds of the
    clock's UTC time.  Without a source the firmware sets
    current_average_value itself, and the object keeps the period bookkeeping.
    """

    class_id = 5
    version = 0
    ATTRIBUTE_COUNT = 9
    METHOD_COUNT = 2
    SN_METHOD_OFFSET = 0x48
    ATTRS = ("current_average_value", "last_average_value", "scaler_unit", "status",
             "capture_time", "start_time_current", "period", "number_of_periods")
    TYPES = (SIMPLE, SIMPLE, _SCALER_UNIT_TD, ANY, DT, DT, DOUBLE_LONG_UNSIGNED, LONG_UNSIGNED)
    READ_ONLY = 1 << 2 | 1 << 3 | 1 << 6 | 1 << 7
    value_type = DOUBLE_LONG_UNSIGNED
    factor = 3600
    scaler_unit = UNITLESS
    status = (UNSIGNED, 0)
    period = (DOUBLE_LONG_UNSIGNED, 900)
    number_of_periods = (LONG_UNSIGNED, 1)
    last_average_value = (DOUBLE_LONG_UNSIGNED, 0)
    capture_time = (OCTET_STRING, NO_DATE_TIME)
    start_time_current = (OCTET_STRING, NO_DATE_TIME)
    source = None
    clock = None

    def __init__(self, logical_name, short_name=None, source=None, clock=None, value_type=None,
                 factor=None, **values):
        CosemObject.__init__(self, logical_name, short_name, **values)
        if source is not None:
            self.source = source
        if clock is not None:
            self.clock = clock
        if value_type is not None:
            self.value_type = value_type
            self.last_average_value = (value_type, 0)
        if factor is not None:
            self.factor = factor
        self._window = None  # growth of the closed periods still in the window, oldest first
        self.current_average_value = (self.value_type, 0)
        self._start = None
        self._e0 = 0
        self._restart(self._now())

    def _now(self):
        c = self.clock
        return None if c is None else int(c.seconds())

    def _counter(self):
        v = self.source()
        return v[1] if type(v) is tuple else v

    def _restart(self, now):
        """Begin a new window at the start of the period that holds `now`."""
        self._window = []
        self.current_average_value = (self.value_type, 0)
        p = self.period[1]
        self._start = None if now is None else now // p * p
        self._e0 = 0 if self.source is None else self._counter()
        self.start_time_current = self._stamp(self._start)

    def _stamp(self, t):
        c = self.clock
        if c is None or t is None:
            return (OCTET_STRING, NO_DATE_TIME)
        dev = c.deviation(t)
        return (OCTET_STRING, DateTime.from_timestamp(t, dev, c.status[1] & 0x7F).to_bytes())

    def _average(self, growth_now):
        p = self.period[1]
        n = self.number_of_periods[1]
        total = growth_now
        for g in self._window:
            total += g
        return (self.value_type, total * self.factor // (n * p))

    def tick(self):
        """Close every period that has ended by the clock's time."""
        now = self._now()
        if now is None or self._start is None:
            return
        p = self.period[1]
        while now >= self._start + p:
            self._close(self._start + p)

    def _close(self, end):
        """The current period ends at `end` (UTC s, or None without a clock)."""
        if self.source is not None:
            e = self._counter()
            growth = e - self._e0
            last = self._average(growth)
            self._e0 = e
            w = self._window
            w.append(growth)
            n = self.number_of_periods[1]
            while len(w) >= n:
                w.pop(0)
        else:
            last = self.current_average_value
            self.current_average_value = (self.value_type, 0)
        self.last_average_value = last
        self.capture_time = self._stamp(end)
        self._start = end
        self.start_time_current = self._stamp(end)

    def _get(self, i, selection, ctx):
        self.tick()
        if i == 2 and self.source is not None:
            return self._average(self._counter() - self._e0)
        return CosemObject._get(self, i, selection, ctx)

    def _set(self, i, value, ctx):
        if (i == 8 or i == 9) and type(value) is tuple and value[1] == 0:
            raise AccessError("period and number_of_periods must be > 0", OTHER_REASON)
        CosemObject._set(self, i, value, ctx)
        if i == 8 or i == 9:
            self._restart(self._now())

    def _action(self, m, parameters, ctx):
        param_int(parameters)
        if m == 1:  # reset: the averages to 0, a new window from now
            self.last_average_value = (self.value_type, 0)
            if not callable(self.status) and self.status[0] != NULL_DATA:
                self.status = (self.status[0], 0)
            self.capture_time = self._stamp(self._now())
            self._restart(self._now())
        else:       # next_period: close the current period now
            self.tick()
            self._close(self._now())
        return None


"""Objects that act: Script table (9), Disconnect control (70), Register monitor
(21), Single action schedule (22), Limiter (71), Register activation (6).

IEC 62056-6-2 4.4.1-4.4.8, 4.5.8.  Those that watch a value or the time
(monitor, schedule, limiter) are driven by the firmware calling `tick()`;
none reads a clock or a sensor by itself.  Those that name other objects
(a script's actions, a monitored value, an action_item's script) find them
in `model` (the ObjectModel), set by `table.bind` or by hand, or in the
`ctx.model` of the association that asks.
"""

from ..axdr import (ARRAY, BOOLEAN, DOUBLE_LONG_UNSIGNED, ENUM, INTEGER, LONG_UNSIGNED, OCTET_STRING,
                    STRUCTURE, UNSIGNED)
from ..cosemdate import DateTime
from ..errors import AccessError
from .base import (ANY, DT, NO_DATE_TIME, OBJECT_UNAVAILABLE, OTHER_REASON, SIMPLE, TYPE_UNMATCHED,
                   CosemObject, check, date_time_bytes, grow, param_int)

ACTION_ITEM_TD = (STRUCTURE, (OCTET_STRING, LONG_UNSIGNED))  # {script_logical_name, script_selector}
VALUE_DEFINITION_TD = (STRUCTURE, (LONG_UNSIGNED, OCTET_STRING, INTEGER))
NO_ACTION = (STRUCTURE, ((OCTET_STRING, b"\x00" * 6), (LONG_UNSIGNED, 0)))
NO_VALUE = (STRUCTURE, ((LONG_UNSIGNED, 0), (OCTET_STRING, b"\x00" * 6), (INTEGER, 0)))

# action_specification {service_id enum (1 write attribute, 2 execute method), class_id,
# logical_name, index, parameter}
_ACTION_SPEC_TD = (STRUCTURE, (ENUM, LONG_UNSIGNED, OCTET_STRING, INTEGER, ANY))
_SCRIPT_TD = (STRUCTURE, (LONG_UNSIGNED, (ARRAY, _ACTION_SPEC_TD)))


def _model(obj, ctx):
    m = obj.model
    if m is None and ctx is not None:
        m = ctx.model
    if m is None:
        raise AccessError("object not bound to a model", OBJECT_UNAVAILABLE)
    return m


def run_action_item(obj, item, ctx=None):
    """Execute an action_item {script_logical_name, script_selector}: the named
    Script table runs that script.  The all-zero name means no action."""
    ln = bytes(item[1][0][1])
    if ln == b"\x00" * 6:
        return False
    table = _model(obj, ctx).find(9, ln)
    if table is None:
        raise AccessError("no script table %s" % ln.hex(), OBJECT_UNAVAILABLE)
    table.execute(item[1][1][1], ctx)
    return True


def read_value_definition(obj, vd, ctx=None):
    """The Data value a value_definition {class_id, logical_name, attribute_index} names."""
    f = vd[1]
    target = _model(obj, ctx).find(f[0][1], bytes(f[1][1]))
    if target is None:
        raise AccessError("monitored object not in the model", OBJECT_UNAVAILABLE)
    return target.get(f[2][1], None, ctx)


class ScriptTable(CosemObject):
    """Scripts of write-attribute / execute-method actions; execute(script_id) runs one."""

    class_id = 9
    version = 0
    ATTRIBUTE_COUNT = 2
    METHOD_COUNT = 1
    SN_METHOD_OFFSET = 0x20
    ATTRS = ("scripts",)
    TYPES = ((ARRAY, _SCRIPT_TD),)
    scripts = (ARRAY, ())
    model = None

    def __init__(self, logical_name, short_name=None, model=None, **values):
        CosemObject.__init__(self, logical_name, short_name, **values)
        if model is not None:
            self.model = model

    def execute(self, script_id, ctx=None):
        for s in self.scripts[1]:
            if s[1][0][1] == script_id:
                model = _model(self, ctx)
                for a in s[1][1][1]:
                    f = a[1]
                    target = model.find(f[1][1], bytes(f[2][1]))
                    if target is None:
                        raise AccessError("script target not in the model", OBJECT_UNAVAILABLE)
                    if f[0][1] == 1:
                        target.set(f[3][1], f[4], ctx)
                    elif f[0][1] == 2:
                        target.action(f[3][1], f[4], ctx)
                    else:
                        raise AccessError("service_id %d" % f[0][1], OTHER_REASON)
                return
        raise AccessError("no script %d" % script_id, OTHER_REASON)

    def _action(self, m, parameters, ctx):
        if parameters is None or parameters[0] != LONG_UNSIGNED:
            raise AccessError("execute takes a long-unsigned script id", TYPE_UNMATCHED)
        self.execute(parameters[1], ctx)
        return None


# Disconnect control states and the transitions of IEC 62056-6-2 4.5.8, figure
DISCONNECTED = 0
CONNECTED = 1
READY_FOR_RECONNECTION = 2

# transition -> (from state, to state)
_TRANSITIONS = {
    "a": (DISCONNECTED, CONNECTED),               # remote_reconnect
    "b": (CONNECTED, DISCONNECTED),               # remote_disconnect
    "c": (READY_FOR_RECONNECTION, DISCONNECTED),  # remote_disconnect
    "d": (DISCONNECTED, READY_FOR_RECONNECTION),  # remote_reconnect
    "e": (READY_FOR_RECONNECTION, CONNECTED),     # manual_reconnect
    "f": (CONNECTED, READY_FOR_RECONNECTION),     # manual_disconnect
    "g": (CONNECTED, READY_FOR_RECONNECTION),     # local_disconnect
    "h": (READY_FOR_RECONNECTION, CONNECTED),     # local_reconnect
}
# control_mode -> the transitions it allows (mode 0: always connected)
_MODES = ("", "bcdefg", "bcaefg", "bcdeg", "bcaeg", "bcdefgh", "bcdegh")


class DisconnectControl(CosemObject):
    """The supply switch: output_state, control_state, control_mode.

    remote_disconnect (1) and remote_reconnect (2) come from clients; the
    firmware reports the button and local causes (a limiter) with
    manual_disconnect / manual_reconnect / local_disconnect / local_reconnect.
    `switch(connected)` is the firmware's relay driver, called on every change.
    """

    class_id = 70
    version = 0
    ATTRIBUTE_COUNT = 4
    METHOD_COUNT = 2
    SN_METHOD_OFFSET = 0x20
    ATTRS = ("output_state", "control_state", "control_mode")
    TYPES = (BOOLEAN, ENUM, ENUM)
    READ_ONLY = 1 << 2 | 1 << 3
    control_mode = (ENUM, 1)
    switch = None

    def __init__(self, logical_name, short_name=None, switch=None, state=CONNECTED, **values):
        CosemObject.__init__(self, logical_name, short_name, **values)
        if switch is not None:
            self.switch = switch
        self._state = state

    @property
    def output_state(self):
        return (BOOLEAN, self._state == CONNECTED)

    @property
    def control_state(self):
        return (ENUM, self._state)

    def _transition(self, names):
        """Take the first of `names` the mode allows from the current state; True if taken."""
        allowed = _MODES[self.control_mode[1]] if self.control_mode[1] < len(_MODES) else ""
        for t in names:
            if t in allowed:
                frm, to = _TRANSITIONS[t]
                if frm == self._state:
                    was = self._state == CONNECTED
                    self._state = to
                    if self.switch is not None and was != (to == CONNECTED):
                        self.switch(to == CONNECTED)
                    return True
        return False

    def remote_disconnect(self):
        return self._transition("bc")

    def remote_reconnect(self):
        return self._transition("ad")

    def manual_disconnect(self):
        return self._transition("f")

    def manual_reconnect(self):
        return self._transition("e")

    def local_disconnect(self):
        return self._transition("g")

    def local_reconnect(self):
        return self._transition("h")

    def _set(self, i, value, ctx):
        check(value, ENUM)
        if not 0 <= value[1] < len(_MODES):
            raise AccessError("control_mode 0..6", OTHER_REASON)
        self.control_mode = value
        if value[1] == 0 and self._state != CONNECTED:
            # mode 0: the object is always in the connected state
            self._state = CONNECTED
            if self.switch is not None:
                self.switch(True)

    def _action(self, m, parameters, ctx):
        param_int(parameters)
        if self.control_mode[1] == 0:
            raise AccessError("control_mode 0: always connected", OTHER_REASON)
        if m == 1:
            self.remote_disconnect()
        else:
            self.remote_reconnect()
        return None


class RegisterMonitor(CosemObject):
    """Thresholds on a value; crossing one up or down runs its action_set's script.

    `tick()` reads the monitored value and acts on every threshold it crossed
    since the last tick (IEC 62056-6-2 4.5.6: action_up when the value rises
    above a threshold, action_down when it falls below)."""

    class_id = 21
    version = 0
    ATTRIBUTE_COUNT = 4
    ATTRS = ("thresholds", "monitored_value", "actions")
    TYPES = ((ARRAY, ANY), VALUE_DEFINITION_TD, (ARRAY, (STRUCTURE, (ACTION_ITEM_TD, ACTION_ITEM_TD))))
    thresholds = (ARRAY, ())
    monitored_value = NO_VALUE
    actions = (ARRAY, ())
    model = None
    _last = None

    def __init__(self, logical_name, short_name=None, model=None, **values):
        CosemObject.__init__(self, logical_name, short_name, **values)
        if model is not None:
            self.model = model

    def tick(self, ctx=None):
        v = read_value_definition(self, self.monitored_value, ctx)[1]
        last = self._last
        self._last = v
        if last is None:
            return 0
        done = 0
        ths = self.thresholds[1]
        acts = self.actions[1]
        for k in range(len(ths)):
            t = ths[k][1]
            if k >= len(acts):
                break
            if last <= t < v:
                run_action_item(self, acts[k][1][0], ctx)
                done += 1
            elif v <= t < last:
                run_action_item(self, acts[k][1][1], ctx)
                done += 1
        return done

    def _set(self, i, value, ctx):
        CosemObject._set(self, i, value, ctx)
        if i == 3:
            self._last = None


_EXEC_TIME_TD = (STRUCTURE, (OCTET_STRING, OCTET_STRING))  # {time(4), date(5)}


class SingleActionSchedule(CosemObject):
    """Runs a script at the execution times (wildcards allowed), as `tick(clock)` sees them pass."""

    class_id = 22
    version = 0
    ATTRIBUTE_COUNT = 4
    ATTRS = ("executed_script", "type", "execution_time")
    TYPES = (ACTION_ITEM_TD, ENUM, (ARRAY, _EXEC_TIME_TD))
    executed_script = NO_ACTION
    type = (ENUM, 1)
    execution_time = (ARRAY, ())
    model = None
    _last = None

    def __init__(self, logical_name, short_name=None, model=None, **values):
        CosemObject.__init__(self, logical_name, short_name, **values)
        if model is not None:
            self.model = model

    def _set(self, i, value, ctx):
        if i == 4:
            check(value, (ARRAY, _EXEC_TIME_TD))
            for e in value[1]:
                if len(e[1][0][1]) != 4 or len(e[1][1][1]) != 5:
                    raise AccessError("execution_time is {time(4), date(5)}", TYPE_UNMATCHED)
            _check_type(self.type[1], value[1])
        CosemObject._set(self, i, value, ctx)

    def tick(self, clock, ctx=None):
        """Run the script once for each execution time passed since the last tick."""
        now = int(clock.seconds())
        last = self._last
        self._last = now
        if last is None or now <= last:
            return 0
        dev = clock.deviation(now)
        runs = 0
        # candidates at minute steps, over at most the last day (a meter ticks far more often)
        first = max(last // 60, now // 60 - 1439)
        for minute in range(first, now // 60 + 1):
            local = minute * 60 - dev * 60
            hour, mins = local // 3600 % 24, local // 60 % 60
            for e in self.execution_time[1]:
                t = e[1][0][1]
                if (t[0] != 0xFF and t[0] != hour) or (t[1] != 0xFF and t[1] != mins):
                    continue
                at = minute * 60 + (0 if t[2] == 0xFF else t[2])
                if last < at <= now and _matches(DateTime.from_timestamp(at, dev, 0), e[1][1][1], t):
                    run_action_item(self, self.executed_script, ctx)
                    runs += 1
        return runs


def _check_type(kind, times):
    """IEC 62056-6-2 4.5.7 type: 1 one entry, date wildcards allowed; 2 / 3 the same
    time in every entry, date wildcards not allowed / allowed; 4 / 5 any times,
    date wildcards not allowed / allowed."""
    if kind == 1 and len(times) > 1:
        raise AccessError("type 1 takes one execution time", OTHER_REASON)
    if kind in (2, 3) and times:
        first = bytes(times[0][1][0][1])
        for e in times:
            if bytes(e[1][0][1]) != first:
                raise AccessError("type %d takes the same time in every entry" % kind, OTHER_REASON)
    if kind in (2, 4):
        for e in times:
            d = bytes(e[1][1][1])  # year, month and day given (the weekday may be left out)
            if d[:2] == b"\xff\xff" or d[2] >= 0xFD or d[3] >= 0xFD:
                raise AccessError("type %d takes no date wildcards" % kind, OTHER_REASON)


def _matches(dt, date, time):
    # a field 0xFF (0xFFFF for the year) is a wildcard
    y = (date[0] << 8) | date[1]
    if y != 0xFFFF and y != dt.year:
        return False
    for want, have in ((date[2], dt.month), (date[3], dt.day), (date[4], dt.weekday),
                       (time[0], dt.hour), (time[1], dt.minute)):
        if want != 0xFF and want != have:
            return False
    return True


class Limiter(CosemObject):
    """Watches a value against a threshold and runs actions over / under it.

    The active threshold is threshold_normal, or threshold_emergency while an
    emergency profile of one of the listed groups is in force.  The value must
    stay over (under) for min_over (min_under) seconds before the action runs."""

    class_id = 71
    version = 0
    ATTRIBUTE_COUNT = 11
    ATTRS = ("monitored_value", "threshold_active", "threshold_normal", "threshold_emergency",
             "min_over_threshold_duration", "min_under_threshold_duration", "emergency_profile",
             "emergency_profile_group_id_list", "emergency_profile_active", "actions")
    TYPES = (VALUE_DEFINITION_TD, SIMPLE, SIMPLE, SIMPLE, DOUBLE_LONG_UNSIGNED, DOUBLE_LONG_UNSIGNED,
             (STRUCTURE, (LONG_UNSIGNED, DT, DOUBLE_LONG_UNSIGNED)), (ARRAY, LONG_UNSIGNED), BOOLEAN,
             (STRUCTURE, (ACTION_ITEM_TD, ACTION_ITEM_TD)))
    READ_ONLY = 1 << 3 | 1 << 10  # the active threshold and emergency state are computed
    monitored_value = NO_VALUE
    threshold_normal = (DOUBLE_LONG_UNSIGNED, 0)
    threshold_emergency = (DOUBLE_LONG_UNSIGNED, 0)
    min_over_threshold_duration = (DOUBLE_LONG_UNSIGNED, 0)
    min_under_threshold_duration = (DOUBLE_LONG_UNSIGNED, 0)
    emergency_profile = (STRUCTURE, ((LONG_UNSIGNED, 0), (OCTET_STRING, NO_DATE_TIME),
                                     (DOUBLE_LONG_UNSIGNED, 0)))
    emergency_profile_group_id_list = (ARRAY, ())
    actions = (STRUCTURE, (NO_ACTION, NO_ACTION))
    model = None
    _over = False     # the state the last action put the limiter in
    _since = None     # when the value last crossed to the other side
    _now = 0

    def __init__(self, logical_name, short_name=None, model=None, **values):
        CosemObject.__init__(self, logical_name, short_name, **values)
        if model is not None:
            self.model = model

    def _emergency(self):
        p = self.emergency_profile[1]
        ids = [g[1] for g in self.emergency_profile_group_id_list[1]]
        if p[0][1] not in ids:
            return False
        try:
            start = DateTime.from_bytes(date_time_bytes(p[1])).to_timestamp()
        except ValueError:
            return False
        return start <= self._now < start + p[2][1]

    @property
    def emergency_profile_active(self):
        return (BOOLEAN, self._emergency())

    @property
    def threshold_active(self):
        return self.threshold_emergency if self._emergency() else self.threshold_normal

    def tick(self, utc, ctx=None):
        """Compare the monitored value at `utc` seconds; returns "over", "under" or None."""
        self._now = int(utc)
        v = read_value_definition(self, self.monitored_value, ctx)[1]
        over = v > self.threshold_active[1]
        if over == self._over:
            self._since = None
            return None
        if self._since is None:
            self._since = self._now
        need = (self.min_over_threshold_duration if over else self.min_under_threshold_duration)[1]
        if self._now - self._since < need:
            return None
        self._over = over
        self._since = None
        run_action_item(self, self.actions[1][0 if over else 1], ctx)
        return "over" if over else "under"


_OBJECT_DEF_TD = (STRUCTURE, (LONG_UNSIGNED, OCTET_STRING))
_MASK_TD = (STRUCTURE, (OCTET_STRING, (ARRAY, UNSIGNED)))


class RegisterActivation(CosemObject):
    """Which registers are active: masks of indices into register_assignment."""

    class_id = 6
    version = 0
    ATTRIBUTE_COUNT = 4
    METHOD_COUNT = 3
    SN_METHOD_OFFSET = 0x30
    ATTRS = ("register_assignment", "mask_list", "active_mask")
    TYPES = ((ARRAY, _OBJECT_DEF_TD), (ARRAY, _MASK_TD), OCTET_STRING)
    register_assignment = (ARRAY, ())
    mask_list = (ARRAY, ())
    active_mask = (OCTET_STRING, b"")

    def _mask(self, name):
        for m in self.mask_list[1]:
            if bytes(m[1][0][1]) == bytes(name):
                return m
        return None

    def is_active(self, obj):
        m = self._mask(self.active_mask[1])
        if m is None:
            return False
        regs = self.register_assignment[1]
        for idx in m[1][1][1]:
            k = idx[1] - 1
            if 0 <= k < len(regs):
                r = regs[k][1]
                if r[0][1] == obj.class_id and bytes(r[1][1]) == obj.logical_name:
                    return True
        return False

    def _set(self, i, value, ctx):
        if i == 4:
            check(value, OCTET_STRING)
            if value[1] and self._mask(value[1]) is None:
                raise AccessError("no such mask", OTHER_REASON)
        CosemObject._set(self, i, value, ctx)

    def _action(self, m, parameters, ctx):
        if m == 1:    # add_register (object_definition)
            check(parameters, _OBJECT_DEF_TD)
            self.register_assignment = (ARRAY, grow(self.register_assignment[1], parameters))
        elif m == 2:  # add_mask: replaces a mask of the same name
            check(parameters, _MASK_TD)
            n = len(self.register_assignment[1])
            for idx in parameters[1][1][1]:
                if not 1 <= idx[1] <= n:
                    raise AccessError("mask index out of range", OTHER_REASON)
            name = bytes(parameters[1][0][1])
            rest = tuple(x for x in self.mask_list[1] if bytes(x[1][0][1]) != name)
            self.mask_list = (ARRAY, grow(rest, parameters))
        else:         # delete_mask (mask_name)
            check(parameters, OCTET_STRING)
            name = bytes(parameters[1])
            rest = tuple(x for x in self.mask_list[1] if bytes(x[1][0][1]) != name)
            if len(rest) == len(self.mask_list[1]):
                raise AccessError("no such mask", OTHER_REASON)
            self.mask_list = (ARRAY, rest)
        return None

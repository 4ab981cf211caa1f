"""Special days table (11) and Activity calendar (20), IEC 62056-6-2 4.5.4-4.5.5.

The calendar answers "which script runs now": the active season (the last
season_start not after now), its week profile, the day profile of the
weekday (or of a special day, given a Special days table), and in that day
profile the last entry whose start_time is not after now.  `tick(clock)`
runs the script when the entry in force changes, and activates the passive
calendar at activate_passive_calendar_time.
"""

from ..axdr import ARRAY, LONG_UNSIGNED, OCTET_STRING, STRUCTURE, UNSIGNED
from ..cosemdate import DateTime
from ..errors import AccessError
from .base import DT, NO_DATE_TIME, OTHER_REASON, CosemObject, check, date_time_bytes, grow, param_int
from .control import run_action_item

_SPEC_DAY_TD = (STRUCTURE, (LONG_UNSIGNED, OCTET_STRING, UNSIGNED))  # {index, date(5), day_id}


def _date_matches(d, dt):
    """A COSEM date (5 bytes, wildcards 0xFF / 0xFFFF) against a DateTime's date."""
    y = (d[0] << 8) | d[1]
    if y != 0xFFFF and y != dt.year:
        return False
    for want, have in ((d[2], dt.month), (d[3], dt.day), (d[4], dt.weekday)):
        if want != 0xFF and want != have:
            return False
    return True


class SpecialDaysTable(CosemObject):
    class_id = 11
    version = 0
    ATTRIBUTE_COUNT = 2
    METHOD_COUNT = 2
    SN_METHOD_OFFSET = 0x10
    ATTRS = ("entries",)
    TYPES = ((ARRAY, _SPEC_DAY_TD),)
    READ_ONLY = 1 << 2  # changed with insert and delete
    entries = (ARRAY, ())

    def day_id(self, dt):
        """The day_id of the special day `dt` (a DateTime) falls on, or None."""
        for e in self.entries[1]:
            if _date_matches(e[1][1][1], dt):
                return e[1][2][1]
        return None

    def _action(self, m, parameters, ctx):
        if m == 1:    # insert: an entry of the same index is replaced
            check(parameters, _SPEC_DAY_TD)
            if len(parameters[1][1][1]) != 5:
                raise AccessError("specialday_date is a date (5 bytes)", OTHER_REASON)
            idx = parameters[1][0][1]
            rest = tuple(e for e in self.entries[1] if e[1][0][1] != idx)
            self.entries = (ARRAY, grow(rest, parameters))
        else:         # delete (index)
            check(parameters, LONG_UNSIGNED)
            rest = tuple(e for e in self.entries[1] if e[1][0][1] != parameters[1])
            if len(rest) == len(self.entries[1]):
                raise AccessError("no special day %d" % parameters[1], OTHER_REASON)
            self.entries = (ARRAY, rest)
        return None


_SEASON_TD = (STRUCTURE, (OCTET_STRING, DT, OCTET_STRING))
_WEEK_TD = (STRUCTURE, (OCTET_STRING, UNSIGNED, UNSIGNED, UNSIGNED, UNSIGNED, UNSIGNED, UNSIGNED, UNSIGNED))
_DAY_ACTION_TD = (STRUCTURE, (OCTET_STRING, OCTET_STRING, LONG_UNSIGNED))  # {start_time(4), script, selector}
_DAY_TD = (STRUCTURE, (UNSIGNED, (ARRAY, _DAY_ACTION_TD)))


class ActivityCalendar(CosemObject):
    class_id = 20
    version = 0
    ATTRIBUTE_COUNT = 10
    METHOD_COUNT = 1
    SN_METHOD_OFFSET = 0x50
    ATTRS = ("calendar_name_active", "season_profile_active", "week_profile_table_active",
             "day_profile_table_active", "calendar_name_passive", "season_profile_passive",
             "week_profile_table_passive", "day_profile_table_passive",
             "activate_passive_calendar_time")
    TYPES = (OCTET_STRING, (ARRAY, _SEASON_TD), (ARRAY, _WEEK_TD), (ARRAY, _DAY_TD),
             OCTET_STRING, (ARRAY, _SEASON_TD), (ARRAY, _WEEK_TD), (ARRAY, _DAY_TD), DT)
    READ_ONLY = 0b111100  # the active calendar (2-5) changes only by activation
    calendar_name_active = (OCTET_STRING, b"")
    season_profile_active = (ARRAY, ())
    week_profile_table_active = (ARRAY, ())
    day_profile_table_active = (ARRAY, ())
    calendar_name_passive = (OCTET_STRING, b"")
    season_profile_passive = (ARRAY, ())
    week_profile_table_passive = (ARRAY, ())
    day_profile_table_passive = (ARRAY, ())
    activate_passive_calendar_time = (OCTET_STRING, NO_DATE_TIME)
    special_days = None
    model = None
    _current = None   # (day_id, index) of the day-profile entry in force

    def __init__(self, logical_name, short_name=None, special_days=None, model=None, **values):
        CosemObject.__init__(self, logical_name, short_name, **values)
        if special_days is not None:
            self.special_days = special_days
        if model is not None:
            self.model = model

    def activate_passive(self):
        self.calendar_name_active = self.calendar_name_passive
        self.season_profile_active = self.season_profile_passive
        self.week_profile_table_active = self.week_profile_table_passive
        self.day_profile_table_active = self.day_profile_table_passive
        self._current = None

    def _action(self, m, parameters, ctx):
        param_int(parameters)
        self.activate_passive()
        return None

    def day_id(self, dt):
        """The day_id in force on the local date-time dt."""
        if self.special_days is not None:
            d = self.special_days.day_id(dt)
            if d is not None:
                return d
        week_name = None
        best = None
        for s in self.season_profile_active[1]:
            start = DateTime.from_bytes(date_time_bytes(s[1][1]))
            # a season start without a year recurs every year
            key = ((dt.year if start.year is None else start.year), start.month or 1, start.day or 1,
                   start.hour or 0, start.minute or 0)
            if key <= (dt.year, dt.month, dt.day, dt.hour, dt.minute) and (best is None or key > best):
                best, week_name = key, bytes(s[1][2][1])
        if week_name is None:
            # before the first season of the year: the last one of the previous year is in force
            for s in self.season_profile_active[1]:
                week_name = bytes(s[1][2][1])
        if week_name is None:
            return None
        for w in self.week_profile_table_active[1]:
            if bytes(w[1][0][1]) == week_name:
                return w[1][dt.weekday][1]
        return None

    def action_in_force(self, dt):
        """(day_id, index, action_item) of the day-profile entry in force at dt, or None."""
        did = self.day_id(dt)
        if did is None:
            return None
        for d in self.day_profile_table_active[1]:
            if d[1][0][1] == did:
                best = None
                now = (dt.hour, dt.minute, dt.second or 0)
                sched = d[1][1][1]
                latest = None
                for k in range(len(sched)):
                    t = sched[k][1][0][1]
                    start = (t[0], 0 if t[1] == 0xFF else t[1], 0 if t[2] == 0xFF else t[2])
                    if start <= now and (best is None or start >= best[0]):
                        best = (start, k)
                    if latest is None or start >= latest[0]:
                        latest = (start, k)
                if best is None:
                    # before the day's first entry the last one (from the evening before) holds
                    best = latest
                if best is None:
                    return None
                e = sched[best[1]][1]
                return did, best[1], (STRUCTURE, (e[1], e[2]))
        return None

    def tick(self, clock, ctx=None):
        """Activate the passive calendar when its time has come; run the script of
        the day-profile entry when the entry in force changes.  True if a script ran."""
        dt = clock.now()
        act = self.activate_passive_calendar_time
        if bytes(date_time_bytes(act)) != NO_DATE_TIME:
            try:
                when = DateTime.from_bytes(date_time_bytes(act)).to_timestamp()
            except ValueError:
                when = None
            if when is not None and clock.seconds() >= when:
                self.activate_passive()
                self.activate_passive_calendar_time = (OCTET_STRING, NO_DATE_TIME)
        found = self.action_in_force(dt)
        if found is None:
            return False
        key = found[:2]
        if key == self._current:
            return False
        self._current = key
        run_action_item(self, found[2], ctx)
        return True

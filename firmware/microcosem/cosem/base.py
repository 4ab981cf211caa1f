"""The part every COSEM interface class shares (IEC 62056-6-2, 4.1).

An object is a small Python instance that holds only what differs from its
class: the logical name, the short name when SN referencing is used, and the
attribute values a meter sets.  Everything that is the same for every object
of a class (attribute names, the type each attribute takes, which are
read-only, the short-name layout) is a class-level tuple, so that a hundred
registers share one copy of it (in flash, when the firmware is frozen).

Attribute values are kept as Data tuples (`(DOUBLE_LONG_UNSIGNED, 12345)`),
or as callables that return one when the attribute is read: that is how an
object is bound to a live measurement.

    r = Register("1.0.1.8.0.255", value=lambda: (DOUBLE_LONG_UNSIGNED, meter.wh),
                 scaler_unit=scaler_unit(0, UNIT_WH))

`get`/`set`/`action` follow the contract in `server/model.py`: attribute 1
(logical_name) is answered here; an index out of range is object-undefined;
a value whose type does not match the attribute is type-unmatched; every
other refusal is an AccessError with the data-access-result (or action-result)
code the server answers with.

Type descriptions (class TYPES tuples) use the compact-array form of axdr,
with these extras: ANY (any Data), SAME (the tag of the current value: a
Data object keeps the type the meter declared), SIMPLE (SAME, and a simple
type, as a register's value), DT (a date-time as the Blue Book
carries it, octet-string of 12 bytes, or the date-time type), and
`(CHOICE, (td, ...))`.  `(ARRAY, td)` is an array of any length.
"""

from ..axdr import (ARRAY, DATE_TIME, ENUM, INTEGER, NULL_DATA, OCTET_STRING, STRUCTURE,
                    UTF8_STRING, VISIBLE_STRING)
from ..compat import const
from ..errors import AccessError
from ..obis import obis

# Data-access-result / action-result codes (Green Book 9.5; apdu/common.py
# has the full tables, repeated here so that objects need no APDU module).
HARDWARE_FAULT = const(1)
TEMPORARY_FAILURE = const(2)
READ_WRITE_DENIED = const(3)
OBJECT_UNDEFINED = const(4)
OBJECT_UNAVAILABLE = const(11)
TYPE_UNMATCHED = const(12)
SCOPE_OF_ACCESS_VIOLATED = const(13)
OTHER_REASON = const(250)

# Lists a client grows by method (add_user, insert, add_mc_IP_address...) stop here,
# so that no client can fill a meter's heap one call at a time.
MAX_LIST = const(64)


def grow(items, item):
    """items + (item,), refused once MAX_LIST long."""
    if len(items) >= MAX_LIST:
        raise AccessError("list full (%d)" % MAX_LIST, OTHER_REASON)
    return tuple(items) + (item,)


# pseudo tags of type descriptions
ANY = const(-1)
SIMPLE = const(-2)
DT = const(-3)
CHOICE = const(-4)
SAME = const(-5)

# a date-time with every field "not specified" (IEC 62056-6-2, 4.1.6.1)
NO_DATE_TIME = b"\xff\xff\xff\xff\xff\xff\xff\xff\xff\x80\x00\xff"
NULL = (NULL_DATA, None)

_STRINGS = (OCTET_STRING, VISIBLE_STRING, UTF8_STRING)
_INTEGERS = (5, 6, 13, 15, 16, 17, 18, 20, 21, 22)  # the integer types, enum and bcd (axdr tags)


def conforms(v, td):
    """True if the Data value `v` has the type `td` describes."""
    if type(v) is not tuple or len(v) != 2:
        return False
    tag = v[0]
    if type(td) is int:
        if td >= 0:
            if tag != td:
                return False
            x = v[1]
            if tag == OCTET_STRING:
                return isinstance(x, (bytes, bytearray))
            if tag in _STRINGS:
                return isinstance(x, (bytes, bytearray, str))
            if tag == STRUCTURE or tag == ARRAY:
                return isinstance(x, (list, tuple))
            if tag in _INTEGERS:
                return type(x) is int
            return True
        if td == ANY:
            return True
        if td == DT:
            if tag == DATE_TIME:
                return True
            return tag == OCTET_STRING and isinstance(v[1], (bytes, bytearray)) and len(v[1]) == 12
        return False
    kind, sub = td
    if kind == CHOICE:
        for alt in sub:
            if conforms(v, alt):
                return True
        return False
    items = v[1]
    if tag != kind or not isinstance(items, (list, tuple)):
        return False
    if kind == ARRAY:
        for x in items:
            if not conforms(x, sub):
                return False
        return True
    if len(items) != len(sub):
        return False
    for i in range(len(sub)):
        if not conforms(items[i], sub[i]):
            return False
    return True


def is_simple(v):
    """A Data value of a simple (not array/structure/compact-array) type."""
    return type(v) is tuple and len(v) == 2 and v[0] != ARRAY and v[0] != STRUCTURE and v[0] != 19


def date_time_bytes(v):
    """The 12 bytes of a date-time Data value (octet-string or date-time)."""
    x = v[1]
    if isinstance(x, (bytes, bytearray)):
        return bytes(x)
    return x.to_bytes()


def scaler_unit(scaler, unit):
    """The scaler_unit structure {scaler integer, unit enum} of a register."""
    return (STRUCTURE, ((INTEGER, scaler), (ENUM, unit)))


def refuse(message, code=READ_WRITE_DENIED):
    raise AccessError(message, code)


def check(value, td):
    if not conforms(value, td):
        raise AccessError("type unmatched", TYPE_UNMATCHED)


def param_int(parameters, default=0):
    """An integer method parameter (most methods take `data ::= integer(0)`)."""
    if parameters is None or parameters[0] == NULL_DATA:
        return default
    if type(parameters) is not tuple or type(parameters[1]) is not int:
        raise AccessError("integer parameter expected", TYPE_UNMATCHED)
    return parameters[1]


class CosemObject:
    """Base of every interface class.

    Subclasses set the class-level description and override `_get`, `_set`
    and `_action` only for the attributes and methods with behaviour; the
    generic ones read and write the instance attribute ATTRS names.
    """

    class_id = 0
    version = 0
    ATTRIBUTE_COUNT = 1
    METHOD_COUNT = 0
    SN_METHOD_OFFSET = 8   # method 1 at base + this (IEC 62056-6-2, the class tables)
    ATTRS = ()             # names of attributes 2.. (instance or class attributes)
    TYPES = ()             # type description of each, checked on set
    READ_ONLY = 0          # bit i set: attribute i refuses set (computed values)
    WRITE_ONLY = 0         # bit i set: attribute i refuses get (secrets)
    SELECTIVE = 0          # bit i set: attribute i takes selective access
    SELECTORS = ()         # the access selectors it takes (object_list access_selectors)
    short_name = None

    def __init__(self, logical_name, short_name=None, **values):
        self.logical_name = obis(logical_name)
        if short_name is not None:
            self.short_name = short_name
        names = self.ATTRS
        for k in values:
            if k not in names:
                raise TypeError("%s has no attribute %r" % (type(self).__name__, k))
            setattr(self, k, values[k])

    def __repr__(self):
        ln = self.logical_name
        return "%s(%d.%d.%d.%d.%d.%d)" % ((type(self).__name__,) + tuple(ln))

    # ---------------------------------------------------------- the contract

    def get(self, attribute_id, selection=None, ctx=None):
        if attribute_id == 1:
            if selection is not None:
                raise AccessError("no selective access to logical_name", OTHER_REASON)
            return (OCTET_STRING, self.logical_name)
        if not 1 < attribute_id <= self.ATTRIBUTE_COUNT:
            raise AccessError("no attribute %d" % attribute_id, OBJECT_UNDEFINED)
        bit = 1 << attribute_id
        if self.WRITE_ONLY & bit:
            raise AccessError("write-only attribute", READ_WRITE_DENIED)
        if selection is not None and not self.SELECTIVE & bit:
            # Green Book: selective access only where the class defines selectors
            raise AccessError("no selective access to attribute %d" % attribute_id, OTHER_REASON)
        return self._get(attribute_id, selection, ctx)

    def set(self, attribute_id, value, ctx=None):
        if attribute_id == 1:
            raise AccessError("logical_name is read-only", READ_WRITE_DENIED)
        if not 1 < attribute_id <= self.ATTRIBUTE_COUNT:
            raise AccessError("no attribute %d" % attribute_id, OBJECT_UNDEFINED)
        if self.READ_ONLY & (1 << attribute_id):
            raise AccessError("attribute %d is read-only" % attribute_id, READ_WRITE_DENIED)
        self._set(attribute_id, value, ctx)

    def action(self, method_id, parameters=None, ctx=None):
        if not 0 < method_id <= self.METHOD_COUNT:
            raise AccessError("no method %d" % method_id, OBJECT_UNDEFINED)
        return self._action(method_id, parameters, ctx)

    # ---------------------------------------------------------- generic handlers

    def _get(self, i, selection, ctx):
        v = getattr(self, self.ATTRS[i - 2])
        if callable(v):  # bound to a live value
            v = v()
        return v

    def _set(self, i, value, ctx):
        name = self.ATTRS[i - 2]
        cur = getattr(self, name)
        if callable(cur):
            raise AccessError("attribute %d is a live value" % i, READ_WRITE_DENIED)
        td = self.TYPES[i - 2]
        if td == SIMPLE or td == SAME:
            # the value keeps the type the meter declared
            if type(value) is not tuple or len(value) != 2 or (td == SIMPLE and not is_simple(value)) or (
                    cur is not None and cur[0] != NULL_DATA and value[0] != cur[0]) or (
                    type(value[0]) is not int or not conforms(value, value[0])):
                raise AccessError("type unmatched", TYPE_UNMATCHED)
        else:
            check(value, td)
            if td == DT:
                # kept as the Blue Book carries it, whichever form the client sent
                value = (OCTET_STRING, date_time_bytes(value))
        setattr(self, name, value)

    def _action(self, m, parameters, ctx):
        raise AccessError("method %d not supported" % m, READ_WRITE_DENIED)

    # ---------------------------------------------------------- helpers

    def value_of(self, i):
        """The Data value of attribute i, as a local reader (no access checks)."""
        return self.get(i, None, None)


def sn_target(obj, sn):
    """(kind, index) that short name `sn` names in obj ("a"/"m"), or None.

    Attribute i is at base + 8*(i-1); method j at base + SN_METHOD_OFFSET + 8*(j-1).
    """
    base = obj.short_name
    if base is None:
        return None
    d = sn - base
    if d < 0 or d & 7:
        return None
    m = obj.SN_METHOD_OFFSET
    if obj.METHOD_COUNT and m <= d < m + 8 * obj.METHOD_COUNT:
        return ("m", (d - m) // 8 + 1)
    i = d // 8 + 1
    if i <= obj.ATTRIBUTE_COUNT:
        return ("a", i)
    return None


def sn_size(obj):
    """Bytes of short-name space the object takes (for laying base names out)."""
    n = 8 * obj.ATTRIBUTE_COUNT
    if obj.METHOD_COUNT:
        n = max(n, obj.SN_METHOD_OFFSET + 8 * obj.METHOD_COUNT)
    return n


"""APDUs and Data values as JSON, and back: the forms `microcosem decode` prints
and `microcosem encode` reads.

    {"apdu": "GetRequestNormal",
     "invoke_id_and_priority": {"invoke_id": 1, "confirmed": true, "high_priority": true},
     "attribute_descriptor": {"class_id": 8, "instance_id": "0.0.1.0.0.255", "attribute_id": 2},
     "access_selection": null}

An APDU is an object: "apdu" names its class, then one key per entry of the
class's FIELDS, in wire order.  How a field looks is decided by its name
(`_FIELD_KINDS`), or by class and name where one name means different things
in different APDUs (`_CLASS_FIELD_KINDS`: `result` is a Data-or-error in
GetResponseNormal, an Action-Result in ActionResponseNormal, an
Association-result in AARE).  Keys that are fields use the Python names
(`class_id`); keys that pick a CHOICE alternative, type names and enumerated
values use the ASN.1 names (`data-access-result`, `long-unsigned`,
`object-undefined`).

A Data value is an object of one key, its A-XDR type name:

    {"double-long-unsigned": 123}       integers, enum, bcd
    {"octet-string": "0102"}            hex; also read (and with guess=True shown)
                                        as {"date-time": ...}, {"obis": "0.0.1.0.0.255"},
                                        {"text": "LGZ"} or {"hex": ...}
    {"visible-string": "abc"}           text; {"hex": ...} when not ASCII (utf8: not UTF-8)
    {"bit-string": "0110"}              one character per bit
    {"float32": 1.5}                    {"hex": "7FC00001"} for NaN, infinities
    {"date-time": "2026-11-25 Wed 14:30:00.00 dev=-60 status=0x00"}
    {"date": "****-12-25"}  {"time": "06:00:00"}
    {"structure": [...]}  {"array": [...]}  {"null-data": null}  {"dont-care": null}
    {"compact-array": {"type": {"structure": ["long-unsigned", "boolean"]},
                       "values": [{"structure": [...]}, ...]}}
                                        an array description: {"array": {"count": n, "type": td}}

In a date or time `*` is a field left unspecified (0xFF, 0xFFFF, 0x8000);
a weekday (Mon..Sun, or weekday=N), `dev=` (minutes, UTC = local + dev) and
`status=` are written only when specified, hundredths only when specified.
Every byte value has a form, so decode -> encode gives the same bytes.

Reading JSON checks every value's JSON type and range and names the place of
the first mistake: `GetResponseNormal.result.data.structure[1].long-unsigned:
expected an integer, not a string`.
"""

import math
import struct

from microcosem import axdr, obis
from microcosem.apdu import APDU_TABLE, apdu_class, decode_apdu
from microcosem.apdu import acse, common, initiate, service_error, sn
from microcosem.cosemdate import Date, DateTime, Time
from microcosem.errors import DlmsError, EncodeError


def _err(path, message):
    return EncodeError("%s: %s" % (path, message) if path else message)


def _jtype(j):
    if j is None:
        return "null"
    if j is True or j is False:
        return "a boolean"
    if isinstance(j, int):
        return "an integer"
    if isinstance(j, float):
        return "a number"
    if isinstance(j, str):
        return "a string"
    if isinstance(j, list):
        return "an array"
    if isinstance(j, dict):
        return "an object"
    return type(j).__name__


def _want(path, what, j):
    return _err(path, "expected %s, not %s" % (what, _jtype(j)))


# ------------------------------------------------------------------ JSON readers


def _int(j, path, lo=None, hi=None):
    if type(j) is not int:
        raise _want(path, "an integer", j)
    if lo is not None and not lo <= j <= hi:
        raise _err(path, "%d is not in %d..%d" % (j, lo, hi))
    return j


def _bool(j, path):
    if j is not True and j is not False:
        raise _want(path, "true or false", j)
    return j


def _str(j, path):
    if not isinstance(j, str):
        raise _want(path, "a string", j)
    return j


def _list(j, path):
    if not isinstance(j, list):
        raise _want(path, "an array", j)
    return j


def _hex(j, path):
    s = _str(j, path)
    t = "".join(s.split())
    try:
        return bytes.fromhex(t)
    except ValueError:
        raise _err(path, "%r is not hex" % (s if len(s) < 40 else s[:37] + "...",))


def _object(j, path, required=(), optional=()):
    if not isinstance(j, dict):
        raise _want(path, "an object", j)
    for k in required:
        if k not in j:
            raise _err(path, "missing key %r" % k)
    for k in j:
        if k not in required and k not in optional:
            raise _err(path, "unknown key %r" % k)
    return j


def _choice(j, path, names):
    """An object of exactly one key among `names`: returns (key, value)."""
    if not isinstance(j, dict) or len(j) != 1:
        raise _err(path, "expected an object of one key, one of %s; not %s"
                   % (", ".join(names), _jtype(j) if not isinstance(j, dict)
                      else "%d keys" % len(j)))
    (k, v), = j.items()
    if k not in names:
        raise _err(path, "%r is none of %s" % (k, ", ".join(names)))
    return k, v


def _hexstr(b):
    return bytes(b).hex().upper()


def _printable(b):
    for c in b:
        if not 0x20 <= c <= 0x7E:
            return False
    return True


# ------------------------------------------------------------------ dates and times

_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _n(v, width):
    return "*" * width if v is None else "%0*d" % (width, v)


def _date_text(d):
    s = "%s-%s-%s" % (_n(d.year, 4), _n(d.month, 2), _n(d.day, 2))
    wd = d.weekday
    if wd is not None:
        s += " " + (_WEEKDAYS[wd - 1] if 1 <= wd <= 7 else "weekday=%d" % wd)
    return s


def _time_text(t):
    s = "%s:%s:%s" % (_n(t.hour, 2), _n(t.minute, 2), _n(t.second, 2))
    if t.hundredths is not None:
        s += ".%02d" % t.hundredths
    return s


def stamp_text(v):
    """The text of a Date, Time or DateTime."""
    if isinstance(v, DateTime):
        s = _date_text(v) + " " + _time_text(v)
        if v.deviation is not None:
            s += " dev=%d" % v.deviation
        if v.status is not None:
            s += " status=0x%02X" % v.status
        return s
    if isinstance(v, Date):
        return _date_text(v)
    return _time_text(v)


def _field(p, path, text):
    if p and p == "*" * len(p):
        return None
    if not p.isdigit():
        raise _err(path, "%r: %r is neither a number nor *" % (text, p))
    return int(p)


def parse_stamp(cls, text, path=""):
    """A Date, Time or DateTime from the text stamp_text writes."""
    s = _str(text, path)
    parts = {}
    for tok in s.split():
        if tok.startswith("dev="):
            key = "dev"
        elif tok.startswith("status="):
            key = "status"
        elif tok.startswith("weekday=") or tok in _WEEKDAYS:
            key = "weekday"
        elif ":" in tok:
            key = "time"
        elif "-" in tok:
            key = "date"
        else:
            raise _err(path, "%r: cannot read %r" % (s, tok))
        if key in parts:
            raise _err(path, "%r: two %s parts" % (s, key))
        parts[key] = tok
    allowed = {Date: ("date", "weekday"), Time: ("time",),
               DateTime: ("date", "weekday", "time", "dev", "status")}[cls]
    for key in parts:
        if key not in allowed:
            raise _err(path, "%r: a %s has no %s part" % (s, _STAMP_NAMES[cls], key))
    for key in ("date", "time"):
        if key in allowed and key not in parts:
            raise _err(path, "%r: the %s part is missing" % (s, key))
    v = cls()
    if "date" in parts:
        g = parts["date"].split("-")
        if len(g) != 3:
            raise _err(path, "%r: a date is YYYY-MM-DD" % s)
        v.year, v.month, v.day = (_field(p, path, s) for p in g)
        wd = parts.get("weekday")
        if wd is not None:
            v.weekday = (_WEEKDAYS.index(wd) + 1 if wd in _WEEKDAYS
                         else _field(wd[8:], path, s))
    if "time" in parts:
        hms, dot, cc = parts["time"].partition(".")
        g = hms.split(":")
        if len(g) != 3:
            raise _err(path, "%r: a time is hh:mm:ss[.cc]" % s)
        v.hour, v.minute, v.second = (_field(p, path, s) for p in g)
        v.hundredths = _field(cc, path, s) if dot else None
    if "dev" in parts:
        try:
            v.deviation = int(parts["dev"][4:])
        except ValueError:
            raise _err(path, "%r: dev= takes minutes" % s)
    if "status" in parts:
        try:
            v.status = int(parts["status"][7:], 0)
        except ValueError:
            raise _err(path, "%r: status= takes a number (0x80)" % s)
    try:
        v.to_bytes()
    except (DlmsError, ValueError) as e:
        raise _err(path, "%r: %s" % (s, e))
    return v


_STAMP_NAMES = {Date: "date", Time: "time", DateTime: "date-time"}

# ------------------------------------------------------------------ Data

_STAMP_TAGS = {axdr.DATE_TIME: DateTime, axdr.DATE: Date, axdr.TIME: Time}
_FLOAT_FORMATS = {axdr.FLOAT32: (">f", 4), axdr.FLOAT64: (">d", 8)}
_TEXT_TAGS = (axdr.VISIBLE_STRING, axdr.UTF8_STRING)
_LIST_TAGS = (axdr.ARRAY, axdr.STRUCTURE)
_NONE_TAGS = (axdr.NULL_DATA, axdr.DONT_CARE)
_TYPE_NAMES = tuple(name for _, name in axdr.TYPE_NAMES)


def data_to_json(value, guess=False):
    """The JSON form of a Data tuple.  With `guess`, an octet-string that looks
    like a date-time, an OBIS code or text is shown as one (see octets_to_json)."""
    if isinstance(value, axdr.EncodedData):
        value = axdr.decode(b"".join(bytes(c) for c in value.chunks))
    tag, v = value
    name = axdr.type_name(tag)
    if tag in _LIST_TAGS:
        return {name: [data_to_json(x, guess) for x in v]}
    if tag == axdr.COMPACT_ARRAY:
        td, items = v
        return {name: {"type": td_to_json(td), "values": [data_to_json(x, guess) for x in items]}}
    if tag == axdr.OCTET_STRING:
        return {name: octets_to_json(v) if guess else _hexstr(v)}
    if tag in _TEXT_TAGS:
        return {name: v if isinstance(v, str) else {"hex": _hexstr(v)}}
    if tag in _FLOAT_FORMATS:
        fmt = _FLOAT_FORMATS[tag][0]
        if not isinstance(v, float):
            return {name: {"hex": _hexstr(v)}}
        if math.isnan(v) or math.isinf(v):  # JSON has no NaN, no Infinity
            return {name: {"hex": _hexstr(struct.pack(fmt, v))}}
        return {name: v}
    if tag in _STAMP_TAGS:
        if isinstance(v, (bytes, bytearray)):
            v = _STAMP_TAGS[tag].from_bytes(v)
        return {name: stamp_text(v)}
    return {name: v}  # numbers, boolean, bit-string, null-data, dont-care


def _plausible_date_time(b):
    # COSEM clocks are mostly carried as octet-string(12) (IEC 62056-6-2 4.1.6.1)
    y = (b[0] << 8) | b[1]
    dev = (b[9] << 8) | b[10]
    dev = dev - 0x10000 if dev & 0x8000 else dev
    return ((1900 <= y <= 2200 or y == 0xFFFF) and (1 <= b[2] <= 12 or b[2] >= 0xFD)
            and (1 <= b[3] <= 31 or b[3] >= 0xFD) and (1 <= b[4] <= 7 or b[4] == 0xFF)
            and (b[5] <= 23 or b[5] == 0xFF) and (b[6] <= 59 or b[6] == 0xFF)
            and (b[7] <= 59 or b[7] == 0xFF) and (b[8] <= 99 or b[8] == 0xFF)
            and (-840 <= dev <= 840 or dev == -0x8000))


def octets_to_json(b):
    """An octet-string by what it most likely holds: {"date-time": ...} (12 bytes
    that read as one), {"obis": ...} (6 bytes, A at most 15: a logical name),
    {"text": ...} (two or more printable ASCII), else the plain hex.  Each form
    gives the same bytes back."""
    if len(b) == DateTime.SIZE and _plausible_date_time(b):
        return {"date-time": stamp_text(DateTime.from_bytes(b))}
    if len(b) == 6 and b[0] <= 15:
        return {"obis": obis.to_text(b)}
    if len(b) >= 2 and _printable(b):
        return {"text": b.decode()}
    return _hexstr(b)


def octets_from_json(j, path):
    """Bytes from hex, or from a form octets_to_json writes."""
    if isinstance(j, str):
        return _hex(j, path)
    k, v = _choice(j, path, ("hex", "date-time", "obis", "text"))
    p = path + "." + k
    if k == "hex":
        return _hex(v, p)
    if k == "date-time":
        return parse_stamp(DateTime, v, p).to_bytes()
    if k == "obis":
        return _instance_from_json(v, p)
    try:
        return _str(v, p).encode("ascii")
    except UnicodeError:
        raise _err(p, "text here is ASCII only; use hex")


def td_to_json(td):
    """A compact-array type description: a type name, {"structure": [td, ...]}
    or {"array": {"count": n, "type": td}}."""
    if type(td) is int:
        return axdr.type_name(td)
    if td[0] == axdr.ARRAY:
        return {"array": {"count": td[1], "type": td_to_json(td[2])}}
    return {"structure": [td_to_json(x) for x in td[1]]}


def td_from_json(j, path=""):
    if isinstance(j, str):
        try:
            tag = axdr.type_tag(j)
        except KeyError:
            raise _err(path, "no data type named %r" % j)
        if tag in _LIST_TAGS or tag == axdr.COMPACT_ARRAY:
            raise _err(path, "%s takes a description, not a name" % j)
        return tag
    k, v = _choice(j, path, ("array", "structure"))
    path = path + "." + k
    if k == "array":
        _object(v, path, ("count", "type"))
        return (axdr.ARRAY, _int(v["count"], path + ".count", 0, 0xFFFF),
                td_from_json(v["type"], path + ".type"))
    return (axdr.STRUCTURE,
            tuple(td_from_json(x, "%s[%d]" % (path, i)) for i, x in enumerate(_list(v, path))))


def data_from_json(j, path="", depth=0):
    """A Data tuple from its JSON form; EncodeError names where the JSON is wrong."""
    if not isinstance(j, dict) or len(j) != 1:
        raise _err(path, "expected a Data value, an object of one key naming its type "
                   "({\"unsigned\": 5}), not %s" % (
                       _jtype(j) if not isinstance(j, dict) else "%d keys" % len(j)))
    (name, v), = j.items()
    try:
        tag = axdr.type_tag(name)
    except KeyError:
        raise _err(path, "no data type named %r" % name)
    path = (path + "." if path else "") + name
    if (tag in _LIST_TAGS or tag == axdr.COMPACT_ARRAY) and depth >= axdr.MAX_DEPTH:
        # the codec's bound, met here before a deep JSON exhausts the stack
        raise _err(path, "data nested deeper than %d" % axdr.MAX_DEPTH)
    if tag in _LIST_TAGS:
        items = [data_from_json(x, "%s[%d]" % (path, i), depth + 1)
                 for i, x in enumerate(_list(v, path))]
        return (tag, items)
    if tag == axdr.COMPACT_ARRAY:
        _object(v, path, ("type", "values"))
        td = td_from_json(v["type"], path + ".type")
        vp = path + ".values"
        items = [data_from_json(x, "%s[%d]" % (vp, i), depth + 1)
                 for i, x in enumerate(_list(v["values"], vp))]
        value = (tag, (td, items))
    elif tag == axdr.OCTET_STRING:
        value = (tag, octets_from_json(v, path))
    elif tag in _TEXT_TAGS:
        if isinstance(v, dict):
            _object(v, path, ("hex",))
            value = (tag, _hex(v["hex"], path + ".hex"))
        elif isinstance(v, str):
            value = (tag, v)
        else:
            raise _want(path, "a string or {\"hex\": ...}", v)
    elif tag in _FLOAT_FORMATS:
        if isinstance(v, dict):
            _object(v, path, ("hex",))
            raw = _hex(v["hex"], path + ".hex")
            if len(raw) != _FLOAT_FORMATS[tag][1]:
                raise _err(path, "%s takes %d raw bytes" % (name, _FLOAT_FORMATS[tag][1]))
            value = (tag, raw)
        elif isinstance(v, (int, float)) and not isinstance(v, bool):
            try:
                value = (tag, float(v))
            except OverflowError:
                raise _err(path, "%d is too large for a float" % v)
        else:
            raise _want(path, "a number or {\"hex\": ...}", v)
    elif tag in _STAMP_TAGS:
        value = (tag, parse_stamp(_STAMP_TAGS[tag], v, path))
    elif tag in _NONE_TAGS:
        if v is not None:
            raise _want(path, "null", v)
        value = (tag, None)
    elif tag == axdr.BOOLEAN:
        value = (tag, _bool(v, path))
    elif tag == axdr.BIT_STRING:
        s = _str(v, path)
        if s.strip("01"):
            raise _err(path, "a bit-string is a text of 0 and 1")
        value = (tag, s)
    else:  # the fixed-size numbers
        value = (tag, _int(v, path))
    try:  # the codec knows each type's range; ask it here, where the path is known
        axdr.encode(value)
    except DlmsError as e:
        raise _err(path, str(e))
    return value


# ------------------------------------------------------------------ field kinds
# Each kind turns a field's Python value into JSON (to_json) and back
# (from_json).  `ctx` is the APDU being shown, or the dict of the fields read
# so far: a ConfirmedServiceError's `error` is named by its `error_type`.


class _Kind:
    nullable = False

    def to_json(self, v, ctx):
        raise NotImplementedError

    def from_json(self, j, path, ctx):
        raise NotImplementedError


class _Nullable(_Kind):
    nullable = True

    def __init__(self, kind):
        self.kind = kind

    def to_json(self, v, ctx):
        return None if v is None else self.kind.to_json(v, ctx)

    def from_json(self, j, path, ctx):
        return None if j is None else self.kind.from_json(j, path, ctx)


class _Uint(_Kind):
    def __init__(self, bits):
        self.hi = (1 << bits) - 1

    def to_json(self, v, ctx):
        return v

    def from_json(self, j, path, ctx):
        return _int(j, path, 0, self.hi)


class _SignedInt(_Kind):
    def __init__(self, lo=None, hi=None):
        self.lo, self.hi = lo, hi

    def to_json(self, v, ctx):
        return v

    def from_json(self, j, path, ctx):
        return _int(j, path, self.lo, self.hi)


class _Bool(_Kind):
    def to_json(self, v, ctx):
        return v

    def from_json(self, j, path, ctx):
        return _bool(j, path)


class _Hex(_Kind):
    def to_json(self, v, ctx):
        return _hexstr(v)

    def from_json(self, j, path, ctx):
        return _hex(j, path)


class _Bits(_Kind):
    """A BER BIT STRING as '0'/'1' text (protocol-version, acse-requirements)."""

    def to_json(self, v, ctx):
        return v

    def from_json(self, j, path, ctx):
        s = _str(j, path)
        if s.strip("01"):
            raise _err(path, "a bit string is a text of 0 and 1")
        return s


class _Enum(_Kind):
    """An enumerated value shown by its name; a code the table lacks stays a number."""

    def __init__(self, table, lo=0, hi=255):
        self.table = table
        self.lo, self.hi = lo, hi

    def to_json(self, v, ctx):
        return common.name_of(self.table, v) or v

    def from_json(self, j, path, ctx):
        if isinstance(j, str):
            for code, name in self.table:
                if name == j:
                    return code
            raise _err(path, "%r is none of %s" % (j, ", ".join(n for _, n in self.table)))
        if type(j) is int:
            return _int(j, path, self.lo, self.hi)
        raise _want(path, "a name or a number", j)


class _InvokeId(_Kind):
    """Invoke-Id-And-Priority; bits 4-5 are reserved and shown only when set."""

    def to_json(self, v, ctx):
        i, confirmed, high = common.split_invoke_id_and_priority(v)
        j = {"invoke_id": i, "confirmed": confirmed, "high_priority": high}
        if v & 0x30:
            j["reserved"] = (v >> 4) & 3
        return j

    def from_json(self, j, path, ctx):
        if type(j) is int:  # the raw byte
            return _int(j, path, 0, 0xFF)
        # left out, the flags default as common.invoke_id_and_priority has them
        _object(j, path, ("invoke_id",), ("confirmed", "high_priority", "reserved"))
        v = _int(j["invoke_id"], path + ".invoke_id", 0, 15)
        v |= _int(j.get("reserved", 0), path + ".reserved", 0, 3) << 4
        if _bool(j.get("confirmed", True), path + ".confirmed"):
            v |= common.SERVICE_CLASS_CONFIRMED
        if _bool(j.get("high_priority", False), path + ".high_priority"):
            v |= common.PRIORITY_HIGH
        return v


_LONG_FLAGS = (("self_descriptive", common.LONG_SELF_DESCRIPTIVE),
               ("break_on_error", common.LONG_BREAK_ON_ERROR),
               ("confirmed", common.LONG_SERVICE_CLASS_CONFIRMED),
               ("high_priority", common.LONG_PRIORITY_HIGH))


class _LongInvokeId(_Kind):
    """Long-Invoke-Id-And-Priority; bits 24-27 are reserved and shown only when set."""

    def to_json(self, v, ctx):
        j = {"invoke_id": v & 0xFFFFFF}
        for name, bit in _LONG_FLAGS:
            j[name] = bool(v & bit)
        if v & 0x0F000000:
            j["reserved"] = (v >> 24) & 0x0F
        return j

    def from_json(self, j, path, ctx):
        if type(j) is int:
            return _int(j, path, 0, 0xFFFFFFFF)
        names = tuple(n for n, _ in _LONG_FLAGS)
        _object(j, path, ("invoke_id",), names + ("reserved",))  # flags default to false
        v = _int(j["invoke_id"], path + ".invoke_id", 0, 0xFFFFFF)
        v |= _int(j.get("reserved", 0), path + ".reserved", 0, 15) << 24
        for name, bit in _LONG_FLAGS:
            if _bool(j.get(name, False), path + "." + name):
                v |= bit
        return v


def _instance_from_json(j, path):
    s = _str(j, path)
    t = s.replace(" ", "")
    if len(t) == 12 and all(c in "0123456789abcdefABCDEF" for c in t):
        return bytes.fromhex(t)  # the six bytes in hex, as a trace shows them
    try:
        return obis.parse(s)
    except DlmsError as e:
        raise _err(path, str(e))


class _Descriptor(_Kind):
    """Cosem-Attribute-Descriptor / Cosem-Method-Descriptor."""

    def __init__(self, member):
        self.member = member

    def to_json(self, v, ctx):
        class_id, instance_id, member = v
        return {"class_id": class_id, "instance_id": obis.to_text(instance_id),
                self.member: member}

    def from_json(self, j, path, ctx):
        _object(j, path, ("class_id", "instance_id", self.member))
        return (_int(j["class_id"], path + ".class_id", 0, 0xFFFF),
                _instance_from_json(j["instance_id"], path + ".instance_id"),
                _int(j[self.member], path + "." + self.member, -128, 127))


class _Selection(_Kind):
    """Selective-Access-Descriptor OPTIONAL."""

    nullable = True

    def to_json(self, v, ctx):
        if v is None:
            return None
        selector, params = v
        return {"access_selector": selector,
                "access_parameters": data_to_json(params, ctx.guess)}

    def from_json(self, j, path, ctx):
        if j is None:
            return None
        _object(j, path, ("access_selector", "access_parameters"))
        return (_int(j["access_selector"], path + ".access_selector", 0, 255),
                data_from_json(j["access_parameters"], path + ".access_parameters"))


class _Data(_Kind):
    def to_json(self, v, ctx):
        return data_to_json(v, ctx.guess)

    def from_json(self, j, path, ctx):
        return data_from_json(j, path)


class _List(_Kind):
    def __init__(self, kind):
        self.kind = kind

    def to_json(self, v, ctx):
        return [self.kind.to_json(x, ctx) for x in v]

    def from_json(self, j, path, ctx):
        return [self.kind.from_json(x, "%s[%d]" % (path, i), ctx)
                for i, x in enumerate(_list(j, path))]


class _WithSelection(_Kind):
    """Cosem-Attribute-Descriptor-With-Selection."""

    def to_json(self, v, ctx):
        d, sel = v
        return {"attribute_descriptor": _ATTRIBUTE.to_json(d, ctx),
                "access_selection": _SELECTION.to_json(sel, ctx)}

    def from_json(self, j, path, ctx):
        _object(j, path, ("attribute_descriptor",), ("access_selection",))
        return (_ATTRIBUTE.from_json(j["attribute_descriptor"], path + ".attribute_descriptor",
                                     ctx),
                _SELECTION.from_json(j.get("access_selection"), path + ".access_selection", ctx))


class _Alternatives(_Kind):
    """A CHOICE shown as {alternative-name: value}.

    `alts` are (name, kind, test): to_json takes the first whose test accepts
    the Python value; from_json picks by name."""

    def __init__(self, *alts):
        self.alts = alts

    def to_json(self, v, ctx):
        for name, kind, test in self.alts:
            if test(v):
                return {name: kind.to_json(v, ctx)}
        raise EncodeError("no JSON form for %r" % (v,))

    def from_json(self, j, path, ctx):
        k, v = _choice(j, path, tuple(a[0] for a in self.alts))
        for name, kind, _ in self.alts:
            if name == k:
                return kind.from_json(v, path + "." + k, ctx)


def _is_int(v):
    return type(v) is int


def _is_not_int(v):
    return type(v) is not int


_DAR = _Enum(common.DATA_ACCESS_RESULT_NAMES)
_ACTION_RESULT = _Enum(common.ACTION_RESULT_NAMES)
_DATA = _Data()
_U8 = _Uint(8)
_U16 = _Uint(16)
_U32 = _Uint(32)
_BOOL = _Bool()
_HEX = _Hex()
_ATTRIBUTE = _Descriptor("attribute_id")
_METHOD = _Descriptor("method_id")
_SELECTION = _Selection()
# Get-Data-Result ::= CHOICE { data, data-access-result }
_GET_DATA_RESULT = _Alternatives(("data", _DATA, _is_not_int),
                                 ("data-access-result", _DAR, _is_int))
# DataBlock-G result ::= CHOICE { raw-data, data-access-result }
_DATABLOCK_RESULT = _Alternatives(("raw-data", _HEX, _is_not_int),
                                  ("data-access-result", _DAR, _is_int))


class _ActionResponse(_Kind):
    """Action-Response-With-Optional-Data: (result, return_parameters)."""

    _RET = _Nullable(_GET_DATA_RESULT)

    def to_json(self, v, ctx):
        result, ret = v
        return {"result": _ACTION_RESULT.to_json(result, ctx),
                "return_parameters": self._RET.to_json(ret, ctx)}

    def from_json(self, j, path, ctx):
        _object(j, path, ("result",), ("return_parameters",))
        return (_ACTION_RESULT.from_json(j["result"], path + ".result", ctx),
                self._RET.from_json(j.get("return_parameters"), path + ".return_parameters", ctx))


class _OctetsOrStamp(_Kind):
    """An OCTET STRING that holds a COSEM date-time (a notification's time): the
    date-time text when it has 12 bytes, else hex.  Hex never holds '-' or ':',
    so reading tells the two apart."""

    def to_json(self, v, ctx):
        if len(v) == DateTime.SIZE:
            return stamp_text(DateTime.from_bytes(v))
        return _hexstr(v)

    def from_json(self, j, path, ctx):
        s = _str(j, path)
        if "-" in s or ":" in s:
            return parse_stamp(DateTime, s, path).to_bytes()
        return _hex(s, path)


# DLMS UA's arcs (Green Book 9.4.2.2.2-3): {joint-iso-ccitt(2) country(16) country-name(756)
# identified-organization(5) DLMS-UA(8) application-context(1) | authentication-mechanism(2)}
_CONTEXT_ARCS = (2, 16, 756, 5, 8, 1)
_MECHANISM_ARCS = (2, 16, 756, 5, 8, 2)


class _Oid(_Kind):
    """application-context-name / mechanism-name: the name of a DLMS arc, else
    the dotted OID."""

    def __init__(self, prefix, table):
        self.prefix = prefix
        self.table = table

    def to_json(self, v, ctx):
        if type(v) is int:
            return common.name_of(self.table, v) or ".".join(map(str, self.prefix + (v,)))
        return ".".join(map(str, v))

    def from_json(self, j, path, ctx):
        if type(j) is int:
            return _int(j, path, 0, 0x0FFFFFFF)
        s = _str(j, path)
        for code, name in self.table:
            if name == s:
                return code
        try:
            arcs = tuple(int(a) for a in s.split("."))
        except ValueError:
            raise _err(path, "%r is none of %s, nor a dotted OID"
                       % (s, ", ".join(n for _, n in self.table)))
        if len(arcs) == len(self.prefix) + 1 and arcs[:-1] == self.prefix:
            return arcs[-1]
        return arcs


# A BER INTEGER in ACSE is signed; the codec bounds it (8 octets), the final encode says so.
_BER_RANGE = (-(1 << 63), (1 << 63) - 1)


class _Diagnostic(_Kind):
    """Associate-source-diagnostic: {"acse-service-user": "authentication-failure"}."""

    _TABLES = {acse.ACSE_SERVICE_USER: _Enum(acse.USER_DIAGNOSTIC_NAMES, *_BER_RANGE),
               acse.ACSE_SERVICE_PROVIDER: _Enum(acse.PROVIDER_DIAGNOSTIC_NAMES, *_BER_RANGE)}

    def to_json(self, v, ctx):
        source, value = v
        return {acse.name_of(acse.DIAGNOSTIC_SOURCE_NAMES, source):
                self._TABLES[source].to_json(value, ctx)}

    def from_json(self, j, path, ctx):
        k, v = _choice(j, path, tuple(n for _, n in acse.DIAGNOSTIC_SOURCE_NAMES))
        for source, name in acse.DIAGNOSTIC_SOURCE_NAMES:
            if name == k:
                return (source, self._TABLES[source].from_json(v, path + "." + k, ctx))


class _TextOrHex(_Kind):
    """Bytes that are usually text (implementation-information): the text when
    it is printable ASCII, else {"hex": ...}."""

    def to_json(self, v, ctx):
        return v.decode() if _printable(v) else {"hex": _hexstr(v)}

    def from_json(self, j, path, ctx):
        if isinstance(j, str):
            try:
                return j.encode("ascii")
            except UnicodeError:
                raise _err(path, "text here is ASCII only; use {\"hex\": ...}")
        _object(j, path, ("hex",))
        return _hex(j["hex"], path + ".hex")


_AUTH_CHOICES = (("charstring", 0), ("bitstring", 1), ("external", 2), ("other", 3))


class _AuthValue(_Kind):
    """Authentication-value: a printable charstring (an LLS password) as text,
    else {"charstring" | "bitstring" | "external" | "other": hex}."""

    def to_json(self, v, ctx):
        if isinstance(v, tuple):
            choice, raw = v
            for name, c in _AUTH_CHOICES:
                if c == choice:
                    return {name: _hexstr(raw)}
        if _printable(v):
            return v.decode()
        return {"charstring": _hexstr(v)}

    def from_json(self, j, path, ctx):
        if isinstance(j, str):
            return _TextOrHex().from_json(j, path, ctx)
        k, v = _choice(j, path, tuple(n for n, _ in _AUTH_CHOICES))
        raw = _hex(v, path + "." + k)
        for name, c in _AUTH_CHOICES:
            if name == k:
                return raw if c == 0 else (c, raw)


class _UserInformation(_Kind):
    """The xDLMS APDU inside an ACSE user-information, shown decoded when it is
    one this build knows and it encodes back to the same bytes; else hex
    (a ciphered glo-initiate-request, for one)."""

    def to_json(self, v, ctx):
        try:
            inner = decode_apdu(v)
            if inner.to_bytes() == bytes(v):
                return apdu_to_json(inner, ctx.guess, ctx.opener)
        except DlmsError:
            pass
        if ctx.opener is not None:  # a ciphered one: cipherview shows its parts
            j = ctx.opener(v)
            if j is not None:
                return j
        return _hexstr(v)

    def from_json(self, j, path, ctx):
        if isinstance(j, dict):
            return apdu_from_json(j, path).to_bytes()
        return _hex(j, path)


class _Conformance(_Kind):
    """The 24 Conformance bits by name, in bit order."""

    def to_json(self, v, ctx):
        return list(initiate.conformance_names(v))

    def from_json(self, j, path, ctx):
        if type(j) is int:
            return _int(j, path, 0, 0xFFFFFF)
        names = [_str(x, "%s[%d]" % (path, i)) for i, x in enumerate(_list(j, path))]
        try:
            return initiate.conformance_from_names(names)
        except DlmsError as e:
            raise _err(path, str(e))


class _ServiceError(_Kind):
    """ConfirmedServiceError's `error`, named within its `error_type`'s enumeration."""

    def to_json(self, v, ctx):
        return service_error.service_error_name(ctx.error_type, v) or v

    def from_json(self, j, path, ctx):
        if type(j) is int:
            return _int(j, path, 0, 255)
        s = _str(j, path)
        for t, _, names in service_error.SERVICE_ERROR_TYPES:
            if t == ctx.error_type:
                if s in names:
                    return names.index(s)
                raise _err(path, "%r is none of %s" % (s, ", ".join(names) or "(no names)"))
        raise _err(path, "give a number: error_type %r names no errors" % ctx.error_type)


# -- short-name referencing

_SN_SPECS = (
    # name, choice, JSON keys after the choice (in tuple order), their kinds
    ("variable-name", sn.VARIABLE_NAME, None, _U16),
    ("parameterized-access", sn.PARAMETERIZED_ACCESS,
     ("variable_name", "selector", "parameter"), (_U16, _U8, _DATA)),
    ("block-number-access", sn.BLOCK_NUMBER_ACCESS, None, _U16),
    ("read-data-block-access", sn.READ_DATA_BLOCK_ACCESS,
     ("last_block", "block_number", "raw_data"), (_BOOL, _U16, _HEX)),
    ("write-data-block-access", sn.WRITE_DATA_BLOCK_ACCESS,
     ("last_block", "block_number"), (_BOOL, _U16)),
)


class _SnChoice(_Kind):
    """A tuple led by its CHOICE number, shown as {alternative: value} where the
    value is one item, or an object of the items after the number."""

    def __init__(self, specs, flat=False):
        self.specs = specs
        self.flat = flat  # (choice, value) pairs instead of (choice, *items)

    def to_json(self, v, ctx):
        choice = v[0]
        rest = v[1] if self.flat else v[1:]
        for name, c, keys, kinds in self.specs:
            if c == choice:
                if keys is None:
                    return {name: kinds.to_json(rest if self.flat else rest[0], ctx)}
                return {name: {k: kd.to_json(x, ctx) for k, kd, x in zip(keys, kinds, rest)}}
        raise EncodeError("no JSON form for %r" % (v,))

    def from_json(self, j, path, ctx):
        k, v = _choice(j, path, tuple(s[0] for s in self.specs))
        p = path + "." + k
        for name, c, keys, kinds in self.specs:
            if name == k:
                if keys is None:
                    x = kinds.from_json(v, p, ctx)
                    return (c, x)
                _object(v, p, keys)
                items = tuple(kd.from_json(v[key], p + "." + key, ctx)
                              for key, kd in zip(keys, kinds))
                return (c,) + items if not self.flat else (c, items)


class _Null(_Kind):
    nullable = True

    def to_json(self, v, ctx):
        return None

    def from_json(self, j, path, ctx):
        if j is not None:
            raise _want(path, "null", j)
        return None


_READ_RESULT = _SnChoice((
    ("data", sn.READ_DATA, None, _DATA),
    ("data-access-error", sn.READ_DATA_ACCESS_ERROR, None, _DAR),
    ("data-block-result", sn.READ_DATA_BLOCK_RESULT,
     ("last_block", "block_number", "raw_data"), (_BOOL, _U16, _HEX)),
    ("block-number", sn.READ_BLOCK_NUMBER, None, _U16),
), flat=True)
_WRITE_RESULT = _SnChoice((
    ("success", sn.WRITE_SUCCESS, None, _Null()),
    ("data-access-error", sn.WRITE_DATA_ACCESS_ERROR, None, _DAR),
    ("block-number", sn.WRITE_BLOCK_NUMBER, None, _U16),
), flat=True)

# ------------------------------------------------------------------ the tables

_OCTETS_OR_STAMP = _Nullable(_OctetsOrStamp())
_NULLABLE_HEX = _Nullable(_HEX)
_NULLABLE_INT = _Nullable(_SignedInt())

_FIELD_KINDS = {
    # xDLMS services
    "invoke_id_and_priority": _InvokeId(),
    "long_invoke_id_and_priority": _LongInvokeId(),
    "attribute_descriptor": _ATTRIBUTE,
    "method_descriptor": _METHOD,
    "access_selection": _SELECTION,
    "attribute_descriptors": _List(_WithSelection()),
    "method_descriptors": _List(_METHOD),
    "last_block": _BOOL,
    "block_number": _U32,
    "raw_data": _HEX,
    "value": _DATA,
    "values": _List(_DATA),
    "body": _DATA,
    "date_time": _OCTETS_OR_STAMP,
    "time": _OCTETS_OR_STAMP,
    "current_time": _OCTETS_OR_STAMP,
    "variable_access_specifications": _List(_SnChoice(_SN_SPECS)),
    # InitiateRequest / InitiateResponse
    "dedicated_key": _NULLABLE_HEX,
    "response_allowed": _Nullable(_BOOL),
    "proposed_quality_of_service": _Nullable(_SignedInt(-128, 127)),
    "negotiated_quality_of_service": _Nullable(_SignedInt(-128, 127)),
    "proposed_dlms_version_number": _U8,
    "negotiated_dlms_version_number": _U8,
    "proposed_conformance": _Conformance(),
    "negotiated_conformance": _Conformance(),
    "client_max_receive_pdu_size": _U16,
    "server_max_receive_pdu_size": _U16,
    "vaa_name": _U16,
    # errors
    "state_error": _Enum(service_error.STATE_ERROR_NAMES),
    "service_error": _Enum(service_error.SERVICE_ERROR_NAMES),
    "invocation_counter": _Nullable(_U32),
    "service": _Enum(service_error.CONFIRMED_SERVICE_NAMES, 1, 19),
    "error_type": _Enum(tuple((t, n) for t, n, _ in service_error.SERVICE_ERROR_TYPES), 0, 10),
    "error": _ServiceError(),
    # ACSE: every element is OPTIONAL
    "protocol_version": _Nullable(_Bits()),
    "sender_acse_requirements": _Nullable(_Bits()),
    "responder_acse_requirements": _Nullable(_Bits()),
    "application_context_name": _Nullable(_Oid(_CONTEXT_ARCS, acse.CONTEXT_NAMES)),
    "mechanism_name": _Nullable(_Oid(_MECHANISM_ARCS, acse.MECHANISM_NAMES)),
    "result_source_diagnostic": _Nullable(_Diagnostic()),
    "implementation_information": _Nullable(_TextOrHex()),
    "user_information": _Nullable(_UserInformation()),
    "calling_authentication_value": _Nullable(_AuthValue()),
    "responding_authentication_value": _Nullable(_AuthValue()),
}
for _role in ("called", "calling", "responding"):
    _FIELD_KINDS[_role + "_ap_title"] = _NULLABLE_HEX
    _FIELD_KINDS[_role + "_ae_qualifier"] = _NULLABLE_HEX
    _FIELD_KINDS[_role + "_ap_invocation_id"] = _NULLABLE_INT
    _FIELD_KINDS[_role + "_ae_invocation_id"] = _NULLABLE_INT

# Names that mean different things in different APDUs.
_CLASS_FIELD_KINDS = {
    ("GetResponseNormal", "result"): _GET_DATA_RESULT,
    ("GetResponseWithDatablock", "result"): _DATABLOCK_RESULT,
    ("GetResponseWithList", "results"): _List(_GET_DATA_RESULT),
    ("SetResponseNormal", "result"): _DAR,
    ("SetResponseLastDatablock", "result"): _DAR,
    ("SetResponseLastDatablockWithList", "results"): _List(_DAR),
    ("SetResponseWithList", "results"): _List(_DAR),
    ("ActionRequestNormal", "parameters"): _Nullable(_DATA),
    ("ActionRequestWithList", "parameters"): _List(_DATA),
    ("ActionResponseNormal", "result"): _ACTION_RESULT,
    ("ActionResponseNormal", "return_parameters"): _Nullable(_GET_DATA_RESULT),
    ("ActionResponseWithList", "results"): _List(_ActionResponse()),
    ("ReadResponse", "results"): _List(_READ_RESULT),
    ("WriteResponse", "results"): _List(_WRITE_RESULT),
    ("AARE", "result"): _Nullable(_Enum(acse.RESULT_NAMES, *_BER_RANGE)),
    ("RLRQ", "reason"): _Nullable(_Enum(acse.RLRQ_REASON_NAMES, *_BER_RANGE)),
    ("RLRE", "reason"): _Nullable(_Enum(acse.RLRE_REASON_NAMES, *_BER_RANGE)),
}


class _Generic(_Kind):
    """A field the tables do not know yet (an APDU class newer than this view):
    shown by its Python type so that decode still works and simple values
    still round trip: ints, booleans, bytes as hex, text as {"text": ...},
    sequences as arrays."""

    nullable = True

    def to_json(self, v, ctx):
        if v is None or isinstance(v, (bool, int)):
            return v
        if isinstance(v, (bytes, bytearray, memoryview)):
            return _hexstr(v)
        if isinstance(v, str):
            return {"text": v}
        if isinstance(v, (list, tuple)):
            return [self.to_json(x, ctx) for x in v]
        return repr(v)

    def from_json(self, j, path, ctx):
        if j is None or isinstance(j, (bool, int)):
            return j
        if isinstance(j, str):
            return _hex(j, path)
        if isinstance(j, list):
            return [self.from_json(x, "%s[%d]" % (path, i), ctx) for i, x in enumerate(j)]
        _object(j, path, ("text",))
        return _str(j["text"], path + ".text")


_GENERIC = _Generic()


class _Named(_Generic):
    """A field the tables do not know but whose class names its codes (the
    class's NAMES): ints by name, lists of them as arrays, else as _Generic."""

    def __init__(self, table):
        self.enum = _Enum(table, -(1 << 63), (1 << 63) - 1)

    def to_json(self, v, ctx):
        if type(v) is int:
            return self.enum.to_json(v, ctx)
        return _Generic.to_json(self, v, ctx)

    def from_json(self, j, path, ctx):
        if isinstance(j, list):
            return [self.from_json(x, "%s[%d]" % (path, i), ctx) for i, x in enumerate(j)]
        if type(j) is int or (isinstance(j, str) and not _is_hex(j)):
            return self.enum.from_json(j, path, ctx)
        return _Generic.from_json(self, j, path, ctx)


def _is_hex(s):
    return bool(s) and all(c in "0123456789abcdefABCDEF" for c in s)


def field_kind(cls_name, field, generic=None):
    """The kind that shows `field` of the class named `cls_name`; `generic`
    when the tables have none."""
    return _CLASS_FIELD_KINDS.get((cls_name, field)) or _FIELD_KINDS.get(field) or generic


def _kind_of(cls, field):
    kind = field_kind(cls.__name__, field)
    if kind is not None:
        return kind
    for f, table in getattr(cls, "NAMES", ()):
        if f == field:
            return _Named(table)
    return _GENERIC


def apdu_classes():
    """Every APDU class of APDU_TABLE that this build has, in table order."""
    out = []
    for tag, choice, _, _ in APDU_TABLE:
        try:
            cls = apdu_class(tag, choice)
        except ImportError:
            continue
        if cls is not None and cls not in out:
            out.append(cls)
    return out


def _class_named(name, path):
    for tag, choice, _, cname in APDU_TABLE:
        if cname == name:
            try:
                cls = apdu_class(tag, choice)
            except ImportError:
                cls = None
            if cls is None:
                raise _err(path, "APDU %s is not in this build" % name)
            return cls
    raise _err(path, "no APDU named %r" % (name,))


# ------------------------------------------------------------------ APDUs


class _Fields(dict):
    """What a kind's from_json sees: the fields read so far (wire order puts
    error_type before the error it names), as attributes like an APDU's."""

    def __getattr__(self, name):
        return self.get(name)


class _Shown:
    """What a kind's to_json sees: the APDU's fields, how to show octet-strings,
    and what shows an APDU decode_apdu cannot read (user-information)."""

    def __init__(self, apdu, guess, opener):
        self._apdu = apdu
        self.guess = guess
        self.opener = opener

    def __getattr__(self, name):
        return getattr(self._apdu, name)


def apdu_to_json(apdu, guess=False, opener=None):
    """The JSON form (a dict) of an APDU object; `guess` as in data_to_json;
    `opener(bytes)` gives the JSON of an xDLMS APDU inside user-information
    that is not a plain one (or None)."""
    name = type(apdu).__name__
    j = {"apdu": name}
    ctx = _Shown(apdu, guess, opener)
    for f in apdu.FIELDS:
        kind = _kind_of(type(apdu), f)
        v = getattr(apdu, f)
        j[f] = None if v is None else kind.to_json(v, ctx)
    return j


def apdu_from_json(j, path=""):
    """An APDU object from its JSON form.  A field left out is null; null where
    the field is not OPTIONAL is an error."""
    if not isinstance(j, dict):
        raise _want(path, "an APDU object ({\"apdu\": \"GetRequestNormal\", ...})", j)
    if "apdu" not in j:
        raise _err(path, "missing key 'apdu' (the APDU's name)")
    name = j["apdu"]
    if not isinstance(name, str):
        raise _want(path + ".apdu" if path else "apdu", "the APDU's name", name)
    if name.startswith(("glo-", "ded-", "general-")):
        from .cipherview import ciphered_from_json  # it builds on this module

        return ciphered_from_json(j, path)
    cls = _class_named(name, path)
    path = path + "." + name if path else name
    for k in j:
        if k != "apdu" and k not in cls.FIELDS:
            raise _err(path, "no field %r" % (k,))
    values = _Fields()
    for f in cls.FIELDS:
        kind = _kind_of(cls, f)
        fj = j.get(f)
        p = path + "." + f
        if fj is None:
            if not kind.nullable:
                raise _err(p, "missing" if f not in j else "cannot be null")
            values[f] = None
        else:
            values[f] = kind.from_json(fj, p, values)
    apdu = cls(**values)
    try:  # the codec's last word, with the APDU named
        apdu.to_bytes()
    except (DlmsError, ValueError, TypeError) as e:
        raise _err(path, str(e))
    return apdu

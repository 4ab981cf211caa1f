"""`microcosem get OBIS [ATTR]`: read one attribute of a meter.

    microcosem get 1.0.1.8.0.255                 attribute 2 (the value)
    microcosem get 1.0.1.8.0.255 scaler_unit     by name (the class's attribute names)
    microcosem get 0.0.1.0.0.255 2 --class 8     no object-list look-up

The class id comes from --class, else from the meter's object list (read
once).  Values print as `type:text`, the form `microcosem set` reads back;
structures and arrays one element a line; --json prints jsonview's form.
The value of a register (classes 3, 4, 5) comes with its reading, scaled
by its scaler_unit (read in the same association): `= 230.1 V`.

This module also holds what the other meter commands share: values as
text and back (`value_text`, `parse_value`), attribute and method names,
the object-list look-up.
"""

import json
import sys

from microcosem import axdr, obis as obis_mod
from microcosem.errors import DlmsError

from .. import jsonview, meters
from ..cli import UsageError

CURRENT_ASSOCIATION = "0.0.40.0.0.255"

# Method names of the classes a meter usually has (IEC 62056-6-2, the class tables)
METHODS = {
    3: ("reset",), 4: ("reset",), 5: ("reset", "next_period"), 7: ("reset", "capture"),
    8: ("adjust_to_quarter", "adjust_to_measuring_period", "adjust_to_minute",
        "adjust_to_preset_time", "preset_adjusting_time", "shift_time"),
    9: ("execute",), 11: ("insert", "delete"),
    15: ("reply_to_hls_authentication", "change_hls_secret", "add_object", "remove_object",
         "add_user", "remove_user"),
    18: ("image_transfer_initiate", "image_block_transfer", "image_verify", "image_activate"),
    20: ("activate_passive_calendar",), 21: (), 22: (),
    40: ("push",), 64: ("security_activate", "key_transfer", "key_agreement",
                        "generate_key_pair", "generate_certificate_request", "import_certificate",
                        "export_certificate", "remove_certificate"),
    70: ("remote_disconnect", "remote_reconnect"),
}


# ---------------------------------------------------------------- names


def class_of(class_id):
    from microcosem.cosem.table import class_for

    try:
        return class_for(class_id)
    except ImportError:
        return None


def class_name(class_id):
    from microcosem.cosem.table import CLASSES

    for cid, _, name in CLASSES:
        if cid == class_id:
            return name
    return "class %d" % class_id


def attribute_names(class_id):
    """('logical_name', names of 2..) of a class this build knows, else ()."""
    cls = class_of(class_id)
    return ("logical_name",) + tuple(cls.ATTRS) if cls is not None else ()


def parse_obis(text):
    try:
        return obis_mod.obis(text)
    except DlmsError as e:
        raise UsageError("%r is not an OBIS code (%s): write it 1.0.1.8.0.255" % (text, e))


def _index(text, names, what, class_id):
    try:
        n = int(text)
    except ValueError:
        n = None
    if n is not None:
        if not 1 <= n <= 255:
            raise UsageError("%s %d is out of range (1..255)" % (what, n))
        return n
    if text in names:
        return names.index(text) + 1
    if names:
        raise UsageError("%s has no %s %r (%s)" % (class_name(class_id), what, text,
                                                    ", ".join("%d %s" % (i + 1, n)
                                                              for i, n in enumerate(names))))
    raise UsageError("%s %r: give its number (the names of %s are not known here)"
                     % (what, text, class_name(class_id)))


def attribute_index(class_id, text):
    return _index(text, attribute_names(class_id), "attribute", class_id)


def method_index(class_id, text):
    return _index(text, METHODS.get(class_id, ()), "method", class_id)


def attribute_label(class_id, index):
    names = attribute_names(class_id)
    return names[index - 1] if 0 < index <= len(names) else "attribute %d" % index


# ---------------------------------------------------------------- the object list


def object_list(m):
    """[(class_id, version, logical name bytes, attribute access, method access)]
    of the current association; access as [(id, mode, selectors)] / [(id, mode)]."""
    v = m.call("get", m.session.get, 15, CURRENT_ASSOCIATION, 2)
    out = []
    try:
        for entry in v[1]:
            f = entry[1]
            class_id, version, ln = f[0][1], f[1][1], bytes(f[2][1])
            attrs, methods = [], []
            if len(f) > 3 and f[3][0] == axdr.STRUCTURE:
                ar = f[3][1]
                for a in ar[0][1]:
                    af = a[1]
                    sel = af[2][1] if len(af) > 2 and af[2][0] == axdr.ARRAY else None
                    attrs.append((af[0][1], af[1][1], [s[1] for s in sel] if sel else []))
                if len(ar) > 1:
                    for mth in ar[1][1]:
                        mf = mth[1]
                        mode = mf[1][1]
                        methods.append((mf[0][1], int(mode) if type(mode) is not bool else
                                        (1 if mode else 0)))
            out.append((class_id, version, ln, attrs, methods))
    except (TypeError, IndexError, KeyError):
        raise DlmsError("the object list is not the Association LN structure the Blue Book gives")
    return out


def find_class(m, ln):
    for class_id, _, l, _, _ in object_list(m):
        if l == ln:
            m.listed = True
            return class_id
    raise meters.MeterError("%s is not in this association's object list: `microcosem list` "
                            "shows what the meter has (or give --class)" % obis_mod.to_text(ln))


def object_arguments(p, run):
    """What get, set and action end with: --class, the meter's options, run as the command."""
    p.add_argument("--class", dest="class_id", type=int, metavar="ID",
                   help="class id (else looked up in the object list)")
    meters.add_arguments(p)
    p.set_defaults(func=run)


def class_id_of(m, args, ln):
    """The class id --class gives, else the object list's."""
    return args.class_id if args.class_id is not None else find_class(m, ln)


# ---------------------------------------------------------------- values as text

_OCTETS_HELP = ("an octet-string takes hex (0102), an OBIS code (1.0.1.8.0.255), a date-time "
                "(2026-12-01 14:30:00 dev=-60) or \"text\" in quotes")


def _octets_text(b):
    j = jsonview.octets_to_json(bytes(b))
    if isinstance(j, dict):
        (k, v), = j.items()
        return json.dumps(v) if k == "text" else v
    return j


def value_text(v, indent=""):
    """The human text of a Data value: `type:text`, compound ones a line per element."""
    if isinstance(v, axdr.EncodedData):
        v = axdr.decode(b"".join(bytes(c) for c in v.chunks))
    tag, x = v
    name = axdr.type_name(tag)
    if tag in (axdr.STRUCTURE, axdr.ARRAY):
        if not x:
            return indent + name + ": (empty)"
        lines = [indent + "%s (%d):" % (name, len(x))]
        for item in x:
            lines.append(value_text(item, indent + "  "))
        return "\n".join(lines)
    if tag == axdr.COMPACT_ARRAY:
        return indent + name + ":" + json.dumps(jsonview.data_to_json(v)[name])
    if tag == axdr.OCTET_STRING:
        return indent + name + ":" + _octets_text(x)
    if tag in (axdr.NULL_DATA, axdr.DONT_CARE):
        return indent + name
    j = jsonview.data_to_json(v)[name]
    if tag == axdr.BOOLEAN:
        return indent + name + ":" + ("true" if x else "false")
    if isinstance(j, dict):  # raw hex of a text that is not text, a float that is no number
        return indent + name + ":" + json.dumps(j)
    return indent + name + ":" + str(j)


def scalar_text(v):
    """One cell of a table (CSV): the value alone, without its type."""
    tag, x = v
    if tag == axdr.OCTET_STRING:
        t = _octets_text(x)
        return json.loads(t) if t.startswith('"') else t
    if tag in (axdr.STRUCTURE, axdr.ARRAY, axdr.COMPACT_ARRAY):
        return json.dumps(jsonview.data_to_json(v, guess=True)[axdr.type_name(tag)])
    if tag in (axdr.NULL_DATA, axdr.DONT_CARE):
        return ""
    j = jsonview.data_to_json(v)[axdr.type_name(tag)]
    if tag == axdr.BOOLEAN:
        return "true" if x else "false"
    return json.dumps(j) if isinstance(j, dict) else str(j)


def _octets_json(text):
    t = text.strip()
    if t.startswith('"'):
        try:
            s = json.loads(t)
        except ValueError:
            raise UsageError("%s: %s is not a quoted text" % (_OCTETS_HELP, t))
        return {"text": s}
    h = "".join(t.split())
    if all(c in "0123456789abcdefABCDEF" for c in h) and len(h) % 2 == 0:
        return h
    if t.count(".") == 5 or ":" in t and "-" in t[:4] and t.count(":") == 1 and " " not in t:
        try:
            return {"obis": obis_mod.to_text(obis_mod.obis(t))}
        except DlmsError:
            pass
    if "-" in t and ":" in t:
        return {"date-time": t}
    raise UsageError("octet-string:%s: %s" % (text, _OCTETS_HELP))


def parse_value(text):
    """A Data value from `type:text` (long-unsigned:7, octet-string:0102,
    visible-string:abc, boolean:true, date-time:2026-12-01 10:00:00, null-data)
    or from JSON in jsonview's form ({"structure": [...]})."""
    t = text.strip()
    if t.startswith("{"):
        try:
            j = json.loads(t)
        except ValueError as e:
            raise UsageError("the value is not JSON: %s" % e)
    else:
        name, colon, rest = t.partition(":")
        name = name.strip()
        try:
            tag = axdr.type_tag(name)
        except KeyError:
            tag = None
        if tag is None:
            raise UsageError("%r: a value is type:text (long-unsigned:7, octet-string:0102, "
                             "visible-string:abc) or JSON ({\"unsigned\": 5}); %r is no type name"
                             % (text, name))
        if tag in (axdr.STRUCTURE, axdr.ARRAY, axdr.COMPACT_ARRAY):
            raise UsageError("a %s is given as JSON: {\"%s\": [{\"unsigned\": 1}, ...]}"
                             % (name, name))
        if tag in (axdr.NULL_DATA, axdr.DONT_CARE):
            if rest.strip():
                raise UsageError("%s takes no text" % name)
            j = {name: None}
        elif not colon:
            raise UsageError("%r: give the value after a colon (%s:...)" % (text, name))
        elif tag == axdr.OCTET_STRING:
            j = {name: _octets_json(rest)}
        elif tag in (axdr.VISIBLE_STRING, axdr.UTF8_STRING, axdr.BIT_STRING,
                     axdr.DATE_TIME, axdr.DATE, axdr.TIME):
            j = {name: rest}
        elif tag == axdr.BOOLEAN:
            r = rest.strip().lower()
            if r not in ("true", "false", "1", "0"):
                raise UsageError("boolean takes true or false, not %r" % rest)
            j = {name: r in ("true", "1")}
        elif tag in (axdr.FLOAT32, axdr.FLOAT64):
            try:
                j = {name: float(rest)}
            except ValueError:
                raise UsageError("%s takes a number, not %r" % (name, rest))
        else:
            try:
                j = {name: int(rest.strip(), 0)}
            except ValueError:
                raise UsageError("%s takes an integer, not %r" % (name, rest))
    try:
        return jsonview.data_from_json(j)
    except DlmsError as e:
        raise UsageError("the value: %s" % e)


# ---------------------------------------------------------------- scaled register values

# Unit enumeration of scaler_unit (IEC 62056-6-2, 4.3.2): the common ones
UNITS = ((1, "a"), (2, "mo"), (3, "wk"), (4, "d"), (5, "h"), (6, "min"), (7, "s"), (8, "deg"),
         (9, "degC"), (10, "currency"), (11, "m"), (12, "m/s"), (13, "m3"), (14, "m3"),
         (15, "m3/h"), (16, "m3/h"), (17, "m3/d"), (18, "m3/d"), (19, "l"), (20, "kg"),
         (21, "N"), (22, "Nm"), (23, "Pa"), (24, "bar"), (25, "J"), (26, "J/h"), (27, "W"),
         (28, "VA"), (29, "var"), (30, "Wh"), (31, "VAh"), (32, "varh"), (33, "A"), (34, "C"),
         (35, "V"), (36, "V/m"), (37, "F"), (38, "Ohm"), (39, "Ohm m2/m"), (40, "Wb"), (41, "T"),
         (42, "A/m"), (43, "H"), (44, "Hz"), (45, "1/(Wh)"), (46, "1/(varh)"), (47, "1/(VAh)"),
         (48, "V2h"), (49, "A2h"), (50, "kg/s"), (51, "S"), (52, "K"), (56, "%"), (57, "Ah"),
         (255, ""))

# class id -> (attributes that hold a scaled value, the scaler_unit attribute)
SCALED = {3: ((2,), 3), 4: ((2,), 3), 5: ((2, 3), 4)}


def scaled(value, scaler_unit):
    """(number, unit text) of a register value and its scaler_unit, else None."""
    try:
        tag, x = value
        (_, scaler), (_, unit) = scaler_unit[1]
    except (TypeError, ValueError):
        return None
    if type(x) is not int or type(scaler) is not int:
        return None
    n = x * 10 ** scaler if scaler >= 0 else x / 10 ** -scaler
    if scaler < 0:
        n = round(n, -scaler)
    for u, name in UNITS:
        if u == unit:
            return n, name
    return n, "unit %d" % unit


def print_json(obj, out=None):
    out = out or sys.stdout
    out.write(json.dumps(obj) + "\n")


# ---------------------------------------------------------------- the command


def register(sub):
    p = sub.add_parser("get", help="read an attribute of a meter's object",
                       description="Read one attribute: OBIS then the attribute by number or "
                                   "name (2, the value, when left out).")
    p.add_argument("obis", metavar="OBIS", help="logical name, 1.0.1.8.0.255")
    p.add_argument("attribute", metavar="ATTR", nargs="?", default="2",
                   help="attribute number or name (2)")
    object_arguments(p, run)


def run(args):
    s = meters.resolve(args)
    ln = parse_obis(args.obis)
    with meters.Meter(s) as m:
        class_id = class_id_of(m, args, ln)
        attr = attribute_index(class_id, args.attribute)
        value = m.call("get", m.session.get, class_id, ln, attr)
        reading = None
        if class_id in SCALED and attr in SCALED[class_id][0]:
            try:  # the value as a reading: it is the scaler_unit that makes 2301 into 230.1 V
                reading = scaled(value, m.session.get(class_id, ln, SCALED[class_id][1]))
            except DlmsError:
                reading = None
    if args.json:
        j = {"obis": obis_mod.to_text(ln), "class_id": class_id, "attribute": attr,
             "value": jsonview.data_to_json(value)}
        if reading is not None:
            j["scaled"], j["unit"] = reading
        print_json(j)
    else:
        print(value_text(value))
        if reading is not None:
            print("= %s %s" % (reading[0], reading[1]) if reading[1] else "= %s" % reading[0])
    return 0

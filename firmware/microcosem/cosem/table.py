"""A meter's objects from one declarative list: the list a firmware engineer edits.

Each entry is `(class, logical_name, attributes, short_name)`; class is a
class id or a class, attributes a dict (or a tuple of pairs, which stays in
flash when the firmware is frozen) of attribute values and constructor
options, short_name may be left off.  `build(TABLE)` turns it into objects,
in order (the object_list order), ready for `ObjectModel(objects)`.

    from microcosem.axdr import DOUBLE_LONG_UNSIGNED, LONG, OCTET_STRING
    from microcosem.cosem.table import bind, build

    TABLE = (
        (8, "0.0.1.0.0.255", {"time_source": rtc.seconds, "time_zone": (LONG, -60)}, 0x2000),
        (1, "0.0.96.1.0.255", {"value": (OCTET_STRING, b"MCS0001")}, 0x2100),
        (3, "1.0.1.8.0.255", {"value": lambda: (DOUBLE_LONG_UNSIGNED, meter.import_wh),
                              "scaler_unit": (0, 30), "reset": meter.clear}, 0x2200),
        (7, "1.0.99.1.0.255", {"capture_objects": (("0.0.1.0.0.255", 2), ("1.0.1.8.0.255", 2)),
                               "capture_period": (DOUBLE_LONG_UNSIGNED, 900),
                               "profile_entries": 960, "row_size": 19}, 0x2300),
        (15, "0.0.40.0.0.255", None),
    )
    model = bind(build(TABLE))          # an ObjectModel; scripts and monitors find objects in it

Conveniences `build` applies: a scaler_unit given as two ints (scaler,
unit); an option whose value is a logical-name text ("clock":
"0.0.1.0.0.255") and each capture object given as (logical_name,
attribute[, data_index]) name an object earlier in the same table.
"""

from ..obis import obis
from .base import scaler_unit

# class id -> (module, class name): modules are imported only for the classes a table uses
CLASSES = (
    (1, "register", "Data"), (3, "register", "Register"), (4, "register", "ExtendedRegister"),
    (5, "register", "DemandRegister"), (6, "control", "RegisterActivation"),
    (7, "profile", "ProfileGeneric"), (8, "clock", "Clock"), (9, "control", "ScriptTable"),
    (11, "calendar", "SpecialDaysTable"), (12, "association_sn", "AssociationSN"),
    (15, "association", "AssociationLN"), (17, "setup", "SapAssignment"),
    (18, "image", "ImageTransfer"), (19, "setup", "IecLocalPortSetup"),
    (20, "calendar", "ActivityCalendar"), (21, "control", "RegisterMonitor"),
    (22, "control", "SingleActionSchedule"), (23, "setup", "IecHdlcSetup"),
    (40, "setup", "PushSetup"), (41, "setup", "TcpUdpSetup"), (42, "setup", "Ipv4Setup"),
    (64, "setup", "SecuritySetup"), (70, "control", "DisconnectControl"),
    (71, "control", "Limiter"),
)

_REFERENCES = ("clock", "monitored", "executed_script", "script_table", "security_setup",
               "controlled", "thresholds_object", "target")


def class_for(class_id):
    """The class of a class id, or None for one this build does not have."""
    for cid, module, name in CLASSES:
        if cid == class_id:
            try:
                mod = __import__("microcosem.cosem." + module, None, None, (name,))
            except ImportError:
                return None
            return getattr(mod, name, None)
    return None


def make(class_id, logical_name, **options):
    """A new object of a class with its default attributes, or None if it cannot be made."""
    cls = class_for(class_id)
    if cls is None:
        return None
    try:
        return cls(logical_name, **options)
    except TypeError:  # a class that needs options (a clock needs its time source)
        return None


def _pairs(attrs):
    if attrs is None:
        return ()
    if type(attrs) is dict:
        return attrs.items()
    return attrs


def build(table):
    """The objects of a table, in its order."""
    objs = []
    by_ln = {}
    for entry in table:
        cls, ln, attrs = entry[0], entry[1], entry[2]
        sn = entry[3] if len(entry) > 3 else None
        if type(cls) is int:
            cid = cls
            cls = class_for(cid)
            if cls is None:
                raise ValueError("class %d is not in this build" % cid)
        options = {}
        for k, v in _pairs(attrs):
            options[k] = _convenience(k, v, by_ln)
        if sn is not None:
            options["short_name"] = sn
        obj = cls(ln, **options)
        objs.append(obj)
        by_ln[obj.logical_name] = obj
    return objs


def bind(objects, model=None):
    """An ObjectModel of `objects` (or `model`, given), set as the `model` of every
    object that names others at run time (script tables, monitors, schedules)."""
    if model is None:
        from ..server.model import ObjectModel
        model = ObjectModel(objects)
    for obj in objects:
        if hasattr(obj, "model") and obj.model is None:
            obj.model = model
    return model


def _find(by_ln, ln):
    obj = by_ln.get(obis(ln))
    if obj is None:
        raise ValueError("%s names no object above it in the table" % ln)
    return obj


def _convenience(key, v, by_ln):
    if key == "scaler_unit" and type(v) is tuple and len(v) == 2 and type(v[1]) is int:
        return scaler_unit(v[0], v[1])
    if key in _REFERENCES and type(v) is str:
        return _find(by_ln, v)
    if key == "capture_objects":
        out = []
        for c in v:
            if type(c[0]) is str:
                out.append((_find(by_ln, c[0]), c[1], c[2] if len(c) > 2 else 0))
            else:
                out.append((c[0], c[1], c[2] if len(c) > 2 else 0))
        return tuple(out)
    return v

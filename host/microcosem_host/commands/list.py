"""`microcosem list`: the object list of the association, as a table.

    CLASS              VER  OBIS              ATTRIBUTES               METHODS
    Clock                0  0.0.1.0.0.255     1r 2r 3r 4r 5r ...       1- 2- ...

Access per attribute: r read, w write, rw both, - none (a trailing `*`: it
takes selective access); per method: x allowed, - not.  --json gives every
entry with its class name, attribute names and access modes.
"""

from microcosem import obis as obis_mod

from .. import meters
from .get import METHODS, attribute_names, class_name, object_list, print_json

# attribute access modes (IEC 62056-6-2 Association LN, attribute_access_item)
_MODES = ((0, "no-access", "-"), (1, "read-only", "r"), (2, "write-only", "w"),
          (3, "read-and-write", "rw"), (4, "authenticated-read-only", "R"),
          (5, "authenticated-write-only", "W"), (6, "authenticated-read-and-write", "RW"))
_METHOD_MODES = ((0, "no-access", "-"), (1, "access", "x"), (2, "authenticated-access", "X"))


def _mode(table, v, short):
    for n, name, s in table:
        if n == v:
            return s if short else name
    return str(v)


def register(sub):
    p = sub.add_parser("list", help="the meter's object list (class, version, OBIS, access)",
                       description="Read the current association's object list and show each "
                                   "object's class, version, OBIS code and access rights.")
    meters.add_arguments(p)
    p.set_defaults(func=run)


def run(args):
    s = meters.resolve(args)
    with meters.Meter(s) as m:
        objects = object_list(m)
    if args.json:
        out = []
        for class_id, version, ln, attrs, methods in objects:
            names = attribute_names(class_id)
            mnames = METHODS.get(class_id, ())
            out.append({
                "class_id": class_id, "class": class_name(class_id), "version": version,
                "obis": obis_mod.to_text(ln),
                "attributes": [{"id": i, "name": names[i - 1] if 0 < i <= len(names) else None,
                                "access": _mode(_MODES, mode, False), "selectors": sel}
                               for i, mode, sel in attrs],
                "methods": [{"id": i, "name": mnames[i - 1] if 0 < i <= len(mnames) else None,
                             "access": _mode(_METHOD_MODES, mode, False)} for i, mode in methods]})
        print_json(out)
        return 0
    rows = []
    for class_id, version, ln, attrs, methods in objects:
        a = " ".join("%d%s%s" % (i, _mode(_MODES, mode, True), "*" if sel else "")
                     for i, mode, sel in attrs)
        mt = " ".join("%d%s" % (i, _mode(_METHOD_MODES, mode, True)) for i, mode in methods)
        rows.append(("%s (%d)" % (class_name(class_id), class_id), str(version),
                     obis_mod.to_text(ln), a, mt or "-"))
    head = ("CLASS", "VER", "OBIS", "ATTRIBUTES", "METHODS")
    w = [max(len(r[i]) for r in rows + [head]) for i in range(4)]
    for r in [head] + rows:
        print("%-*s  %*s  %-*s  %-*s  %s" % (w[0], r[0], w[1], r[1], w[2], r[2], w[3], r[3], r[4]))
    print("%d objects; access: r read, w write, rw both, - none, * selective access; "
          "methods: x allowed" % len(rows))
    return 0

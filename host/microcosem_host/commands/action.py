"""`microcosem action OBIS METHOD [VALUE]`: invoke a method.

    microcosem -m demo-management action 0.0.25.9.0.255 push
    microcosem -m demo-management action 1.0.1.6.0.255 1 integer:0

METHOD by number or name (reset, capture, push, remote_disconnect, ...).
VALUE as for `microcosem set`; left out it is integer:0, the parameter the
Blue Book gives the methods that take none.  What a method returns is printed
as `microcosem get` prints values.
"""

from microcosem import obis as obis_mod

from .. import jsonview, meters
from .get import (class_id_of, method_index, object_arguments, parse_obis, parse_value, print_json,
                  value_text)


def register(sub):
    p = sub.add_parser("action", help="invoke a method of a meter's object",
                       description="Invoke a method. VALUE as for set; integer:0 when left out.")
    p.add_argument("obis", metavar="OBIS")
    p.add_argument("method", metavar="METHOD", help="method number or name")
    p.add_argument("value", metavar="VALUE", nargs="?", default="integer:0",
                   help="the parameter, type:text or JSON (integer:0)")
    object_arguments(p, run)


def run(args):
    s = meters.resolve(args)
    ln = parse_obis(args.obis)
    value = parse_value(args.value)
    if args.class_id is not None:
        method_index(args.class_id, args.method)
    with meters.Meter(s) as m:
        class_id = class_id_of(m, args, ln)
        method = method_index(class_id, args.method)
        ret = m.call("action", m.session.action, class_id, ln, method, value)
    if args.json:
        print_json({"obis": obis_mod.to_text(ln), "class_id": class_id, "method": method,
                    "result": "success",
                    "return": None if ret is None else jsonview.data_to_json(ret)})
    else:
        print("success" if ret is None else value_text(ret))
    return 0

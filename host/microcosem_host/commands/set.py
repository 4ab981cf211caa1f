"""`microcosem set OBIS ATTR VALUE`: write one attribute.

    microcosem -m demo-management set 0.0.96.11.0.255 2 long-unsigned:7
    microcosem set 0.0.25.9.0.255 send_destination_and_method \\
        '{"structure": [{"enum": 0}, {"octet-string": {"text": "127.0.0.1:4063"}}, {"enum": 0}]}'

VALUE is `type:text` (long-unsigned:7, octet-string:0102, visible-string:abc,
date-time:2026-12-01 10:00:00 dev=-60) or JSON in jsonview's form; see
`microcosem get`, whose output is the same text.
"""

from microcosem import obis as obis_mod

from .. import jsonview, meters
from .get import attribute_index, class_id_of, object_arguments, parse_obis, parse_value, print_json


def register(sub):
    p = sub.add_parser("set", help="write an attribute of a meter's object",
                       description="Write one attribute. VALUE is type:text (long-unsigned:7, "
                                   "octet-string:0102, visible-string:abc) or JSON "
                                   "({\"structure\": [{\"enum\": 0}, ...]}).")
    p.add_argument("obis", metavar="OBIS")
    p.add_argument("attribute", metavar="ATTR", help="attribute number or name")
    p.add_argument("value", metavar="VALUE", help="type:text or JSON")
    object_arguments(p, run)


def run(args):
    s = meters.resolve(args)
    ln = parse_obis(args.obis)
    value = parse_value(args.value)
    if args.class_id is not None:
        attr = attribute_index(args.class_id, args.attribute)
    with meters.Meter(s) as m:
        class_id = class_id_of(m, args, ln)
        attr = attribute_index(class_id, args.attribute)
        m.call("set", m.session.set, class_id, ln, attr, value)
    if args.json:
        print_json({"obis": obis_mod.to_text(ln), "class_id": class_id, "attribute": attr,
                    "value": jsonview.data_to_json(value), "result": "success"})
    else:
        print("success")
    return 0

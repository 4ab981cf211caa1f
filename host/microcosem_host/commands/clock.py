"""`microcosem clock`: the meter's clock; --set ISO or --sync to the PC's time.

    meter time  2026-12-01 14:30:05 dev=-60 status=0x00  (2026-12-01T14:30:05+01:00)
    pc time     2026-12-01T14:30:04.6+01:00  (the meter is 0.4 s ahead)

--set writes attribute 2 (time) with the deviation the meter's own time
carries, --sync the same with the PC's time at the moment of the SET; both
need an association with write access (-m demo-management).
"""

import datetime
import time

from microcosem import axdr
from microcosem.cosemdate import DateTime
from microcosem.errors import DlmsError

from .. import jsonview, meters
from .get import parse_obis, print_json
from .profile import iso_text, parse_time


def register(sub):
    p = sub.add_parser("clock", help="read the meter's clock, or set it (--set ISO, --sync)",
                       description="Read the clock (attribute 2) and compare it with the PC's; "
                                   "--set ISO or --sync writes it.")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--set", dest="set_to", metavar="ISO",
                   help="set the clock to this time (2026-12-01T14:30:00+01:00)")
    g.add_argument("--sync", action="store_true", help="set the clock to the PC's time")
    p.add_argument("--obis", default="0.0.1.0.0.255", help="the clock object (0.0.1.0.0.255)")
    meters.add_arguments(p)
    p.set_defaults(func=run)


def _stamp(v):
    tag, x = v
    if tag == axdr.OCTET_STRING and len(x) == 12:
        return DateTime.from_bytes(bytes(x))
    if tag == axdr.DATE_TIME:
        return x
    raise DlmsError("the clock's time is a %s, not a date-time" % axdr.type_name(tag))


def run(args):
    s = meters.resolve(args)
    ln = parse_obis(args.obis)
    target = parse_time(args.set_to, "--set")[0] if args.set_to else None
    with meters.Meter(s) as m:
        before = _stamp(m.call("get", m.session.get, 8, ln, 2))
        written = None
        if target is not None or args.sync:
            dev = before.deviation if before.deviation is not None else 0
            ts = target if target is not None else round(time.time())
            written = DateTime.from_timestamp(ts, dev, None)
            m.call("set", m.session.set, 8, ln, 2, (axdr.OCTET_STRING, written.to_bytes()))
        raw = m.call("get", m.session.get, 8, ln, 2)
        pc = time.time()
    now = _stamp(raw)
    try:
        offset = now.to_timestamp() + (now.hundredths or 0) / 100.0 - pc
    except ValueError:
        offset = None
    if args.json:
        print_json({"time": jsonview.stamp_text(now), "iso": iso_text(now.to_bytes()),
                    "pc_time": datetime.datetime.fromtimestamp(pc).astimezone().isoformat(),
                    "offset_s": None if offset is None else round(offset, 1),
                    "set_to": None if written is None else iso_text(written.to_bytes())})
        return 0
    if written is not None:
        print("set to      %s" % iso_text(written.to_bytes()))
    print("meter time  %s  (%s)" % (jsonview.stamp_text(now), iso_text(now.to_bytes()) or "-"))
    pc_text = datetime.datetime.fromtimestamp(pc).astimezone().isoformat(timespec="milliseconds")
    if offset is None:
        print("pc time     %s" % pc_text)
    else:
        print("pc time     %s  (the meter is %.1f s %s)"
              % (pc_text, abs(offset), "ahead" if offset >= 0 else "behind"))
    return 0

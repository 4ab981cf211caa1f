"""`microcosem profile OBIS`: a profile generic's buffer, as CSV or JSON.

    microcosem profile 1.0.99.1.0.255 --from 2026-12-01T00:00 --to 2026-12-01T06:00
    microcosem profile 1.0.99.1.0.255 --entries 1:96 --json
    microcosem profile 0.0.99.98.0.255                    the whole buffer

--from/--to ask for a range (access selector 1) on the first captured clock
(the first column when none is a clock); a time without an offset is the
PC's local time.  --entries A:B asks for entries A to B (selector 2; B left
out: to the last).  The columns are the capture objects (attribute 3),
headed `OBIS attribute-name`; date-times become ISO 8601 with their offset.
The answer comes by block transfer as the meter sends it; with --progress,
or when stderr is a terminal, a line on stderr counts the blocks and bytes.
"""

import csv
import datetime
import sys

from microcosem import axdr, obis as obis_mod
from microcosem.cosemdate import DateTime
from microcosem.errors import DlmsError

from .. import jsonview, meters
from ..cli import UsageError
from .get import attribute_label, parse_obis, print_json, scalar_text


def register(sub):
    p = sub.add_parser("profile", help="read a load profile or log (profile generic) as CSV",
                       description="Read a profile generic's buffer by time range or by entries; "
                                   "CSV (default) or --json.")
    p.add_argument("obis", metavar="OBIS", help="the profile generic, 1.0.99.1.0.255")
    p.add_argument("--from", dest="start", metavar="ISO", help="from this time (2026-12-01T00:00)")
    p.add_argument("--to", dest="end", metavar="ISO", help="to this time (included)")
    p.add_argument("--entries", metavar="A:B", help="entries A to B, 1-based (B empty: the last)")
    p.add_argument("--progress", action="store_true",
                   help="count blocks and bytes on stderr (default when it is a terminal)")
    meters.add_arguments(p)
    p.set_defaults(func=run)


def parse_time(text, what):
    """Seconds (UTC) and the offset in minutes east of UTC of an ISO 8601 text."""
    t = text.strip()
    if t.endswith("Z"):
        t = t[:-1] + "+00:00"
    try:
        dt = datetime.datetime.fromisoformat(t)
    except ValueError:
        raise UsageError("%s %r is not an ISO 8601 time (2026-12-01T14:30, "
                         "2026-12-01T14:30:00+01:00)" % (what, text))
    if dt.tzinfo is None:
        dt = dt.astimezone()  # the PC's local time
    return int(dt.timestamp()), int(dt.utcoffset().total_seconds() // 60)


def cosem_time(text, what):
    """The date-time (as 12 bytes) of an ISO text, with its own offset as the deviation."""
    ts, east = parse_time(text, what)
    return DateTime.from_timestamp(ts, -east, None).to_bytes()


def _entries(text):
    a, colon, b = text.partition(":")
    try:
        first = int(a) if a.strip() else 1
        last = int(b) if b.strip() else 0
    except ValueError:
        raise UsageError("--entries takes A:B, two entry numbers (1:96, 10:, :50), not %r" % text)
    if not colon or first < 1 or last < 0 or (last and last < first):
        raise UsageError("--entries takes A:B with 1 <= A <= B (B empty: to the last), not %r"
                         % text)
    return first, last


def iso_text(b):
    """ISO 8601 of a fully specified 12-byte date-time, else None."""
    try:
        dt = DateTime.from_bytes(bytes(b))
        ts = dt.to_timestamp()
    except (DlmsError, ValueError):
        return None
    dev = dt.deviation
    if dev is None:
        return datetime.datetime.fromtimestamp(ts, datetime.timezone.utc).strftime(
            "%Y-%m-%dT%H:%M:%SZ")
    tz = datetime.timezone(datetime.timedelta(minutes=-dev))
    return datetime.datetime.fromtimestamp(ts, tz).isoformat()


def cell(v):
    tag, x = v
    if tag == axdr.OCTET_STRING and len(x) == 12 or tag == axdr.DATE_TIME:
        raw = x if tag == axdr.OCTET_STRING else x.to_bytes()
        t = iso_text(raw)
        if t is not None:
            return t
    return scalar_text(v)


class Progress:
    """What the blocks of a long answer add up to, on stderr as they arrive."""

    def __init__(self, show, label):
        self.show = show
        self.label = label
        self.blocks = 0
        self.data = bytearray()

    def __call__(self, raw):
        self.blocks += 1
        self.data += raw
        if self.show:
            sys.stderr.write("\r%s: %d blocks, %d bytes" % (self.label, self.blocks, len(self.data)))
            sys.stderr.flush()

    def done(self):
        if self.show and self.blocks:
            sys.stderr.write("\n")
            sys.stderr.flush()


def run(args):
    s = meters.resolve(args)
    ln = parse_obis(args.obis)
    if args.entries and (args.start or args.end):
        raise UsageError("give --from/--to or --entries, not both")
    entries = _entries(args.entries) if args.entries else None
    start = cosem_time(args.start, "--from") if args.start else None
    end = cosem_time(args.end, "--to") if args.end else None
    show = args.progress or sys.stderr.isatty()
    with meters.Meter(s) as m:
        capture = m.call("get", m.session.get, 7, ln, 3)
        columns = []
        try:
            for c in capture[1]:
                f = c[1]
                columns.append((f[0][1], bytes(f[1][1]), f[2][1], f[3][1]))
        except (TypeError, IndexError):
            raise DlmsError("capture_objects of %s is not an array of capture object "
                            "definitions" % args.obis)
        selector = None
        if entries is not None:
            selector = (2, (axdr.STRUCTURE, [(axdr.DOUBLE_LONG_UNSIGNED, entries[0]),
                                             (axdr.DOUBLE_LONG_UNSIGNED, entries[1]),
                                             (axdr.LONG_UNSIGNED, 1), (axdr.LONG_UNSIGNED, 0)]))
        elif start is not None or end is not None:
            if not columns:
                raise meters.MeterError("%s captures nothing: no range to ask for" % args.obis)
            col = next((c for c in columns if c[0] == 8 and c[2] == 2), columns[0])
            lo = start or DateTime(0, 1, 1, None, 0, 0, 0, None, None, None).to_bytes()
            hi = end or DateTime(9999, 12, 31, None, 23, 59, 59, None, None, None).to_bytes()
            selector = (1, (axdr.STRUCTURE, [
                (axdr.STRUCTURE, [(axdr.LONG_UNSIGNED, col[0]), (axdr.OCTET_STRING, col[1]),
                                  (axdr.INTEGER, col[2]), (axdr.LONG_UNSIGNED, col[3])]),
                (axdr.OCTET_STRING, lo), (axdr.OCTET_STRING, hi), (axdr.ARRAY, [])]))
        progress = Progress(show, "profile %s" % obis_mod.to_text(ln))
        try:
            result = m.call("get", m.session.get, 7, ln, 2, selector, into=progress)
        finally:
            progress.done()
    if type(result) is int:  # came in blocks, gathered by progress
        rows = axdr.decode(bytes(progress.data))
    else:
        rows = result
    if rows[0] != axdr.ARRAY:
        raise DlmsError("the buffer is a %s, not an array of rows" % axdr.type_name(rows[0]))
    heads = ["%s %s" % (obis_mod.to_text(c[1]), attribute_label(c[0], c[2])) for c in columns]
    if args.json:
        print_json({"obis": obis_mod.to_text(ln), "columns": heads, "blocks": progress.blocks,
                    "rows": [[jsonview.data_to_json(v, guess=True) for v in r[1]]
                             if r[0] == axdr.STRUCTURE else jsonview.data_to_json(r, guess=True)
                             for r in rows[1]]})
        return 0
    w = csv.writer(sys.stdout, lineterminator="\n")
    if heads:
        w.writerow(heads)
    for r in rows[1]:
        w.writerow([cell(v) for v in r[1]] if r[0] == axdr.STRUCTURE else [cell(r)])
    return 0

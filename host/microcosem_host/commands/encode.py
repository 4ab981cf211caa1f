"""`microcosem encode`: the JSON of `microcosem decode` back to hex, one APDU a line.

    microcosem decode C001C1000800000100 00FF0200 | microcosem encode

stdin (or the JSON argument) holds one or more JSON values, each an APDU
object or a list of them.  A Data value ({"unsigned": 5}, as `decode --data`
prints) gives its A-XDR bytes.  A frame view of `decode --frame` gives the whole
frame back, its length, HCS and FCS worked out anew.
"""

import json
import sys

from microcosem import axdr

from ..cli import UsageError
from ..frameview import frame_from_json
from ..jsonview import apdu_from_json, data_from_json

_TYPE_NAMES = tuple(name for _, name in axdr.TYPE_NAMES)


def register(sub):
    p = sub.add_parser(
        "encode", help="print the hex of APDUs (or frames) given as JSON",
        description="Read APDUs as JSON (the form `microcosem decode` prints: one object, "
                    "a list, or several values one after another) and print each one's "
                    "bytes in hex, one APDU a line.  Data values (decode --data) and "
                    "frame views (decode --frame) are taken too.")
    p.add_argument("json", nargs="?", metavar="JSON",
                   help="the JSON text; '-' or nothing reads stdin")
    p.add_argument("--spaces", action="store_true", help="a space between bytes")
    p.set_defaults(func=run)


def json_values(text):
    """Every JSON value in `text`, one after another (decode prints one a line)."""
    dec = json.JSONDecoder()
    pos = 0
    n = len(text)
    values = []
    while True:
        while pos < n and text[pos].isspace():
            pos += 1
        if pos == n:
            return values
        try:
            v, pos = dec.raw_decode(text, pos)
        except json.JSONDecodeError as e:
            raise ValueError("bad JSON: %s" % e)
        except RecursionError:
            raise ValueError("bad JSON: nested too deep (at char %d)" % pos)
        values.append(v)


def run(args):
    if args.json is not None and args.json != "-":
        text = args.json
    elif sys.stdin.isatty():
        raise UsageError("encode: give the JSON, or pipe it into stdin")
    else:
        text = sys.stdin.read()
    apdus = []
    for v in json_values(text):
        apdus.extend(v if isinstance(v, list) else [v])
    if not apdus:
        raise ValueError("no APDU in the JSON")
    many = len(apdus) > 1
    lines = []
    for i, j in enumerate(apdus):
        path = "[%d]" % i if many else ""
        if isinstance(j, dict) and "frame" in j:
            b = frame_from_json(j, path)
        elif isinstance(j, dict) and "apdu" not in j:
            if len(j) != 1 or next(iter(j)) not in _TYPE_NAMES:
                raise ValueError("%s%s holds neither \"apdu\" (an APDU), \"frame\" (a frame) "
                                 "nor one data type name (a Data value)"
                                 % (path + ": " if path else "", "an object of keys "
                                    + ", ".join(repr(k) for k in list(j)[:4])))
            b = axdr.encode(data_from_json(j, path))
        else:
            b = apdu_from_json(j, path).to_bytes()
        h = b.hex().upper()
        if args.spaces:
            h = " ".join(h[k:k + 2] for k in range(0, len(h), 2))
        lines.append(h)
    sys.stdout.write("\n".join(lines) + "\n")
    return 0

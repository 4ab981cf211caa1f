"""`microcosem decode`: APDUs (or whole frames) given in hex, printed as JSON.

    microcosem decode C0 01 C1 0008 0000010000FF 02 00
    microcosem decode --frame auto - < capture.txt     one APDU or frame(s) a line

The JSON is the form `microcosem encode` reads back (see jsonview).
"""

import json
import sys

from microcosem.apdu import decode_apdu
from microcosem.errors import DecodeError, IncompleteData

from ..cli import UsageError
from ..frameview import HdlcView, detect, wrapper_frames
from ..jsonview import apdu_to_json


def register(sub):
    p = sub.add_parser(
        "decode", help="print APDUs or frames given in hex as JSON",
        description="Print an APDU (or with --frame, whole HDLC / wrapper frames) given in "
                    "hex as JSON, the form `microcosem encode` reads back.")
    p.add_argument("hex", nargs="*", metavar="HEX",
                   help="the bytes in hex, spaces allowed; '-' (or nothing) reads stdin, "
                        "one APDU or frame(s) a line, '#' starts a comment line")
    p.add_argument("--frame", choices=("hdlc", "wrapper", "auto"),
                   help="the input is whole frames (auto: 7E.. HDLC, 00 01.. wrapper, "
                        "else a bare APDU)")
    p.add_argument("--pretty", action="store_true", help="indented JSON")
    p.set_defaults(func=run)


def parse_hex(text):
    """Bytes from hex digits with any whitespace between; ValueError naming the
    first character that is not a hex digit (1-based column)."""
    digits = []
    for i, c in enumerate(text):
        if c in "0123456789abcdefABCDEF":
            digits.append(c)
        elif not c.isspace():
            raise ValueError("not hex: %r at column %d" % (c, i + 1))
    if len(digits) % 2:
        raise ValueError("odd number of hex digits (%d)" % len(digits))
    return bytes.fromhex("".join(digits))


def _inputs(args):
    """(label, text) for each APDU or frame line to decode."""
    if args.hex and args.hex != ["-"]:
        if "-" in args.hex:
            raise UsageError("decode: '-' (stdin) cannot be mixed with hex arguments")
        return [(None, " ".join(args.hex))]
    if not args.hex and sys.stdin.isatty():
        raise UsageError("decode: give the hex, or '-' to read it from stdin")
    return _lines(sys.stdin)


def _lines(stream):
    for n, line in enumerate(stream, 1):
        s = line.strip()
        if s and not s.startswith("#"):
            yield "line %d" % n, s


def _views(buf, mode, hdlc):
    if mode == "auto":
        mode = detect(buf)
    if mode == "hdlc":
        return hdlc.frames(buf)
    if mode == "wrapper":
        return wrapper_frames(buf)
    return [apdu_to_json(decode_apdu(buf))]


def run(args):
    hdlc = HdlcView()
    out = sys.stdout
    for label, text in _inputs(args):
        where = label + ": " if label else ""
        try:
            buf = parse_hex(text)
        except ValueError as e:
            raise ValueError(where + str(e))
        if not buf:
            raise ValueError(where + "no bytes")
        try:
            views = _views(buf, args.frame, hdlc)
        except IncompleteData as e:
            raise DecodeError("%s%s ends early: %s" % (where, "frame" if args.frame else "APDU", e))
        except DecodeError as e:
            raise DecodeError(where + str(e))
        for v in views:
            out.write(json.dumps(v, indent=2 if args.pretty else None, ensure_ascii=False))
            out.write("\n")
        out.flush()
    return 0

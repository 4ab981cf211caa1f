"""`microcosem decode`: APDUs (or whole frames) given in hex, printed as JSON.

    microcosem decode C0 01 C1 0008 0000010000FF 02 00
    microcosem decode --frame auto - < capture.txt     one APDU or frame(s) a line
    microcosem decode --data 0203 1200 01 ...          a bare Data value

The JSON is the form `microcosem encode` reads back (see jsonview).
"""

import argparse
import json
import sys

from microcosem import axdr
from microcosem.errors import DecodeError, IncompleteData

from ..cli import UsageError
from ..cipherview import ApduView, Keys
from ..frameview import HdlcView, detect, wrapper_frames
from ..jsonview import data_to_json


def register(sub):
    p = sub.add_parser(
        "decode", help="print APDUs or frames given in hex as JSON",
        description="Print an APDU (or with --frame, whole HDLC / wrapper frames) given in "
                    "hex as JSON, the form `microcosem encode` reads back.")
    p.add_argument("hex", nargs="*", metavar="HEX",
                   help="the bytes in hex, spaces allowed; '-' (or nothing) reads stdin, "
                        "one APDU or frame(s) a line, '#' starts a comment")
    p.add_argument("--frame", choices=("hdlc", "wrapper", "auto"),
                   help="the input is whole frames (auto: 7E.. HDLC, 00 01.. wrapper, "
                        "else a bare APDU)")
    p.add_argument("--data", action="store_true",
                   help="the input is a bare A-XDR Data value (a raw-data block put together)")
    p.add_argument("--guess", action="store_true",
                   help="show octet-strings that look like a date-time, an OBIS code or text "
                        "as such (encode reads both forms)")
    p.add_argument("--pretty", action="store_true", help="indented JSON")
    k = p.add_argument_group(
        "ciphered APDUs", "glo-/ded-/general-ciphering APDUs are always shown by their parts; "
        "with the keys, opened too.  The system titles, when not given, are taken from the "
        "AARQ and AARE of the capture, the dedicated key from the InitiateRequest.")
    for name, what in (("ek", "the global encryption key"), ("ak", "the authentication key"),
                       ("dedicated-key", "the dedicated key"),
                       ("broadcast-key", "the global broadcast key"),
                       ("client-title", "the client's system title (8 bytes)"),
                       ("server-title", "the server's system title (8 bytes)")):
        k.add_argument("--" + name, metavar="HEX", type=_hex_option, help=what + " in hex")
    p.set_defaults(func=run)


def _hex_option(text):
    try:
        return parse_hex(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e))


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
        s = line.partition("#")[0].strip()  # a note after the bytes is allowed
        if s:
            yield "line %d" % n, s


def _views(buf, args, hdlc):
    if args.data:
        return [data_to_json(axdr.decode(buf), args.guess)]
    mode = args.frame
    if mode == "auto":
        mode = detect(buf)
    if mode == "hdlc":
        return hdlc.frames(buf)
    if mode == "wrapper":
        return wrapper_frames(buf, hdlc.apdus)
    return [hdlc.apdus.view(buf)]


def run(args):
    if args.data and args.frame:
        raise UsageError("decode: --data and --frame exclude each other")
    keys = None
    if args.ek is not None or args.dedicated_key is not None:
        keys = Keys(args.ek, args.ak, args.dedicated_key, args.broadcast_key,
                    args.client_title, args.server_title)
    hdlc = HdlcView(ApduView(args.guess, keys))  # one for the run: it learns as it reads
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
            views = _views(buf, args, hdlc)
        except IncompleteData as e:
            framed = args.frame and (args.frame != "auto" or detect(buf))
            what = "data" if args.data else "frame" if framed else "APDU"
            raise DecodeError("%s%s ends early: %s" % (where, what, e))
        except DecodeError as e:
            raise DecodeError(where + str(e))
        if not views:
            raise DecodeError(where + "no frame, only flags")
        for v in views:
            out.write(json.dumps(v, indent=2 if args.pretty else None, ensure_ascii=False))
            out.write("\n")
        out.flush()
    return 0

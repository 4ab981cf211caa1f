"""`microcosem listen --port N`: receive pushes (DataNotification and the
other unsolicited APDUs) on TCP, in wrapper frames, and print them decoded.

    microcosem listen --port 4063 [--ek HEX --ak HEX] [--count N] [--json]

Each connection may carry any number of frames; a ciphered APDU (glo-,
ded-, general-glo-ciphering) is opened with --ek/--ak, the sender's system
title taken from a general-ciphering APDU or from --server-title.  A
DataNotification prints its invoke id, its time and its body as `microcosem
get` prints values; --json prints one JSON object a line (jsonview's form,
with the wrapper's wPorts and the peer's address).  --count N stops after N
APDUs (scripts, tests); Ctrl-C stops otherwise.
"""

import socket
import sys

from microcosem.errors import DlmsError
from microcosem.profiles import wrapper

from .. import jsonview
from ..cipherview import ApduView, Keys
from ..cli import UsageError
from .get import print_json, value_text


def register(sub):
    p = sub.add_parser("listen", help="receive pushed DataNotifications on TCP and print them",
                       description="Listen on TCP for wrapper frames carrying pushes "
                                   "(DataNotification, EventNotification, ...) and print them.")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    p.add_argument("--port", type=int, required=True, help="TCP port")
    p.add_argument("--ek", help="encryption key to open ciphered pushes, hex")
    p.add_argument("--ak", help="authentication key, hex")
    p.add_argument("--server-title", dest="server_title",
                   help="the meter's system title, hex (glo- APDUs do not carry it)")
    p.add_argument("--count", type=int, help="stop after this many APDUs")
    p.add_argument("--timeout", type=float, help="stop with an error after this many seconds "
                                                 "without a push")
    p.add_argument("--json", action="store_true", help="one JSON object a line")
    p.set_defaults(func=run)


def _key(text, name, n):
    if text is None:
        return None
    try:
        b = bytes.fromhex(text)
    except ValueError:
        b = b""
    if len(b) != n:
        raise UsageError("--%s takes %d bytes in hex, not %r" % (name, n, text))
    return b


def _plain(j):
    """The plain APDU's JSON of a ciphered one that opened (else the JSON itself)."""
    while isinstance(j, dict) and "plain" in j:
        j = j["plain"]
    return j


def show(j, out):
    """Human lines for one received APDU's JSON (from jsonview / cipherview)."""
    name = j.get("apdu")
    if "plain_error" in j:
        out.write("%s: cannot open it: %s\n" % (name, j["plain_error"]))
        return
    if "information" in j and "plain" not in j:
        out.write("%s (system title %s, invocation counter %d): give --ek and --ak to open it\n"
                  % (name, j.get("system_title") or "-", j.get("invocation_counter")))
        return
    p = _plain(j)
    via = " (%s)" % name if p is not j else ""
    if p.get("apdu") == "DataNotification":
        iid = p["long_invoke_id_and_priority"]
        when = p.get("date_time")
        if isinstance(when, dict):
            (_, when), = when.items()
        out.write("DataNotification%s invoke id %s, time %s\n"
                  % (via, iid.get("invoke_id", iid) if isinstance(iid, dict) else iid,
                     when or "-"))
        out.write(value_text(jsonview.data_from_json(p["body"]), "  ") + "\n")
        return
    out.write("%s%s\n" % (p.get("apdu"), via))
    for k, v in p.items():
        if k != "apdu":
            out.write("  %s: %s\n" % (k, v))


def run(args):
    if args.count is not None and args.count < 1:
        raise UsageError("--count takes a number from 1")
    ek = _key(args.ek, "ek", 16)
    ak = _key(args.ak, "ak", 16)
    title = _key(args.server_title, "server-title", 8)
    if (ek is None) != (ak is None):
        raise UsageError("give --ek and --ak together")
    view = ApduView(guess=True, keys=Keys(ek=ek, ak=ak, server_title=title)
                    if ek is not None else None)
    srv = socket.socket(socket.AF_INET6 if ":" in args.host else socket.AF_INET)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        srv.bind((args.host, args.port))
    except OSError as e:
        raise DlmsError("cannot listen on %s:%d: %s" % (args.host, args.port, e.strerror or e))
    srv.listen(4)
    srv.settimeout(args.timeout)
    if not args.json:
        print("listening on %s:%d for pushes (wrapper frames)" % (args.host, args.port),
              file=sys.stderr)
    received = 0
    try:
        while args.count is None or received < args.count:
            try:
                conn, peer = srv.accept()
            except socket.timeout:
                raise DlmsError("no push within %gs" % args.timeout)
            received += _connection(conn, peer, view, args, received)
    finally:
        srv.close()
    return 0


def _connection(conn, peer, view, args, received):
    frames = wrapper.WrapperReassembler(max_length=0xFFFF)
    n = 0
    conn.settimeout(args.timeout if args.timeout else 30)
    with conn:
        while args.count is None or received + n < args.count:
            try:
                chunk = conn.recv(65536)
            except OSError:
                break
            if not chunk:
                break
            try:
                frames.feed(chunk)
                msg = frames.next_apdu()
                while msg is not None:
                    source, destination, apdu = msg
                    _one(bytes(apdu), source, destination, peer, view, args)
                    n += 1
                    if args.count is not None and received + n >= args.count:
                        break
                    msg = frames.next_apdu()
            except DlmsError as e:  # a bad frame ends this connection, not the listener
                print("microcosem listen: %s:%d: %s" % (peer[0], peer[1], e), file=sys.stderr)
                break
    if frames.pending() and not args.json:
        print("microcosem listen: %s:%d left %d bytes of a frame"
              % (peer[0], peer[1], frames.pending()), file=sys.stderr)
    return n


def _one(apdu, source, destination, peer, view, args):
    try:
        j = view.view(apdu)
    except DlmsError as e:
        j = {"apdu": None, "hex": apdu.hex().upper(), "error": str(e)}
    if args.json:
        j = dict(j)
        j["from"] = "%s:%d" % (peer[0], peer[1])
        j["source_wport"] = source
        j["destination_wport"] = destination
        print_json(j)
    else:
        sys.stdout.write("from %s:%d wPort %d -> %d: " % (peer[0], peer[1], source, destination))
        if j.get("apdu") is None:
            sys.stdout.write("not an APDU this build knows (%s): %s\n" % (j["error"], j["hex"]))
        else:
            show(j, sys.stdout)
    sys.stdout.flush()

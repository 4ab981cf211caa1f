"""Where a meter is and how to talk to it: flags, named profiles, the session.

Settings come from defaults, then a named profile (`-m NAME`), then flags.
Profiles live in ~/.config/microcosem/meters.toml (MICROCOSEM_METERS names
another file), one table a meter, keys as the flags without the dashes:

    [kitchen]
    host = "192.168.1.40"
    port = 4059
    client = 1                  # client SAP (wrapper: the source wPort)
    server = 1                  # logical device (wrapper: destination wPort; HDLC: upper)
    auth = "hls-gmac"           # none | lls | hls-gmac
    ek = "000102030405060708090A0B0C0D0E0F"
    ak = "D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF"
    system_title = "4D4D4D0000000001"   # the client's
    security = "auth-enc"       # none | auth | enc | auth-enc (hls-gmac: auth-enc)
    timeout = 10

Built in, for the demo meter `microcosem serve` runs with its test
credentials: "demo" (public, SAP 16), "demo-reader" (SAP 17, LLS 12345678)
and "demo-management" (SAP 1, HLS-GMAC, every APDU authenticated and
encrypted); a table of the same name in meters.toml replaces one.

A ciphered association's invocation counter must only go up for the meter
to take it, so it is kept per client system title in
~/.local/state/microcosem/client-ic/ (MICROCOSEM_STATE names another
folder), reserved 32 ahead as the meter does; `--ic N` starts from N.
"""

import os

from microcosem.apdu.acse import CONTEXT_LN, CONTEXT_LN_CIPHERED
from microcosem.client import Client, ClientSettings, Session
from microcosem.errors import AccessError, AssociationError, DlmsError, ServiceError

from .cli import UsageError
from . import link

DEFAULTS = (("host", "127.0.0.1"), ("port", 4059), ("transport", "wrapper"), ("serial", None),
            ("mode_e", False), ("baud", 9600), ("client", 16), ("server", 1), ("physical", None),
            ("auth", "none"), ("password", None), ("ek", None), ("ak", None),
            ("system_title", None), ("security", None), ("timeout", 10.0), ("ic", None),
            ("max_pdu", 1024))
_KEYS = tuple(k for k, _ in DEFAULTS)
_INTS = ("port", "baud", "client", "server", "physical", "ic", "max_pdu")
_HEX = (("ek", 16), ("ak", 16), ("system_title", 8))
AUTHS = ("none", "lls", "hls-gmac")
SECURITY = (("none", 0), ("auth", 0x10), ("enc", 0x20), ("auth-enc", 0x30))
TRANSPORTS = ("wrapper", "udp", "hdlc")

_DEMO_EK = "000102030405060708090A0B0C0D0E0F"
_DEMO_AK = "D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF"
BUILTIN = {
    "demo": {"client": 16},
    "demo-reader": {"client": 17, "auth": "lls", "password": "12345678"},
    "demo-management": {"client": 1, "auth": "hls-gmac", "ek": _DEMO_EK, "ak": _DEMO_AK,
                        "system_title": "4D4D4D0000000001"},
}


def add_arguments(p, json_flag=True):
    """The connection flags every meter command takes."""
    g = p.add_argument_group("connection (flags override the -m profile)")
    g.add_argument("-m", "--meter", metavar="NAME",
                   help="a profile of meters.toml (or demo, demo-reader, demo-management)")
    g.add_argument("--host", help="meter address (127.0.0.1)")
    g.add_argument("--port", type=int, help="TCP/UDP port (4059)")
    g.add_argument("--transport", choices=TRANSPORTS,
                   help="wrapper (IEC 62056-47 on TCP, the default), udp, hdlc (on TCP, or on "
                        "--serial)")
    g.add_argument("--serial", metavar="PORT", help="serial port for HDLC (/dev/ttyUSB0)")
    g.add_argument("--mode-e", dest="mode_e", action="store_true", default=None,
                   help="open the serial optical port with IEC 62056-21 mode E first")
    g.add_argument("--baud", type=int, help="serial baud rate without mode E (9600)")
    g.add_argument("-c", "--client", type=int, metavar="SAP",
                   help="client SAP: 16 public (default), 17 reader, 1 management")
    g.add_argument("-s", "--server", type=int, metavar="N",
                   help="logical device: wrapper wPort / HDLC upper address (1)")
    g.add_argument("--physical", type=int, metavar="N", help="HDLC physical (lower) address")
    g.add_argument("-a", "--auth", choices=AUTHS, help="authentication (none)")
    g.add_argument("-p", "--password", help="LLS password")
    g.add_argument("--ek", help="global unicast encryption key, hex")
    g.add_argument("--ak", help="authentication key, hex")
    g.add_argument("--system-title", dest="system_title", help="the client's system title, hex")
    g.add_argument("--security", choices=tuple(n for n, _ in SECURITY),
                   help="APDU protection (hls-gmac: auth-enc; else none)")
    g.add_argument("--ic", type=int, help="invocation counter to start from")
    g.add_argument("--timeout", type=float, help="seconds to wait for an answer (10)")
    g.add_argument("--max-pdu", dest="max_pdu", type=int,
                   help="client-max-receive-pdu-size (1024)")
    if json_flag:
        p.add_argument("--json", action="store_true", help="JSON for scripts")


def meters_file():
    return os.environ.get("MICROCOSEM_METERS") or os.path.join(
        os.path.expanduser("~"), ".config", "microcosem", "meters.toml")


def load_profiles(path=None):
    """The tables of meters.toml ({} when there is no file)."""
    path = path or meters_file()
    try:
        f = open(path, "rb")
    except FileNotFoundError:
        return {}
    except OSError as e:
        raise UsageError("cannot read %s: %s" % (path, e.strerror or e))
    try:
        import tomllib
    except ImportError:  # Python before 3.11
        import tomli as tomllib
    with f:
        try:
            doc = tomllib.load(f)
        except tomllib.TOMLDecodeError as e:
            raise UsageError("%s: %s" % (path, e))
    for name, table in doc.items():
        if not isinstance(table, dict):
            raise UsageError("%s: %r is not a table ([%s] with host, port, ...)" % (path, name, name))
        for k in table:
            if k not in _KEYS:
                raise UsageError("%s: [%s] has an unknown key %r (known: %s)"
                                 % (path, name, k, ", ".join(_KEYS)))
    return doc


def resolve(args):
    """The settings dict: defaults, the profile args.meter names, then the flags."""
    s = dict(DEFAULTS)
    name = getattr(args, "meter", None)
    if name:
        profiles = load_profiles()
        table = profiles.get(name, BUILTIN.get(name))
        if table is None:
            known = sorted(set(profiles) | set(BUILTIN))
            raise UsageError("no meter profile %r in %s (known: %s)"
                             % (name, meters_file(), ", ".join(known)))
        s.update(table)
        where = "profile %r" % name
    else:
        where = None
    for k in _KEYS:
        v = getattr(args, k, None)
        if v is not None:
            s[k] = v
    return check(s, where)


def check(s, where=None):
    def bad(msg):
        raise UsageError(("%s: %s" % (where, msg)) if where else msg)

    for k in _INTS:
        v = s[k]
        if v is not None and type(v) is not int:
            bad("%s takes a number, not %r" % (k, v))
    if s["timeout"] is not None and not isinstance(s["timeout"], (int, float)):
        bad("timeout takes seconds, not %r" % (s["timeout"],))
    if s["transport"] not in TRANSPORTS:
        bad("transport %r is none of %s" % (s["transport"], ", ".join(TRANSPORTS)))
    if s["auth"] not in AUTHS:
        bad("auth %r is none of %s" % (s["auth"], ", ".join(AUTHS)))
    if s["serial"] and s["transport"] == "wrapper":
        s["transport"] = "hdlc"  # a serial port carries HDLC
    if s["serial"] and s["transport"] != "hdlc":
        bad("--serial carries HDLC, not %s" % s["transport"])
    if s["mode_e"] and not s["serial"]:
        bad("--mode-e is the opening of a serial optical port: give --serial PORT")
    if not 0 < s["port"] < 65536:
        bad("port %d is out of range" % s["port"])
    for k, n in _HEX:
        v = s[k]
        if v is None:
            continue
        try:
            b = bytes.fromhex(str(v))
        except ValueError:
            b = b""
        if len(b) != n:
            bad("%s takes %d bytes in hex, not %r" % (k.replace("_", "-"), n, v))
        s[k] = b
    sec = s["security"]
    if sec is None:
        sec = s["security"] = "auth-enc" if s["auth"] == "hls-gmac" else "none"
    if sec not in dict(SECURITY):
        bad("security %r is none of %s" % (sec, ", ".join(n for n, _ in SECURITY)))
    if s["auth"] == "lls" and not s["password"]:
        bad("--auth lls needs --password")
    if s["auth"] == "hls-gmac" or sec != "none":
        missing = [k.replace("_", "-") for k, _ in _HEX if s[k] is None]
        if missing:
            bad("%s needs --%s" % ("--auth hls-gmac" if s["auth"] == "hls-gmac"
                                   else "--security " + sec, " --".join(missing)))
    return s


def describe(s):
    """'127.0.0.1:4059 (wrapper), client 16' for messages."""
    where = s["serial"] or "%s:%d" % (s["host"], s["port"])
    return "%s (%s), client %d" % (where, s["transport"], s["client"])


# ---------------------------------------------------------------- invocation counter


def _state_dir():
    return os.environ.get("MICROCOSEM_STATE") or os.path.join(
        os.path.expanduser("~"), ".local", "state", "microcosem")


class _CounterStore:
    """The client's invocation counter, reserved ahead in a file per system title."""

    def __init__(self, title):
        self.path = os.path.join(_state_dir(), "client-ic", title.hex().upper())

    def load(self):
        try:
            with open(self.path) as f:
                return int(f.read().strip() or "1")
        except (OSError, ValueError):
            return 1

    def reserve(self, limit):
        try:
            os.makedirs(os.path.dirname(self.path), exist_ok=True)
            tmp = self.path + ".tmp"
            with open(tmp, "w") as f:
                f.write("%d\n" % limit)
            os.replace(tmp, self.path)
        except OSError:
            pass  # a read-only home: the counter still goes up within this run


# ---------------------------------------------------------------- the session


def _open_link(s):
    t = s["timeout"]
    if s["transport"] == "wrapper":
        return link.WrapperTcp(s["host"], s["port"], s["client"], s["server"], t)
    if s["transport"] == "udp":
        return link.WrapperUdp(s["host"], s["port"], s["client"], s["server"], t)
    if s["serial"]:
        stream = link.SerialStream(s["serial"], s["baud"])
        try:
            if s["mode_e"]:
                link.mode_e_opening(stream, t)
        except DlmsError:
            stream.close()
            raise
    else:
        stream = link.SocketStream(s["host"], s["port"], t)
    try:
        return link.Hdlc(stream, server_upper=s["server"], client_sap=s["client"],
                         server_lower=s["physical"], timeout=t)
    except DlmsError:
        stream.close()
        raise


def client_settings(s):
    sc = dict(SECURITY)[s["security"]]
    security = None
    if sc:
        from microcosem.security.ciphering import ClientSecurity

        store = _CounterStore(s["system_title"])
        ic = s["ic"] if s["ic"] is not None else store.load()
        security = ClientSecurity(s["system_title"], s["ek"], s["ak"], ic=ic, sc=sc,
                                  reserve=store.reserve, step=32)
    mechanism, password, authenticator = 0, None, None
    if s["auth"] == "lls":
        mechanism, password = 1, s["password"]
    elif s["auth"] == "hls-gmac":
        from microcosem.security.hls import ClientAuthenticator, Hls

        mechanism = 5
        authenticator = ClientAuthenticator(Hls(5, ek=s["ek"], ak=s["ak"]), security)
    return ClientSettings(client_sap=s["client"], context=CONTEXT_LN_CIPHERED if sc else CONTEXT_LN,
                          mechanism=mechanism, password=password, authenticator=authenticator,
                          calling_ap_title=s["system_title"], security=security,
                          max_receive_pdu=s["max_pdu"])


def _initiate_response(client, s):
    from microcosem.apdu.initiate import InitiateResponse

    ui = client.aare.user_information
    if ui and ui[0] != 0x08 and s["ek"] is not None:
        from microcosem.security import ciphering

        # opened again outside the client's security, which keeps the counter
        # order and would refuse the same counter twice
        ui = ciphering.unprotect(bytes(ui), client.aare.responding_ap_title, s["ek"], s["ak"]).apdu
    return InitiateResponse.from_bytes(ui)


class Meter:
    """`with Meter(settings) as m:` an associated Session in m.session; the
    association is released and the link closed on the way out."""

    def __init__(self, s):
        self.s = s
        self.link = None
        self.session = None
        self.initiate = None  # the InitiateResponse of the AARE

    def __enter__(self):
        s = self.s
        self.link = _open_link(s)
        try:
            self.session = Session(Client(client_settings(s)), self.link)
            try:
                self.initiate = self.session.associate()
            except DlmsError as e:
                raise explain(e, s, "associate")
            if self.initiate is None:  # HLS: the run ended with pass 4; the AARE had it
                self.initiate = _initiate_response(self.session.client, s)
        except BaseException:
            self.link.close()
            raise
        return self

    def __exit__(self, *exc):
        try:
            if self.session is not None and self.session.client.associated:
                if exc[0] is None or not issubclass(exc[0], (link.LinkError, OSError)):
                    self.session.release()
        except DlmsError:
            pass  # the answer was given; a meter that drops the RLRQ changes nothing
        finally:
            self.link.close()
        return False

    listed = False  # the object was found in the object list: a refusal is not about it

    def call(self, what, fn, *a, **kw):
        """fn(*a, **kw) with a refusal explained (what: get, set, action)."""
        try:
            return fn(*a, **kw)
        except DlmsError as e:
            raise explain(e, self.s, what, self.listed)


# ---------------------------------------------------------------- errors a user can act on

_WRITE_HINT = "use -c 1 with --auth hls-gmac and its keys (-m demo-management for the demo meter)"


class MeterError(DlmsError):
    """A refusal, said with what to try."""


def explain(e, s, what, listed=False):
    """A MeterError saying what went wrong and what to try (or e itself); `listed`:
    the object is in the object list, so "undefined" is about the attribute or method."""
    if isinstance(e, AccessError):
        name = e.message
        hint = None
        if name == "read-write-denied":
            if what == "get":
                hint = "this association may not read it: %s" % _WRITE_HINT
            elif s["client"] != 1 or s["auth"] != "hls-gmac":
                who = {16: "the public client", 17: "the reader client"}.get(
                    s["client"], "client %d" % s["client"])
                hint = "%s cannot %s: %s" % (who, "write" if what == "set" else "run methods",
                                             _WRITE_HINT)
            else:
                hint = "this association may not %s it" % ("write" if what == "set" else "run")
        elif name == "object-undefined" and listed:
            hint = "the object is there but has no such %s: `microcosem list` shows its %ss" % (
                ("method",) * 2 if what == "action" else ("attribute",) * 2)
        elif name == "object-undefined":
            hint = "no such object (or not of that class) on this meter: `microcosem list` shows them"
        elif name == "object-unavailable":
            hint = "no such %s: `microcosem list` shows each object's attributes" % (
                "method" if what == "action" else "attribute")
        elif name == "type-unmatched":
            hint = ("the value's type is not the one the meter takes: `microcosem get` the "
                    "attribute to see its type" if what != "get" else "the meter refused the request")
        elif name == "scope-of-access-violated":
            hint = "the meter refused this selection or value range"
        elif name in ("data-block-unavailable", "long-get-aborted"):
            hint = "the meter gave up the block transfer: try again, or ask for fewer entries"
        if hint:
            return MeterError("%s: %s" % (name, hint), e)
        return MeterError(name, e)
    if isinstance(e, AssociationError):
        text = e.message
        hint = None
        if "authentication-failure" in text:
            hint = ("wrong password (--password)" if s["auth"] == "lls"
                    else "wrong keys or system title (--ek, --ak, --system-title)"
                    if s["auth"] == "hls-gmac" else "client %d needs authentication: --auth lls "
                    "--password, or --auth hls-gmac with keys" % s["client"])
        elif "mechanism-name-required" in text or "mechanism-name-not-recognised" in text:
            hint = "client %d takes another authentication (--auth none|lls|hls-gmac)" % s["client"]
        elif "application-context-name-not-supported" in text:
            hint = ("client %d wants another context: ciphered (--auth hls-gmac, --security "
                    "auth-enc) or plain (--security none)" % s["client"])
        elif "calling-AP-title" in text or "calling-ap-title" in text:
            hint = "the meter does not know this client system title (--system-title)"
        elif "initiateError" in text and s["security"] != "none":
            hint = ("the meter could not open the ciphered InitiateRequest: wrong --ek/--ak, or it "
                    "has seen a higher invocation counter from this system title (pass a larger "
                    "--ic, the counter is kept in %s)" % os.path.join(_state_dir(), "client-ic"))
        elif "no-reason-given" in text or text.endswith(": null") or "acse-service-user: 1" in text:
            hint = "check the client SAP (-c: 16 public, 17 reader, 1 management on the demo meter)"
        msg = "association refused: " + text if not text.startswith("HLS") else text
        if text.startswith("HLS"):
            hint = "check --ek, --ak and --system-title"
        return MeterError(msg + ("; " + hint if hint else ""), e)
    if isinstance(e, ServiceError):
        text = e.message
        if "invocation-counter-error" in text or "invocation counter" in text:
            return MeterError("%s: the meter has seen a higher invocation counter from this system "
                              "title: pass a larger --ic" % text, e)
        return MeterError(text, e)
    return e

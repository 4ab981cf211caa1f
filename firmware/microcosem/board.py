"""A meter from a board's JSON configuration, served on the links it has.

    conf = board.load("config.json")
    asyncio.run(board.run(conf, hardware))

boards/<board>/main.py is main() and boot() below, which make the board's
pins.Hardware; boards/<board>/config.json is an example.  The configuration names (JSON object):

    serial        the meter's serial number (text); logical device name "MCS" + serial
    wport         the logical device's wrapper port / HDLC upper address (1)
    max_pdu       server-max-receive-pdu-size (1024)
    tcp, udp      {"host": "0.0.0.0", "port": 4059}: the TCP / UDP wrapper, served
                  when the board's network is up; absent or null: none.  TCP
                  takes "transport": "hdlc" for HDLC frames on TCP
    hdlc          [{"uart": "optical" | "rs485", "baud": 9600, "physical": 17}, ...]
                  physical: the lower HDLC address on a multi-drop line (RS-485);
                  left out on a point-to-point port (the optical probe)
    storage       a folder on the board's filesystem ("data") for what survives a
                  reset (storage.FileStorage): the invocation counter, and the
                  rows of every profile given a "row_size"
    security      {"system_title": hex, "ek": hex, "ak": hex, "ic_step": 32}
                  (suite 0: HLS-GMAC and ciphered APDUs; needs storage, where the
                  invocation counter is reserved ic_step APDUs ahead)
    associations  [{"client": 16, "auth": "none" | "lls" | "hls-gmac", "password": "..",
                    "access": "read" | "all", "name": ".."}, ...]
    objects       [[class_id, "a.b.c.d.e.f", {options}], ...] in object_list order

and, read by the board's pins.Hardware: "wifi" {"ssid", "password"} (ESP32),
"lan" (a Nucleo with Ethernet), "s0" {"imp_per_kwh", "start_wh"} (the pulse
input behind the "pulse_wh" source), "watchdog_s" (off when absent).

Object options are those of the class (cosem/table.py's build applies its
conveniences: scaler_unit [s, u], capture_objects [[ln, attr], ...], objects
named by logical name), and these, because JSON has no DLMS types:

    "value": ["double-long-unsigned", 5]   a Data value ["octet-string", hex text]
    "source": "pulse_wh"                   the register's value is read from the
                                           board at each GET ("type" gives its type)
    "capture_period": 900                  a number where the class wants a Data
    "time_zone": -60                       (Clock: UTC = local + deviation)
    "row_size": 19                         (Profile generic: bytes a row takes; with
                                           storage, the rows are kept in a file ring)

An Association LN for the current association (0.0.40.0.0.255) and one per
configured client (0.0.40.0.n.255) are added.

The hardware is injected (so the same code runs on the unix port in tests):

    hw.time()              UTC seconds (the RTC)                  [compat.unix_time]
    hw.source(name)        a callable giving a number, for "source"
    hw.network(conf)       True when an IP interface is up        [no TCP without it]
    hw.uart(name, baud)    (uart, driver_enable_pin or None) for an hdlc link
    hw.led(on)             the status LED                         [none]
    hw.feed()              the watchdog, fed once a second by the loop [none]
"""

import asyncio
import json

from .axdr import DOUBLE_LONG_UNSIGNED, LONG, OCTET_STRING
from .compat import print_exception, unix_time
from .errors import DlmsError
from .server.config import NO_ACCESS, READ_ONLY, READ_WRITE, AssociationConfig

# DLMS type names (IEC 62056-6-2 clause 4.1.5) of the values JSON can carry
TYPES = (("null-data", 0), ("boolean", 3), ("double-long", 5), ("double-long-unsigned", 6),
         ("octet-string", 9), ("visible-string", 10), ("utf8-string", 12), ("integer", 15),
         ("long", 16), ("unsigned", 17), ("long-unsigned", 18), ("long64", 20),
         ("long64-unsigned", 21), ("enum", 22), ("float32", 23), ("float64", 24))

# The serial link: HDLC over a board UART, with the RS-485 driver-enable pin.
# io/serial.py's loop moves the UART's bytes through io/hdlc_link.py's
# HdlcLink (the sans-IO HdlcServer joined to the servers):
#     await serve_hdlc(uart, devices, physical_address, de=pin, baud=9600)
# (physical_address None on a point-to-point port; baud for the DE timing).
# A build without it reports each configured hdlc link as not served and
# serves TCP alone.
SERIAL_ADAPTER = "microcosem.io.serial"


class ConfigError(Exception):
    pass


def load(path):
    """The configuration dict of a JSON file."""
    try:
        with open(path) as f:
            conf = json.load(f)
    except OSError as e:
        raise ConfigError("cannot read %s: %s" % (path, e))
    except ValueError as e:
        raise ConfigError("%s is not JSON: %s" % (path, e))
    if type(conf) is not dict:
        raise ConfigError("%s: a JSON object expected" % path)
    return conf


def _hex(text, what, n=None):
    try:
        b = bytes.fromhex(text)
    except (TypeError, ValueError):
        raise ConfigError("%s: hex text expected, not %r" % (what, text))
    if n is not None and len(b) != n:
        raise ConfigError("%s: %d bytes expected, not %d" % (what, n, len(b)))
    return b


def type_tag(name):
    for n, tag in TYPES:
        if n == name:
            return tag
    raise ConfigError("no DLMS type %r here (%s)" % (name, ", ".join(n for n, _ in TYPES)))


def data_value(v, what="value"):
    """A Data value from its JSON form [type name, value]."""
    if type(v) is not list or len(v) != 2:
        raise ConfigError("%s: [type, value] expected, not %r" % (what, v))
    tag = type_tag(v[0])
    if tag == OCTET_STRING:
        return (tag, _hex(v[1], what))
    if tag == 10 or tag == 12:
        return (tag, str(v[1]))
    return (tag, v[1])


def _live(tag, fn):
    if tag == 23 or tag == 24:
        return lambda: (tag, float(fn()))
    return lambda: (tag, int(fn()))


def _options(cid, ln, opts, hw, storage):
    out = {}
    for k in opts:
        v = opts[k]
        if k == "value":
            v = data_value(v, k)
        elif k == "source":
            fn = hw.source(v)
            if fn is None:
                raise ConfigError("the board has no source %r" % v)
            k, v = "value", _live(type_tag(opts.get("type", "double-long-unsigned")), fn)
        elif k == "type":
            continue
        elif k == "capture_period":
            v = (DOUBLE_LONG_UNSIGNED, v)
        elif k == "time_zone":
            v = (LONG, v)
        elif type(v) is list:
            v = tuple(tuple(x) if type(x) is list else x for x in v)
        out[k] = v
    if cid == 8:
        out["time_source"] = getattr(hw, "time", unix_time)
    if cid == 7 and storage is not None and "row_size" in out:
        # the load profile survives a reset: one FileRing per profile
        out["ring"] = storage.ring("p" + ln.replace(".", "_"), out.pop("row_size"),
                                   out.get("profile_entries", 1))
    return out


def _read_only(obj, kind, index):
    return READ_ONLY if kind == "a" else NO_ACCESS


def _everything(obj, kind, index):
    return READ_WRITE if kind == "a" else 1


class Meter:
    """The objects and the server a configuration describes."""

    def __init__(self, conf, hw):
        from .cosem.table import bind, build
        from .server.engine import Server

        self.conf = conf
        self.hw = hw
        self.security = None
        self.storage = None
        if conf.get("storage"):
            from .storage import FileStorage

            self.storage = FileStorage(conf["storage"])
        table = []
        for e in conf.get("objects", ()):
            if type(e) is not list or len(e) != 3 or type(e[2]) is not dict:
                raise ConfigError("an object is [class_id, logical name, {options}], not %r" % (e,))
            try:
                table.append((e[0], e[1], _options(e[0], e[1], e[2], hw, self.storage)))
            except DlmsError as x:  # a ring of a bad size, say
                raise ConfigError("object %s: %s" % (e[1], x))
        serial = str(conf.get("serial", "MCS0000001"))
        table.append((1, "0.0.42.0.0.255", {"value": (OCTET_STRING, b"MCS" + serial[-13:].encode())}))
        table.append((15, "0.0.40.0.0.255", None))
        configs = []
        for i, a in enumerate(conf.get("associations", ())):
            if type(a) is not dict or type(a.get("client")) is not int:
                raise ConfigError("an association is {\"client\": SAP, ...}, not %r" % (a,))
            configs.append(self._association(a))
            table.append((15, "0.0.40.0.%d.255" % (i + 1), {"client_sap": a["client"]}))
        try:
            objects = build(table)
        except (ValueError, TypeError, DlmsError) as e:  # DlmsError: a bad logical name
            raise ConfigError("objects: %s" % e)
        self.model = bind(objects)
        self.ticking = [o for o in objects if o.class_id in (5, 7)]
        self.server = Server(self.model, configs)

    def _association(self, a):
        auth = a.get("auth", "none")
        access = _everything if a.get("access", "read") == "all" else _read_only
        kw = {"access": access, "max_pdu": self.conf.get("max_pdu", 1024), "name": a.get("name")}
        if auth == "lls":
            if "password" not in a:
                raise ConfigError("client %d: lls needs a password" % a["client"])
            kw["mechanism"] = 1
            kw["secret"] = str(a["password"]).encode()
        elif auth == "hls-gmac":
            from .apdu.acse import CONTEXT_LN_CIPHERED
            from .security.hls import Hls, ServerAuthenticator

            sec = self._security()
            kw["context"] = CONTEXT_LN_CIPHERED
            kw["mechanism"] = 5
            kw["security"] = sec
            kw["authenticator"] = ServerAuthenticator(Hls(5, ek=sec.ek, ak=sec.ak), security=sec)
        elif auth != "none":
            raise ConfigError("auth %r: none, lls or hls-gmac" % auth)
        return AssociationConfig(a["client"], **kw)

    def _security(self):
        if self.security is None:
            from .security.ciphering import ServerSecurity

            s = self.conf.get("security")
            if not s:
                raise ConfigError("hls-gmac needs the security settings")
            st = self.storage
            if st is None:
                # a counter that restarts at 0 would repeat IVs under the same key
                raise ConfigError("hls-gmac needs storage for the invocation counter")
            # The server's invocation counter survives a reset by being reserved
            # ahead (ServerSecurity calls reserve(limit) before any IC reaches the
            # limit): after a power cut the meter starts at the last limit written,
            # never below an IC it may have used: an IV is never used twice under one key.
            # FileStorage writes a record whole or not at all.
            rec = st.get("ic")
            self.security = ServerSecurity(
                # security suite 0 is AES-GCM-128: 16-byte keys; a system title has 8 bytes
                _hex(s.get("system_title"), "system_title", 8), _hex(s.get("ek"), "ek", 16),
                _hex(s.get("ak"), "ak", 16), ic=int.from_bytes(rec, "big") if rec else 0,
                step=s.get("ic_step", 32),
                reserve=lambda limit: st.put("ic", limit.to_bytes(8, "big")))
        return self.security

    def tick(self, utc):
        for o in self.ticking:
            if o.class_id == 7:
                o.tick(utc)
            else:
                o.tick()


def _serial(conf, hw, devices, adapter):
    """Start the configured hdlc links; returns [(uart name, status text)]."""
    links = conf.get("hdlc") or ()
    if not links:
        return []
    if adapter is None:
        try:
            adapter = __import__(SERIAL_ADAPTER, None, None, ("serve_hdlc",))
        except ImportError:
            return [(l.get("uart"), "not served: no serial adapter in this build") for l in links]
    out = []
    for l in links:
        name, baud = l.get("uart"), l.get("baud", 9600)
        try:
            uart, de = hw.uart(name, baud)
        except (ValueError, OSError) as e:  # a UART the board lacks costs that link only
            out.append((name, "not served: %s" % e))
            continue
        physical = l.get("physical")
        asyncio.create_task(adapter.serve_hdlc(uart, devices, physical, de=de, baud=baud))
        out.append((name, "HDLC, point to point" if physical is None
                    else "HDLC, physical address %d" % physical))
    return out


async def run(conf, hw, ready=None, serial_adapter=None):
    """Serve the configured meter forever: TCP and serial links, a tick a second."""
    meter = Meter(conf, hw)
    devices = ((conf.get("wport", 1), meter.server),)
    tcp = conf.get("tcp")
    udp = conf.get("udp")
    srv = None
    up = (tcp or udp) and getattr(hw, "network", None) and hw.network(conf)
    if (tcp or udp) and not up:
        print("microcosem: TCP/UDP not served: the board has no network up")
    if tcp and up:
        from .io.tcp import serve_tcp

        host, port, tr = tcp.get("host", "0.0.0.0"), tcp.get("port", 4059), tcp.get("transport", "wrapper")
        srv = await serve_tcp(devices, host, port, tr)
        print("microcosem: TCP %s on %s:%d" % (tr, host, port))
    if udp and up:
        host, port = udp.get("host", "0.0.0.0"), udp.get("port", 4059)
        try:
            from .io.udp import serve_udp

            asyncio.create_task(serve_udp(devices, host, port))
            print("microcosem: UDP wrapper on %s:%d" % (host, port))
        except ImportError:  # meter-ln-min leaves UDP out
            print("microcosem: UDP not served: not in this build")
    links = _serial(conf, hw, devices, serial_adapter)
    for name, status in links:
        print("microcosem: %s %s" % (name, status))
    if ready is not None:
        ready(meter, srv, links)
    led = getattr(hw, "led", None)
    feed = getattr(hw, "feed", None)
    on = False
    try:
        while True:
            try:
                meter.tick(hw.time() if hasattr(hw, "time") else unix_time())
            except Exception as e:  # a capture that fails costs that capture, not the meter
                print_exception(e)
            if led is not None:
                on = not on
                led(on)  # the heartbeat: the loop is alive
            if feed is not None:
                feed()  # a loop that stops turning resets the board
            await asyncio.sleep(1)
    finally:
        if srv is not None:
            srv.close()



CONFIG = "config.json"


def pins_hardware(conf):
    """The board's pins.Hardware (boards/<board>/pins.py, beside main.py)."""
    import pins  # the one import that needs the board's machine module

    return pins.Hardware(conf)


def main(config=CONFIG, hw=None, ready=None, serial_adapter=None):
    """Serve the meter of the JSON file `config` (read from the board's
    filesystem: addresses, passwords and keys, the objects) until reset.

    The hardware (machine.UART, Pin, the network) is only touched through
    pins.Hardware, made here from the configuration unless hw is given: so a
    board's main.py runs on the unix port in tests with a stand-in."""
    conf = load(config)
    if hw is None:
        hw = pins_hardware(conf)
    asyncio.run(run(conf, hw, ready, serial_adapter))


def boot(config=CONFIG):
    """main() as a board's main.py runs it at boot: a wrong configuration is
    said on the console rather than raised, leaving the REPL free."""
    try:
        main(config)
    except ConfigError as e:
        print("microcosem: %s: %s" % (config, e))

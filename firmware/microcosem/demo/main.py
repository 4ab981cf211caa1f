"""Run the demo meter on TCP, on any runtime with asyncio.

    micropython -m microcosem.demo.main --port 4059 [--config meter.json]
    python -m microcosem.demo.main ...            (the same on CPython)

`microcosem serve` starts this under the MicroPython unix port (or CPython
on request); a board's main.py calls `serve(settings)` the same way.
Settings come from a JSON file (`--config`) and flags, flags last:

    host, port              where to listen (127.0.0.1, 4059)
    transport               "wrapper" (IEC 62056-47) or "hdlc" (IEC 62056-46 frames on the
                            TCP connection, as Gurux's InterfaceType.HDLC; upper address 1),
                            or "udp" (the wrapper in UDP datagrams on that port)
    serial                  the meter's serial number
    reader_password         LLS secret of client SAP 17 ("12345678")
    ek, ak                  the management association's global unicast encryption
                            key and authentication key, hex (the Green Book's examples)
    system_title            the meter's system title, hex (4D4D4D0000BC614E)
    state                   a folder where the invocation counter survives restarts
                            ("": kept in RAM, and restarting reuses counters)
    profile_rows            rows of load profile at start (1000)
    max_pdu                 server-max-receive-pdu-size (1024)
    push_wport              the wPort pushes are sent to (16)
    tty                     a serial port to serve HDLC on as well ("": none), e.g.
                            /dev/ttyUSB0 for an optical probe or an RS-485 dongle
    baud                    its rate (9600); with mode_e, the fastest rate offered
    mode_e                  1: the port opens with IEC 62056-21 mode E at 300 baud
                            7E1, as a meter's optical port does (0)
    physical                the HDLC lower address on an RS-485 line (0: point to point)

A push (Push setup 0.0.25.9.0.255 method 1) is sent as a DataNotification
in a wrapper frame over a new TCP connection to the "host:port" a client
wrote into send_destination_and_method; with no destination it is dropped.
"""

import asyncio
import json
import sys

from ..compat import print_exception, unix_time
from .meter import DemoMeter

DEFAULTS = (("host", "127.0.0.1"), ("port", 4059), ("transport", "wrapper"),
            ("serial", "MCS0000001"), ("reader_password", "12345678"),
            ("ek", "000102030405060708090A0B0C0D0E0F"), ("ak", "D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF"),
            ("system_title", "4D4D4D0000BC614E"), ("state", ""),
            ("profile_rows", 1000), ("max_pdu", 1024), ("push_wport", 16),
            ("tty", ""), ("baud", 9600), ("mode_e", 0), ("physical", 0))
_HEX = (("ek", 16), ("ak", 16), ("system_title", 8))
_INTS = ("port", "profile_rows", "max_pdu", "push_wport", "baud", "mode_e", "physical")


class SettingsError(Exception):
    pass


def settings_from(argv):
    """The settings dict from defaults, then --config FILE, then --name value flags."""
    s = {}
    for k, v in DEFAULTS:
        s[k] = v
    flags = {}
    i = 0
    while i < len(argv):
        a = argv[i]
        if not a.startswith("--") or i + 1 >= len(argv):
            raise SettingsError("expected --name value, got %r" % a)
        flags[a[2:].replace("-", "_")] = argv[i + 1]
        i += 2
    path = flags.pop("config", None)
    if path:
        try:
            with open(path) as f:
                conf = json.load(f)
        except OSError as e:
            raise SettingsError("cannot read %s: %s" % (path, e))
        except ValueError as e:
            raise SettingsError("%s is not JSON: %s" % (path, e))
        if type(conf) is not dict:
            raise SettingsError("%s: a JSON object of settings expected" % path)
        flags_first = flags
        flags = conf
        for k in flags_first:
            flags[k] = flags_first[k]
    for k in flags:
        if k not in s:
            raise SettingsError("unknown setting %r" % k)
        v = flags[k]
        if k in _INTS:
            try:
                v = int(v)
            except (TypeError, ValueError):
                raise SettingsError("%s takes a number, not %r" % (k, v))
        s[k] = v
    for k, n in _HEX:
        try:
            b = bytes.fromhex(str(s[k]))
        except ValueError:
            b = b""
        if len(b) != n:
            raise SettingsError("%s takes %d bytes in hex, not %r" % (k, n, s[k]))
        s[k] = b
    if s["transport"] not in ("wrapper", "hdlc", "udp"):
        raise SettingsError("transport %r is not served (wrapper, hdlc and udp are)"
                            % s["transport"])
    if not 0 < s["port"] < 65536:
        raise SettingsError("port %d is out of range" % s["port"])
    return s


def make_meter(s):
    storage = None
    if s["state"]:
        from ..storage import FileStorage

        storage = FileStorage(s["state"])
    return DemoMeter(unix_time(), serial=s["serial"], profile_rows=s["profile_rows"],
                     reader_password=str(s["reader_password"]).encode(), ek=s["ek"], ak=s["ak"],
                     system_title=s["system_title"], storage=storage, max_pdu=s["max_pdu"])


async def deliver_pushes(meter, wport):
    """Send what the meter's pushes queued, each over its own TCP connection."""
    from ..profiles.wrapper import wrap

    while meter.outbox:
        apdu = meter.outbox.pop(0)
        dest = bytes(meter.push_setup.send_destination_and_method[1][1][1])
        host, _, port = dest.decode().rpartition(":")
        if not host:
            continue  # nowhere to send it
        try:
            reader, writer = await asyncio.open_connection(host, int(port))
            writer.write(wrap(1, wport, apdu))
            await writer.drain()
            writer.close()
            await writer.wait_closed()
        except (OSError, ValueError) as e:
            print("microcosem demo meter: push to %s failed: %s" % (dest, e))


def _serve_tty(s, meter):
    """HDLC (after mode E, with mode_e) on the serial port, beside TCP."""
    from ..io.serial import serve_hdlc, serve_optical
    from ..io.tty import Tty

    try:
        tty = Tty(s["tty"], (s["baud"], 8, None, 1))
    except (OSError, ValueError) as e:
        raise SettingsError("cannot open %s: %s" % (s["tty"], e))
    devices = ((1, meter.server),)
    if s["mode_e"]:
        asyncio.create_task(serve_optical(tty, devices, tty.set_line, baud=s["baud"]))
        how = "mode E, then HDLC up to %d baud" % s["baud"]
    else:
        asyncio.create_task(serve_hdlc(tty, devices, physical_address=s["physical"] or None,
                                       baud=s["baud"]))
        how = "HDLC at %d baud" % s["baud"]
    print("microcosem demo meter: serial port %s (%s)" % (s["tty"], how))


class _Task:
    """A background task where a listener is expected: close() cancels it."""

    def __init__(self, task):
        self.task = task

    def close(self):
        self.task.cancel()


async def serve(s, ready=None):
    from ..io.tcp import serve_tcp

    meter = make_meter(s)
    devices = ((1, meter.server),)
    if s["transport"] == "udp":
        from ..io.udp import serve_udp, udp_socket

        srv = _Task(asyncio.create_task(serve_udp(devices, sock=udp_socket(s["host"], s["port"]))))
    else:
        srv = await serve_tcp(devices, s["host"], s["port"], transport=s["transport"])
    print("microcosem demo meter %s on %s:%d (%s, %s): client SAP 16 public, 17 reader (LLS), "
          "1 management (HLS-GMAC, system title %s); Ctrl-C stops"
          % (s["serial"], s["host"], s["port"], s["transport"], sys.implementation.name,
             s["system_title"].hex().upper()))
    if s["tty"]:
        _serve_tty(s, meter)
    if ready is not None:
        ready(meter, srv)
    try:
        while True:
            meter.tick(unix_time())
            if meter.outbox:
                await deliver_pushes(meter, s["push_wport"])
            await asyncio.sleep(1)
    finally:
        srv.close()


def main(argv):
    try:
        s = settings_from(argv)
    except SettingsError as e:
        print("microcosem serve: %s" % e)
        return 2
    try:
        asyncio.run(serve(s))
    except KeyboardInterrupt:
        print("microcosem demo meter stopped")
        return 0
    except SettingsError as e:
        print("microcosem serve: %s" % e)
        return 2
    except OSError as e:
        print("microcosem serve: cannot listen on %s:%d: %s" % (s["host"], s["port"], e))
        return 1
    except Exception as e:  # a bug of ours: say so in one line and the trace on stderr
        print("microcosem serve: internal error: %r" % (e,))
        print_exception(e)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

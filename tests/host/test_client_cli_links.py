"""The bench client over its other links: HDLC on TCP (the demo meter's
--transport hdlc), the UDP wrapper (the firmware's io/udp under asyncio in
a thread), and HDLC on a serial port (a pty whose other end is bridged to
the HDLC meter), with the IEC 62056-21 mode E opening before it."""

import asyncio
import os
import select
import socket
import sys
import threading
import time

import pytest

sys.path.insert(0, os.path.dirname(__file__))
from meter_process import MeterProcess, free_port  # noqa: E402
import test_client_cli  # noqa: E402
from test_client_cli import MANAGEMENT, fails, ok, ok_json  # noqa: E402

_state = test_client_cli._state  # its autouse fixture: counters and meters.toml of the tests'


@pytest.fixture(scope="module")
def hdlc_port():
    with MeterProcess("cpython", "--transport", "hdlc") as p:
        yield p


def test_hdlc_on_tcp(hdlc_port):
    flags = ("--port", hdlc_port, "--transport", "hdlc")
    j = ok_json("associate", *flags, *MANAGEMENT)
    assert (j["mechanism"], j["result"]) == ("high-gmac", "accepted")
    assert ok("get", "0.0.96.1.0.255", *flags) == "visible-string:MCS0000001\n"
    # the whole load profile: GET blocks, each segmented into HDLC frames
    rows = ok("profile", "1.0.99.1.0.255", *flags).splitlines()
    assert len(rows) == 1001
    assert ok("set", "0.0.96.11.0.255", 2, "long-unsigned:5", *flags, *MANAGEMENT) == "success\n"
    err = fails("set", "0.0.96.11.0.255", 2, "long-unsigned:5", *flags)
    assert "read-write-denied" in err
    # a wrapper client on an HDLC port gets no answer it can read: said in one line
    err = fails("associate", "--port", hdlc_port, "--timeout", 1)
    assert "no answer" in err or "closed" in err or "wrapper" in err


@pytest.fixture(scope="module")
def udp_port():
    from microcosem.demo.meter import DemoMeter
    from microcosem.io.udp import serve_udp

    meter = DemoMeter(int(time.time()), profile_rows=200)
    port = free_port()
    loop = asyncio.new_event_loop()
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", port))
    sock.setblocking(False)
    task = loop.create_task(serve_udp(((1, meter.server),), sock=sock))
    def serve():
        try:
            loop.run_until_complete(task)
        except asyncio.CancelledError:
            pass  # the end of the module's tests
        finally:
            loop.close()

    t = threading.Thread(target=serve, daemon=True)
    t.start()
    yield port
    loop.call_soon_threadsafe(task.cancel)
    t.join(5)


def test_udp_wrapper(udp_port):
    flags = ("--port", udp_port, "--transport", "udp")
    assert ok_json("associate", *flags)["result"] == "accepted"
    assert ok("get", "1.0.1.8.0.255", "scaler_unit", *flags) == \
        "structure (2):\n  integer:0\n  enum:30\n"
    assert ok_json("associate", *flags, *MANAGEMENT)["mechanism"] == "high-gmac"
    assert len(ok("profile", "1.0.99.1.0.255", "--entries", "1:50", *flags).splitlines()) == 51
    # nothing behind another UDP port: the time-out says so
    err = fails("get", "1.0.1.8.0.255", "--port", free_port(), "--transport", "udp",
                "--timeout", 0.5)
    assert "no answer within 0.5s" in err or "nothing listens" in err


class SerialBridge:
    """A pty: the client opens its slave as a serial port; the master end
    answers mode E (optionally) and then carries bytes to the HDLC meter."""

    def __init__(self, meter_port, mode_e):
        self.master, slave = os.openpty()
        self.path = os.ttyname(slave)
        self._slave = slave
        self.meter_port = meter_port
        self.mode_e = mode_e
        self.stop = False
        self.opened = None
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        from microcosem.profiles import iec21

        m = self.master
        if self.mode_e:
            op = iec21.ModeEServer(manufacturer="MCS", identification="bench", baud=9600)
            while not self.stop and not op.done:
                r, _, _ = select.select([m], [], [], 0.05)
                if r:
                    op.feed(os.read(m, 256), int(time.monotonic() * 1000))
                out = op.data_to_send()
                if out:
                    os.write(m, out)
                ev = op.next_event()
                while ev is not None:
                    if ev[0] == iec21.READY:
                        self.opened = ev[1]
                    ev = op.next_event()
        sock = socket.create_connection(("127.0.0.1", self.meter_port))
        try:
            while not self.stop:
                r, _, _ = select.select([m, sock], [], [], 0.05)
                if m in r:
                    data = os.read(m, 4096)
                    sock.sendall(data)
                if sock in r:
                    data = sock.recv(4096)
                    if not data:
                        break
                    os.write(m, data)
        except OSError:
            pass
        finally:
            sock.close()

    def close(self):
        self.stop = True
        self.thread.join(5)
        os.close(self.master)
        os.close(self._slave)


@pytest.mark.parametrize("mode_e", [False, True])
def test_hdlc_on_a_serial_port(hdlc_port, mode_e):
    pytest.importorskip("serial")
    bridge = SerialBridge(hdlc_port, mode_e)
    try:
        flags = ("--serial", bridge.path) + (("--mode-e",) if mode_e else ())
        j = ok_json("associate", *flags)
        assert j["result"] == "accepted"
        if mode_e:
            assert bridge.opened == 9600  # the rate the identification offered
    finally:
        bridge.close()
    bridge = SerialBridge(hdlc_port, mode_e)
    try:
        assert ok("get", "0.0.96.1.0.255", *flags[:1], bridge.path, *flags[2:]) == \
            "visible-string:MCS0000001\n"
    finally:
        bridge.close()


def test_serial_mistakes():
    pytest.importorskip("serial")
    err = fails("associate", "--serial", "/dev/nonexistent-tty")
    assert "cannot open /dev/nonexistent-tty" in err
    err = fails("associate", "--serial", "/dev/null", "--transport", "udp", status=2)
    assert "--serial carries HDLC" in err

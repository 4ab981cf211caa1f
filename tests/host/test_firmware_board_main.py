"""Each board's main.py, as built for the board (build/firmware/BOARD/meter-ln-min:
the configuration's .mpy files and nothing else), run by the MicroPython unix
port with a stand-in for pins.Hardware (the unix port has no machine.UART or
Pin), serving its config.json's meter on 127.0.0.1; read over TCP by our own
client: LLS, the live S0 register, HLS-GMAC with ciphered APDUs, and the
serial links reported as not served while no serial adapter is in the build."""

import contextlib
import importlib.util
import json
import os
import queue
import socket
import subprocess
import threading

import pytest

from microcosem.apdu.acse import CONTEXT_LN_CIPHERED
from microcosem.axdr import DOUBLE_LONG_UNSIGNED, OCTET_STRING, VISIBLE_STRING
from microcosem.client import Client, ClientSettings, Session
from microcosem.errors import AssociationError
from microcosem.obis import obis
from microcosem.profiles.wrapper import WrapperReassembler, wrap

from meter_process import free_port
from test_board import ST_C, ClientSuite0

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# the UART loop (io/serial.py) is in meter-ln-min once it exists
SERIAL = os.path.exists(os.path.join(ROOT, "firmware", "microcosem", "io", "serial.py"))
_spec = importlib.util.spec_from_file_location("build_firmware",
                                               os.path.join(ROOT, "tools", "build_firmware.py"))
bf = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bf)

# The stand-in hardware, and main.main() called as the board's boot would,
# but with it injected.  An S0 pulse arrives whenever the clock is read.
HARNESS = """
import sys
import main

class Hardware:
    def __init__(self, conf):
        self.pulses = 41
    def time(self):
        from microcosem.compat import unix_time
        return unix_time()
    def source(self, name):
        if name == "pulse_wh":
            return self.count
        return None
    def count(self):
        self.pulses += 1
        return self.pulses
    def network(self, conf):
        return True
    def led(self, on):
        pass
    def uart(self, name, baud):
        if name == "rs485" and len(sys.argv) > 2:
            return SocketUart(int(sys.argv[2])), Pin()
        raise OSError("no UART on the unix port")

class SocketUart:
    # the RS-485 line, played by a TCP connection to the test: read(n) gives
    # None when nothing came, as machine.UART(timeout=0) does
    def __init__(self, port):
        import socket, select
        self.s = socket.socket()
        self.s.connect(socket.getaddrinfo("127.0.0.1", port)[0][-1])
        self.p = select.poll()
        self.p.register(self.s, select.POLLIN)
    def read(self, n):
        if self.p.poll(0):
            return self.s.recv(n)
        return None
    def write(self, data):
        self.s.write(bytes(data))
    def flush(self):
        pass

class Pin:
    # the driver-enable pin: each change is printed for the test to see
    def value(self, v):
        print("DE", v)

def ready(meter, srv, links):
    print("READY", links)

main.main(sys.argv[1], Hardware(None), ready)
"""


class WrapperTransport:
    """A blocking TCP transport for Session: one APDU out, one back."""

    def __init__(self, port, client_sap):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.sap = client_sap
        self.rx = WrapperReassembler()

    def __call__(self, apdu):
        if apdu is not None:
            self.sock.sendall(wrap(self.sap, 1, apdu))
        while True:
            m = self.rx.next_apdu()
            if m is not None:
                return m[2]
            data = self.sock.recv(4096)
            if not data:
                raise EOFError("the meter closed the connection")
            self.rx.feed(data)

    def close(self):
        self.sock.close()


@contextlib.contextmanager
def running(board, name, tmp_path, heap="512k", udp=False, tcp_transport="wrapper", line_port=None):
    """main.py of `board` from its `name` build, serving its example config.json
    on the loopback; yields (tcp port, udp port or None, config, banner)."""
    bf.build(board, name)
    top = bf.out_dir(board, name)
    with open(os.path.join(top, "config.json")) as f:
        conf = json.load(f)  # the board's example, pointed at the loopback
    port = free_port()
    conf["tcp"] = {"host": "127.0.0.1", "port": port, "transport": tcp_transport}
    uport = None
    if udp:
        uport = free_port()
        conf["udp"] = {"host": "127.0.0.1", "port": uport}
    conf["storage"] = str(tmp_path / "data")
    (tmp_path / "config.json").write_text(json.dumps(conf))
    (tmp_path / "harness.py").write_text(HARNESS)
    env = dict(os.environ, MICROPYPATH=os.pathsep.join([".frozen", top]))
    argv = [str(tmp_path / "config.json")] + ([str(line_port)] if line_port else [])
    proc = subprocess.Popen([bf.tool("micropython"), "-X", "heapsize=" + heap, str(tmp_path / "harness.py")]
                            + argv, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, env=env)
    lines = queue.Queue()
    threading.Thread(target=lambda: [lines.put(l) for l in iter(proc.stdout.readline, "")] + [
        lines.put(None)], daemon=True).start()
    seen = []
    try:
        while True:
            try:
                line = lines.get(timeout=60)
            except queue.Empty:
                line = None
            if line is None:
                raise RuntimeError("main.py did not start:\n" + "".join(seen))
            seen.append(line)
            if line.startswith("READY"):
                break
        yield port, uport, conf, "".join(seen), lines
    finally:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(params=bf.configs().BOARDS)
def board_meter(request, tmp_path):
    # 512k: the 64-bit unix port loads the build's ~120 KiB of .mpy into its heap,
    # where a board runs it frozen from flash; 448k was the least that passed when
    # the UART loop (io/serial.py, with HDLC) joined the build, 384k before it
    with running(request.param, "meter-ln-min", tmp_path, udp=True) as (port, _, conf, banner, _):
        yield request.param, port, conf, banner


def test_board_main_serves_its_config_over_tcp(board_meter):
    board, port, conf, banner = board_meter
    assert "TCP wrapper on 127.0.0.1:%d" % port in banner
    assert "UDP not served: not in this build" in banner  # meter-ln-min has no UDP
    # the example config has both UARTs; without io/serial.py in the build they are not served
    if not SERIAL:
        assert "optical not served: no serial adapter in this build" in banner
        assert "rs485 not served: no serial adapter in this build" in banner

    t = WrapperTransport(port, 17)
    s = Session(Client(ClientSettings(client_sap=17, mechanism=1, password=b"12345678")), t)
    s.associate()
    serial = conf["serial"]
    assert s.get(1, obis("0.0.96.1.0.255"), 2) == (VISIBLE_STRING, serial)
    assert s.get(1, obis("0.0.42.0.0.255"), 2) == (OCTET_STRING, b"MCS" + serial.encode())
    first = s.get(3, obis("1.0.1.8.0.255"), 2)
    assert first[0] == DOUBLE_LONG_UNSIGNED and first[1] >= 42
    assert s.get(3, obis("1.0.1.8.0.255"), 2)[1] > first[1]  # pulses counted between reads
    assert s.get(3, obis("1.0.1.8.0.255"), 3)[1][1][1] == 30  # unit Wh
    assert s.get(8, obis("0.0.1.0.0.255"), 3) == (16, -60)     # time zone, long
    s.release()
    t.close()

    t = WrapperTransport(port, 17)
    with pytest.raises(AssociationError):
        Session(Client(ClientSettings(client_sap=17, mechanism=1, password=b"nope")), t).associate()
    t.close()


def test_board_main_hls_gmac_management(board_meter):
    board, port, conf, _ = board_meter
    # the Green Book example keys, as the example config.json has
    suite = ClientSuite0(server_title=bytes.fromhex(conf["security"]["system_title"]))
    t = WrapperTransport(port, 1)
    s = Session(Client(ClientSettings(client_sap=1, context=CONTEXT_LN_CIPHERED, mechanism=5,
                                      authenticator=suite, security=suite, calling_ap_title=ST_C)), t)
    s.associate()
    assert s.client.server_system_title == bytes.fromhex(conf["security"]["system_title"])
    assert s.get(3, obis("1.0.1.8.0.255"), 2)[0] == DOUBLE_LONG_UNSIGNED
    s.set(1, obis("0.0.96.1.0.255"), 2, (VISIBLE_STRING, "RENAMED"))  # management writes
    assert s.get(1, obis("0.0.96.1.0.255"), 2) == (VISIBLE_STRING, "RENAMED")
    t.close()


@pytest.mark.parametrize("board", bf.configs().BOARDS)
def test_board_boot_with_a_broken_config(board, tmp_path):
    """main.py run as the board runs it at boot (__main__, from its folder): a
    config.json that does not parse is reported in one line, before any hardware."""
    bf.build(board, "meter-ln-min")
    top = bf.out_dir(board, "meter-ln-min")
    (tmp_path / "config.json").write_text('{"serial": ')
    env = dict(os.environ, MICROPYPATH=os.pathsep.join([".frozen", top]))
    proc = subprocess.run([bf.tool("micropython"), "-X", "heapsize=384k", os.path.join(top, "main.py")],
                          cwd=str(tmp_path), capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.startswith("microcosem: config.json: config.json is not JSON"), proc.stdout


def test_meter_full_board_serves_udp_too(tmp_path):
    """meter-full has io/udp.py: the same config.json is then served over UDP as well."""
    from microcosem.profiles.wrapper import decode_datagram

    aarq = bytes.fromhex("601DA109060760857405080101BE10040E01000000065F1F0400007E1F04B0")
    with running("esp32", "meter-full", tmp_path, heap="512k", udp=True) as (port, uport, conf, banner, _):
        assert "UDP wrapper on 127.0.0.1:%d" % uport in banner
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.settimeout(10)
        try:
            sock.sendto(wrap(16, 1, aarq), ("127.0.0.1", uport))
            data, _ = sock.recvfrom(2048)
        finally:
            sock.close()
        src, dst, apdu = decode_datagram(data)
        apdu = bytes(apdu)
        assert (src, dst) == (1, 16) and apdu[0] == 0x61 and b"\xa2\x03\x02\x01\x00" in apdu  # accepted


class HdlcTransport:
    """A blocking HDLC-on-TCP transport for Session, on our HdlcClient."""

    def __init__(self, port, client_sap, sock=None, server_lower=None):
        from microcosem.profiles.hdlc import CONNECTED, HdlcClient

        self.sock = sock or socket.create_connection(("127.0.0.1", port), timeout=10)
        self.hdlc = HdlcClient(server_upper=1, server_lower=server_lower, client_sap=client_sap)
        self.hdlc.connect()
        assert self._until(CONNECTED) is not None

    def _until(self, kind):
        import time

        h = self.hdlc
        while True:
            out = h.data_to_send()
            if out:
                self.sock.sendall(bytes(out))
            e = h.next_event()
            while e is not None:
                if e[0] == kind:
                    return e[1]
                e = h.next_event()
            data = self.sock.recv(4096)
            if not data:
                raise EOFError("the meter closed the connection")
            now = int(time.monotonic() * 1000)
            h.feed(data, now)
            h.tick(now)

    def __call__(self, apdu):
        from microcosem.profiles.hdlc import APDU

        if apdu is not None:
            self.hdlc.send_apdu(apdu)
        return self._until(APDU)

    def close(self):
        self.sock.close()


def test_board_main_hdlc_over_tcp(tmp_path):
    """"transport": "hdlc" puts HDLC frames on the TCP port (io/hdlc_link.py, in
    meter-ln-min): our HDLC client reads the board meter as over a serial line."""
    with running("stm32", "meter-ln-min", tmp_path, tcp_transport="hdlc") as (port, _, conf, banner, _):
        assert "TCP hdlc on 127.0.0.1:%d" % port in banner
        t = HdlcTransport(port, 17)
        s = Session(Client(ClientSettings(client_sap=17, mechanism=1, password=b"12345678")), t)
        s.associate()
        assert s.get(1, obis("0.0.96.1.0.255"), 2) == (VISIBLE_STRING, conf["serial"])
        assert s.get(3, obis("1.0.1.8.0.255"), 2)[0] == DOUBLE_LONG_UNSIGNED
        objects = s.get(15, obis("0.0.40.0.0.255"), 2)[1]
        assert len(objects) == len(conf["objects"]) + 1 + 1 + len(conf["associations"])
        t.close()


def test_board_main_rs485_line(tmp_path):
    """The board's RS-485 link as main.py starts it: io/serial.py's loop on a
    stand-in UART (a TCP connection to this test), the physical address 17 of
    the example config, the driver-enable pin raised for each answer."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(10)
    line_port = listener.getsockname()[1]
    try:
        with running("esp32", "meter-ln-min", tmp_path, line_port=line_port) as (
                port, _, conf, banner, lines):
            if not SERIAL:
                assert "rs485 not served: no serial adapter in this build" in banner
                return
            assert "rs485 HDLC, physical address 17" in banner
            assert "optical not served: no UART on the unix port" in banner
            sock, _ = listener.accept()
            sock.settimeout(10)
            t = HdlcTransport(None, 17, sock=sock, server_lower=17)
            s = Session(Client(ClientSettings(client_sap=17, mechanism=1, password=b"12345678")), t)
            s.associate()
            assert s.get(1, obis("0.0.96.1.0.255"), 2) == (VISIBLE_STRING, conf["serial"])
            t.close()
            de = []
            while True:
                try:
                    line = lines.get(timeout=1)
                except queue.Empty:
                    break
                if line and line.startswith("DE "):
                    de.append(line.split()[1])
            # up for each answer, down once it is out: UA, AARE, GET answer at least
            assert de[:2] == ["1", "0"] and len(de) >= 6 and de == ["1", "0"] * (len(de) // 2)
    finally:
        listener.close()

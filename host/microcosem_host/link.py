"""Blocking transports for the client engine: `link(apdu) -> reply APDU`.

Each link is the `transport` callable microcosem.client.Session drives:
given an APDU it sends it and returns the next APDU that comes back;
given None it only waits for the next one (a push, a long answer's next
block the client did not have to ask for).  `close()` ends the link.

    WrapperTcp(host, port, client_sap, wport)      IEC 62056-47 over TCP
    WrapperUdp(host, port, client_sap, wport)      IEC 62056-47 over UDP, one APDU a datagram
    Hdlc(stream, server_upper, client_sap, ...)    IEC 62056-46 frames over a byte stream:
                                                   SocketStream (HDLC on TCP, as Gurux's
                                                   InterfaceType.HDLC) or SerialStream
                                                   (pyserial; IEC 62056-21 mode E first
                                                   with mode_e=True)

Failures raise LinkError (a DlmsError) with a message a user can act on.
"""

import socket
import time

from microcosem.errors import DlmsError, LinkError  # noqa: F401  (LinkError: used and re-exported)
from microcosem.profiles import wrapper


def _ms():
    return int(time.monotonic() * 1000)


def _connect_error(what, e):
    if isinstance(e, ConnectionRefusedError):
        return LinkError("cannot connect to %s: connection refused (is the meter running? "
                         "`microcosem serve` starts the demo meter)" % what)
    if isinstance(e, socket.timeout):
        return LinkError("cannot connect to %s: no answer (timed out)" % what)
    return LinkError("cannot connect to %s: %s" % (what, e.strerror or e))


class WrapperTcp:
    def __init__(self, host, port, client_sap, wport, timeout=10.0):
        self.where = "%s:%d" % (host, port)
        self.client_sap = client_sap
        self.wport = wport
        self.timeout = timeout
        try:
            self.sock = socket.create_connection((host, port), timeout=timeout)
        except OSError as e:
            raise _connect_error(self.where, e)
        self._frames = wrapper.WrapperReassembler(max_length=0xFFFF)

    def __call__(self, apdu):
        if apdu is not None:
            try:
                self.sock.sendall(wrapper.wrap(self.client_sap, self.wport, apdu))
            except OSError as e:
                raise LinkError("%s: cannot send: %s" % (self.where, e.strerror or e))
        while True:
            msg = self._frames.next_apdu()
            if msg is not None:
                source, destination, body = msg
                if destination != self.client_sap:
                    continue  # for another client on a shared connection: not ours
                return bytes(body)
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                raise LinkError("%s: no answer within %gs (--timeout)" % (self.where, self.timeout))
            except OSError as e:
                raise LinkError("%s: %s" % (self.where, e.strerror or e))
            if not chunk:
                raise LinkError("%s: the meter closed the connection" % self.where)
            self._frames.feed(chunk)

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


class WrapperUdp:
    def __init__(self, host, port, client_sap, wport, timeout=10.0):
        self.where = "udp %s:%d" % (host, port)
        self.client_sap = client_sap
        self.wport = wport
        self.timeout = timeout
        try:
            self.sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET,
                                      socket.SOCK_DGRAM)
            self.sock.settimeout(timeout)
            self.sock.connect((host, port))
        except OSError as e:
            raise _connect_error(self.where, e)

    def __call__(self, apdu):
        if apdu is not None:
            try:
                self.sock.send(wrapper.wrap(self.client_sap, self.wport, apdu))
            except OSError as e:
                raise LinkError("%s: cannot send: %s" % (self.where, e.strerror or e))
        while True:
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                raise LinkError("%s: no answer within %gs (--timeout)" % (self.where, self.timeout))
            except ConnectionRefusedError:
                raise LinkError("%s: nothing listens there (ICMP port unreachable)" % self.where)
            except OSError as e:
                raise LinkError("%s: %s" % (self.where, e.strerror or e))
            try:
                source, destination, body = wrapper.decode_datagram(data)
            except DlmsError:
                continue  # a stray datagram is not an answer
            if destination == self.client_sap:
                return bytes(body)

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


# ---------------------------------------------------------------- HDLC


class SocketStream:
    """A TCP connection as the byte stream under HDLC."""

    def __init__(self, host, port, timeout):
        self.where = "%s:%d" % (host, port)
        try:
            self.sock = socket.create_connection((host, port), timeout=timeout)
        except OSError as e:
            raise _connect_error(self.where, e)

    def write(self, data):
        try:
            self.sock.sendall(data)
        except OSError as e:
            raise LinkError("%s: cannot send: %s" % (self.where, e.strerror or e))

    def read(self, wait_s):
        """What arrived within wait_s seconds (b"" for nothing yet); LinkError when closed."""
        self.sock.settimeout(wait_s)
        try:
            data = self.sock.recv(4096)
        except socket.timeout:
            return b""
        except OSError as e:
            raise LinkError("%s: %s" % (self.where, e.strerror or e))
        if not data:
            raise LinkError("%s: the meter closed the connection" % self.where)
        return data

    def set_line(self, baud, bits, parity, stop):
        pass

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


class SerialStream:
    """A serial port (pyserial) as the byte stream under HDLC: 9600 8N1, or
    300 7E1 for the IEC 62056-21 mode E opening first.

    A port that cannot do 7 data bits with even parity (a pty, some USB
    adapters) is run 8N1 with the parity computed into bit 7: on the line
    the two are the same ten bits a character; what comes in is read with
    bit 7 cleared anyway (profiles/iec21)."""

    def __init__(self, port, baud=9600):
        self.where = port
        try:
            import serial
        except ImportError:
            raise LinkError("--serial needs pyserial: pip install pyserial")
        self._serial = serial
        errors = [serial.SerialException, OSError, ValueError]
        try:
            import termios  # pyserial lets termios.error through on POSIX

            errors.append(termios.error)
        except ImportError:
            pass
        self._errors = tuple(errors)
        self._even7 = False
        try:
            self.port = serial.Serial(port, baud, bytesize=8, parity="N", stopbits=1,
                                      timeout=0.05)
        except self._errors as e:
            raise LinkError("cannot open %s: %s" % (port, e))

    def write(self, data):
        if self._even7:
            data = bytes(_even_parity(b) for b in data)
        try:
            self.port.write(data)
            self.port.flush()  # set_line must not change the UART under bytes still going out
        except self._errors as e:
            raise LinkError("%s: %s" % (self.where, e))

    def read(self, wait_s):
        try:
            self.port.timeout = wait_s
            first = self.port.read(1)
            if not first:
                return b""
            return first + self.port.read(self.port.in_waiting)
        except self._errors as e:
            raise LinkError("%s: %s" % (self.where, e))

    def set_line(self, baud, bits, parity, stop):
        parity = parity or "N"  # iec21 says None for no parity
        p = self.port
        try:
            p.apply_settings({"baudrate": baud, "bytesize": bits, "parity": parity,
                              "stopbits": stop})
            self._even7 = False
            return
        except self._errors as e:
            if (bits, parity) != (7, "E"):
                raise LinkError("%s: cannot set %d baud %d%s%d: %s"
                                % (self.where, baud, bits, parity, stop, e))
        try:
            p.apply_settings({"baudrate": baud, "bytesize": 8, "parity": "N", "stopbits": stop})
        except self._errors as e:
            raise LinkError("%s: cannot set %d baud: %s" % (self.where, baud, e))
        self._even7 = True

    def close(self):
        try:
            self.port.close()
        except self._errors:
            pass


def _even_parity(b):
    b &= 0x7F
    n = b ^ (b >> 4)
    n ^= n >> 2
    n ^= n >> 1
    return b | ((n & 1) << 7)


def mode_e_opening(stream, timeout, max_baud=19200):
    """IEC 62056-21 mode E on `stream`: sign on at 300 7E1, switch to the agreed
    rate 8N1; returns the baud rate."""
    from microcosem.profiles import iec21

    stream.set_line(*iec21.LINE_OPENING)
    op = iec21.ModeEClient(max_baud=max_baud)
    op.start()
    deadline = time.monotonic() + timeout
    while True:
        out = op.data_to_send()
        if out:
            stream.write(out)
        ev = op.next_event()
        while ev is not None:
            kind, value = ev
            if kind == iec21.SET_LINE:
                stream.set_line(*value)
            elif kind == iec21.READY:
                return value
            elif kind == iec21.ERROR:
                raise LinkError("%s: IEC 62056-21 mode E opening failed: %s" % (stream.where, value))
            ev = op.next_event()
        if time.monotonic() > deadline:
            raise LinkError("%s: no IEC 62056-21 identification within %gs" % (stream.where, timeout))
        data = stream.read(0.02)
        if data:
            op.feed(data, _ms())
        op.tick(_ms())


class Hdlc:
    """HDLC client link over a stream (SocketStream, SerialStream)."""

    def __init__(self, stream, server_upper=1, client_sap=16, server_lower=None, timeout=10.0):
        from microcosem.profiles import hdlc

        self._h = hdlc
        self.stream = stream
        self.where = stream.where
        self.timeout = timeout
        self.link = hdlc.HdlcClient(server_upper=server_upper, server_lower=server_lower,
                                    client_sap=client_sap, max_info_tx=512, max_info_rx=512,
                                    window_rx=1, window_tx=1)
        self.link.connect()
        self._wait(lambda ev: ev[0] == hdlc.CONNECTED, "the HDLC connection (UA to SNRM)")

    def _pump(self, wait_s):
        out = self.link.data_to_send()
        if out:
            self.stream.write(out)
        data = self.stream.read(wait_s)
        now = _ms()
        if data:
            self.link.feed(data, now)
        self.link.tick(now)

    def _wait(self, wanted, what):
        h = self._h
        deadline = time.monotonic() + self.timeout
        while True:
            ev = self.link.next_event()
            while ev is not None:
                if wanted(ev):
                    return ev
                if ev[0] == h.ERROR:
                    raise LinkError("%s: HDLC %s waiting for %s" % (self.where, ev[1], what))
                if ev[0] == h.DISCONNECTED:
                    raise LinkError("%s: the HDLC link went down (%s) waiting for %s"
                                    % (self.where, ev[1], what))
                ev = self.link.next_event()
            if time.monotonic() > deadline:
                raise LinkError("%s: no answer within %gs (--timeout) waiting for %s"
                                % (self.where, self.timeout, what))
            self._pump(0.02)

    def __call__(self, apdu):
        h = self._h
        if apdu is not None:
            self.link.send_apdu(apdu)
        ev = self._wait(lambda ev: ev[0] in (h.APDU, h.UI_APDU), "an APDU")
        return bytes(ev[1])

    def close(self):
        # Until the UA (or DM) to the DISC: disconnect() only queues the DISC,
        # and the link is no longer `connected` from then on.
        try:
            if self.link.connected:
                self.link.disconnect()
                self.timeout = min(self.timeout, 1.0)
                self._wait(lambda ev: ev[0] == self._h.DISCONNECTED, "the UA to DISC")
        except DlmsError:
            pass
        self.stream.close()

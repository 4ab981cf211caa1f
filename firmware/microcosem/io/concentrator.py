"""The concentrator: a DLMS/COSEM gateway between a head-end and the meters behind it.

    conc = Concentrator(((17, 1), (18, 1)), network_id=0)   # (physical address, logical device)
    reply = conc.handle(apdu, client_sap, now_ms)   # from the head-end: now, or None (later)
    conc.feed(17, line_bytes, now_ms)               # what meter 17's line carried back
    out = conc.data_for(17)                         # what to write on meter 17's line
    conc.tick(now_ms)                               # timers of every meter link
    msg = conc.next_upstream()                      # (client_sap, gateway-response) for the head-end

Upstream the concentrator is a logical device: the head-end sends it
gateway-requests (profiles/gateway.py) naming a network and a meter's
physical device address.  Downstream it is an HDLC client (profiles/hdlc.py)
on each meter's line: it unwraps the request, opens the HDLC connection
with the head-end's client SAP as its own client address (so that the
meter grants the association that SAP is configured for, as if the
head-end were on the line), sends the APDU to the meter's logical device
and physical address, and wraps the meter's answer in a gateway-response
for the same network and address.  The head-end does the association,
block transfer and security end to end; the gateway only carries APDUs.
A push the meter sends in UI frames (a DataNotification) goes up in a
gateway-response too, to the client SAP that last spoke to that meter (or
`push_sap` when set).

The physical device address of a gateway-request is the meter's HDLC
physical (lower) address as big-endian bytes: 17 is b"\\x11", 0x1234 is
b"\\x12\\x34" (leading zero bytes allowed).  A request for a meter not in
the table, for another network, one the meter cannot be reached for (HDLC
refused, timed out, link lost before the answer) or one past the queue
bound is answered at once with a gateway-response carrying an
ExceptionResponse, as the server engine answers what it cannot serve:
service-not-allowed, operation-not-possible (D8 01 01), or other-reason
(D8 01 03) for a full queue.  An APDU that is not a gateway-request goes
to `local` (the concentrator's own logical device, a Server) when there is
one, else gets D8 02 02 (service-unknown, service-not-supported).

Each meter has its own line here (a UART per meter, or a TCP connection to
a meter's HDLC port); HdlcClient drops frames from other stations, so
meters on one RS-485 bus can share a line by feeding it the same bytes.
One request per meter is under way at a time, the rest queue (the
client-server exchange is a request and its answer, Green Book 9.1).
Sans-IO like the links: nothing here reads a clock or a port.
"""

from ..compat import const
from ..errors import DecodeError
from ..profiles.gateway import GATEWAY_REQUEST, GATEWAY_RESPONSE, decode_gateway, encode_gateway
from ..profiles.hdlc import APDU, CONNECTED, DISCONNECTED, ERROR, UI_APDU, HdlcClient
from ..profiles.wrapper import DEFAULT_MAX_LENGTH, WrapperReassembler, encode_wrapper

UNREACHABLE = b"\xd8\x01\x01"   # service-not-allowed, operation-not-possible
BUSY = b"\xd8\x01\x03"          # service-not-allowed, other-reason
TOO_LONG = b"\xd8\x01\x04"      # service-not-allowed, pdu-too-long
NOT_GATEWAY = b"\xd8\x02\x02"   # service-unknown, service-not-supported
_MAX_QUEUE = const(4)
_MAX_UPSTREAM = const(16)
_UNCONFIRMED = b"\x16\x0f\xc2\x18"

# Link states of a meter
_IDLE = const(0)        # no HDLC connection
_CONNECTING = const(1)  # SNRM sent
_UP = const(2)          # connected
_CLOSING = const(3)     # DISC sent (to reconnect as another client SAP)


def _confirmed(apdu):
    """False for the services that get no answer: UnconfirmedWriteRequest,
    the notifications (DataNotification, EventNotification, InformationReport),
    and Set / Action whose invoke-id-and-priority has service-class 0
    (Green Book 9.4.6.1: bit 6, 1 confirmed, 0 unconfirmed)."""
    tag = apdu[0]
    if tag in _UNCONFIRMED:
        return False
    if (tag == 0xC1 or tag == 0xC3) and len(apdu) > 2:
        return bool(apdu[2] & 0x40)
    return True


class MeterLink:
    """One meter behind the concentrator: its HDLC client and its queue."""

    def __init__(self, physical, logical_device, hdlc_options):
        self.physical = physical
        self.logical_device = logical_device
        self.hdlc_options = hdlc_options
        self.hdlc = None          # HdlcClient of the connection in force (or being made)
        self.state = _IDLE
        self.queue = []           # [(client_sap, network_id, address, apdu)] waiting or under way
        self.busy = False         # queue[0] sent, its answer awaited
        self.last_sap = None      # who last spoke to this meter: where its pushes go
        self.forwarded = 0        # answers carried up, for a status page or a test
        self.redialled = False    # the request at the head was sent again after a DM
        self.failures = 0

    def data_to_send(self):
        return self.hdlc.data_to_send() if self.hdlc is not None else b""


class Concentrator:
    def __init__(self, meters, network_id=0, local=None, push_sap=None,
                 max_queue=_MAX_QUEUE, max_upstream=_MAX_UPSTREAM, **hdlc_options):
        """meters: ((physical address, logical device), ...); max_queue: the
        requests one meter may have waiting; max_upstream: the messages
        waiting for the head-end; hdlc_options go to each HdlcClient
        (max_info_*, window_*, timeout_ms, retries, ...)."""
        self.network_id = network_id
        self.local = local
        self.push_sap = push_sap
        self.max_queue = max_queue
        self.max_upstream = max_upstream
        self.upstream_dropped = 0
        self.meters = [MeterLink(p, ld, hdlc_options) for p, ld in meters]
        self._up = []             # [(client_sap, apdu)] for the head-end
        self.now_ms = 0

    # ------------------------------------------------------------ upstream

    def meter(self, physical):
        for m in self.meters:
            if m.physical == physical:
                return m
        return None

    def handle(self, apdu, client_sap, now_ms=0):
        """The immediate answer to an APDU from the head-end, or None when
        the answer will come later through next_upstream()."""
        self.now_ms = now_ms
        try:
            if not apdu or apdu[0] != GATEWAY_REQUEST:
                if self.local is not None:
                    return self.local.handle(apdu, client_sap, now_ms)
                return NOT_GATEWAY
            try:
                _, net, address, inner = decode_gateway(apdu)
            except DecodeError:   # nothing to name the meter by
                return NOT_GATEWAY
            physical = 0
            for b in address:
                physical = (physical << 8) | b
            m = self.meter(physical) if net == self.network_id else None
            if m is None:
                return _response(net, address, UNREACHABLE)
            if len(m.queue) >= self.max_queue:
                return _response(net, address, BUSY)
            m.queue.append((client_sap, net, address, bytes(inner)))
            m.last_sap = client_sap
            self._pump(m)
            return None
        except Exception:   # a bug here costs one APDU, never the gateway
            return UNREACHABLE

    def next_upstream(self, saps=None):
        """(client_sap, gateway-response bytes) for the head-end, or None;
        saps: only those for these client SAPs (one upstream connection's)."""
        up = self._up
        for i in range(len(up)):
            if saps is None or up[i][0] in saps:
                return up.pop(i)
        return None

    def close(self, client_sap=None):
        """The head-end (that client SAP, or all) went away: the meter
        connections opened for it are closed, so their associations end,
        and the answers and pushes still waiting for it are dropped."""
        self._up = [u for u in self._up if client_sap is not None and u[0] != client_sap]
        for m in self.meters:
            if m.busy and (client_sap is None or m.queue[0][0] == client_sap):
                m.busy = False   # its answer, if it still comes, is dropped
            m.queue = [q for q in m.queue if client_sap is not None and q[0] != client_sap]
            if m.hdlc is not None and (client_sap is None or m.hdlc.client_sap == client_sap):
                if m.state == _UP or m.state == _CONNECTING:
                    m.hdlc.disconnect()
                    m.state = _CLOSING

    # ------------------------------------------------------------ downstream

    def data_for(self, physical):
        """Bytes to write on that meter's line now (possibly none)."""
        m = self.meter(physical)
        return m.data_to_send() if m is not None else b""

    def feed(self, physical, data, now_ms):
        """Bytes read from that meter's line."""
        self.now_ms = now_ms
        m = self.meter(physical)
        if m is not None and m.hdlc is not None:
            m.hdlc.feed(data, now_ms)
            m.hdlc.tick(now_ms)
            self._events(m)

    def tick(self, now_ms):
        self.now_ms = now_ms
        for m in self.meters:
            if m.hdlc is not None:
                m.hdlc.tick(now_ms)
                self._events(m)

    # ------------------------------------------------------------ the machine

    def _pump(self, m):
        """Start the request at the head of the queue if the link allows."""
        if m.busy or not m.queue or m.state == _CONNECTING or m.state == _CLOSING:
            return
        sap = m.queue[0][0]
        if m.state == _UP and m.hdlc.client_sap != sap:
            # the meter is held for another client SAP: one HDLC connection
            # per meter, so that one is closed and the next one opened
            m.hdlc.disconnect()
            m.state = _CLOSING
            return
        if m.state == _IDLE:
            m.hdlc = HdlcClient(server_upper=m.logical_device, server_lower=m.physical,
                                client_sap=sap, **m.hdlc_options)
            m.hdlc.connect()
            m.state = _CONNECTING
            return
        apdu = m.queue[0][3]
        confirmed = _confirmed(apdu)
        m.hdlc.send_apdu(apdu, confirmed)
        if confirmed:
            m.busy = True
        else:
            m.queue.pop(0)
            self._pump(m)

    def _answer(self, m, apdu):
        sap, net, address, _ = m.queue.pop(0)
        m.busy = False
        self._send_up(sap, _response(net, address, apdu))

    def _send_up(self, sap, apdu):
        # bounded: a head-end that stopped reading (pushes keep coming) must
        # not fill the heap; the oldest message goes first
        if len(self._up) >= self.max_upstream:
            self._up.pop(0)
            self.upstream_dropped += 1
        self._up.append((sap, apdu))

    def _fail_all(self, m):
        # the meter cannot be reached: every request waiting for it is answered
        while m.queue:
            m.failures += 1
            self._answer(m, UNREACHABLE)

    def _events(self, m):
        while True:
            ev = m.hdlc.next_event()
            if ev is None:
                return
            kind, value = ev
            if kind == APDU:
                if m.busy:
                    m.redialled = False
                    m.forwarded += 1
                    self._answer(m, value)
                    self._pump(m)
                # an APDU nobody asked for on an I frame exchange: dropped
            elif kind == UI_APDU:
                sap = self.push_sap if self.push_sap is not None else m.last_sap
                if sap is not None:
                    self._send_up(sap, _response(self.network_id, _address(m.physical), value))
            elif kind == CONNECTED:
                m.state = _UP
                self._pump(m)
            elif kind == ERROR and m.hdlc.connected:
                # an APDU the link dropped (over max_apdu, no LLC header):
                # the link stays up, the request it answered is failed
                if m.busy:
                    m.failures += 1
                    self._answer(m, TOO_LONG if value.reason == "overflow" else UNREACHABLE)
                    self._pump(m)
            elif kind == DISCONNECTED or kind == ERROR:
                was = m.state
                m.state = _IDLE
                m.hdlc = None
                if was == _CLOSING and kind == DISCONNECTED:
                    m.busy = False
                    self._pump(m)   # reconnect as the next request's client SAP
                elif kind == DISCONNECTED and value == "dm" and m.queue and not m.redialled:
                    # DM: the meter had dropped the link (its inactivity
                    # time-out) and did not take the request; connect again
                    # and send it once more.  The association went with the
                    # link, so the head-end hears that from the meter itself.
                    m.redialled = True
                    m.busy = False
                    self._pump(m)
                else:
                    self._fail_all(m)
                return   # that client's later events, if any, are of no use


def _address(physical):
    """The physical device address as the fewest big-endian bytes (17 -> 11)."""
    if physical > 0xFF:
        return bytes((physical >> 8, physical & 0xFF))   # HDLC addresses stop at 0x3FFF
    return bytes((physical,))


def _response(net, address, apdu):
    return bytes(encode_gateway(bytearray(), GATEWAY_RESPONSE, net, address, apdu))


class ConcentratorLink:
    """The head-end's TCP connection to the concentrator, wrapper framed.

        link = ConcentratorLink(conc, wport=1)
        out = link.receive(data, now_ms)   # bytes from the socket -> bytes to write
        out = link.poll(now_ms)            # later: answers the meters gave meanwhile

    Frames for another wPort are dropped, as WrapperLink does."""

    def __init__(self, concentrator, wport=1, max_length=DEFAULT_MAX_LENGTH):
        self.concentrator = concentrator
        self.wport = wport
        self._rx = WrapperReassembler(max_length)
        self._tx = bytearray()
        self._saps = []

    def receive(self, data, now_ms=0):
        tx = self._tx
        tx[:] = b""
        self._rx.feed(data)
        while True:
            frame = self._rx.next_apdu()
            if frame is None:
                break
            source, destination, apdu = frame
            if destination != self.wport:
                continue
            if source not in self._saps:
                self._saps.append(source)
            reply = self.concentrator.handle(apdu, source, now_ms)
            if reply:
                encode_wrapper(tx, self.wport, source, reply)
        self._drain(tx)
        return tx

    def poll(self, now_ms):
        tx = self._tx
        tx[:] = b""
        self.concentrator.tick(now_ms)
        self._drain(tx)
        return tx

    def _drain(self, tx):
        while True:
            msg = self.concentrator.next_upstream(self._saps)
            if msg is None:
                return
            encode_wrapper(tx, self.wport, msg[0], msg[1])

    def close(self):
        for sap in self._saps:
            self.concentrator.close(sap)
        self._saps = []


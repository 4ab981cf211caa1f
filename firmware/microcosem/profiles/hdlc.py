"""IEC 62056-46 HDLC data link layer: sans-IO client and server engines
(the client, HdlcClient, in hdlc_client.py; importable from here too).

    link = HdlcClient(server_upper=1, client_sap=0x10)
    link.connect()                      # SNRM
    port.write(link.data_to_send())
    link.feed(port.read(), now_ms)      # any split, echo and garbage allowed
    link.tick(now_ms)                   # timers: call it every few ms
    ev = link.next_event()              # (CONNECTED, info), (APDU, bytes), ...
    link.send_apdu(aarq)                # whole APDU; segmented as negotiated

Each engine is fed bytes, asked for bytes and told the time; it never reads
a clock or a port (h11 style).  Above it travel whole APDUs, without the LLC
header (E6 E6 00 on what a client sends, E6 E7 00 on what a server sends:
the LLC sublayer of IEC 62056-46); below it frames (hdlc_frame).

What the engines implement (IEC 62056-46, ISO/IEC 13239 normal response mode):

* SNRM/UA with the parameter negotiation of the Green Book 8.4.5.3.2: each
  side states max information field length transmit/receive and window
  size transmit/receive from its own point of view, absent ones meaning 128
  and 1; the server answers min(its own, the client's opposite figure).
* I frames with N(S)/N(R) modulo 8, windows of 1 to 7 frames, the P/F bit
  passing the right to send (the secondary only speaks when polled), RR and
  RNR, go-back-N retransmission from the N(R) the peer reports.
* Segmentation: an APDU longer than the negotiated information field goes
  out as several I frames, every one but the last with the S bit of the
  format field; the receiver reassembles.  Information fields up to 2030
  bytes (11-bit frame length).
* UI frames (pushes, broadcasts), DISC, DM, FRMR.
* Timers: the client's response time-out with retransmission and a bounded
  number of retries; the server's inactivity time-out; the inter-octet
  (inter-frame) time-out that discards a frame stopped half way.  They start
  from the first tick() after data_to_send() handed the frame out, so the
  time a slow line takes to carry a long frame is not counted.
* Resynchronisation: anything that does not decode (garbage, bad HCS/FCS) is
  skipped by hunting for the next flag.
* The echo of one's own frames (optical heads echo what they send) is
  dropped: its addresses are the other direction's.  When client and
  server addresses encode to the same byte, pass echo=True and each frame
  sent is expected back once and skipped.
* A server on a multi-drop line answers only frames for its logical devices
  (upper address) and its physical address (lower); to the all-station
  address (0x7F, 0x3FFF with four-byte addresses) it never answers.
* The poll: after (APDU, data) a server holds it until the application
  answers with send_apdu(), or gives it back with no_response(); polled
  again meanwhile, it answers RR and the client polls until the answer
  comes.  A client's send_apdu(apdu, confirmed=False) expects no answer.

Events are tuples (kind, value):
    (CONNECTED, (client_sap, server))   link up; server: the upper address
                            called (logical device); client: the server
                            address as decoded (upper << 7 | lower, ...)
    (APDU, bytes)           a whole APDU from an I frame exchange
    (UI_APDU, bytes)        a whole APDU from UI frames (push, broadcast):
                            a server must not answer it
    (DISCONNECTED, reason)  "disc", "dm", "inactivity", "snrm", "error"
    (ERROR, HdlcError)      reason "timeout", "refused", "frmr", "llc",
                            "overflow"; a fatal one is followed by
                            DISCONNECTED when the link was up
"""

from ..compat import const, ticks_add, ticks_diff
from ..errors import DecodeError, DlmsError
from .hdlc_frame import (
    ALL_STATION, ALL_STATION_14, DISC, DM, FRMR, OVERHEAD, PF, RNR, RR, SNRM, UA,
    UI, HdlcFrame, client_address, decode_frame, decode_parameters, encode_frame,
    encode_parameters, split_server_address)
from .hdlc_frame import I as I_FRAME


def __getattr__(name):
    # the client engine lives in hdlc_client.py, which a meter build leaves out
    if name == "HdlcClient":
        from .hdlc_client import HdlcClient
        return HdlcClient
    raise AttributeError(name)

CONNECTED = const(1)
APDU = const(2)
UI_APDU = const(3)
DISCONNECTED = const(4)
ERROR = const(5)

LLC_REQUEST = b"\xe6\xe6\x00"
LLC_RESPONSE = b"\xe6\xe7\x00"

MAX_INFO_LIMIT = const(2030)   # 2047-byte frame less header, addresses, checks
DEFAULT_TIMEOUT_MS = const(3000)
DEFAULT_RETRIES = const(3)
DEFAULT_INTER_OCTET_MS = const(25)      # HDLC setup (class 23) default
DEFAULT_INACTIVITY_MS = const(120000)   # HDLC setup (class 23) default
DEFAULT_MAX_APDU = const(4096)

# (hdlc_client.py repeats the states and timer phases it uses)
_NDM = const(0)            # disconnected mode
_NRM = const(2)            # normal response mode: connected (1, 3: client connecting, disconnecting)

# Timer phases: armed when a frame is queued, started by the first tick
# after data_to_send(), running until its deadline.
_T_OFF = const(0)
_T_ARMED = const(1)
_T_SENT = const(2)
_T_RUNNING = const(3)

# FRMR information field, octet 3 (ISO/IEC 13239 5.5.3.4.2).
_FRMR_W = const(0x01)      # undefined or not implemented control field


class HdlcError(DlmsError):
    """An HDLC link failure or refusal; `reason` names it (see the module doc)."""

    EXTRA = ("reason",)


def _check_range(name, v, lo, hi):
    if not lo <= v <= hi:
        raise ValueError("%s %r not in %d..%d" % (name, v, lo, hi))


class _Link:
    """What client and server share: receive buffer and frame hunting, send
    and receive state of I frames, segmentation, events, timers."""

    def __init__(self, max_info_tx, max_info_rx, window_tx, window_rx,
                 inter_octet_ms, max_apdu, echo, llc_out):
        _check_range("max_info_tx", max_info_tx, 1, MAX_INFO_LIMIT)
        _check_range("max_info_rx", max_info_rx, 1, MAX_INFO_LIMIT)
        _check_range("window_tx", window_tx, 1, 7)
        _check_range("window_rx", window_rx, 1, 7)
        # What this station can do; the negotiated figures below never exceed it.
        self.cap_max_info_tx = max_info_tx
        self.cap_max_info_rx = max_info_rx
        self.cap_window_tx = window_tx
        self.cap_window_rx = window_rx
        self._defaults()
        self.inter_octet_ms = inter_octet_ms
        self.max_apdu = max_apdu
        self._echo = echo
        self._sent = []           # (length << 16 | FCS) of frames whose echo is due
        self._llc_out = llc_out
        # SNRM and UA come before any negotiation and carry up to 23 bytes
        # of parameters, whatever the station's own limit: room for 32.
        self._max_frame = (max_info_rx if max_info_rx > 32 else 32) + OVERHEAD
        # Receive buffer: one whole frame fits with room to spare, so feed()
        # only ever moves a partial frame down to the start.
        self._rx = bytearray(self._max_frame + 66)
        self._rxmv = memoryview(self._rx)
        self._rx_pos = 0
        self._rx_end = 0
        self._rx_stamp = False
        self._rx_time = 0
        self._frame = HdlcFrame()
        self._out = bytearray()
        # A frame with P/F waits in _out: no frame received now can be the
        # peer's answer to it (a duplicate or a late frame, on a line that
        # copies or delays), so none is taken as one.
        self._pf_pending = False
        self._events = []
        self._now = None
        self._t_phase = _T_OFF
        self._t_len = 0
        self._t_deadline = 0
        self._state = _NDM
        # Send side: the APDU being sent (LLC header included) and its
        # segments: [0, _tx_una) acknowledged, [_tx_una, _tx_next) sent.
        self._txbuf = bytearray()
        self._txlen = 0
        self._tx_active = False
        self._tx_una = 0
        self._tx_next = 0
        self._tx_nseg = 0
        self._txseg = 1
        self._una_ns = 0
        self._txq = []
        # Receive side: reassembly of a segmented APDU.
        self._rxapdu = bytearray()
        self._rxlen = 0
        self._rx_more = False
        self._rx_overflow = False
        self._uiapdu = None
        self._uilen = 0
        self.vs = 0
        self.vr = 0
        self.bad_frames = 0       # frames dropped for HCS/FCS/format errors
        self.retransmissions = 0

    def _defaults(self):
        self.max_info_tx = min(128, self.cap_max_info_tx)
        self.max_info_rx = min(128, self.cap_max_info_rx)
        self.window_tx = 1
        self.window_rx = 1

    # -------------------------------------------------------------- the API

    @property
    def connected(self):
        return self._state == _NRM

    def next_event(self):
        """The next event tuple, or None when there is none yet."""
        if self._events:
            return self._events.pop(0)
        return None

    def data_to_send(self):
        """The bytes to write to the line now (b"" when none)."""
        if self._t_phase == _T_ARMED:
            self._t_phase = _T_SENT
        self._pf_pending = False
        if not self._out:
            return b""
        b = bytes(self._out)
        self._out[:] = b""
        return b

    bytes_to_send = data_to_send

    def feed(self, data, now_ms=None):
        """Bytes read from the line, split anywhere.  With now_ms, a gap
        since the last bytes longer than the inter-octet time-out ends the
        frame they began, as tick() would have."""
        if now_ms is not None:
            if not self._rx_stamp:
                self._check_gap(now_ms)
            self._clock(now_ms)
        mv = memoryview(data)
        n = len(mv)
        i = 0
        cap = len(self._rx)
        while i < n:
            if self._rx_pos == self._rx_end:
                self._rx_pos = self._rx_end = 0
            free = cap - self._rx_end
            if free < n - i and self._rx_pos:
                k = self._rx_end - self._rx_pos
                self._rx[0:k] = self._rxmv[self._rx_pos:self._rx_end]
                self._rx_pos = 0
                self._rx_end = k
                free = cap - k
            if free == 0:
                # Unreachable while a frame fits the buffer; still, never stall.
                self._rx_pos += 1
                self._parse()
                continue
            k = n - i if n - i < free else free
            e = self._rx_end
            self._rx[e:e + k] = mv[i:i + k]
            self._rx_end = e + k
            i += k
            self._parse()
        if n:
            self._rx_stamp = True
        if now_ms is not None:
            self._clock(now_ms)

    def tick(self, now_ms):
        """Tell the engine the time (ms, compat.ticks_ms scale); fires timers."""
        self._clock(now_ms)
        self._check_gap(now_ms)
        if self._t_phase == _T_RUNNING and ticks_diff(now_ms, self._t_deadline) >= 0:
            self._t_phase = _T_OFF
            self._on_timer()
        self._on_tick(now_ms)

    def _check_gap(self, now_ms):
        if self._rx_pos < self._rx_end and ticks_diff(now_ms, self._rx_time) >= self.inter_octet_ms:
            # A frame stopped half way (inter-octet time-out): nothing more
            # of it is coming, so skip its flag and hunt again, which also
            # finds whole frames behind garbage.  A lone flag may open the
            # next frame and stays.
            while self._rx_end - self._rx_pos > 1 or (
                    self._rx_pos < self._rx_end and self._rx[self._rx_pos] != 0x7E):
                self.bad_frames += 1
                self._rx_pos += 1
                self._parse()

    # ------------------------------------------------------------ internals

    def _clock(self, now):
        self._now = now
        if self._rx_stamp:
            self._rx_stamp = False
            self._rx_time = now
        if self._t_phase == _T_SENT:
            self._t_phase = _T_RUNNING
            self._t_deadline = ticks_add(now, self._t_len)

    def _event(self, kind, value):
        self._events.append((kind, value))

    def _parse(self):
        buf = self._rx
        end = self._rx_end
        pos = self._rx_pos
        f = self._frame
        maxlen = self._max_frame
        while pos < end:
            p = buf.find(b"\x7e", pos, end)
            if p < 0:
                pos = end
                break
            # The format field says whether a frame can start here and
            # whether it is all in, without raising: exceptions cost heap,
            # and a closing flag followed by the end of the buffer or by
            # the next opening flag is the common case.
            if p + 3 > end:
                pos = p
                break
            b1 = buf[p + 1]
            if b1 == 0x7E:
                pos = p + 1  # idle flags, or a closing flag then an opening one
                continue
            n = ((b1 & 7) << 8) | buf[p + 2]
            if b1 & 0xF0 != 0xA0 or n < 7 or n > maxlen:
                self.bad_frames += 1  # hunt for the next flag (resynchronisation)
                pos = p + 1
                continue
            if p + 1 + n >= end:
                pos = p
                break
            try:
                decode_frame(buf, p, end, f, maxlen)
            except DecodeError:
                self.bad_frames += 1
                pos = p + 1
                continue
            pos = f.end
            self._rx_pos = pos
            if self._echo and self._is_echo(f):
                continue
            self._on_frame(f)
        self._rx_pos = pos

    def _is_echo(self, f):
        buf = f.buf
        key = ((f.end - f.start) << 16) | (buf[f.end - 1] << 8) | buf[f.end - 2]
        sent = self._sent
        for i in range(len(sent)):
            if sent[i] == key:
                sent.pop(i)
                return True
        return False

    def _emit(self, control, dst, src, info=None, start=0, end=None, segmented=False):
        out = self._out
        p = len(out)
        encode_frame(out, control, dst, src, info, start, end, segmented)
        if control & PF and dst is self._dst:
            self._pf_pending = True  # (a DM to another client is no answer to ours)
        if self._echo:
            q = len(out) - 1
            sent = self._sent
            if len(sent) >= 16:
                sent.pop(0)
            sent.append(((q - p) << 16) | (out[q - 1] << 8) | out[q - 2])

    def _reset_sequence(self):
        self.vs = 0
        self.vr = 0
        self._una_ns = 0
        self._tx_active = False
        self._txq = []
        self._rxlen = 0
        self._rx_more = False
        self._rx_overflow = False
        self._uilen = 0

    # Send side --------------------------------------------------------

    def _queue_apdu(self, apdu):
        if self._tx_active:
            self._txq.append(bytes(apdu))
        else:
            self._load_apdu(apdu)

    def _load_apdu(self, apdu):
        n = len(apdu) + 3
        buf = self._txbuf = _room(self._txbuf, n)  # keeps its high-water size
        buf[0:3] = self._llc_out
        buf[3:n] = apdu
        m = self.max_info_tx
        self._txlen = n
        self._txseg = m
        self._tx_nseg = (n + m - 1) // m
        self._tx_una = 0
        self._tx_next = 0
        self._una_ns = self.vs
        self._tx_active = True

    def _tx_pending(self):
        """Segments not yet acknowledged (sent or not)."""
        return self._tx_active and self._tx_una < self._tx_nseg

    def _ack(self, nr):
        """Process the peer's N(R): frames before it are acknowledged."""
        if not self._tx_active:
            return False
        outstanding = (self.vs - self._una_ns) & 7
        acked = (nr - self._una_ns) & 7
        if acked == 0 or acked > outstanding:
            return False  # nothing new, or a stale N(R): ignored
        self._tx_una += acked
        self._una_ns = nr
        if self._tx_una >= self._tx_nseg:
            self._tx_active = False
            if self._txq:
                self._load_apdu(self._txq.pop(0))
        return True

    def _send_window(self, dst, src):
        """Go back to the first unacknowledged segment and send up to a
        window of I frames, the last with P/F.  True if any was sent."""
        if not self._tx_active:
            return False
        k = self._tx_next = self._tx_una
        if k > self._tx_nseg - 1:
            return False
        if self.vs != self._una_ns:
            self.retransmissions += (self.vs - self._una_ns) & 7
        self.vs = self._una_ns
        m = self._txseg
        n = self._txlen
        nseg = self._tx_nseg
        w = self.window_tx
        count = 0
        buf = self._txbuf
        while True:
            start = k * m
            end = start + m
            if end > n:
                end = n
            k += 1
            count += 1
            last = k == nseg
            pf = PF if (last or count == w) else 0
            control = (self.vr << 5) | (self.vs << 1) | pf
            self._emit(control, dst, src, buf, start, end, not last)
            self.vs = (self.vs + 1) & 7
            if pf:
                break
        self._tx_next = k
        return True

    # Receive side -----------------------------------------------------

    def _accept_info(self, f):
        """An in-sequence I frame (or a UI frame) info field: returns the
        APDU when it completes one, else None."""
        info_len = f.info_end - f.info_start
        if not f.segmented and self._rxlen == 0:
            return self._strip_llc(f.info())
        if self._rx_overflow or self._rxlen + info_len > self.max_apdu + 3:
            self._rx_overflow = True
        else:
            w = self._rxlen
            buf = self._rxapdu = _room(self._rxapdu, w + info_len)
            buf[w:w + info_len] = f.info()
            self._rxlen = w + info_len
        if f.segmented:
            self._rx_more = True
            return None
        self._rx_more = False
        n = self._rxlen
        self._rxlen = 0
        if self._rx_overflow:
            self._rx_overflow = False
            self._event(ERROR, HdlcError("APDU over %d bytes dropped" % self.max_apdu, "overflow"))
            return None
        return self._strip_llc(memoryview(self._rxapdu)[0:n])

    def _accept_ui(self, f):
        info_len = f.info_end - f.info_start
        if not f.segmented and self._uilen == 0:
            data = f.info()
            if len(data) >= 3 and data[0] == 0xE6:
                return bytes(data[3:])
            return bytes(data)  # some meters push UI frames without LLC
        if self._uiapdu is None:
            self._uiapdu = bytearray()
        w = self._uilen
        if w + info_len <= self.max_apdu + 3:
            buf = self._uiapdu = _room(self._uiapdu, w + info_len)
            buf[w:w + info_len] = f.info()
            self._uilen = w + info_len
        if f.segmented:
            return None
        n = self._uilen
        self._uilen = 0
        data = memoryview(self._uiapdu)[0:n]
        if n >= 3 and data[0] == 0xE6:
            return bytes(data[3:])
        return bytes(data)

    def _strip_llc(self, data):
        # Either direction's LLC header is taken (Gurux does the same): what
        # matters is that it is one.
        if len(data) < 3 or data[0] != 0xE6 or (data[1] & 0xFE) != 0xE6 or data[2] != 0:
            self._event(ERROR, HdlcError("APDU without the LLC header E6 E6/E7 00", "llc"))
            return None
        return bytes(data[3:])

    def _on_tick(self, now):
        pass


class HdlcServer(_Link):
    """The secondary station: answers one client at a time, only when polled.

    logical_devices: the upper HDLC addresses served (1 = management LD).
    physical_address: the lower HDLC address, required on a multi-drop line
    (frames without one, or for another, are ignored); None on a
    point-to-point port (optical), where the lower address is not checked.
    max_info_* and window_*: what the server can do; it answers a SNRM with
    the smaller of those and the client's.  inactivity_ms: the link drops
    when no frame came from the client for that long.

    After (APDU, data) the server holds the poll: send_apdu() answers, or
    no_response() gives the poll back when there is nothing to say."""

    def __init__(self, logical_devices=(1,), physical_address=None,
                 max_info_tx=128, max_info_rx=128, window_tx=1, window_rx=1,
                 inactivity_ms=DEFAULT_INACTIVITY_MS, inter_octet_ms=DEFAULT_INTER_OCTET_MS,
                 max_apdu=DEFAULT_MAX_APDU, echo=False):
        _Link.__init__(self, max_info_tx, max_info_rx, window_tx, window_rx,
                       inter_octet_ms, max_apdu, echo, LLC_RESPONSE)
        self.logical_devices = tuple(logical_devices)
        self.physical_address = physical_address
        self.inactivity_ms = inactivity_ms
        self.client_sap = None
        self.logical_device = None
        self._dst = b""             # the client's address field
        self._src = b""             # ours, as the client addressed us
        self._my_value = -1
        self._my_size = 0
        self._poll = False          # we hold the poll (may send)
        self._hold = False          # holding it for the answer to an APDU
        self._frmr = None           # FRMR info while in the FRMR condition
        self._last_rx = 0
        self._rx_ok = False         # a frame of the client's since the last tick

    # API ------------------------------------------------------------

    def send_apdu(self, apdu):
        """Queue a whole APDU (without LLC header); sent now if we hold the
        poll, else when the client next polls."""
        if self._state != _NRM:
            raise HdlcError("HDLC link not connected", "state")
        self._queue_apdu(apdu)
        if self._poll:
            self._hold = False
            self._answer()

    def no_response(self):
        """The APDU received needs no answer: give the poll back (RR)."""
        if self._poll and self._hold and not self._tx_pending():
            self._hold = False
            self._answer()

    def send_ui(self, apdu):
        """One APDU in UI frames to the connected client (a push)."""
        if self._state != _NRM:
            raise HdlcError("HDLC link not connected", "state")
        _send_ui(self, apdu, self._dst, self._src)

    # Frames ---------------------------------------------------------

    def _match(self, f):
        """0: not for us; 1: for us; 2: for us, broadcast (never answered)."""
        size = f.dst_size
        upper, lower = split_server_address(f.dst, size)
        allst = ALL_STATION_14 if size == 4 else ALL_STATION
        cast = 1
        if lower is None:
            if self.physical_address is not None:
                return 0
        elif lower == allst:
            cast = 2
        elif self.physical_address is not None and lower != self.physical_address:
            return 0
        if upper == allst:
            return 2
        if upper not in self.logical_devices:
            return 0
        if f.src_size != 1:
            return 0
        return cast

    def _on_frame(self, f):
        cast = self._match(f)
        if not cast:
            return
        if self._sent:
            self._sent = []
        kind = f.kind
        if cast == 2:
            # Broadcast: UI frames are delivered, nothing is ever answered.
            if kind == UI and f.has_info:
                apdu = self._accept_ui(f)
                if apdu is not None:
                    self._event(UI_APDU, apdu)
            return
        client = f.src
        ours = self._state == _NRM and client == self.client_sap and \
            f.dst == self._my_value and f.dst_size == self._my_size
        if kind == SNRM:
            if self._state == _NRM and not ours:
                # Another client while connected: busy (DM).
                self._emit(DM | PF, client_address(client), _dst_field(f))
                return
            self._connect(f, _dst_field(f), client)
            return
        if not ours:
            if f.pf and kind != UI:
                self._emit(DM | PF, client_address(client), _dst_field(f))
            return
        self._rx_ok = True
        if kind == DISC:
            self._emit(UA | PF, self._dst, self._src)
            self._down("disc")
            return
        if self._frmr is not None:
            if f.pf:
                self._emit(FRMR | PF, self._dst, self._src, self._frmr)
            return
        if kind == UI:
            if f.has_info:
                apdu = self._accept_ui(f)
                if apdu is not None:
                    self._event(UI_APDU, apdu)
            return
        completed = False
        if kind == I_FRAME:
            self._ack(f.nr)
            if f.ns == self.vr:
                self.vr = (self.vr + 1) & 7
                apdu = self._accept_info(f) if f.has_info else None
                if apdu is not None:
                    completed = True
                    self._event(APDU, apdu)
        elif kind == RR or kind == RNR:
            self._ack(f.nr)
        else:
            # REJ, SREJ, and U frames 62056-46 does not use: FRMR condition.
            self._frmr = bytes((f.control, (self.vr << 5) | (self.vs << 1), _FRMR_W))
            self._emit(FRMR | PF, self._dst, self._src, self._frmr)
            return
        if not f.pf or self._pf_pending:
            return  # not polled, or polled again before our answer left
        if completed:
            self._poll = True
            self._hold = True  # the application answers (send_apdu / no_response)
            return
        if self._hold and self._events:
            return  # a repeated poll the application has not even seen the APDU of
        self._poll = True
        self._hold = False
        self._answer()

    def _answer(self):
        """We hold the poll: send a window of our APDU, or RR."""
        if self._send_window(self._dst, self._src):
            self._poll = False
            return
        self._emit(RR | PF | (self.vr << 5), self._dst, self._src)
        self._poll = False

    def _connect(self, f, my_addr, client):
        try:
            p = decode_parameters(f.buf, f.info_start, f.info_end) if f.has_info else \
                decode_parameters(b"")
        except DecodeError:
            self._emit(FRMR | PF, client_address(client), my_addr,
                       bytes((f.control, 0, 0x02)))
            return
        if self._state == _NRM:
            self._event(DISCONNECTED, "snrm")
        # The client's transmit is our receive (Green Book 8.4.5.3.2).
        self.max_info_tx = max(1, min(self.cap_max_info_tx, p[1]))
        self.max_info_rx = max(1, min(self.cap_max_info_rx, p[0]))
        self.window_tx = max(1, min(self.cap_window_tx, p[3]))
        self.window_rx = max(1, min(self.cap_window_rx, p[2]))
        self._reset_sequence()
        self._frmr = None
        self._poll = False
        self._hold = False
        self.client_sap = client
        self.logical_device = split_server_address(f.dst, f.dst_size)[0]
        self._dst = client_address(client)
        self._src = my_addr
        self._my_value = f.dst
        self._my_size = f.dst_size
        info = encode_parameters(bytearray(), self.max_info_tx, self.max_info_rx,
                                 self.window_tx, self.window_rx)
        self._emit(UA | PF, self._dst, self._src, info)
        self._state = _NRM
        self._rx_ok = True
        self._event(CONNECTED, (client, self.logical_device))

    def _down(self, reason):
        if self._state == _NRM:
            self._state = _NDM
            self._reset_sequence()
            self._poll = False
            self._hold = False
            self._frmr = None
            self._event(DISCONNECTED, reason)

    def _on_timer(self):
        pass

    def _on_tick(self, now):
        if self._rx_ok:
            self._rx_ok = False
            self._last_rx = now
        elif self._state == _NRM and ticks_diff(now, self._last_rx) >= self.inactivity_ms:
            self._down("inactivity")


def _room(buf, need):
    """buf, or a copy at least twice as long when it is shorter than need:
    growing by doubling costs a few copies per APDU, not one per frame."""
    n = len(buf)
    if need <= n:
        return buf
    nb = bytearray(need if need > 2 * n else 2 * n)
    nb[0:n] = buf
    return nb


def _dst_field(f):
    q = f.start + 3
    return bytes(f.buf[q:q + f.dst_size])


def _send_ui(link, apdu, dst, src):
    """UI frames: segmented like I frames, no sequence numbers, no window."""
    if not dst:
        raise HdlcError("no peer address for UI frames", "state")
    data = link._llc_out + bytes(apdu)
    n = len(data)
    m = link.max_info_tx
    start = 0
    while True:
        end = start + m
        if end > n:
            end = n
        link._emit(UI | PF, dst, src, data, start, end, end < n)
        if end >= n:
            break
        start = end


"""IEC 62056-46 HDLC client (the primary station), sans-IO: see hdlc.py.

Kept apart from hdlc.py so that a meter, which only answers, ships no client
code; `from microcosem.profiles.hdlc import HdlcClient` still works (hdlc.py
loads this module on first use of the name).
"""

from ..compat import const
from ..errors import DecodeError
from .hdlc import (
    APDU, CONNECTED, DEFAULT_INTER_OCTET_MS, DEFAULT_MAX_APDU, DEFAULT_RETRIES,
    DEFAULT_TIMEOUT_MS, DISCONNECTED, ERROR, LLC_REQUEST, UI_APDU, HdlcError, _Link, _send_ui)
from .hdlc_frame import (
    DISC, DM, FRMR, PF, RNR, RR, SNRM, UA, UI, client_address, decode_parameters, server_address)
from .hdlc_frame import I as I_FRAME

# hdlc.py's states and timer phases (const names are module-private)
_NDM = const(0)            # disconnected mode
_CONNECTING = const(1)     # SNRM sent
_NRM = const(2)            # normal response mode: connected
_DISCONNECTING = const(3)  # DISC sent
_T_OFF = const(0)
_T_ARMED = const(1)

# What a client waits for after giving the poll away.
_W_NONE = const(0)
_W_UA = const(1)      # after SNRM
_W_DISC = const(2)    # after DISC
_W_DATA = const(3)    # after I frames or RR with P


class HdlcClient(_Link):
    """The primary station: connects, sends requests, polls for answers.

    server_upper / server_lower: the server's logical device and physical
    device addresses (lower None: a one-byte address); address_size forces
    2 or 4 bytes.  client_sap: the client's address (0x10 public client).
    max_info_* and window_*: what the client proposes in SNRM; the figures
    in force after UA are the attributes max_info_tx, max_info_rx,
    window_tx, window_rx.  timeout_ms: how long to wait for the F bit before
    sending again; after `retries` tries the link is given up (ERROR timeout).
    """

    def __init__(self, server_upper=1, server_lower=None, client_sap=0x10, address_size=None,
                 max_info_tx=128, max_info_rx=128, window_tx=1, window_rx=1,
                 timeout_ms=DEFAULT_TIMEOUT_MS, retries=DEFAULT_RETRIES,
                 inter_octet_ms=DEFAULT_INTER_OCTET_MS, max_apdu=DEFAULT_MAX_APDU, echo=False):
        _Link.__init__(self, max_info_tx, max_info_rx, window_tx, window_rx,
                       inter_octet_ms, max_apdu, echo, LLC_REQUEST)
        self._dst = server_address(server_upper, server_lower, address_size)
        self._src = client_address(client_sap)
        # The server's address as a decoded frame carries it.
        v = 0
        for b in self._dst:
            v = (v << 7) | (b >> 1)
        self._server_value = v
        self._server_size = len(self._dst)
        self.client_sap = client_sap
        self.timeout_ms = timeout_ms
        self.retries = retries
        self._wait = _W_NONE
        self._tries = 0
        self._want_disc = False
        self._expect = False       # a confirmed APDU sent, its answer not yet begun
        self._reject = False       # an I frame out of sequence since the last poll
        self._peer_busy = False
        self._repoll = False       # the timer is a re-poll, not a time-out

    # API ------------------------------------------------------------

    def connect(self):
        """Send SNRM with the proposed parameters (only those that differ
        from the defaults, as Gurux does; none at all gives the bare SNRM)."""
        self._state = _CONNECTING
        self._defaults()
        self._reset_sequence()
        self._want_disc = False
        self._expect = False
        self._tries = 0
        self._send_snrm()

    def disconnect(self):
        """Send DISC now, or as soon as the poll comes back."""
        if self._state == _NDM:
            return
        if self._wait == _W_NONE or self._state == _CONNECTING:
            self._send_disc()
        else:
            self._want_disc = True

    def send_apdu(self, apdu, confirmed=True):
        """Queue a whole APDU (without LLC header).  confirmed: an answer is
        expected, so the client polls the server until it starts."""
        if self._state != _NRM:
            raise HdlcError("HDLC link not connected", "state")
        self._queue_apdu(apdu)
        if confirmed:
            self._expect = True
        if self._wait == _W_NONE:
            self._t_phase = _T_OFF
            self._poll_returned()

    def send_ui(self, apdu):
        """One APDU in UI frames (a broadcast), sent now, not acknowledged."""
        _send_ui(self, apdu, self._dst, self._src)

    # Frames ---------------------------------------------------------

    def _send_snrm(self):
        info = bytearray(b"\x81\x80\x00")
        if self.cap_max_info_tx != 128:
            _param(info, 5, self.cap_max_info_tx)
        if self.cap_max_info_rx != 128:
            _param(info, 6, self.cap_max_info_rx)
        if self.cap_window_tx != 1:
            _param(info, 7, self.cap_window_tx, 4)
        if self.cap_window_rx != 1:
            _param(info, 8, self.cap_window_rx, 4)
        info[2] = len(info) - 3
        self._emit(SNRM | PF, self._dst, self._src, info if len(info) > 3 else None)
        self._give_poll(_W_UA)

    def _send_disc(self):
        self._state = _DISCONNECTING
        self._want_disc = False
        self._emit(DISC | PF, self._dst, self._src)
        self._give_poll(_W_DISC)

    def _send_rr(self):
        self._emit(RR | PF | (self.vr << 5), self._dst, self._src)
        self._give_poll(_W_DATA)

    def _arm(self, ms):
        self._t_len = ms
        self._t_phase = _T_ARMED

    def _give_poll(self, wait):
        self._wait = wait
        self._reject = False
        self._repoll = False
        self._arm(self.timeout_ms)

    def _on_frame(self, f):
        if f.dst != self.client_sap or f.dst_size != 1 or f.src != self._server_value \
                or f.src_size != self._server_size:
            return  # another station's, or our own echo
        if self._sent:
            self._sent = []
        kind = f.kind
        state = self._state
        if kind == UA:
            if state == _CONNECTING:
                try:
                    p = decode_parameters(f.buf, f.info_start, f.info_end)
                except DecodeError as e:
                    self._fail(HdlcError("bad UA parameters: %s" % e, "refused"))
                    return
                # The server speaks from its side: its receive is our transmit.
                self.max_info_tx = max(1, min(p[1], self.cap_max_info_tx))
                self.max_info_rx = max(1, min(p[0], self.cap_max_info_rx))
                self.window_tx = max(1, min(p[3], self.cap_window_tx))
                self.window_rx = max(1, min(p[2], self.cap_window_rx))
                self._state = _NRM
                self._wait = _W_NONE
                self._t_phase = _T_OFF
                self._tries = 0
                self._event(CONNECTED, (self.client_sap, self._server_value))
                self._poll_returned()
            elif state == _DISCONNECTING:
                self._down("disc")
            return
        if kind == DM:
            if state == _CONNECTING:
                self._fail(HdlcError("the server refused the connection (DM)", "refused"))
            elif state != _NDM:
                self._down("disc" if state == _DISCONNECTING else "dm")
            return
        if kind == FRMR:
            if state != _NDM:
                self._fail(HdlcError("the server rejected a frame (FRMR)", "frmr"))
            return
        if kind == UI:
            if f.has_info:
                apdu = self._accept_ui(f)
                if apdu is not None:
                    self._event(UI_APDU, apdu)
            return
        if state != _NRM:
            return
        if kind == I_FRAME:
            self._ack(f.nr)
            if f.ns == self.vr:
                self.vr = (self.vr + 1) & 7
                self._tries = 0
                self._expect = False
                apdu = self._accept_info(f) if f.has_info else None
                if apdu is not None:
                    self._event(APDU, apdu)
            else:
                self._reject = True
        elif kind == RR or kind == RNR:
            if self._ack(f.nr):
                self._tries = 0
            self._peer_busy = kind == RNR
        else:
            return
        if f.pf and self._wait == _W_DATA and not self._pf_pending:
            self._wait = _W_NONE
            self._t_phase = _T_OFF
            self._poll_returned()

    def _poll_returned(self):
        """The poll is ours again: decide what to send next."""
        if self._state != _NRM:
            return
        if self._want_disc:
            self._send_disc()
            return
        if self._reject or self._rx_more:
            # Frames of the server's were lost (go back to our V(R)), or
            # its APDU goes on: ask for the next window.  A reject counts
            # as a try, so a peer that never gets it right is given up.
            if self._reject:
                self._tries += 1
                if self._tries > self.retries:
                    self._fail(HdlcError("HDLC frames keep arriving out of sequence", "timeout"))
                    return
            self._send_rr()
            return
        if self._peer_busy:
            self._repoll = True
            self._arm(self.timeout_ms)
            return
        if self._tx_pending():
            self._send_window(self._dst, self._src)
            self._give_poll(_W_DATA)
            return
        if self._expect:
            # All acknowledged, the answer not begun: poll again later.
            self._repoll = True
            self._arm(self.timeout_ms)

    def _on_timer(self):
        if self._repoll and self._wait == _W_NONE:
            self._repoll = False
            self._tries += 1
            if self._tries > self.retries:
                self._fail(HdlcError("no answer from the server", "timeout"))
                return
            self._send_rr()
            return
        if self._wait == _W_NONE:
            return
        self._tries += 1
        if self._tries > self.retries:
            if self._wait == _W_DISC:
                self._down("disc")
            else:
                self._fail(HdlcError("HDLC response time-out", "timeout"))
            return
        self.retransmissions += 1
        if self._wait == _W_UA:
            self._send_snrm()
        elif self._wait == _W_DISC:
            self._send_disc()
        elif self._tx_pending() and self._tx_next > self._tx_una:
            self._send_window(self._dst, self._src)
            self._give_poll(_W_DATA)
        else:
            self._send_rr()

    def _down(self, reason):
        was = self._state
        self._state = _NDM
        self._wait = _W_NONE
        self._t_phase = _T_OFF
        self._reset_sequence()
        if was == _NRM or was == _DISCONNECTING:
            self._event(DISCONNECTED, reason)

    def _fail(self, err):
        self._event(ERROR, err)
        self._down("error")


def _param(out, pid, value, width=0):
    if not width:
        width = 1 if value <= 0xFF else 2
    out.append(pid)
    out.append(width)
    for s in range((width - 1) * 8, -1, -8):
        out.append((value >> s) & 0xFF)


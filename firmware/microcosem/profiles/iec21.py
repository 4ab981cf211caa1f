"""IEC 62056-21 protocol mode E: the optical port's opening before HDLC.

    client                                      meter (tariff device)
    300 baud 7E1:  / ? [address] ! CR LF  -->
                                          <--   / X X X Z \\2 identification CR LF
                   ACK 2 Z' 2 CR LF       -->
    both switch to baud(Z') 8N1 and speak HDLC (IEC 62056-46)

Z is the highest baud rate the meter offers ('0' 300, '1' 600, '2' 1200,
'3' 2400, '4' 4800, '5' 9600, '6' 19200: modes C and E); the escape \\2 in
the identification (the enhanced identification character 2, IEC 62056-21
6.3.2 item 24) says binary mode (HDLC) is available.  In the acknowledgement
the first '2' selects the HDLC protocol procedure and the last '2' binary
mode; Z' is the rate chosen, at most Z.  A lowercase third manufacturer
letter means the meter answers within 20 ms instead of 200 ms.

Both ends are sans-IO objects like the HDLC engines: fed bytes, asked for
bytes, told the time.  They tell the adapter when to change the UART with
(SET_LINE, (baud, data_bits, parity, stop_bits)) events: apply it once the
bytes handed out before the event have left the UART.  (READY, baud) ends
the opening: from there the port carries HDLC frames.

Characters are read with bit 7 cleared, so a port still set to 8N1 that
receives 7E1 characters (parity in bit 7) reads them right.  The client
skips the optical head's echo of its own sign-on.
"""

from ..compat import const, ticks_add, ticks_diff
from ..errors import DlmsError

SET_LINE = const(1)
IDENTIFIED = const(2)
READY = const(3)
ERROR = const(4)

BAUD_RATES = (300, 600, 1200, 2400, 4800, 9600, 19200)   # index: Z - '0'
LINE_OPENING = (300, 7, "E", 1)
ACK = const(0x06)
_CR = const(0x0D)
_LF = const(0x0A)
_MAX_LINE = const(128)
DEFAULT_TIMEOUT_MS = const(1500)   # the longest reaction time a meter may take

_IDLE = const(0)
_WAIT = const(1)     # client: sign-on sent; server: identification sent
_DONE = const(2)
_FAILED = const(3)


class Iec21Error(DlmsError):
    """The opening failed; `reason`: "timeout", "mode", "baud", "message"."""

    EXTRA = ("reason",)


def baud_char(baud):
    """The baud rate character for a rate of modes C and E."""
    for i in range(len(BAUD_RATES)):
        if BAUD_RATES[i] == baud:
            return 0x30 + i
    raise ValueError("no mode C/E baud rate character for %r" % baud)


def baud_rate(char):
    """The rate of a baud rate character ('0'..'6'), or None."""
    i = char - 0x30
    if 0 <= i < len(BAUD_RATES):
        return BAUD_RATES[i]
    return None


class _Opening:
    def __init__(self, timeout_ms):
        self.timeout_ms = timeout_ms
        self._line = bytearray()
        self._out = bytearray()
        self._events = []
        self._state = _IDLE
        self._deadline = None
        self._armed = False
        self._now = None

    def next_event(self):
        if self._events:
            return self._events.pop(0)
        return None

    def data_to_send(self):
        if not self._out:
            return b""
        b = bytes(self._out)
        self._out[:] = b""
        return b

    bytes_to_send = data_to_send

    @property
    def done(self):
        return self._state == _DONE

    def feed(self, data, now_ms=None):
        if now_ms is not None:
            self.tick(now_ms)
        if self._state == _DONE or self._state == _FAILED:
            return  # HDLC's bytes from here: not ours
        line = self._line
        for b in data:
            b &= 0x7F
            if b == _LF and line and line[-1] == _CR:
                text = bytes(line[:-1])
                line[:] = b""
                self._on_line(text)
                if self._state == _DONE or self._state == _FAILED:
                    return
            elif len(line) < _MAX_LINE:
                line.append(b)
            else:
                line[:] = b""  # no message is this long: garbage

    def tick(self, now_ms):
        self._now = now_ms
        if self._armed:
            self._armed = False
            self._deadline = ticks_add(now_ms, self.timeout_ms)
        elif self._deadline is not None and ticks_diff(now_ms, self._deadline) >= 0:
            self._deadline = None
            self._on_timeout()

    def _arm(self):
        self._armed = True
        self._deadline = None

    def _fail(self, message, reason):
        self._state = _FAILED
        self._deadline = None
        self._armed = False
        self._events.append((ERROR, Iec21Error(message, reason)))


class ModeEClient(_Opening):
    """The client's side: sign on, read the identification, select HDLC.

    address: the meter's device address (bytes, up to 32 characters) for
    the request message, b"" for any meter on a point-to-point port.
    max_baud: the fastest rate the client's port can take.  After
    (IDENTIFIED, ...) the attributes manufacturer, identification (without
    the escape sequences), max_baud_offered and fast_reaction are set."""

    def __init__(self, address=b"", max_baud=19200, timeout_ms=DEFAULT_TIMEOUT_MS, retries=2):
        _Opening.__init__(self, timeout_ms)
        self._max_char = baud_char(max_baud)
        self._request = b"/?" + bytes(address) + b"!"
        self.retries = retries
        self._tries = 0
        self.manufacturer = None
        self.identification = None
        self.max_baud_offered = None
        self.fast_reaction = None
        self.baud = None

    def start(self):
        """Open at 300 baud 7E1 and send the request message."""
        self._tries = 0
        self._events.append((SET_LINE, LINE_OPENING))
        self._sign_on()

    def _sign_on(self):
        self._line[:] = b""
        self._out += self._request
        self._out.append(_CR)
        self._out.append(_LF)
        self._state = _WAIT
        self._arm()

    def _on_timeout(self):
        if self._state != _WAIT:
            return
        self._tries += 1
        if self._tries > self.retries:
            self._fail("no identification message from the meter", "timeout")
            return
        self._sign_on()

    def _on_line(self, text):
        if self._state != _WAIT:
            return
        if text == self._request:
            return  # the optical head's echo of our request
        if len(text) < 5 or text[0] != 0x2F:  # '/'
            return  # noise before the identification: wait for it
        z = text[4]
        offered = baud_rate(z)
        if offered is None:
            self._fail("baud rate character %r is not mode C/E" % chr(z), "baud")
            return
        rest = text[5:]
        mode_e = False
        ident = bytearray()
        i = 0
        while i < len(rest):
            c = rest[i]
            if c == 0x5C and i + 1 < len(rest):  # '\\W' escape sequence
                if rest[i + 1] == 0x32:
                    mode_e = True
                i += 2
                continue
            ident.append(c)
            i += 1
        self.manufacturer = text[1:4].decode()
        self.fast_reaction = 0x61 <= text[3] <= 0x7A
        self.identification = bytes(ident)
        self.max_baud_offered = offered
        self._events.append((IDENTIFIED, (self.manufacturer, offered, self.identification)))
        if not mode_e:
            self._fail("the meter offers no binary mode (no \\2 in its identification)", "mode")
            return
        chosen = z if z < self._max_char else self._max_char
        self.baud = baud_rate(chosen)
        self._out.append(ACK)
        self._out.append(0x32)
        self._out.append(chosen)
        self._out.append(0x32)
        self._out.append(_CR)
        self._out.append(_LF)
        self._state = _DONE
        self._deadline = None
        self._armed = False
        self._events.append((SET_LINE, (self.baud, 8, None, 1)))
        self._events.append((READY, self.baud))


class ModeEServer(_Opening):
    """The meter's side: answer a request message with the identification,
    take the acknowledgement that selects HDLC.

    manufacturer: three letters (lowercase third letter: 20 ms reaction);
    identification: up to 16 characters; baud: the fastest rate offered;
    address: this meter's device address, b"" to answer any request.
    confirm: send the acknowledgement back before switching (some clients
    wait for it; the standard leaves it to the meter)."""

    def __init__(self, manufacturer="MCS", identification="microcosem", baud=9600,
                 address=b"", timeout_ms=DEFAULT_TIMEOUT_MS, confirm=False):
        _Opening.__init__(self, timeout_ms)
        if len(manufacturer) != 3:
            raise ValueError("a manufacturer identification has three letters")
        self._z = baud_char(baud)
        self._ident = b"/" + manufacturer.encode() + bytes((self._z,)) + b"\\2" + \
            identification.encode() + b"\r\n"
        self.address = bytes(address)
        self.confirm = confirm
        self.baud = None

    def restart(self):
        """Back to waiting for a request message (after the HDLC link ended)."""
        self._state = _IDLE
        self._line[:] = b""
        self._deadline = None
        self._armed = False
        self.baud = None

    def _on_line(self, text):
        if self._state == _WAIT and text and text[0] == ACK:
            self._on_ack(text)
            return
        n = len(text)
        if n >= 3 and text[0] == 0x2F and text[1] == 0x3F and text[n - 1] == 0x21:  # "/?...!"
            addr = text[2:n - 1]
            if addr and self.address and addr != self.address:
                return  # another meter's request: stay silent
            self._out += self._ident
            self._state = _WAIT
            self._arm()

    def _on_ack(self, text):
        if len(text) != 4:
            self._fail("option select message of %d characters" % len(text), "message")
            self.restart()
            return
        v, z, y = text[1], text[2], text[3]
        if v != 0x32 or y != 0x32:
            # '0' data readout, '1' programming: not what this meter offers.
            self._fail("protocol mode %s%s not supported, only mode E (2 2)" % (chr(v), chr(y)),
                       "mode")
            self.restart()
            return
        rate = baud_rate(z)
        if rate is None or z > self._z:
            self._fail("baud rate character %r not offered" % chr(z), "baud")
            self.restart()
            return
        if self.confirm:
            self._out += text
            self._out += b"\r\n"
        self.baud = rate
        self._state = _DONE
        self._deadline = None
        self._events.append((SET_LINE, (rate, 8, None, 1)))
        self._events.append((READY, rate))

    def _on_timeout(self):
        if self._state == _WAIT:
            # No acknowledgement: the client gave up; wait for the next request.
            self.restart()

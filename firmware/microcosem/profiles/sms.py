"""The SMS short wrapper (Green Book, the SMS communication profile;
IEC 62056-5-3:2023 Annex B, normative), and APDUs longer than one SMS.

An SMS has no room for the 8-byte TCP/UDP wrapper, so an APDU travels
behind two bytes only:

    source SAP (1 byte) | destination SAP (1 byte) | APDU

each SAP the number itself, as the wrapper's wPorts carry it (0x10 the
public client, 0x01 the management logical device), not the HDLC address
octet (0x21, 0x03).  There is no length field: the SMS delimits the
message, and a payload of fewer than 3 octets is no message.

What this was checked against, and what could not be:
- Gurux gxdlms-go, GXDLMS.go (github.com/Gurux/gxdlms-go), byte by byte:
  getSMSFrame writes, on the client, uint8(ClientAddress) then
  uint8(ServerAddress) then the APDU, on the server uint8(ServerAddress)
  then uint8(ClientAddress) (PushClientAddress for a data- or
  event-notification) then the APDU; checkSMSAddress reads the first octet
  as the sender's and the second as the receiver's, one octet each, with
  no shift or bit packing; getSmsData wants at least 3 octets.  Our order,
  widths and values are those.
- Annex B itself is not public (its title is, in the IEC 62056-5-3:2023
  catalogue entry, standards.iteh.ai/catalog/standards/iec/
  5b2da4f3-df1e-42f6-bbc4-23b9939c0257/iec-62056-5-3-2023): whether its
  "compact" SAP encoding packs bits (a 4/4 split, or a range of client
  SAPs mapped into one octet) could not be read; Gurux packs none, and
  SAPs above 0xFF are refused here (EncodeError).
- Gurux does no SMS-level segmentation: getLnMessages sends each APDU, or
  each block of one cut by the DLMS block transfer at the negotiated
  maximum PDU size, as one SMS payload, and getSMSFrame never splits.
  What Annex B says about long APDUs could not be read.

Hence two ways to carry a long answer.  The DLMS one, which every peer
speaks: keep the APDU within one SMS (MAX_APDU_ONE_SMS, 138 octets, as the
client-max-receive-pdu-size and the server's max_pdu) and let GET/SET/
ACTION block transfer cut the data.  And the carrier's, added here: an
8-bit SMS carries 140 octets of user data (3GPP TS 23.040, TP-UD), and a
longer message is split the way GSM networks concatenate 8-bit SMS, TS
23.040 9.2.3.24.1: each part carries a user data header (TP-UDHI set) with
the concatenation element,

    05 | 00 03 | reference | parts | part number (1..parts) | 134 octets of the message

and the short wrapper appears once, at the start of the first part.  A
peer whose stack takes every SMS as a whole short-wrapper message (as
getSmsData does with what its media hands it) cannot read a part, so
against such a peer keep APDUs within MAX_APDU_ONE_SMS: then no header is
ever sent.  The network may deliver parts late, out of order or twice,
and the part numbers make that harmless: SmsReassembler files each part in
its slot, drops an identical repeat, and refuses (DecodeError) a part that
contradicts the one it already has, or numbers out of range.  A receiver
reads the 16-bit reference form (IEI 08) too, and skips other header
elements.

    carrier = SmsOutbox()                      # or a modem driver: send(payload, udhi, address)
    end = SmsEndpoint(carrier)
    end.send_apdu(0x01, 0x10, apdu, "+41...")  # one SMS or several
    msg = end.receive(payload, udhi, sender)   # (source, destination, apdu) once whole, else None

Sans-IO: the carrier is any object with send(payload, udhi, address); a
board's AT-command driver is one, SmsOutbox (below) keeps what it is given.
"""

from ..compat import const
from ..errors import DecodeError, EncodeError

HEADER_SIZE = const(2)
SMS_PAYLOAD = const(140)       # octets of one 8-bit SMS
MAX_APDU_ONE_SMS = const(138)  # SMS_PAYLOAD - HEADER_SIZE: the largest APDU sent without a UDH
_CONCAT_8 = const(0x00)        # TS 23.040 IEI: concatenated SM, 8-bit reference
_CONCAT_16 = const(0x08)       # TS 23.040 IEI: concatenated SM, 16-bit reference
_UDH_SIZE = const(6)           # 05 00 03 ref parts number
MAX_PARTS = const(255)
DEFAULT_MAX_APDU = const(2048)


def encode_sms(out, source, destination, apdu, start=0, end=None):
    """Append source, destination and apdu[start:end] to bytearray `out`."""
    if not (0 <= source <= 0xFF and 0 <= destination <= 0xFF):
        raise EncodeError("SAP out of range for the SMS short wrapper")
    out.append(source)
    out.append(destination)
    out += memoryview(apdu)[start:end]
    return out


def wrap_sms(source, destination, apdu, max_length=SMS_PAYLOAD):
    """One SMS payload as bytes; EncodeError beyond max_length (None: no limit)."""
    n = HEADER_SIZE + len(apdu)
    if max_length is not None and n > max_length:
        raise EncodeError("SMS of %d bytes over %d: segment_sms splits it" % (n, max_length))
    return bytes(encode_sms(bytearray(), source, destination, apdu))


def decode_sms(buf, start=0, end=None):
    """(source, destination, apdu memoryview) from one SMS payload."""
    if end is None:
        end = len(buf)
    if end - start < HEADER_SIZE + 1:
        raise DecodeError("SMS short wrapper without an APDU", start)
    return buf[start], buf[start + 1], memoryview(buf)[start + 2:end]


def segment_sms(source, destination, apdu, reference, max_payload=SMS_PAYLOAD):
    """The SMS payloads of one short-wrapper message: [(payload, udhi)].

    One part without a user data header when it fits max_payload, else
    parts of max_payload octets with the concatenation header (udhi True),
    all with `reference` (0..255, a new one per message)."""
    return list(sms_parts(source, destination, apdu, reference, max_payload))


def sms_parts(source, destination, apdu, reference, max_payload=SMS_PAYLOAD):
    """segment_sms one part at a time (a generator), so that a long APDU
    is never held as all its SMS at once.  The checks run before the first part."""
    if not 0 <= reference <= 0xFF:
        raise EncodeError("concatenation reference %r not 0..255" % (reference,))
    if not apdu:
        raise EncodeError("no APDU to send")
    n = HEADER_SIZE + len(apdu)
    if n <= max_payload:
        return _one(wrap_sms(source, destination, apdu, None))
    room = max_payload - _UDH_SIZE
    if room < 1:
        raise EncodeError("SMS payload of %d octets leaves no room beside the header" % max_payload)
    parts = (n + room - 1) // room
    if parts > MAX_PARTS:
        raise EncodeError("APDU of %d bytes needs %d SMS, over %d" % (len(apdu), parts, MAX_PARTS))
    if not (0 <= source <= 0xFF and 0 <= destination <= 0xFF):
        raise EncodeError("SAP out of range for the SMS short wrapper")
    return _parts(source, destination, memoryview(apdu), reference, room, parts)


def _one(payload):
    yield payload, False


def _parts(source, destination, apdu, reference, room, parts):
    # Part i holds octets [i*room, (i+1)*room) of SAPs + APDU, built without
    # joining them: the two SAP octets lead the first part (or the first two
    # parts, when a tiny max_payload leaves one octet a part).
    sap = (source, destination)
    for i in range(parts):
        p = bytearray((5, _CONCAT_8, 3, reference, parts, i + 1))
        lo = i * room
        hi = lo + room
        for k in range(lo, min(hi, HEADER_SIZE)):
            p.append(sap[k])
        a = lo - HEADER_SIZE if lo > HEADER_SIZE else 0
        if hi - HEADER_SIZE > a:
            p += apdu[a:hi - HEADER_SIZE]
        yield bytes(p), True


def parse_udh(payload):
    """(reference, parts, number, data start) of a payload with TP-UDHI set;
    reference None when the header has no concatenation element (the whole
    message is in this one SMS)."""
    end = len(payload)
    if end < 1:
        raise DecodeError("empty SMS", 0)
    stop = 1 + payload[0]
    if stop > end:
        raise DecodeError("user data header of %d octets in an SMS of %d" % (payload[0], end), 0)
    pos = 1
    found = None
    while pos < stop:
        if pos + 2 > stop:
            raise DecodeError("information element header cut", pos)
        iei = payload[pos]
        n = payload[pos + 1]
        body = pos + 2
        if body + n > stop:
            raise DecodeError("information element 0x%02X runs past the header" % iei, pos)
        if iei == _CONCAT_8 and n == 3:
            found = (payload[body], payload[body + 1], payload[body + 2], pos)
        elif iei == _CONCAT_16 and n == 4:
            found = ((payload[body] << 8) | payload[body + 1], payload[body + 2], payload[body + 3], pos)
        elif iei == _CONCAT_8 or iei == _CONCAT_16:
            raise DecodeError("concatenation element of %d octets" % n, pos)
        pos = body + n
    if found is None:
        return None, 1, 1, stop
    ref, parts, number, at = found
    if parts == 0 or not 1 <= number <= parts:
        raise DecodeError("SMS part %d of %d" % (number, parts), at)
    return ref, parts, number, stop


class SmsReassembler:
    """Whole short-wrapper messages out of SMS parts, in whatever order they come.

    max_apdu bounds a message (and so the heap it may take); max_pending
    bounds the messages half received: a new one beyond it drops the
    oldest (counted in `dropped`), since a part lost in the network never
    comes and its message must not hold memory for ever."""

    def __init__(self, max_apdu=DEFAULT_MAX_APDU, max_pending=4):
        self.max_apdu = max_apdu
        self.max_pending = max_pending
        self._pending = []   # [key, parts list (None = not yet), parts received, octets]
        self.dropped = 0
        self.duplicates = 0

    def pending(self):
        return len(self._pending)

    def feed(self, payload, udhi=False, sender=None):
        """(source, destination, apdu bytes) when this part completes a
        message, else None.  DecodeError for a part that cannot be one."""
        if not udhi:
            return self._message(payload, 0)
        ref, parts, number, start = parse_udh(payload)
        if ref is None:
            return self._message(payload, start)
        data = bytes(memoryview(payload)[start:])
        key = (sender, ref, parts)
        entry = None
        for e in self._pending:
            if e[0] == key:
                entry = e
                break
        if entry is None:
            if len(self._pending) >= self.max_pending:
                self._pending.pop(0)
                self.dropped += 1
            entry = [key, [None] * parts, 0, 0]
            self._pending.append(entry)
        slot = entry[1]
        old = slot[number - 1]
        if old is not None:
            if old == data:
                self.duplicates += 1
                return None
            self._pending.remove(entry)
            raise DecodeError("part %d of SMS message %d differs from the one received" % (number, ref), start)
        if entry[3] + len(data) > self.max_apdu + HEADER_SIZE:
            self._pending.remove(entry)
            raise DecodeError("SMS message %d over %d bytes" % (ref, self.max_apdu), start)
        slot[number - 1] = data
        entry[2] += 1
        entry[3] += len(data)
        if entry[2] < parts:
            return None
        self._pending.remove(entry)
        return self._message(b"".join(slot), 0)

    def _message(self, buf, start):
        if len(buf) - start - HEADER_SIZE > self.max_apdu:
            raise DecodeError("SMS message over %d bytes" % self.max_apdu, start)
        source, destination, apdu = decode_sms(buf, start)
        return source, destination, bytes(apdu)


class SmsOutbox:
    """A carrier that keeps what it is given: `sent` holds (payload, udhi,
    address); a loop drains it into a modem, a test reads it."""

    def __init__(self):
        self.sent = []

    def send(self, payload, udhi, address=None):
        self.sent.append((payload, udhi, address))


class SmsEndpoint:
    """The short wrapper over an SMS carrier, both directions."""

    def __init__(self, carrier, max_payload=SMS_PAYLOAD, max_apdu=DEFAULT_MAX_APDU, max_pending=4):
        self.carrier = carrier
        self.max_payload = max_payload
        self._rx = SmsReassembler(max_apdu, max_pending)
        self._reference = 0

    def send_apdu(self, source, destination, apdu, address=None):
        """Send one APDU; returns the number of SMS it took."""
        n = 0
        for payload, udhi in sms_parts(source, destination, apdu, self._reference, self.max_payload):
            self.carrier.send(payload, udhi, address)
            n += 1
        if n > 1:
            self._reference = (self._reference + 1) & 0xFF
        return n

    def receive(self, payload, udhi=False, address=None):
        return self._rx.feed(payload, udhi, address)


class SmsLink:
    """A meter's logical devices behind an SMS endpoint (as WrapperLink is behind TCP).

        link = SmsLink(((1, server),), carrier)
        link.receive(payload, udhi, sender, now_ms)   # the answer goes out through the carrier

    The destination SAP picks the logical device, the source is the client
    SAP the engine is told; the answer goes back to the sender's number.  A
    message for a SAP with no device, or a part that cannot be one, is
    dropped unanswered, as a wrong HDLC address is.

    A device that answers later (io.concentrator.Concentrator: handle()
    returns None and the meter's answer comes up through next_upstream())
    is served by poll(now_ms), which sends those answers to the number that
    last spoke as that client SAP."""

    def __init__(self, devices, carrier, **options):
        self.devices = tuple(devices)
        self.endpoint = SmsEndpoint(carrier, **options)
        self.errors = 0
        self._senders = []   # [(logical device SAP, client SAP, number)], the latest per pair

    def _remember(self, sap, client_sap, sender):
        for i in range(len(self._senders)):
            if self._senders[i][0] == sap and self._senders[i][1] == client_sap:
                self._senders[i] = (sap, client_sap, sender)
                return
        self._senders.append((sap, client_sap, sender))

    def poll(self, now_ms=0):
        """Send the answers the deferring devices have now; returns how many."""
        n = 0
        for ld, client_sap, sender in self._senders:
            dev = None
            for sap, server in self.devices:
                if sap == ld:
                    dev = server
            nxt = getattr(dev, "next_upstream", None)
            if nxt is None:
                continue
            dev.tick(now_ms)
            while True:
                msg = nxt((client_sap,))
                if msg is None:
                    break
                self.endpoint.send_apdu(ld, client_sap, msg[1], sender)
                n += 1
        return n

    def receive(self, payload, udhi=False, sender=None, now_ms=0):
        try:
            msg = self.endpoint.receive(payload, udhi, sender)
        except DecodeError:
            self.errors += 1
            return
        if msg is None:
            return
        source, destination, apdu = msg
        for sap, server in self.devices:
            if sap == destination:
                self._remember(sap, source, sender)
                reply = server.handle(apdu, source, now_ms)
                if reply:
                    self.endpoint.send_apdu(destination, source, reply, sender)
                return

"""The DLMS/COSEM gateway protocol: an APDU for a meter behind a concentrator.

A head-end reaches a meter it has no direct line to (on a PLC or RS-485
segment, a wireless M-Bus network) through a gateway: it sends the APDU
inside a gateway-request naming the network and the meter's physical
device address, and the gateway answers with the meter's APDU inside a
gateway-response naming the same pair.  A push the meter sends on its own
(a DataNotification) comes up the same way, in a gateway-response nobody
asked for.

    gateway-request  [230] 0xE6 | network-id | physical-device-address | APDU
    gateway-response [231] 0xE7 | network-id | physical-device-address | APDU

    network-id               Unsigned8 (the network behind the gateway, 0 for one)
    physical-device-address  OCTET STRING: an A-XDR length, then the address bytes
    APDU                     the wrapped xDLMS / ACSE APDU, to the end of the buffer

    E6 00 01 11 C0 01 C1 00 08 00 00 01 00 00 FF 02 00
       |  |     `- GetRequestNormal, the Clock's time
       |  `- address of 1 byte: 0x11 (physical address 17)
       `- network 0

The tags, the one-byte network id and the address as a length-prefixed
octet string are what gurux-dlms writes and reads (GXDLMS.getLNPdu, its
GatewayResponse handling); the wrapped APDU has no length of its own, the
lower layer (wrapper length, HDLC frame) bounds it.  Gurux writes the
address length as a single byte on requests and reads an A-XDR length on
responses; both agree below 128 bytes, and an address is a handful.

The classes are APDUs like those of microcosem.apdu (FIELDS, encode_into,
decode, to_bytes, from_bytes).  They are not in apdu's dispatch table: that
is the APDU package's (a build without a gateway leaves them out), so
`decode_gateway` tells them apart here; a receiver looks at the first byte.
"""

from ..apdu.base import Apdu
from ..compat import const
from ..errors import DecodeError, EncodeError, IncompleteData

GATEWAY_REQUEST = const(0xE6)
GATEWAY_RESPONSE = const(0xE7)
_DATA_NOTIFICATION = const(0x0F)
MAX_ADDRESS = const(64)   # longer than any PLC/M-Bus/IPv6 address a meter has


class _Gateway(Apdu):
    """network_id: int 0..255; address: bytes (the physical device address);
    apdu: bytes, the wrapped APDU (not empty)."""

    FIELDS = ("network_id", "address", "apdu")

    def _encode(self, out):
        encode_gateway(out, self.TAG, self.network_id, self.address, self.apdu)

    @classmethod
    def decode(cls, buf, pos=0, end=None):
        if end is None or end > len(buf):
            end = len(buf)
        tag, network_id, address, apdu = decode_gateway(buf, pos, end)
        if tag != cls.TAG:
            raise DecodeError("tag 0x%02X is not %s" % (tag, cls.__name__), pos)
        return cls(network_id=network_id, address=address, apdu=bytes(apdu)), end


class GatewayRequest(_Gateway):
    """What the head-end sends: an APDU for the meter at (network_id, address)."""
    TAG = GATEWAY_REQUEST


class GatewayResponse(_Gateway):
    """What the gateway sends up: the meter's answer, or its push."""
    TAG = GATEWAY_RESPONSE

    def is_notification(self):
        """True when the wrapped APDU is a DataNotification (a push, unasked for)."""
        return bool(self.apdu) and self.apdu[0] == _DATA_NOTIFICATION


def encode_gateway(out, tag, network_id, address, apdu, start=0, end=None):
    """Append tag | network-id | address | apdu[start:end] to bytearray `out`."""
    if tag != GATEWAY_REQUEST and tag != GATEWAY_RESPONSE:
        raise EncodeError("tag 0x%02X is not a gateway APDU" % tag)
    if type(network_id) is not int or not 0 <= network_id <= 0xFF:
        raise EncodeError("network-id %r is not an Unsigned8" % (network_id,))
    if not isinstance(address, (bytes, bytearray, memoryview)) or not 0 < len(address) <= MAX_ADDRESS:
        raise EncodeError("physical-device-address must be 1..%d bytes" % MAX_ADDRESS)
    if end is None:
        end = len(apdu)
    if end <= start:
        raise EncodeError("a gateway APDU wraps an APDU")
    out.append(tag)
    out.append(network_id)
    out.append(len(address))   # an A-XDR length: one byte below 128, and MAX_ADDRESS is below
    out += address
    out += memoryview(apdu)[start:end]
    return out


def gateway_request(network_id, address, apdu):
    return bytes(encode_gateway(bytearray(), GATEWAY_REQUEST, network_id, address, apdu))


def gateway_response(network_id, address, apdu):
    return bytes(encode_gateway(bytearray(), GATEWAY_RESPONSE, network_id, address, apdu))


def decode_gateway(buf, start=0, end=None):
    """(tag, network_id, address bytes, apdu memoryview) of one gateway APDU
    filling buf[start:end].  DecodeError (IncompleteData when it stops short)
    with the offset, for anything else."""
    if end is None:
        end = len(buf)
    if end - start < 1:
        raise IncompleteData("gateway APDU expected", start)
    tag = buf[start]
    if tag != GATEWAY_REQUEST and tag != GATEWAY_RESPONSE:
        raise DecodeError("tag 0x%02X is not a gateway APDU" % tag, start)
    if end - start < 2:
        raise IncompleteData("network-id expected", start + 1)
    network_id = buf[start + 1]
    # The A-XDR length read here, not with axdr.decode_length: a gateway
    # build need not load the Data codec.  0x81 nn is the only long form an
    # address up to MAX_ADDRESS bytes can take.
    pos = start + 2
    if pos >= end:
        raise IncompleteData("physical-device-address expected", pos)
    n = buf[pos]
    pos += 1
    if n == 0x81:
        if pos >= end:
            raise IncompleteData("physical-device-address length stops short", pos)
        n = buf[pos]
        pos += 1
    if n == 0 or n > MAX_ADDRESS:
        raise DecodeError("physical-device-address of %d bytes" % n, start + 2)
    if pos + n > end:
        raise IncompleteData("physical-device-address stops short", pos)
    address = bytes(memoryview(buf)[pos:pos + n])
    pos += n
    if pos >= end:
        raise IncompleteData("the wrapped APDU is missing", pos)
    return tag, network_id, address, memoryview(buf)[pos:end]


def is_gateway(apdu):
    return bool(apdu) and (apdu[0] == GATEWAY_REQUEST or apdu[0] == GATEWAY_RESPONSE)


def wrap_notification(network_id, address, notification):
    """The gateway-response that carries a meter's DataNotification up."""
    if not notification or notification[0] != _DATA_NOTIFICATION:
        raise EncodeError("not a DataNotification")
    return gateway_response(network_id, address, notification)


class GatewayTransport:
    """The head-end's side: a client transport that reaches one meter through a gateway.

        via = GatewayTransport(send, network_id=0, address=b"\\x11")
        Session(Client(settings), via).get(8, clock, 2)

    `send(apdu) -> reply` carries an APDU to the gateway and back (the
    wrapper to the concentrator, say).  Each APDU goes up in a
    gateway-request; the answer must be a gateway-response for the same
    network and address, whose APDU the client is handed.  A gateway-response
    for another meter (a push it forwarded meanwhile) is kept in `others`
    and the transport listens on (`send(None)`)."""

    def __init__(self, send, network_id, address):
        self.send = send
        self.network_id = network_id
        self.address = bytes(address)
        self.others = []   # GatewayResponse of other meters that came in between

    def __call__(self, apdu):
        out = None if apdu is None else gateway_request(self.network_id, self.address, apdu)
        while True:
            reply = self.send(out)
            tag, net, address, inner = decode_gateway(reply)
            if tag != GATEWAY_RESPONSE:
                raise DecodeError("gateway-request sent to the head-end", 0)
            if net == self.network_id and address == self.address:
                return bytes(inner)
            self.others.append(GatewayResponse(network_id=net, address=address, apdu=bytes(inner)))
            out = None

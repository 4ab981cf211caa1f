"""The SMS short wrapper (Green Book, the SMS communication profile).

An SMS has no room for the 8-byte TCP/UDP wrapper, so an APDU travels
behind two bytes only:

    source SAP (1 byte) | destination SAP (1 byte) | APDU

the client SAP and the server's logical device, as the HDLC addresses
carry them (0x10 public client, 0x01 management logical device).  There is
no length field: the SMS delimits the message.  One 8-bit SMS carries 140
bytes, so an APDU beyond 138 bytes needs general block transfer above, or
concatenated SMS below; this module leaves both to those layers and only
refuses what cannot be a wrapper at all.  (The layout is the one Gurux
reads, source first: checkSMSAddress in its Go stack.)
"""

from ..compat import const
from ..errors import DecodeError, EncodeError

HEADER_SIZE = const(2)
SMS_PAYLOAD = const(140)       # octets of one 8-bit SMS


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
        raise EncodeError("SMS of %d bytes over %d: use general block transfer" % (n, max_length))
    return bytes(encode_sms(bytearray(), source, destination, apdu))


def decode_sms(buf, start=0, end=None):
    """(source, destination, apdu memoryview) from one SMS payload."""
    if end is None:
        end = len(buf)
    if end - start < HEADER_SIZE + 1:
        raise DecodeError("SMS short wrapper without an APDU", start)
    return buf[start], buf[start + 1], memoryview(buf)[start + 2:end]

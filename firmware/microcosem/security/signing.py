"""general-signing (tag 0xDF, IEC 62056-5-3 9.2.7.2.4 and its ASN.1):

    general-signing ::= SEQUENCE {
        transaction-id            OCTET STRING,
        originator-system-title   OCTET STRING,
        recipient-system-title    OCTET STRING,
        date-time                 OCTET STRING,
        other-information         OCTET STRING,
        content                   OCTET STRING,   -- the APDU signed (may be ciphered)
        signature                 OCTET STRING }  -- r || s

each OCTET STRING as an A-XDR length and its bytes.  The signature is
ECDSA with the suite's curve and hash (suite 1: P-256 / SHA-256, 64 bytes;
suite 2: P-384 / SHA-384, 96 bytes) over the five encoded fields from
transaction-id to other-information followed by the content's bytes without
their length (the tag excluded), as gurux-dlms (Java) checks it.

    sign(content, transaction_id, originator, recipient, private_key, suite=1,
         date_time=b"", other_information=b"") -> bytes
    decode(data) -> GeneralSigning (the fields, .signed: the bytes the signature covers)
    verify(data, public_key, suite=1) -> GeneralSigning, or SecurityError
"""

from ..compat import const
from ..errors import DecodeError, IncompleteData
from . import SecurityError

GENERAL_SIGNING = const(0xDF)


# A-XDR lengths written here: security.ciphering (6 KiB of .mpy) is not
# needed to sign a notification.
def encode_length(out, n):
    if n < 0x80:
        out.append(n)
    elif n < 0x100:
        out.append(0x81)
        out.append(n)
    else:
        out.append(0x82)
        out.append(n >> 8)
        out.append(n & 0xFF)


def decode_length(buf, pos, end):
    if pos >= end:
        raise IncompleteData("length expected", pos)
    n = buf[pos]
    if n < 0x80:
        return n, pos + 1
    k = n & 0x7F
    if k == 0 or k > 2:
        raise DecodeError("bad length field 0x%02X" % n, pos)
    if pos + 1 + k > end:
        raise IncompleteData("length field truncated", pos)
    if k == 1:
        return buf[pos + 1], pos + 2
    return (buf[pos + 1] << 8) | buf[pos + 2], pos + 3


def _curve(suite):
    from . import ec

    if suite == 1:
        return ec.P256
    if suite == 2:
        return ec.P384
    raise SecurityError("general-signing exists in security suites 1 and 2 only")


def _octets(out, b):
    encode_length(out, len(b))
    out += b


def sign(content, transaction_id, originator, recipient, private_key, suite=1, date_time=b"",
         other_information=b""):
    """The general-signing APDU of `content` signed with `private_key`."""
    from . import ecdsa

    curve = _curve(suite)
    head = bytearray()
    for f in (transaction_id, originator, recipient, date_time, other_information, content):
        if len(f) > 0xFFFF:
            raise SecurityError("general-signing field longer than 65535 bytes")
    for f in (transaction_id, originator, recipient, date_time, other_information):
        _octets(head, bytes(f))
    content = bytes(content)
    sig = ecdsa.sign(curve, private_key, bytes(head) + content)
    out = bytearray((GENERAL_SIGNING,))
    out += head
    _octets(out, content)
    _octets(out, sig)
    return bytes(out)


class GeneralSigning:
    def __init__(self):
        self.transaction_id = None
        self.originator = None
        self.recipient = None
        self.date_time = None
        self.other_information = None
        self.content = None
        self.signature = None
        self.signed = None


_FIELDS = ("transaction-id", "originator-system-title", "recipient-system-title", "date-time",
           "other-information", "content", "signature")


def decode(data):
    end = len(data)
    if not end:
        raise IncompleteData("empty APDU", 0)
    if data[0] != GENERAL_SIGNING:
        raise DecodeError("not a general-signing APDU (tag 0x%02X)" % data[0], 0)
    pos = 1
    vals = []
    head_end = 0
    for what in _FIELDS:
        if what == "content":
            head_end = pos
        n, pos = decode_length(data, pos, end)
        if pos + n > end:
            raise IncompleteData("%s truncated" % what, pos)
        vals.append(bytes(data[pos:pos + n]))
        pos += n
    if pos != end:
        raise DecodeError("bytes after the general-signing APDU", pos)
    m = GeneralSigning()
    (m.transaction_id, m.originator, m.recipient, m.date_time, m.other_information, m.content,
     m.signature) = vals
    m.signed = bytes(data[1:head_end]) + m.content
    return m


def verify(data, public_key, suite=1):
    """The decoded APDU if its signature verifies under the originator's
    public key (X||Y or 04||X||Y); SecurityError otherwise."""
    from . import ecdsa

    m = decode(data)
    curve = _curve(suite)
    if len(m.signature) != 2 * curve.size or not ecdsa.verify(curve, public_key, m.signed,
                                                             m.signature):
        raise SecurityError("general-signing: the signature does not verify")
    return m

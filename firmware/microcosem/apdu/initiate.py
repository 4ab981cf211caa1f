"""xDLMS InitiateRequest / InitiateResponse and the Conformance block (IEC 62056-5-3 9.5).

These travel, A-XDR encoded, inside the user-information of an AARQ / AARE
(or ciphered inside a glo-/ded-initiate APDU, which is another module's job):

    InitiateRequest ::= SEQUENCE {                                    tag 0x01
        dedicated-key                 OCTET STRING OPTIONAL,
        response-allowed              BOOLEAN DEFAULT TRUE,
        proposed-quality-of-service   [0] IMPLICIT Integer8 OPTIONAL,
        proposed-dlms-version-number  Unsigned8,
        proposed-conformance          Conformance,
        client-max-receive-pdu-size   Unsigned16 }
    InitiateResponse ::= SEQUENCE {                                   tag 0x08
        negotiated-quality-of-service [0] IMPLICIT Integer8 OPTIONAL,
        negotiated-dlms-version-number Unsigned8,
        negotiated-conformance        Conformance,
        server-max-receive-pdu-size   Unsigned16,
        vaa-name                      ObjectName }   0x0007 (LN), 0xFA00 (SN)

Conformance is [APPLICATION 31] IMPLICIT BIT STRING (SIZE(24)), always
5F 1F 04 00 b0 b1 b2.  Here it is the int of b0 b1 b2 read big-endian, so
that it prints as the wire does (0x007E1F): the standard numbers the bits
from the first octet's MSB, hence bit n is `1 << (23 - n)` (action, bit 23,
is 0x000001).  Gurux numbers them the other way round (its ACTION is
0x800000); dlms-cosem agrees with us.

`response_allowed` is None when the DEFAULT (TRUE) was used on the wire, so a
decoded request re-encodes to the same bytes; `responses_allowed` reads it.
"""

from ..compat import const
from ..errors import DecodeError, EncodeError, IncompleteData
from ..ber import read_length, write_length
from .base import Apdu

DLMS_VERSION = const(6)
VAA_NAME_LN = const(0x0007)
VAA_NAME_SN = const(0xFA00)

# Conformance bit n (Green Book numbering) as a mask of the 24-bit int: the bits
# the engines offer; the others (general-protection 1, general-block-transfer 2,
# delta-value-encoding 6, attribute0-supported-with-set 8, priority-mgmt-supported 9,
# access 17, event-notification 22) and CONFORMANCE_NAMES are in apdu/names.py.
CONFORMANCE_READ = const(0x100000)                       # bit 3
CONFORMANCE_WRITE = const(0x080000)                      # bit 4
CONFORMANCE_UNCONFIRMED_WRITE = const(0x040000)          # bit 5
CONFORMANCE_ATTRIBUTE0_SUPPORTED_WITH_GET = const(0x002000)   # bit 10
CONFORMANCE_BLOCK_TRANSFER_WITH_GET_OR_READ = const(0x001000)  # bit 11
CONFORMANCE_BLOCK_TRANSFER_WITH_SET_OR_WRITE = const(0x000800)  # bit 12
CONFORMANCE_BLOCK_TRANSFER_WITH_ACTION = const(0x000400)  # bit 13
CONFORMANCE_MULTIPLE_REFERENCES = const(0x000200)        # bit 14
CONFORMANCE_INFORMATION_REPORT = const(0x000100)         # bit 15
CONFORMANCE_DATA_NOTIFICATION = const(0x000080)          # bit 16
CONFORMANCE_PARAMETERIZED_ACCESS = const(0x000020)       # bit 18
CONFORMANCE_GET = const(0x000010)                        # bit 19
CONFORMANCE_SET = const(0x000008)                        # bit 20
CONFORMANCE_SELECTIVE_ACCESS = const(0x000004)           # bit 21
CONFORMANCE_ACTION = const(0x000001)                     # bit 23

_TAG_INITIATE_REQUEST = const(0x01)
_TAG_INITIATE_RESPONSE = const(0x08)
_CONFORMANCE_HEADER = b"\x5f\x1f\x04\x00"


def decode_conformance(buf, pos, end):
    """Conformance at `pos` (5F 1F 04 00 + 3 octets): returns (value, next_pos)."""
    if pos + 7 > end:
        raise IncompleteData("conformance truncated", pos)
    for i in range(4):
        if buf[pos + i] != _CONFORMANCE_HEADER[i]:
            raise DecodeError("conformance must start 5F 1F 04 00", pos)
    return (buf[pos + 4] << 16) | (buf[pos + 5] << 8) | buf[pos + 6], pos + 7


def encode_conformance(out, value):
    if not isinstance(value, int) or not 0 <= value <= 0xFFFFFF:
        raise EncodeError("conformance must be a 24-bit int, not %r" % (value,))
    out += _CONFORMANCE_HEADER
    out.append(value >> 16)
    out.append((value >> 8) & 0xFF)
    out.append(value & 0xFF)


# A-XDR lengths are BER definite lengths, so the ber module reads them; the
# A-XDR Data codec (axdr.py, which pulls in cosemdate) stays unloaded on a meter
# that only associates.


def _optional(buf, pos, end):
    """A-XDR OPTIONAL / DEFAULT marker: True if a value follows."""
    m = _byte(buf, pos, end, "optional marker")
    if m > 1:
        raise DecodeError("bad OPTIONAL marker 0x%02X" % m, pos)
    return m == 1, pos + 1


def _byte(buf, pos, end, what):
    if pos >= end:
        raise IncompleteData(what + " truncated", pos)
    return buf[pos]


def _u16(buf, pos, end, what):
    if pos + 2 > end:
        raise IncompleteData(what + " truncated", pos)
    return (buf[pos] << 8) | buf[pos + 1]


def _decode_qos(buf, pos, end):
    present, pos = _optional(buf, pos, end)
    if not present:
        return None, pos
    v = _byte(buf, pos, end, "quality-of-service")
    return (v - 256 if v & 0x80 else v), pos + 1


def _encode_qos(out, v):
    if v is None:
        out.append(0)
        return
    if not isinstance(v, int) or not -128 <= v <= 127:
        raise EncodeError("quality-of-service must be an Integer8, not %r" % (v,))
    out.append(1)
    out.append(v & 0xFF)


def _check_uint(v, bits, what):
    if not isinstance(v, int) or isinstance(v, bool) or not 0 <= v < (1 << bits):
        raise EncodeError("%s must be an Unsigned%d, not %r" % (what, bits, v))


def _tag(cls, buf, pos, end):
    if _byte(buf, pos, end, "tag") != cls.TAG:
        raise DecodeError("not a %s (tag 0x%02X)" % (cls.__name__, buf[pos]), pos)
    return pos + 1


class InitiateRequest(Apdu):
    """dedicated_key: bytes or None; response_allowed: None (DEFAULT TRUE, left
    out), True or False; proposed_quality_of_service: Integer8 or None;
    proposed_dlms_version_number: int (6 by default); proposed_conformance: the
    24-bit int (conformance_names() names its bits); client_max_receive_pdu_size: int."""

    TAG = _TAG_INITIATE_REQUEST
    FIELDS = ("dedicated_key", "response_allowed", "proposed_quality_of_service",
              "proposed_dlms_version_number", "proposed_conformance",
              "client_max_receive_pdu_size")

    def __init__(self, **kwargs):
        Apdu.__init__(self, **kwargs)
        if self.proposed_dlms_version_number is None:
            self.proposed_dlms_version_number = DLMS_VERSION

    @property
    def responses_allowed(self):
        return self.response_allowed is not False

    def _encode(self, out):
        _check_uint(self.proposed_dlms_version_number, 8, "proposed-dlms-version-number")
        _check_uint(self.client_max_receive_pdu_size, 16, "client-max-receive-pdu-size")
        out.append(self.TAG)
        if self.dedicated_key is None:
            out.append(0)
        else:
            if not isinstance(self.dedicated_key, (bytes, bytearray)):
                raise EncodeError("dedicated-key must be bytes")
            out.append(1)
            write_length(out, len(self.dedicated_key))
            out += self.dedicated_key
        ra = self.response_allowed
        if ra is None:  # DEFAULT TRUE, left out
            out.append(0)
        else:
            out.append(1)
            out.append(0xFF if ra else 0x00)
        _encode_qos(out, self.proposed_quality_of_service)
        out.append(self.proposed_dlms_version_number)
        encode_conformance(out, self.proposed_conformance)
        out.append(self.client_max_receive_pdu_size >> 8)
        out.append(self.client_max_receive_pdu_size & 0xFF)

    @classmethod
    def decode(cls, buf, pos=0, end=None):
        if end is None or end > len(buf):
            end = len(buf)
        pos = _tag(cls, buf, pos, end)
        key = None
        present, pos = _optional(buf, pos, end)
        if present:
            n, pos = read_length(buf, pos, end)
            if n > end - pos:
                raise IncompleteData("dedicated-key truncated", pos)
            key = bytes(buf[pos:pos + n])
            pos += n
        ra = None
        present, pos = _optional(buf, pos, end)
        if present:
            ra = _byte(buf, pos, end, "response-allowed") != 0
            pos += 1
        qos, pos = _decode_qos(buf, pos, end)
        version = _byte(buf, pos, end, "proposed-dlms-version-number")
        conformance, pos = decode_conformance(buf, pos + 1, end)
        size = _u16(buf, pos, end, "client-max-receive-pdu-size")
        return cls(dedicated_key=key, response_allowed=ra, proposed_quality_of_service=qos,
                   proposed_dlms_version_number=version, proposed_conformance=conformance,
                   client_max_receive_pdu_size=size), pos + 2


class InitiateResponse(Apdu):
    """negotiated_quality_of_service: Integer8 or None; negotiated_dlms_version_number:
    int (6); negotiated_conformance: the 24-bit int; server_max_receive_pdu_size: int;
    vaa_name: int (VAA_NAME_LN 0x0007 by default, VAA_NAME_SN 0xFA00)."""

    TAG = _TAG_INITIATE_RESPONSE
    FIELDS = ("negotiated_quality_of_service", "negotiated_dlms_version_number",
              "negotiated_conformance", "server_max_receive_pdu_size", "vaa_name")

    def __init__(self, **kwargs):
        Apdu.__init__(self, **kwargs)
        if self.negotiated_dlms_version_number is None:
            self.negotiated_dlms_version_number = DLMS_VERSION
        if self.vaa_name is None:
            self.vaa_name = VAA_NAME_LN

    def _encode(self, out):
        _check_uint(self.negotiated_dlms_version_number, 8, "negotiated-dlms-version-number")
        _check_uint(self.server_max_receive_pdu_size, 16, "server-max-receive-pdu-size")
        _check_uint(self.vaa_name, 16, "vaa-name")
        out.append(self.TAG)
        _encode_qos(out, self.negotiated_quality_of_service)
        out.append(self.negotiated_dlms_version_number)
        encode_conformance(out, self.negotiated_conformance)
        out.append(self.server_max_receive_pdu_size >> 8)
        out.append(self.server_max_receive_pdu_size & 0xFF)
        out.append(self.vaa_name >> 8)
        out.append(self.vaa_name & 0xFF)

    @classmethod
    def decode(cls, buf, pos=0, end=None):
        if end is None or end > len(buf):
            end = len(buf)
        pos = _tag(cls, buf, pos, end)
        qos, pos = _decode_qos(buf, pos, end)
        version = _byte(buf, pos, end, "negotiated-dlms-version-number")
        conformance, pos = decode_conformance(buf, pos + 1, end)
        size = _u16(buf, pos, end, "server-max-receive-pdu-size")
        vaa = _u16(buf, pos + 2, end, "vaa-name")
        return cls(negotiated_quality_of_service=qos, negotiated_dlms_version_number=version,
                   negotiated_conformance=conformance, server_max_receive_pdu_size=size,
                   vaa_name=vaa), pos + 4


def __getattr__(name):
    # the *_NAMES tables and the constants only the CLI uses live in apdu/names.py
    # (not __path__ and the like, which CPython's import machinery asks for)
    if name[0] == "_":
        raise AttributeError(name)
    from . import names
    return getattr(names, name)

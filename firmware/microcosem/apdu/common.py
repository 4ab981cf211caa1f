"""Pieces shared by the xDLMS service APDUs (IEC 62056-5-3, clause 9.5 ASN.1).

Python forms used throughout:

    Invoke-Id-And-Priority        int, the raw byte (invoke id in bits 0-3,
                                  service-class bit 6, priority bit 7)
    Long-Invoke-Id-And-Priority   int, the raw Unsigned32
    Cosem-Attribute-Descriptor    (class_id, instance_id, attribute_id)
    Cosem-Method-Descriptor       (class_id, instance_id, method_id)
                                  instance_id is the 6-byte OBIS code; the ids
                                  are Integer8 (negative: manufacturer specific)
    Selective-Access-Descriptor   None, or (access_selector, access_parameters Data)
    Get-Data-Result               a Data tuple, or an int data-access-result
    DataBlock-G result            bytes (raw-data) or an int data-access-result

A ServiceApdu encodes all or nothing: a value that does not fit raises
EncodeError and leaves the caller's buffer as it was.
"""

from ..axdr import decode_data, decode_length, encode_data, encode_length
from ..compat import const
from ..errors import DecodeError, EncodeError, IncompleteData
from .base import Apdu

# (the invoke-id builders and splitters: apdu/fields.py)

# ---------------------------------------------------------------- result codes

# Data-Access-Result ::= ENUMERATED (Green Book 9.5)
SUCCESS = const(0)
HARDWARE_FAULT = const(1)
TEMPORARY_FAILURE = const(2)
READ_WRITE_DENIED = const(3)
OBJECT_UNDEFINED = const(4)
OBJECT_CLASS_INCONSISTENT = const(9)
OBJECT_UNAVAILABLE = const(11)
TYPE_UNMATCHED = const(12)
SCOPE_OF_ACCESS_VIOLATED = const(13)
LONG_GET_ABORTED = const(15)
NO_LONG_GET_IN_PROGRESS = const(16)
LONG_SET_ABORTED = const(17)
NO_LONG_SET_IN_PROGRESS = const(18)
DATA_BLOCK_NUMBER_INVALID = const(19)
OTHER_REASON = const(250)


# Action-Result ::= ENUMERATED: the same numbers up to 14, then the long-action pair
LONG_ACTION_ABORTED = const(15)
NO_LONG_ACTION_IN_PROGRESS = const(16)


# ---------------------------------------------------------------- primitives
# Each decoder takes (buf, pos, end) and returns (value, next_pos); each
# encoder appends to `out`.  Running out of bytes is IncompleteData.


def decode_u8(buf, pos, end):
    if pos >= end:
        raise IncompleteData("byte expected", pos)
    return buf[pos], pos + 1


def decode_u32(buf, pos, end):
    if pos + 4 > end:
        raise IncompleteData("Unsigned32 truncated", pos)
    return (buf[pos] << 24) | (buf[pos + 1] << 16) | (buf[pos + 2] << 8) | buf[pos + 3], pos + 4


def decode_bool(buf, pos, end):
    # A-XDR BOOLEAN is one byte; like every peer, any non-zero byte is TRUE
    if pos >= end:
        raise IncompleteData("BOOLEAN expected", pos)
    return buf[pos] != 0, pos + 1


def decode_octet_string(buf, pos, end):
    n, pos = decode_length(buf, pos, end)
    if n > end - pos:
        raise IncompleteData("octet string of %d bytes runs past the end" % n, pos)
    return bytes(buf[pos:pos + n]), pos + n


def decode_count(buf, pos, end):
    """The length of a SEQUENCE OF; every element takes one byte at least."""
    n, pos = decode_length(buf, pos, end)
    if n > end - pos:
        raise IncompleteData("%d elements cannot fit in %d bytes" % (n, end - pos), pos)
    return n, pos


def decode_marker(buf, pos, end):
    """OPTIONAL marker: True when a value follows."""
    if pos >= end:
        raise IncompleteData("OPTIONAL marker expected", pos)
    m = buf[pos]
    if m > 1:
        raise DecodeError("bad OPTIONAL marker 0x%02X" % m, pos)
    return m == 1, pos + 1


def encode_u8(out, v):
    if type(v) is not int or not 0 <= v <= 0xFF:
        raise EncodeError("%r is not an Unsigned8" % (v,))
    out.append(v)


def encode_u16(out, v):
    if type(v) is not int or not 0 <= v <= 0xFFFF:
        raise EncodeError("%r is not an Unsigned16" % (v,))
    out.append(v >> 8)
    out.append(v & 0xFF)


def encode_u32(out, v):
    if type(v) is not int or not 0 <= v <= 0xFFFFFFFF:
        raise EncodeError("%r is not an Unsigned32" % (v,))
    out.append(v >> 24)
    out.append((v >> 16) & 0xFF)
    out.append((v >> 8) & 0xFF)
    out.append(v & 0xFF)


def encode_i8(out, v):
    if type(v) is not int or not -128 <= v <= 127:
        raise EncodeError("%r is not an Integer8" % (v,))
    out.append(v & 0xFF)


def encode_bool(out, v):
    if v is not True and v is not False:
        raise EncodeError("BOOLEAN takes True or False, not %r" % (v,))
    out.append(1 if v else 0)


def encode_octet_string(out, v):
    if not isinstance(v, (bytes, bytearray, memoryview)):
        raise EncodeError("octet string takes bytes, not %r" % (type(v).__name__,))
    encode_length(out, len(v))
    out += v


def encode_obis(out, v):
    if not isinstance(v, (bytes, bytearray)) or len(v) != 6:
        raise EncodeError("instance id takes 6 bytes, not %r" % (v,))
    out += v


# ---------------------------------------------------------------- descriptors


def decode_descriptor(buf, pos, end):
    """Cosem-Attribute-Descriptor or Cosem-Method-Descriptor (same layout)."""
    if pos + 9 > end:
        raise IncompleteData("COSEM descriptor truncated", pos)
    m = buf[pos + 8]
    return (((buf[pos] << 8) | buf[pos + 1]), bytes(buf[pos + 2:pos + 8]),
            m - 256 if m & 0x80 else m), pos + 9


def encode_descriptor(out, d):
    class_id, instance_id, member_id = d
    encode_u16(out, class_id)
    encode_obis(out, instance_id)
    encode_i8(out, member_id)


def decode_selective_access(buf, pos, end):
    """Selective-Access-Descriptor OPTIONAL: None or (access_selector, access_parameters)."""
    present, pos = decode_marker(buf, pos, end)
    if not present:
        return None, pos
    selector, pos = decode_u8(buf, pos, end)
    params, pos = decode_data(buf, pos, end)
    return (selector, params), pos


def encode_selective_access(out, sel):
    if sel is None:
        out.append(0)
        return
    selector, params = sel
    out.append(1)
    encode_u8(out, selector)
    encode_data(out, params)


def decode_descriptors_with_selection(buf, pos, end):
    """SEQUENCE OF Cosem-Attribute-Descriptor-With-Selection: [(descriptor, access)]."""
    n, pos = decode_count(buf, pos, end)
    items = []
    for _ in range(n):
        d, pos = decode_descriptor(buf, pos, end)
        sel, pos = decode_selective_access(buf, pos, end)
        items.append((d, sel))
    return items, pos


def encode_descriptors_with_selection(out, items):
    encode_length(out, len(items))
    for d, sel in items:
        encode_descriptor(out, d)
        encode_selective_access(out, sel)


def decode_descriptors(buf, pos, end):
    """SEQUENCE OF Cosem-Method-Descriptor."""
    n, pos = decode_count(buf, pos, end)
    items = []
    for _ in range(n):
        d, pos = decode_descriptor(buf, pos, end)
        items.append(d)
    return items, pos


def encode_descriptors(out, items):
    encode_length(out, len(items))
    for d in items:
        encode_descriptor(out, d)


def decode_data_list(buf, pos, end):
    """SEQUENCE OF Data."""
    n, pos = decode_count(buf, pos, end)
    items = []
    for _ in range(n):
        v, pos = decode_data(buf, pos, end)
        items.append(v)
    return items, pos


def encode_data_list(out, items):
    encode_length(out, len(items))
    for v in items:
        encode_data(out, v)


def encode_result_list(out, items):
    encode_length(out, len(items))
    for v in items:
        encode_u8(out, v)


# ---------------------------------------------------------------- results and blocks


def decode_datablock_sa(buf, pos, end):
    """DataBlock-SA: (last_block, block_number, raw_data)."""
    last, pos = decode_bool(buf, pos, end)
    number, pos = decode_u32(buf, pos, end)
    raw, pos = decode_octet_string(buf, pos, end)
    return (last, number, raw), pos


def encode_datablock_sa(out, last_block, block_number, raw_data):
    encode_bool(out, last_block)
    encode_u32(out, block_number)
    encode_octet_string(out, raw_data)


# ---------------------------------------------------------------- field codecs
# (encoder, decoder) of one field, for a ServiceApdu's LAYOUT; a DataBlock-SA
# is its three fields BOOL, U32, OCTET_STRING.  The response-only codecs
# (RESULT_LIST, GET_DATA_RESULT, ...) are in apdu/fields.py.

U8 = (encode_u8, decode_u8)
U32 = (encode_u32, decode_u32)
BOOL = (encode_bool, decode_bool)
OCTET_STRING = (encode_octet_string, decode_octet_string)
DATA = (encode_data, decode_data)
DATA_LIST = (encode_data_list, decode_data_list)
DESCRIPTOR = (encode_descriptor, decode_descriptor)
DESCRIPTORS = (encode_descriptors, decode_descriptors)
SELECTIVE_ACCESS = (encode_selective_access, decode_selective_access)
DESCRIPTORS_WITH_SELECTION = (encode_descriptors_with_selection,
                              decode_descriptors_with_selection)


# ---------------------------------------------------------------- the APDU base

class ServiceApdu(Apdu):
    """An xDLMS APDU: TAG, then for the LN service families a CHOICE byte.

    The body after the header is LAYOUT, one field codec per name of FIELDS
    in wire order (`LAYOUT = (U8, U32)`); a class whose body is not such a
    plain sequence (a CHOICE or an OPTIONAL inside) writes its own
    `_encode_body(self, out)` and classmethod
    `_decode_body(cls, buf, pos, end) -> (apdu, next_pos)`.
    """

    CHOICE = None  # the [n] of Get-Request ::= CHOICE {...} and friends
    LAYOUT = ()

    def _encode(self, out):
        out.append(self.TAG)
        if self.CHOICE is not None:
            out.append(self.CHOICE)
        self._encode_body(out)

    @classmethod
    def decode(cls, buf, pos=0, end=None):
        if end is None or end > len(buf):
            end = len(buf)
        if pos >= end:
            raise IncompleteData("%s expected" % cls.__name__, pos)
        if buf[pos] != cls.TAG:
            raise DecodeError("tag 0x%02X is not %s" % (buf[pos], cls.__name__), pos)
        pos += 1
        if cls.CHOICE is not None:
            if pos >= end:
                raise IncompleteData("%s choice expected" % cls.__name__, pos)
            if buf[pos] != cls.CHOICE:
                raise DecodeError("choice %d is not %s" % (buf[pos], cls.__name__), pos)
            pos += 1
        return cls._decode_body(buf, pos, end)

    def _encode_body(self, out):
        fields = self.FIELDS
        layout = self.LAYOUT
        for i in range(len(layout)):
            layout[i][0](out, getattr(self, fields[i]))

    @classmethod
    def _decode_body(cls, buf, pos, end):
        apdu = cls()
        fields = cls.FIELDS
        layout = cls.LAYOUT
        for i in range(len(layout)):
            v, pos = layout[i][1](buf, pos, end)
            setattr(apdu, fields[i], v)
        return apdu, pos


def __getattr__(name):
    # the codecs a meter never calls live in apdu/fields.py, the *_NAMES tables
    # and the constants only the CLI uses in apdu/names.py (not __path__ and the
    # like, which CPython's import machinery asks for)
    if name[0] == "_":
        raise AttributeError(name)
    try:
        from . import fields
    except ImportError:  # a meter build leaves it out
        fields = None
    v = getattr(fields, name, None)
    if v is not None:
        return v
    from . import names
    return getattr(names, name)

"""xDLMS and ACSE APDUs, and the one function that tells them apart.

    apdu = decode_apdu(buf)                   # the whole buffer is one APDU
    apdu, pos = decode_apdu_at(buf, pos, end) # one APDU among others
    apdu.to_bytes() / apdu.encode_into(out)   # back to the wire

The table below maps the first byte (and, for the LN service families
C0..C7, the CHOICE byte after it) to a module and a class name.  Modules are
imported on first use only, so that importing any one APDU module does not
pull in the rest, and a build that leaves a part out (SN referencing, say)
answers its APDUs with DecodeError("unsupported APDU") instead of failing
to import.
"""

from ..errors import DecodeError, IncompleteData

# (tag, choice or None, module, class)
APDU_TABLE = (
    (0x01, None, "initiate", "InitiateRequest"),
    (0x05, None, "sn", "ReadRequest"),
    (0x06, None, "sn", "WriteRequest"),
    (0x08, None, "initiate", "InitiateResponse"),
    (0x0C, None, "sn", "ReadResponse"),
    (0x0D, None, "sn", "WriteResponse"),
    (0x0E, None, "service_error", "ConfirmedServiceError"),
    (0x0F, None, "notify", "DataNotification"),
    (0x16, None, "sn", "UnconfirmedWriteRequest"),
    (0x18, None, "sn", "InformationReportRequest"),
    (0x60, None, "acse", "AARQ"),
    (0x61, None, "acse", "AARE"),
    (0x62, None, "acse", "RLRQ"),
    (0x63, None, "acse", "RLRE"),
    (0xC0, 1, "get", "GetRequestNormal"),
    (0xC0, 2, "get", "GetRequestNext"),
    (0xC0, 3, "get", "GetRequestWithList"),
    (0xC1, 1, "set", "SetRequestNormal"),
    (0xC1, 2, "set", "SetRequestWithFirstDatablock"),
    (0xC1, 3, "set", "SetRequestWithDatablock"),
    (0xC1, 4, "set", "SetRequestWithList"),
    (0xC1, 5, "set", "SetRequestWithListAndFirstDatablock"),
    (0xC2, None, "notify", "EventNotificationRequest"),
    (0xC3, 1, "action", "ActionRequestNormal"),
    (0xC3, 2, "action", "ActionRequestNextPblock"),
    (0xC3, 3, "action", "ActionRequestWithList"),
    (0xC3, 4, "action", "ActionRequestWithFirstPblock"),
    (0xC3, 5, "action", "ActionRequestWithListAndFirstPblock"),
    (0xC3, 6, "action", "ActionRequestWithPblock"),
    (0xC4, 1, "get", "GetResponseNormal"),
    (0xC4, 2, "get", "GetResponseWithDatablock"),
    (0xC4, 3, "get", "GetResponseWithList"),
    (0xC5, 1, "set", "SetResponseNormal"),
    (0xC5, 2, "set", "SetResponseDatablock"),
    (0xC5, 3, "set", "SetResponseLastDatablock"),
    (0xC5, 4, "set", "SetResponseLastDatablockWithList"),
    (0xC5, 5, "set", "SetResponseWithList"),
    (0xC7, 1, "action", "ActionResponseNormal"),
    (0xC7, 2, "action", "ActionResponseWithPblock"),
    (0xC7, 3, "action", "ActionResponseWithList"),
    (0xC7, 4, "action", "ActionResponseNextPblock"),
    (0xD8, None, "service_error", "ExceptionResponse"),
)


# The classes found so far: a tag without CHOICE by the tag, a (tag, choice)
# of the service families by tag << 8 | choice (>= 0xC000, apart from every
# tag).  Filled on first use, so that a meter holds the classes it has met
# and one dict lookup replaces the table scan and __import__ per APDU.
_FOUND = {}


def _find(tag, choice):
    """Scan APDU_TABLE: (class, key) for (tag, choice); (None, has_choice) when
    no row matches, has_choice None for an unknown tag."""
    has_choice = None
    for t, c, module, name in APDU_TABLE:
        if t == tag:
            has_choice = c is not None
            if c is None or c == choice:
                mod = __import__(__name__ + "." + module, None, None, (name,))
                return getattr(mod, name), (tag if c is None else tag << 8 | c)
    return None, has_choice


def apdu_class(tag, choice=None):
    """The class for (tag, choice), importing its module; None when the table has
    no such row.  ImportError when the module is not part of this build."""
    cls = _FOUND.get(tag)
    if cls is None and choice is not None and 0 <= choice <= 0xFF:
        cls = _FOUND.get(tag << 8 | choice)
    if cls is None:
        cls, key = _find(tag, choice)
        if cls is not None:
            _FOUND[key] = cls
    return cls


def _resolve(buf, pos, end, tag):
    """The class of the APDU at buf[pos] that _FOUND does not hold yet (or the error)."""
    choice = None
    if pos + 1 < end:
        choice = buf[pos + 1]
    try:
        cls, key = _find(tag, choice)
    except ImportError:
        raise DecodeError("unsupported APDU 0x%02X (not in this build)" % tag, pos)
    except AttributeError:
        raise DecodeError("unsupported APDU 0x%02X (class missing)" % tag, pos)
    if cls is not None:
        _FOUND[key] = cls
        return cls
    if key is None:
        raise DecodeError("unknown APDU tag 0x%02X" % tag, pos)
    if choice is None:
        raise IncompleteData("APDU choice expected", pos + 1)
    raise DecodeError("unknown choice %d of APDU 0x%02X" % (choice, tag), pos + 1)


def decode_apdu_at(buf, pos=0, end=None):
    """Decode the APDU whose first byte is at `pos`; returns (apdu, next_pos)."""
    if end is None or end > len(buf):
        end = len(buf)
    if pos >= end:
        raise IncompleteData("APDU expected", pos)
    tag = buf[pos]
    cls = _FOUND.get(tag)
    if cls is None:
        if pos + 1 < end:
            cls = _FOUND.get(tag << 8 | buf[pos + 1])
        if cls is None:
            cls = _resolve(buf, pos, end, tag)
    return cls.decode(buf, pos, end)


def decode_apdu(buf, pos=0, end=None):
    """The one APDU that buf[pos:end] holds; bytes after it are a DecodeError."""
    if end is None or end > len(buf):
        end = len(buf)
    apdu, next_pos = decode_apdu_at(buf, pos, end)
    if next_pos != end:
        raise DecodeError("%d bytes after the APDU" % (end - next_pos), next_pos)
    return apdu

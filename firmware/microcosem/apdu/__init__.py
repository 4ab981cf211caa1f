"""xDLMS and ACSE APDUs, and the one function that tells them apart.

    apdu = decode_apdu(buf)                   # the whole buffer is one APDU
    apdu, pos = decode_apdu_at(buf, pos, end) # one APDU among others
    apdu.to_bytes() / apdu.encode_into(out)   # back to the wire

The table below (_ROWS) maps the first byte (and, for the LN service families
C0..C7, the CHOICE byte after it) to a module and a class name.  Modules are
imported on first use only, so that importing any one APDU module does not
pull in the rest, and a build that leaves a part out (SN referencing, say)
answers its APDUs with DecodeError("unsupported APDU") instead of failing
to import.
"""

from ..errors import DecodeError, IncompleteData

# The table, three bytes a row: the tag, the CHOICE (0: none; the families
# number theirs from 1) and the index of the module in _MODULES; _CLASSES
# holds the class of each row.  Bytes and two tuples of interned names keep
# 2.7k less heap than 42 four-tuples (64-bit MicroPython, .mpy); APDU_TABLE
# (the rows as (tag, choice or None, module, class)) is built from them when asked for.
_MODULES = ("initiate", "sn", "service_error", "notify", "acse", "get", "set", "action")
_ROWS = (
    b"\x01\x00\x00"  # initiate.InitiateRequest
    b"\x05\x00\x01"  # sn.ReadRequest
    b"\x06\x00\x01"  # sn.WriteRequest
    b"\x08\x00\x00"  # initiate.InitiateResponse
    b"\x0C\x00\x01"  # sn.ReadResponse
    b"\x0D\x00\x01"  # sn.WriteResponse
    b"\x0E\x00\x02"  # service_error.ConfirmedServiceError
    b"\x0F\x00\x03"  # notify.DataNotification
    b"\x16\x00\x01"  # sn.UnconfirmedWriteRequest
    b"\x18\x00\x01"  # sn.InformationReportRequest
    b"\x60\x00\x04"  # acse.AARQ
    b"\x61\x00\x04"  # acse.AARE
    b"\x62\x00\x04"  # acse.RLRQ
    b"\x63\x00\x04"  # acse.RLRE
    b"\xC0\x01\x05"  # get.GetRequestNormal
    b"\xC0\x02\x05"  # get.GetRequestNext
    b"\xC0\x03\x05"  # get.GetRequestWithList
    b"\xC1\x01\x06"  # set.SetRequestNormal
    b"\xC1\x02\x06"  # set.SetRequestWithFirstDatablock
    b"\xC1\x03\x06"  # set.SetRequestWithDatablock
    b"\xC1\x04\x06"  # set.SetRequestWithList
    b"\xC1\x05\x06"  # set.SetRequestWithListAndFirstDatablock
    b"\xC2\x00\x03"  # notify.EventNotificationRequest
    b"\xC3\x01\x07"  # action.ActionRequestNormal
    b"\xC3\x02\x07"  # action.ActionRequestNextPblock
    b"\xC3\x03\x07"  # action.ActionRequestWithList
    b"\xC3\x04\x07"  # action.ActionRequestWithFirstPblock
    b"\xC3\x05\x07"  # action.ActionRequestWithListAndFirstPblock
    b"\xC3\x06\x07"  # action.ActionRequestWithPblock
    b"\xC4\x01\x05"  # get.GetResponseNormal
    b"\xC4\x02\x05"  # get.GetResponseWithDatablock
    b"\xC4\x03\x05"  # get.GetResponseWithList
    b"\xC5\x01\x06"  # set.SetResponseNormal
    b"\xC5\x02\x06"  # set.SetResponseDatablock
    b"\xC5\x03\x06"  # set.SetResponseLastDatablock
    b"\xC5\x04\x06"  # set.SetResponseLastDatablockWithList
    b"\xC5\x05\x06"  # set.SetResponseWithList
    b"\xC7\x01\x07"  # action.ActionResponseNormal
    b"\xC7\x02\x07"  # action.ActionResponseWithPblock
    b"\xC7\x03\x07"  # action.ActionResponseWithList
    b"\xC7\x04\x07"  # action.ActionResponseNextPblock
    b"\xD8\x00\x02"  # service_error.ExceptionResponse
)
_CLASSES = (
    "InitiateRequest", "ReadRequest", "WriteRequest", "InitiateResponse", "ReadResponse",
    "WriteResponse", "ConfirmedServiceError", "DataNotification", "UnconfirmedWriteRequest",
    "InformationReportRequest", "AARQ", "AARE", "RLRQ", "RLRE", "GetRequestNormal",
    "GetRequestNext", "GetRequestWithList", "SetRequestNormal", "SetRequestWithFirstDatablock",
    "SetRequestWithDatablock", "SetRequestWithList", "SetRequestWithListAndFirstDatablock",
    "EventNotificationRequest", "ActionRequestNormal", "ActionRequestNextPblock",
    "ActionRequestWithList", "ActionRequestWithFirstPblock",
    "ActionRequestWithListAndFirstPblock", "ActionRequestWithPblock", "GetResponseNormal",
    "GetResponseWithDatablock", "GetResponseWithList", "SetResponseNormal",
    "SetResponseDatablock", "SetResponseLastDatablock", "SetResponseLastDatablockWithList",
    "SetResponseWithList", "ActionResponseNormal", "ActionResponseWithPblock",
    "ActionResponseWithList", "ActionResponseNextPblock", "ExceptionResponse",
)


# The classes found so far: a tag without CHOICE by the tag, a (tag, choice)
# of the service families by tag << 8 | choice (>= 0xC000, apart from every
# tag).  Filled on first use, so that a meter holds the classes it has met
# and one dict lookup replaces the table scan and __import__ per APDU.
_FOUND = {}


def _find(tag, choice):
    """Scan the table: (class, key) for (tag, choice); (None, has_choice) when
    no row matches, has_choice None for an unknown tag."""
    has_choice = None
    rows = _ROWS
    for i in range(0, len(rows), 3):
        if rows[i] == tag:
            c = rows[i + 1]
            has_choice = c != 0
            if c == 0 or c == choice:
                name = _CLASSES[i // 3]
                mod = __import__(__name__ + "." + _MODULES[rows[i + 2]], None, None, (name,))
                return getattr(mod, name), (tag if c == 0 else tag << 8 | c)
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


def __getattr__(name):
    # APDU_TABLE, for the CLI and the tests: a meter dispatches on _ROWS.
    if name == "APDU_TABLE":
        rows = _ROWS
        return tuple((rows[i], rows[i + 1] or None, _MODULES[rows[i + 2]], _CLASSES[i // 3])
                     for i in range(0, len(rows), 3))
    # Else a submodule not imported yet: MicroPython's `from . import names` asks
    # the package first and takes this function's answer, import or error.
    if name[0] != "_":
        try:
            return __import__(__name__ + "." + name, None, None, (name,))
        except ImportError:
            pass
    raise AttributeError(name)

"""Short-name referencing APDUs (IEC 62056-5-3, 9.4 and 9.5).

    ReadRequest [5]    SEQUENCE OF Variable-Access-Specification
    ReadResponse [12]  SEQUENCE OF CHOICE { data [0] Data, data-access-error [1],
                                            data-block-result [2], block-number [3] }
    WriteRequest [6], UnconfirmedWriteRequest [22]
                       SEQUENCE { SEQUENCE OF Variable-Access-Specification,
                                  SEQUENCE OF Data }
    WriteResponse [13] SEQUENCE OF CHOICE { success [0] NULL, data-access-error [1],
                                            block-number [2] }
    InformationReportRequest [24]
                       SEQUENCE { current-time OPTIONAL, the two lists above }

A Variable-Access-Specification is a tuple led by its CHOICE tag:

    (VARIABLE_NAME, short_name)                                   [2]
    (PARAMETERIZED_ACCESS, short_name, selector, parameter Data)  [4]
    (BLOCK_NUMBER_ACCESS, block_number)                           [5]
    (READ_DATA_BLOCK_ACCESS, last_block, block_number, raw_data)  [6]
    (WRITE_DATA_BLOCK_ACCESS, last_block, block_number)           [7]

(detailed-access [3] is reserved and never used by DLMS.)  Short names and SN
block numbers are Unsigned16.  Response items are 2-tuples (choice, value):
a Data-Block-Result value is (last_block, block_number, raw_data), a
success value is None.

The current-time of an InformationReport is written as Gurux does (a length
byte then the COSEM date-time, 0 when absent), the form meters send.
"""

from ..axdr import decode_data, encode_data, encode_length
from ..compat import const
from ..errors import DecodeError
from .common import (
    DATA_LIST, ServiceApdu, decode_bool, decode_count, decode_data_list, decode_octet_string,
    decode_u8, decode_u16, encode_bool, encode_data_list, encode_octet_string, encode_u8,
    encode_u16,
)

_READ_REQUEST = const(0x05)
_WRITE_REQUEST = const(0x06)
_READ_RESPONSE = const(0x0C)
_WRITE_RESPONSE = const(0x0D)
_UNCONFIRMED_WRITE_REQUEST = const(0x16)
_INFORMATION_REPORT_REQUEST = const(0x18)

# Variable-Access-Specification
VARIABLE_NAME = const(2)
PARAMETERIZED_ACCESS = const(4)
BLOCK_NUMBER_ACCESS = const(5)
READ_DATA_BLOCK_ACCESS = const(6)
WRITE_DATA_BLOCK_ACCESS = const(7)

# What each choice of the ReadResponse and WriteResponse CHOICE lists carries,
# indexed by the choice (names.READ_RESPONSE_NAMES / WRITE_RESPONSE_NAMES):
# one codec (below) serves both.
_NOTHING = const(0)
_U8 = const(1)
_U16 = const(2)
_DATA = const(3)
_BLOCK = const(4)  # data-block-result: last-block, block-number, raw-data
# data, data-access-error, data-block-result, block-number
_READ_ARMS = (_DATA, _U8, _BLOCK, _U16)
# success, data-access-error, block-number
_WRITE_ARMS = (_NOTHING, _U8, _U16)


def _encode_choices(out, results, arms, what):
    encode_length(out, len(results))
    for choice, v in results:
        if type(choice) is not int or not 0 <= choice < len(arms):
            raise ValueError("unknown %s choice %r" % (what, choice))
        kind = arms[choice]
        if kind == _NOTHING and v is not None:
            raise ValueError("%s choice %d carries no value" % (what, choice))
        out.append(choice)
        if kind == _DATA:
            encode_data(out, v)
        elif kind == _U8:
            encode_u8(out, v)
        elif kind == _U16:
            encode_u16(out, v)
        elif kind == _BLOCK:
            last, n, raw = v
            encode_bool(out, last)
            encode_u16(out, n)
            encode_octet_string(out, raw)


def _decode_choices(buf, pos, end, arms, what):
    count, pos = decode_count(buf, pos, end)
    results = []
    for _ in range(count):
        choice, pos = decode_u8(buf, pos, end)
        if choice >= len(arms):
            raise DecodeError("unknown %s choice %d" % (what, choice), pos - 1)
        kind = arms[choice]
        v = None
        if kind == _DATA:
            v, pos = decode_data(buf, pos, end)
        elif kind == _U8:
            v, pos = decode_u8(buf, pos, end)
        elif kind == _U16:
            v, pos = decode_u16(buf, pos, end)
        elif kind == _BLOCK:
            last, pos = decode_bool(buf, pos, end)
            n, pos = decode_u16(buf, pos, end)
            raw, pos = decode_octet_string(buf, pos, end)
            v = (last, n, raw)
        results.append((choice, v))
    return results, pos


def decode_variable_access(buf, pos, end):
    choice, pos = decode_u8(buf, pos, end)
    if choice == VARIABLE_NAME:
        sn, pos = decode_u16(buf, pos, end)
        return (choice, sn), pos
    if choice == PARAMETERIZED_ACCESS:
        sn, pos = decode_u16(buf, pos, end)
        selector, pos = decode_u8(buf, pos, end)
        param, pos = decode_data(buf, pos, end)
        return (choice, sn, selector, param), pos
    if choice == BLOCK_NUMBER_ACCESS:
        n, pos = decode_u16(buf, pos, end)
        return (choice, n), pos
    if choice == READ_DATA_BLOCK_ACCESS:
        last, pos = decode_bool(buf, pos, end)
        n, pos = decode_u16(buf, pos, end)
        raw, pos = decode_octet_string(buf, pos, end)
        return (choice, last, n, raw), pos
    if choice == WRITE_DATA_BLOCK_ACCESS:
        last, pos = decode_bool(buf, pos, end)
        n, pos = decode_u16(buf, pos, end)
        return (choice, last, n), pos
    raise DecodeError("unknown Variable-Access-Specification %d" % choice, pos - 1)


def encode_variable_access(out, spec):
    choice = spec[0]
    if choice == VARIABLE_NAME or choice == BLOCK_NUMBER_ACCESS:
        _, n = spec
        out.append(choice)
        encode_u16(out, n)
    elif choice == PARAMETERIZED_ACCESS:
        _, sn, selector, param = spec
        out.append(choice)
        encode_u16(out, sn)
        encode_u8(out, selector)
        encode_data(out, param)
    elif choice == READ_DATA_BLOCK_ACCESS:
        _, last, n, raw = spec
        out.append(choice)
        encode_bool(out, last)
        encode_u16(out, n)
        encode_octet_string(out, raw)
    elif choice == WRITE_DATA_BLOCK_ACCESS:
        _, last, n = spec
        out.append(choice)
        encode_bool(out, last)
        encode_u16(out, n)
    else:
        raise ValueError("unknown Variable-Access-Specification %r" % (choice,))


def decode_variable_access_list(buf, pos, end):
    n, pos = decode_count(buf, pos, end)
    items = []
    for _ in range(n):
        v, pos = decode_variable_access(buf, pos, end)
        items.append(v)
    return items, pos


def encode_variable_access_list(out, items):
    encode_length(out, len(items))
    for spec in items:
        encode_variable_access(out, spec)


VARIABLE_ACCESS_LIST = (encode_variable_access_list, decode_variable_access_list)


class ReadRequest(ServiceApdu):
    """variable_access_specifications: [Variable-Access-Specification tuple]
    (module docstring; VARIABLE_ACCESS_NAMES names the leading tag)."""

    TAG = _READ_REQUEST
    FIELDS = ("variable_access_specifications",)
    LAYOUT = (VARIABLE_ACCESS_LIST,)


class _ChoiceList(ServiceApdu):
    """ReadResponse and WriteResponse: a list of CHOICEs whose bodies ARMS gives."""

    FIELDS = ("results",)
    ARMS = ()

    def _encode_body(self, out):
        _encode_choices(out, self.results, self.ARMS, type(self).__name__)

    @classmethod
    def _decode_body(cls, buf, pos, end):
        results, pos = _decode_choices(buf, pos, end, cls.ARMS, cls.__name__)
        return cls(results=results), pos


class ReadResponse(_ChoiceList):
    """results: [(READ_DATA, Data) | (READ_DATA_ACCESS_ERROR, code) |
    (READ_DATA_BLOCK_RESULT, (last_block, block_number, raw_data)) |
    (READ_BLOCK_NUMBER, block_number)]; READ_RESPONSE_NAMES names the choices,
    common.DATA_ACCESS_RESULT_NAMES the codes."""

    TAG = _READ_RESPONSE
    ARMS = _READ_ARMS


class WriteRequest(ServiceApdu):
    """variable_access_specifications: [Variable-Access-Specification tuple];
    values: [Data], one per specification (a write-data-block-access carries
    a slice of the value's encoding as an octet-string Data)."""

    TAG = _WRITE_REQUEST
    FIELDS = ("variable_access_specifications", "values")
    LAYOUT = (VARIABLE_ACCESS_LIST, DATA_LIST)


class UnconfirmedWriteRequest(WriteRequest):
    """The fields of WriteRequest; no WriteResponse follows."""

    TAG = _UNCONFIRMED_WRITE_REQUEST


class WriteResponse(_ChoiceList):
    """results: [(WRITE_SUCCESS, None) | (WRITE_DATA_ACCESS_ERROR, code) |
    (WRITE_BLOCK_NUMBER, block_number)]; WRITE_RESPONSE_NAMES names the choices."""

    TAG = _WRITE_RESPONSE
    ARMS = _WRITE_ARMS


class InformationReportRequest(ServiceApdu):
    """current_time: None or its bytes (a 12-byte COSEM date-time);
    variable_access_specifications and values as in WriteRequest."""

    TAG = _INFORMATION_REPORT_REQUEST
    FIELDS = ("current_time", "variable_access_specifications", "values")
    def _encode_body(self, out):
        if self.current_time is None:
            out.append(0)
        elif len(self.current_time) == 0:
            raise ValueError("an empty current-time is written as None")
        else:
            encode_octet_string(out, self.current_time)
        encode_variable_access_list(out, self.variable_access_specifications)
        encode_data_list(out, self.values)

    @classmethod
    def _decode_body(cls, buf, pos, end):
        t, pos = decode_octet_string(buf, pos, end)
        items, pos = decode_variable_access_list(buf, pos, end)
        values, pos = decode_data_list(buf, pos, end)
        return cls(current_time=t or None, variable_access_specifications=items,
                   values=values), pos


def __getattr__(name):
    # the *_NAMES tables and the constants only the CLI uses live in apdu/names.py
    # (not __path__ and the like, which CPython's import machinery asks for)
    if name[0] == "_":
        raise AttributeError(name)
    from . import names
    return getattr(names, name)

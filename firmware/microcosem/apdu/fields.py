"""The field codecs of apdu/common.py that a meter's LN server never calls.

The invoke-id builders and splitters (a client's), Get-Data-Result,
DataBlock-G and the result list (the responses', apdu/responses.py), the
Unsigned16 / Integer8 / OBIS readers and the names of result codes.  Each is
importable from apdu.common as before (its module __getattr__ loads this
module on first use); a meter build leaves this module out.
"""

from ..axdr import decode_data, encode_data, encode_length
from ..compat import const
from ..errors import DecodeError, EncodeError, IncompleteData
from .common import (
    decode_bool, decode_count, decode_marker, decode_octet_string, decode_u8, decode_u32,
    encode_bool, encode_octet_string, encode_result_list, encode_u8, encode_u32,
)

# ---------------------------------------------------------------- invoke ids

_SERVICE_CLASS_CONFIRMED = const(0x40)
_PRIORITY_HIGH = const(0x80)

# Long-Invoke-Id-And-Priority bits (Data-Notification, general-block-transfer)
_LONG_SELF_DESCRIPTIVE = const(0x10000000)
_LONG_BREAK_ON_ERROR = const(0x20000000)
_LONG_SERVICE_CLASS_CONFIRMED = const(0x40000000)
_LONG_PRIORITY_HIGH = const(0x80000000)



def invoke_id_and_priority(invoke_id, confirmed=True, high_priority=False):
    """The Invoke-Id-And-Priority byte: 0xC1 is invoke id 1, confirmed, high."""
    if not 0 <= invoke_id <= 15:
        raise EncodeError("invoke id %r is not 0..15" % (invoke_id,))
    return invoke_id | (_SERVICE_CLASS_CONFIRMED if confirmed else 0) | (
        _PRIORITY_HIGH if high_priority else 0)


def split_invoke_id_and_priority(v):
    """(invoke_id, confirmed, high_priority) from the raw byte."""
    return v & 0x0F, bool(v & _SERVICE_CLASS_CONFIRMED), bool(v & _PRIORITY_HIGH)


def long_invoke_id_and_priority(long_invoke_id, confirmed=False, high_priority=False,
                                break_on_error=False, self_descriptive=False):
    if not 0 <= long_invoke_id <= 0xFFFFFF:
        raise EncodeError("long invoke id %r is not 0..0xFFFFFF" % (long_invoke_id,))
    v = long_invoke_id
    if self_descriptive:
        v |= _LONG_SELF_DESCRIPTIVE
    if break_on_error:
        v |= _LONG_BREAK_ON_ERROR
    if confirmed:
        v |= _LONG_SERVICE_CLASS_CONFIRMED
    if high_priority:
        v |= _LONG_PRIORITY_HIGH
    return v


def split_long_invoke_id_and_priority(v):
    """(long_invoke_id, confirmed, high_priority, break_on_error, self_descriptive)."""
    return (v & 0xFFFFFF, bool(v & _LONG_SERVICE_CLASS_CONFIRMED), bool(v & _LONG_PRIORITY_HIGH),
            bool(v & _LONG_BREAK_ON_ERROR), bool(v & _LONG_SELF_DESCRIPTIVE))


def name_of(table, code):
    """The name a (code, name) table gives `code`, or None for a code it lacks."""
    for c, name in table:
        if c == code:
            return name
    return None


def data_access_result_name(code):
    from . import names
    return name_of(names.DATA_ACCESS_RESULT_NAMES, code)


def action_result_name(code):
    from . import names
    return name_of(names.ACTION_RESULT_NAMES, code)


def decode_u16(buf, pos, end):
    if pos + 2 > end:
        raise IncompleteData("Unsigned16 truncated", pos)
    return (buf[pos] << 8) | buf[pos + 1], pos + 2


def decode_i8(buf, pos, end):
    if pos >= end:
        raise IncompleteData("Integer8 expected", pos)
    v = buf[pos]
    return (v - 256 if v & 0x80 else v), pos + 1


def decode_obis(buf, pos, end):
    if pos + 6 > end:
        raise IncompleteData("instance id truncated", pos)
    return bytes(buf[pos:pos + 6]), pos + 6


def decode_result_list(buf, pos, end):
    """SEQUENCE OF Data-Access-Result."""
    n, pos = decode_count(buf, pos, end)
    items = []
    for i in range(pos, pos + n):
        items.append(buf[i])
    return items, pos + n


def decode_get_data_result(buf, pos, end):
    """Get-Data-Result ::= CHOICE { data [0] Data, data-access-result [1] }."""
    choice, pos = decode_u8(buf, pos, end)
    if choice == 0:
        return decode_data(buf, pos, end)
    if choice == 1:
        return decode_u8(buf, pos, end)
    raise DecodeError("bad Get-Data-Result choice %d" % choice, pos - 1)


def encode_get_data_result(out, result):
    if type(result) is int:
        out.append(1)
        encode_u8(out, result)
    else:
        out.append(0)
        encode_data(out, result)


def decode_get_data_results(buf, pos, end):
    """SEQUENCE OF Get-Data-Result."""
    n, pos = decode_count(buf, pos, end)
    results = []
    for _ in range(n):
        r, pos = decode_get_data_result(buf, pos, end)
        results.append(r)
    return results, pos


def encode_get_data_results(out, results):
    encode_length(out, len(results))
    for r in results:
        encode_get_data_result(out, r)


def decode_optional_get_data_result(buf, pos, end):
    """Get-Data-Result OPTIONAL (an Action-Response's return-parameters): None when absent."""
    present, pos = decode_marker(buf, pos, end)
    if not present:
        return None, pos
    return decode_get_data_result(buf, pos, end)


def encode_optional_get_data_result(out, ret):
    if ret is None:
        out.append(0)
    else:
        out.append(1)
        encode_get_data_result(out, ret)


def decode_block_result(buf, pos, end):
    """DataBlock-G's result CHOICE { raw-data [0] OCTET STRING, data-access-result [1] }."""
    choice, pos = decode_u8(buf, pos, end)
    if choice == 0:
        return decode_octet_string(buf, pos, end)
    if choice == 1:
        return decode_u8(buf, pos, end)
    raise DecodeError("bad DataBlock-G result choice %d" % choice, pos - 1)


def encode_block_result(out, result):
    if type(result) is int:
        out.append(1)
        encode_u8(out, result)
    else:
        out.append(0)
        encode_octet_string(out, result)


def decode_datablock_g(buf, pos, end):
    """DataBlock-G: (last_block, block_number, result) with result raw-data bytes
    or an int data-access-result."""
    last, pos = decode_bool(buf, pos, end)
    number, pos = decode_u32(buf, pos, end)
    result, pos = decode_block_result(buf, pos, end)
    return (last, number, result), pos


def encode_datablock_g(out, last_block, block_number, result):
    encode_bool(out, last_block)
    encode_u32(out, block_number)
    encode_block_result(out, result)


# the field codecs of the responses, for their LAYOUTs (apdu/common.py has the others)
RESULT_LIST = (encode_result_list, decode_result_list)
GET_DATA_RESULT = (encode_get_data_result, decode_get_data_result)
GET_DATA_RESULTS = (encode_get_data_results, decode_get_data_results)
OPTIONAL_GET_DATA_RESULT = (encode_optional_get_data_result, decode_optional_get_data_result)
BLOCK_RESULT = (encode_block_result, decode_block_result)

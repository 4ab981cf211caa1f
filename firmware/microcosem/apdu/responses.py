"""The Get-, Set- and Action-Response APDUs (IEC 62056-5-3, 9.3.7 to 9.3.9, 9.5).

What a client decodes and a server encodes; this server (server/engine.py)
writes its answers byte by byte, so a meter build leaves the classes out.
Each is importable from its family's module too (`from microcosem.apdu.get
import GetResponseNormal`), which loads this module on first use; get.py,
set.py and action.py have the CHOICEs and the fields of each.
"""

from ..axdr import encode_length
from ..compat import const
from .base import Names
from .common import (
    BOOL, OCTET_STRING, U8, U32, ServiceApdu, decode_count, decode_u8, encode_u8,
)
from .fields import (
    BLOCK_RESULT, GET_DATA_RESULT, GET_DATA_RESULTS, OPTIONAL_GET_DATA_RESULT, RESULT_LIST,
    decode_optional_get_data_result, encode_optional_get_data_result,
)

_GET_RESPONSE = const(0xC4)
_SET_RESPONSE = const(0xC5)
_ACTION_RESPONSE = const(0xC7)


# -------------------- GET

class GetResponseNormal(ServiceApdu):
    """result: the Data value read, or an int data-access-result."""

    TAG = _GET_RESPONSE
    CHOICE = 1
    FIELDS = ("invoke_id_and_priority", "result")
    NAMES = Names(("result", "DATA_ACCESS_RESULT_NAMES"))
    LAYOUT = (U8, GET_DATA_RESULT)


class GetResponseWithDatablock(ServiceApdu):
    """DataBlock-G flattened: result is raw-data bytes, or an int data-access-result
    (a long get that the server had to abort)."""

    TAG = _GET_RESPONSE
    CHOICE = 2
    FIELDS = ("invoke_id_and_priority", "last_block", "block_number", "result")
    NAMES = Names(("result", "DATA_ACCESS_RESULT_NAMES"))
    LAYOUT = (U8, BOOL, U32, BLOCK_RESULT)


class GetResponseWithList(ServiceApdu):
    """results: [Data or int data-access-result, ...] in request order."""

    TAG = _GET_RESPONSE
    CHOICE = 3
    FIELDS = ("invoke_id_and_priority", "results")
    NAMES = Names(("results", "DATA_ACCESS_RESULT_NAMES"))
    LAYOUT = (U8, GET_DATA_RESULTS)


# -------------------- SET

class SetResponseNormal(ServiceApdu):
    """result: int data-access-result."""

    TAG = _SET_RESPONSE
    CHOICE = 1
    FIELDS = ("invoke_id_and_priority", "result")
    NAMES = Names(("result", "DATA_ACCESS_RESULT_NAMES"))
    LAYOUT = (U8, U8)


class SetResponseDatablock(ServiceApdu):
    """Acknowledges block `block_number` and asks for the next."""

    TAG = _SET_RESPONSE
    CHOICE = 2
    FIELDS = ("invoke_id_and_priority", "block_number")
    LAYOUT = (U8, U32)


class SetResponseLastDatablock(ServiceApdu):
    """result: int data-access-result of the whole SET; block_number: the last block."""

    TAG = _SET_RESPONSE
    CHOICE = 3
    FIELDS = ("invoke_id_and_priority", "result", "block_number")
    NAMES = Names(("result", "DATA_ACCESS_RESULT_NAMES"))
    LAYOUT = (U8, U8, U32)


class SetResponseLastDatablockWithList(ServiceApdu):
    """results: [int data-access-result], one per attribute; block_number: the last block."""

    TAG = _SET_RESPONSE
    CHOICE = 4
    FIELDS = ("invoke_id_and_priority", "results", "block_number")
    NAMES = Names(("results", "DATA_ACCESS_RESULT_NAMES"))
    LAYOUT = (U8, RESULT_LIST, U32)


class SetResponseWithList(ServiceApdu):
    """results: [int data-access-result], one per attribute."""

    TAG = _SET_RESPONSE
    CHOICE = 5
    FIELDS = ("invoke_id_and_priority", "results")
    NAMES = Names(("results", "DATA_ACCESS_RESULT_NAMES"))
    LAYOUT = (U8, RESULT_LIST)


# -------------------- ACTION

class ActionResponseNormal(ServiceApdu):
    """result: Action-Result code; return_parameters: None, Data, or an int
    data-access-result."""

    TAG = _ACTION_RESPONSE
    CHOICE = 1
    FIELDS = ("invoke_id_and_priority", "result", "return_parameters")
    # (an int return_parameters is a data-access-result: DATA_ACCESS_RESULT_NAMES)
    NAMES = Names(("result", "ACTION_RESULT_NAMES"))
    LAYOUT = (U8, U8, OPTIONAL_GET_DATA_RESULT)


class ActionResponseWithPblock(ServiceApdu):
    """A pblock of a long response: last_block, block_number, raw_data."""

    TAG = _ACTION_RESPONSE
    CHOICE = 2
    FIELDS = ("invoke_id_and_priority", "last_block", "block_number", "raw_data")
    LAYOUT = (U8, BOOL, U32, OCTET_STRING)


class ActionResponseWithList(ServiceApdu):
    """results: [(action_result int, return_parameters), ...], return_parameters
    as in ActionResponseNormal (ACTION_RESULT_NAMES names each action_result)."""

    TAG = _ACTION_RESPONSE
    CHOICE = 3
    FIELDS = ("invoke_id_and_priority", "results")

    def _encode_body(self, out):
        encode_u8(out, self.invoke_id_and_priority)
        encode_length(out, len(self.results))
        for result, ret in self.results:
            encode_u8(out, result)
            encode_optional_get_data_result(out, ret)

    @classmethod
    def _decode_body(cls, buf, pos, end):
        iip, pos = decode_u8(buf, pos, end)
        n, pos = decode_count(buf, pos, end)
        results = []
        for _ in range(n):
            result, pos = decode_u8(buf, pos, end)
            ret, pos = decode_optional_get_data_result(buf, pos, end)
            results.append((result, ret))
        return cls(invoke_id_and_priority=iip, results=results), pos


class ActionResponseNextPblock(ServiceApdu):
    """The server acknowledges pblock `block_number` of a long request."""

    TAG = _ACTION_RESPONSE
    CHOICE = 4
    FIELDS = ("invoke_id_and_priority", "block_number")
    LAYOUT = (U8, U32)

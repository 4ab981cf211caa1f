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
    ServiceApdu, decode_count, decode_datablock_sa, decode_marker, decode_u8, decode_u32,
    encode_datablock_sa, encode_result_list, encode_u8, encode_u32,
)
from .fields import (
    decode_datablock_g, decode_get_data_result, decode_result_list, encode_datablock_g,
    encode_get_data_result,
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

    def _encode_body(self, out):
        encode_u8(out, self.invoke_id_and_priority)
        encode_get_data_result(out, self.result)

    @classmethod
    def _decode_body(cls, buf, pos, end):
        iip, pos = decode_u8(buf, pos, end)
        result, pos = decode_get_data_result(buf, pos, end)
        return cls(invoke_id_and_priority=iip, result=result), pos


class GetResponseWithDatablock(ServiceApdu):
    """DataBlock-G flattened: result is raw-data bytes, or an int data-access-result
    (a long get that the server had to abort)."""

    TAG = _GET_RESPONSE
    CHOICE = 2
    FIELDS = ("invoke_id_and_priority", "last_block", "block_number", "result")
    NAMES = Names(("result", "DATA_ACCESS_RESULT_NAMES"))

    def _encode_body(self, out):
        encode_u8(out, self.invoke_id_and_priority)
        encode_datablock_g(out, self.last_block, self.block_number, self.result)

    @classmethod
    def _decode_body(cls, buf, pos, end):
        iip, pos = decode_u8(buf, pos, end)
        (last, n, result), pos = decode_datablock_g(buf, pos, end)
        return cls(invoke_id_and_priority=iip, last_block=last, block_number=n,
                   result=result), pos


class GetResponseWithList(ServiceApdu):
    """results: [Data or int data-access-result, ...] in request order."""

    TAG = _GET_RESPONSE
    CHOICE = 3
    FIELDS = ("invoke_id_and_priority", "results")
    NAMES = Names(("results", "DATA_ACCESS_RESULT_NAMES"))

    def _encode_body(self, out):
        encode_u8(out, self.invoke_id_and_priority)
        encode_length(out, len(self.results))
        for r in self.results:
            encode_get_data_result(out, r)

    @classmethod
    def _decode_body(cls, buf, pos, end):
        iip, pos = decode_u8(buf, pos, end)
        n, pos = decode_count(buf, pos, end)
        results = []
        for _ in range(n):
            r, pos = decode_get_data_result(buf, pos, end)
            results.append(r)
        return cls(invoke_id_and_priority=iip, results=results), pos


# -------------------- SET

class SetResponseNormal(ServiceApdu):
    """result: int data-access-result."""

    TAG = _SET_RESPONSE
    CHOICE = 1
    FIELDS = ("invoke_id_and_priority", "result")
    NAMES = Names(("result", "DATA_ACCESS_RESULT_NAMES"))

    def _encode_body(self, out):
        encode_u8(out, self.invoke_id_and_priority)
        encode_u8(out, self.result)

    @classmethod
    def _decode_body(cls, buf, pos, end):
        iip, pos = decode_u8(buf, pos, end)
        r, pos = decode_u8(buf, pos, end)
        return cls(invoke_id_and_priority=iip, result=r), pos


class SetResponseDatablock(ServiceApdu):
    """Acknowledges block `block_number` and asks for the next."""

    TAG = _SET_RESPONSE
    CHOICE = 2
    FIELDS = ("invoke_id_and_priority", "block_number")

    def _encode_body(self, out):
        encode_u8(out, self.invoke_id_and_priority)
        encode_u32(out, self.block_number)

    @classmethod
    def _decode_body(cls, buf, pos, end):
        iip, pos = decode_u8(buf, pos, end)
        n, pos = decode_u32(buf, pos, end)
        return cls(invoke_id_and_priority=iip, block_number=n), pos


class SetResponseLastDatablock(ServiceApdu):
    """result: int data-access-result of the whole SET; block_number: the last block."""

    TAG = _SET_RESPONSE
    CHOICE = 3
    FIELDS = ("invoke_id_and_priority", "result", "block_number")
    NAMES = Names(("result", "DATA_ACCESS_RESULT_NAMES"))

    def _encode_body(self, out):
        encode_u8(out, self.invoke_id_and_priority)
        encode_u8(out, self.result)
        encode_u32(out, self.block_number)

    @classmethod
    def _decode_body(cls, buf, pos, end):
        iip, pos = decode_u8(buf, pos, end)
        r, pos = decode_u8(buf, pos, end)
        n, pos = decode_u32(buf, pos, end)
        return cls(invoke_id_and_priority=iip, result=r, block_number=n), pos


class SetResponseLastDatablockWithList(ServiceApdu):
    """results: [int data-access-result], one per attribute; block_number: the last block."""

    TAG = _SET_RESPONSE
    CHOICE = 4
    FIELDS = ("invoke_id_and_priority", "results", "block_number")
    NAMES = Names(("results", "DATA_ACCESS_RESULT_NAMES"))

    def _encode_body(self, out):
        encode_u8(out, self.invoke_id_and_priority)
        encode_result_list(out, self.results)
        encode_u32(out, self.block_number)

    @classmethod
    def _decode_body(cls, buf, pos, end):
        iip, pos = decode_u8(buf, pos, end)
        results, pos = decode_result_list(buf, pos, end)
        n, pos = decode_u32(buf, pos, end)
        return cls(invoke_id_and_priority=iip, results=results, block_number=n), pos


class SetResponseWithList(ServiceApdu):
    """results: [int data-access-result], one per attribute."""

    TAG = _SET_RESPONSE
    CHOICE = 5
    FIELDS = ("invoke_id_and_priority", "results")
    NAMES = Names(("results", "DATA_ACCESS_RESULT_NAMES"))

    def _encode_body(self, out):
        encode_u8(out, self.invoke_id_and_priority)
        encode_result_list(out, self.results)

    @classmethod
    def _decode_body(cls, buf, pos, end):
        iip, pos = decode_u8(buf, pos, end)
        results, pos = decode_result_list(buf, pos, end)
        return cls(invoke_id_and_priority=iip, results=results), pos


# -------------------- ACTION

def _decode_response_with_optional_data(buf, pos, end):
    result, pos = decode_u8(buf, pos, end)
    present, pos = decode_marker(buf, pos, end)
    if not present:
        return (result, None), pos
    ret, pos = decode_get_data_result(buf, pos, end)
    return (result, ret), pos


def _encode_response_with_optional_data(out, result, ret):
    encode_u8(out, result)
    if ret is None:
        out.append(0)
    else:
        out.append(1)
        encode_get_data_result(out, ret)


class ActionResponseNormal(ServiceApdu):
    """result: Action-Result code; return_parameters: None, Data, or an int
    data-access-result."""

    TAG = _ACTION_RESPONSE
    CHOICE = 1
    FIELDS = ("invoke_id_and_priority", "result", "return_parameters")
    # (an int return_parameters is a data-access-result: DATA_ACCESS_RESULT_NAMES)
    NAMES = Names(("result", "ACTION_RESULT_NAMES"))

    def _encode_body(self, out):
        encode_u8(out, self.invoke_id_and_priority)
        _encode_response_with_optional_data(out, self.result, self.return_parameters)

    @classmethod
    def _decode_body(cls, buf, pos, end):
        iip, pos = decode_u8(buf, pos, end)
        (result, ret), pos = _decode_response_with_optional_data(buf, pos, end)
        return cls(invoke_id_and_priority=iip, result=result, return_parameters=ret), pos


class ActionResponseWithPblock(ServiceApdu):
    """A pblock of a long response: last_block, block_number, raw_data."""

    TAG = _ACTION_RESPONSE
    CHOICE = 2
    FIELDS = ("invoke_id_and_priority", "last_block", "block_number", "raw_data")

    def _encode_body(self, out):
        encode_u8(out, self.invoke_id_and_priority)
        encode_datablock_sa(out, self.last_block, self.block_number, self.raw_data)

    @classmethod
    def _decode_body(cls, buf, pos, end):
        iip, pos = decode_u8(buf, pos, end)
        (last, n, raw), pos = decode_datablock_sa(buf, pos, end)
        return cls(invoke_id_and_priority=iip, last_block=last, block_number=n,
                   raw_data=raw), pos


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
            _encode_response_with_optional_data(out, result, ret)

    @classmethod
    def _decode_body(cls, buf, pos, end):
        iip, pos = decode_u8(buf, pos, end)
        n, pos = decode_count(buf, pos, end)
        results = []
        for _ in range(n):
            r, pos = _decode_response_with_optional_data(buf, pos, end)
            results.append(r)
        return cls(invoke_id_and_priority=iip, results=results), pos


class ActionResponseNextPblock(ServiceApdu):
    """The server acknowledges pblock `block_number` of a long request."""

    TAG = _ACTION_RESPONSE
    CHOICE = 4
    FIELDS = ("invoke_id_and_priority", "block_number")

    def _encode_body(self, out):
        encode_u8(out, self.invoke_id_and_priority)
        encode_u32(out, self.block_number)

    @classmethod
    def _decode_body(cls, buf, pos, end):
        iip, pos = decode_u8(buf, pos, end)
        n, pos = decode_u32(buf, pos, end)
        return cls(invoke_id_and_priority=iip, block_number=n), pos

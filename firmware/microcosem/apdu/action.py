"""ACTION service APDUs, logical-name referencing (IEC 62056-5-3, 9.3.9 and 9.5).

    Action-Request  [195] CHOICE: normal [1], next-pblock [2], with-list [3],
                    with-first-pblock [4], with-list-and-first-pblock [5], with-pblock [6]
    Action-Response [199] CHOICE: normal [1], with-pblock [2], with-list [3],
                    next-pblock [4]

A pblock is a DataBlock-SA, flattened into last_block, block_number, raw_data.
Action-Response-With-Optional-Data is (result, return_parameters) where
return_parameters is None, a Data value, or an int data-access-result.
"""

from ..axdr import decode_data, encode_data
from ..compat import const
from .common import (
    BOOL, DATA_LIST, DESCRIPTOR, DESCRIPTORS, OCTET_STRING, U8, U32, ServiceApdu,
    decode_descriptor, decode_marker, decode_u8, encode_descriptor, encode_u8,
)

_ACTION_REQUEST = const(0xC3)


class ActionRequestNormal(ServiceApdu):
    """method_descriptor: (class_id, instance_id 6 bytes, method_id);
    parameters: the method-invocation-parameters Data, or None when absent."""

    TAG = _ACTION_REQUEST
    CHOICE = 1
    FIELDS = ("invoke_id_and_priority", "method_descriptor", "parameters")

    def _encode_body(self, out):
        encode_u8(out, self.invoke_id_and_priority)
        encode_descriptor(out, self.method_descriptor)
        if self.parameters is None:
            out.append(0)
        else:
            out.append(1)
            encode_data(out, self.parameters)

    @classmethod
    def _decode_body(cls, buf, pos, end):
        iip, pos = decode_u8(buf, pos, end)
        d, pos = decode_descriptor(buf, pos, end)
        present, pos = decode_marker(buf, pos, end)
        params = None
        if present:
            params, pos = decode_data(buf, pos, end)
        return cls(invoke_id_and_priority=iip, method_descriptor=d, parameters=params), pos


class ActionRequestNextPblock(ServiceApdu):
    """The client asks for the pblock after `block_number` of a long response."""

    TAG = _ACTION_REQUEST
    CHOICE = 2
    FIELDS = ("invoke_id_and_priority", "block_number")
    LAYOUT = (U8, U32)


class ActionRequestWithList(ServiceApdu):
    """method_descriptors: [descriptor]; parameters: [Data], one per method
    (here the parameters are not OPTIONAL: null-data stands for none)."""

    TAG = _ACTION_REQUEST
    CHOICE = 3
    FIELDS = ("invoke_id_and_priority", "method_descriptors", "parameters")
    LAYOUT = (U8, DESCRIPTORS, DATA_LIST)


class ActionRequestWithFirstPblock(ServiceApdu):
    """method_descriptor, then the first pblock of the parameters' encoding:
    last_block bool, block_number int, raw_data bytes."""

    TAG = _ACTION_REQUEST
    CHOICE = 4
    FIELDS = ("invoke_id_and_priority", "method_descriptor",
              "last_block", "block_number", "raw_data")
    LAYOUT = (U8, DESCRIPTOR, BOOL, U32, OCTET_STRING)


class ActionRequestWithListAndFirstPblock(ServiceApdu):
    """method_descriptors: [descriptor]; then the first pblock as last_block,
    block_number, raw_data."""

    TAG = _ACTION_REQUEST
    CHOICE = 5
    FIELDS = ("invoke_id_and_priority", "method_descriptors",
              "last_block", "block_number", "raw_data")
    LAYOUT = (U8, DESCRIPTORS, BOOL, U32, OCTET_STRING)


class ActionRequestWithPblock(ServiceApdu):
    """A later pblock of a long request: last_block, block_number, raw_data."""

    TAG = _ACTION_REQUEST
    CHOICE = 6
    FIELDS = ("invoke_id_and_priority", "last_block", "block_number", "raw_data")
    LAYOUT = (U8, BOOL, U32, OCTET_STRING)


def __getattr__(name):
    # the responses (a client's, not a meter's) live in apdu/responses.py; the
    # *_NAMES tables and the constants only the CLI uses in apdu/names.py (not
    # __path__ and the like, which CPython's import machinery asks for)
    if name[0] == "_":
        raise AttributeError(name)
    if "Response" in name:
        from . import responses
        return getattr(responses, name)
    from . import names
    return getattr(names, name)

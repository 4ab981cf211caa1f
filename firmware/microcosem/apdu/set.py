"""SET service APDUs, logical-name referencing (IEC 62056-5-3, 9.3.8 and 9.5).

    Set-Request  [193] CHOICE: normal [1], with-first-datablock [2],
                 with-datablock [3], with-list [4], with-list-and-first-datablock [5]
    Set-Response [197] CHOICE: normal [1], datablock [2], last-datablock [3],
                 last-datablock-with-list [4], with-list [5]

DataBlock-SA (last_block, block_number, raw_data) is flattened into the
APDU's fields.  Results are int Data-Access-Result codes.
"""

from ..compat import const
from .common import (
    ServiceApdu, decode_data_list, decode_datablock_sa, decode_descriptor,
    decode_descriptors_with_selection, decode_selective_access, decode_u8, encode_data_list,
    encode_datablock_sa, encode_descriptor, encode_descriptors_with_selection,
    encode_selective_access, encode_u8,
)
from ..axdr import decode_data, encode_data

_SET_REQUEST = const(0xC1)


class SetRequestNormal(ServiceApdu):
    """attribute_descriptor: (class_id, instance_id, attribute_id); access_selection:
    None or (selector, parameters Data); value: the Data value to write."""

    TAG = _SET_REQUEST
    CHOICE = 1
    FIELDS = ("invoke_id_and_priority", "attribute_descriptor", "access_selection", "value")

    def _encode_body(self, out):
        encode_u8(out, self.invoke_id_and_priority)
        encode_descriptor(out, self.attribute_descriptor)
        encode_selective_access(out, self.access_selection)
        encode_data(out, self.value)

    @classmethod
    def _decode_body(cls, buf, pos, end):
        iip, pos = decode_u8(buf, pos, end)
        d, pos = decode_descriptor(buf, pos, end)
        sel, pos = decode_selective_access(buf, pos, end)
        v, pos = decode_data(buf, pos, end)
        return cls(invoke_id_and_priority=iip, attribute_descriptor=d, access_selection=sel,
                   value=v), pos


class SetRequestWithFirstDatablock(ServiceApdu):
    """The first block of a value too long for one APDU; raw_data is a slice of
    the value's A-XDR encoding."""

    TAG = _SET_REQUEST
    CHOICE = 2
    FIELDS = ("invoke_id_and_priority", "attribute_descriptor", "access_selection",
              "last_block", "block_number", "raw_data")

    def _encode_body(self, out):
        encode_u8(out, self.invoke_id_and_priority)
        encode_descriptor(out, self.attribute_descriptor)
        encode_selective_access(out, self.access_selection)
        encode_datablock_sa(out, self.last_block, self.block_number, self.raw_data)

    @classmethod
    def _decode_body(cls, buf, pos, end):
        iip, pos = decode_u8(buf, pos, end)
        d, pos = decode_descriptor(buf, pos, end)
        sel, pos = decode_selective_access(buf, pos, end)
        (last, n, raw), pos = decode_datablock_sa(buf, pos, end)
        return cls(invoke_id_and_priority=iip, attribute_descriptor=d, access_selection=sel,
                   last_block=last, block_number=n, raw_data=raw), pos


class SetRequestWithDatablock(ServiceApdu):
    """A later block: last_block bool, block_number int, raw_data bytes."""

    TAG = _SET_REQUEST
    CHOICE = 3
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


class SetRequestWithList(ServiceApdu):
    """attribute_descriptors: [(attribute_descriptor, access_selection)];
    values: [Data], one per descriptor."""

    TAG = _SET_REQUEST
    CHOICE = 4
    FIELDS = ("invoke_id_and_priority", "attribute_descriptors", "values")

    def _encode_body(self, out):
        encode_u8(out, self.invoke_id_and_priority)
        encode_descriptors_with_selection(out, self.attribute_descriptors)
        encode_data_list(out, self.values)

    @classmethod
    def _decode_body(cls, buf, pos, end):
        iip, pos = decode_u8(buf, pos, end)
        items, pos = decode_descriptors_with_selection(buf, pos, end)
        values, pos = decode_data_list(buf, pos, end)
        return cls(invoke_id_and_priority=iip, attribute_descriptors=items, values=values), pos


class SetRequestWithListAndFirstDatablock(ServiceApdu):
    """attribute_descriptors: [(attribute_descriptor, access_selection)]; the
    first block of the values' encoding as last_block, block_number, raw_data."""

    TAG = _SET_REQUEST
    CHOICE = 5
    FIELDS = ("invoke_id_and_priority", "attribute_descriptors",
              "last_block", "block_number", "raw_data")

    def _encode_body(self, out):
        encode_u8(out, self.invoke_id_and_priority)
        encode_descriptors_with_selection(out, self.attribute_descriptors)
        encode_datablock_sa(out, self.last_block, self.block_number, self.raw_data)

    @classmethod
    def _decode_body(cls, buf, pos, end):
        iip, pos = decode_u8(buf, pos, end)
        items, pos = decode_descriptors_with_selection(buf, pos, end)
        (last, n, raw), pos = decode_datablock_sa(buf, pos, end)
        return cls(invoke_id_and_priority=iip, attribute_descriptors=items,
                   last_block=last, block_number=n, raw_data=raw), pos


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

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
    BOOL, DATA, DATA_LIST, DESCRIPTOR, DESCRIPTORS_WITH_SELECTION, OCTET_STRING,
    SELECTIVE_ACCESS, U8, U32, ServiceApdu,
)

_SET_REQUEST = const(0xC1)


class SetRequestNormal(ServiceApdu):
    """attribute_descriptor: (class_id, instance_id, attribute_id); access_selection:
    None or (selector, parameters Data); value: the Data value to write."""

    TAG = _SET_REQUEST
    CHOICE = 1
    FIELDS = ("invoke_id_and_priority", "attribute_descriptor", "access_selection", "value")
    LAYOUT = (U8, DESCRIPTOR, SELECTIVE_ACCESS, DATA)


class SetRequestWithFirstDatablock(ServiceApdu):
    """The first block of a value too long for one APDU; raw_data is a slice of
    the value's A-XDR encoding."""

    TAG = _SET_REQUEST
    CHOICE = 2
    FIELDS = ("invoke_id_and_priority", "attribute_descriptor", "access_selection",
              "last_block", "block_number", "raw_data")
    LAYOUT = (U8, DESCRIPTOR, SELECTIVE_ACCESS, BOOL, U32, OCTET_STRING)


class SetRequestWithDatablock(ServiceApdu):
    """A later block: last_block bool, block_number int, raw_data bytes."""

    TAG = _SET_REQUEST
    CHOICE = 3
    FIELDS = ("invoke_id_and_priority", "last_block", "block_number", "raw_data")
    LAYOUT = (U8, BOOL, U32, OCTET_STRING)


class SetRequestWithList(ServiceApdu):
    """attribute_descriptors: [(attribute_descriptor, access_selection)];
    values: [Data], one per descriptor."""

    TAG = _SET_REQUEST
    CHOICE = 4
    FIELDS = ("invoke_id_and_priority", "attribute_descriptors", "values")
    LAYOUT = (U8, DESCRIPTORS_WITH_SELECTION, DATA_LIST)


class SetRequestWithListAndFirstDatablock(ServiceApdu):
    """attribute_descriptors: [(attribute_descriptor, access_selection)]; the
    first block of the values' encoding as last_block, block_number, raw_data."""

    TAG = _SET_REQUEST
    CHOICE = 5
    FIELDS = ("invoke_id_and_priority", "attribute_descriptors",
              "last_block", "block_number", "raw_data")
    LAYOUT = (U8, DESCRIPTORS_WITH_SELECTION, BOOL, U32, OCTET_STRING)


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

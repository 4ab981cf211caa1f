"""GET service APDUs, logical-name referencing (IEC 62056-5-3, 9.3.7 and 9.5).

    Get-Request  [192] CHOICE: normal [1], next [2], with-list [3]
    Get-Response [196] CHOICE: normal [1], with-datablock [2], with-list [3]

    GetRequestNormal(invoke_id_and_priority=0xC1,
                     attribute_descriptor=(8, b"\\0\\0\\1\\0\\0\\xff", 2),
                     access_selection=None)
"""

from ..compat import const
from .common import DESCRIPTOR, DESCRIPTORS_WITH_SELECTION, SELECTIVE_ACCESS, U8, U32, ServiceApdu

_GET_REQUEST = const(0xC0)


class GetRequestNormal(ServiceApdu):
    """invoke_id_and_priority: int (the raw byte, 0xC1 = id 1, confirmed, high);
    attribute_descriptor: (class_id, instance_id 6 bytes, attribute_id Integer8);
    access_selection: None or (access_selector, access_parameters Data)."""

    TAG = _GET_REQUEST
    CHOICE = 1
    FIELDS = ("invoke_id_and_priority", "attribute_descriptor", "access_selection")
    LAYOUT = (U8, DESCRIPTOR, SELECTIVE_ACCESS)


class GetRequestNext(ServiceApdu):
    """Asks for the block after `block_number`, the last one received."""

    TAG = _GET_REQUEST
    CHOICE = 2
    FIELDS = ("invoke_id_and_priority", "block_number")
    LAYOUT = (U8, U32)


class GetRequestWithList(ServiceApdu):
    """attribute_descriptors: [(attribute_descriptor, access_selection), ...]"""

    TAG = _GET_REQUEST
    CHOICE = 3
    FIELDS = ("invoke_id_and_priority", "attribute_descriptors")
    LAYOUT = (U8, DESCRIPTORS_WITH_SELECTION)


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

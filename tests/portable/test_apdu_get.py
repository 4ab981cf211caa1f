# heapsize: 128k
# (measured need 96k on the 64-bit unix port, which keeps the loaded .mpy code of the
# APDU modules and the A-XDR codec in the heap; the rest is room for the shared codecs to grow)
"""GET service APDUs: the bytes of each, what they mean, round trip, bad input."""

from apdu_check import check
from checks import raises, unhex
from microcosem.apdu import decode_apdu
from microcosem.apdu.common import (
    DATA_BLOCK_NUMBER_INVALID, LONG_GET_ABORTED, OBJECT_UNDEFINED, data_access_result_name,
    invoke_id_and_priority, split_invoke_id_and_priority,
)
from microcosem.apdu.get import (
    GetRequestNext, GetRequestNormal, GetRequestWithList, GetResponseNormal,
    GetResponseWithDatablock, GetResponseWithList,
)
from microcosem.axdr import (DOUBLE_LONG_UNSIGNED, LONG_UNSIGNED, OCTET_STRING, STRUCTURE)
from microcosem.errors import DecodeError, EncodeError

CLOCK = unhex("00 00 01 00 00 FF")       # 0.0.1.0.0.255
LDN = unhex("00 00 2A 00 00 FF")         # 0.0.42.0.0.255 logical device name
LOAD_PROFILE = unhex("01 00 63 01 00 FF")  # 1.0.99.1.0.255


def test_invoke_id_and_priority():
    assert invoke_id_and_priority(1, True, True) == 0xC1
    assert invoke_id_and_priority(0, True, False) == 0x40
    assert invoke_id_and_priority(15, False, False) == 0x0F
    assert split_invoke_id_and_priority(0xC1) == (1, True, True)
    assert split_invoke_id_and_priority(0x47) == (7, True, False)
    raises(EncodeError, invoke_id_and_priority, 16)


def test_get_request_normal_clock_time():
    # The Green Book's classic: read attribute 2 (time) of the clock, class 8.
    check(GetRequestNormal, "C0 01 C1 0008 000001 0000FF 02 00",
          GetRequestNormal(invoke_id_and_priority=0xC1, attribute_descriptor=(8, CLOCK, 2),
                           access_selection=None))


def test_get_request_normal_entry_descriptor():
    # profile generic buffer, selector 2 (entry): entries 1..10, all columns
    params = (STRUCTURE, [(DOUBLE_LONG_UNSIGNED, 1), (DOUBLE_LONG_UNSIGNED, 10),
                          (LONG_UNSIGNED, 1), (LONG_UNSIGNED, 0)])
    check(GetRequestNormal,
          "C0 01 C1 0007 0100630100FF 02 01 02 0204 0600000001 060000000A 120001 120000",
          GetRequestNormal(invoke_id_and_priority=0xC1,
                           attribute_descriptor=(7, LOAD_PROFILE, 2),
                           access_selection=(2, params)))


def test_get_request_negative_attribute_id():
    # attribute ids are Integer8; negative ones are manufacturer specific
    a = GetRequestNormal.from_bytes(unhex("C0 01 41 0001 0000600100FF 80 00"))
    assert a.attribute_descriptor == (1, unhex("0000600100FF"), -128)
    assert a.to_bytes() == unhex("C0 01 41 0001 0000600100FF 80 00")


def test_get_request_next():
    check(GetRequestNext, "C0 02 C1 00000001",
          GetRequestNext(invoke_id_and_priority=0xC1, block_number=1))
    check(GetRequestNext, "C0 02 42 FFFFFFFF",
          GetRequestNext(invoke_id_and_priority=0x42, block_number=0xFFFFFFFF))


def test_get_request_with_list():
    check(GetRequestWithList,
          "C0 03 C1 02 0008 0000010000FF 02 00 0001 00002A0000FF 02 00",
          GetRequestWithList(invoke_id_and_priority=0xC1, attribute_descriptors=[
              ((8, CLOCK, 2), None), ((1, LDN, 2), None)]))
    check(GetRequestWithList, "C0 03 C1 00",
          GetRequestWithList(invoke_id_and_priority=0xC1, attribute_descriptors=[]))


def test_get_response_normal_clock():
    # 2021-12-31 (a Friday) 23:59:59.00, deviation -60, status 0, as an octet-string
    dt = unhex("07E5 0C 1F 05 17 3B 3B 00 FFC4 00")
    check(GetResponseNormal, "C4 01 C1 00 09 0C 07E50C1F05173B3B00FFC400",
          GetResponseNormal(invoke_id_and_priority=0xC1, result=(OCTET_STRING, dt)))


def test_get_response_normal_data_access_result():
    a = GetResponseNormal(invoke_id_and_priority=0xC1, result=OBJECT_UNDEFINED)
    check(GetResponseNormal, "C4 01 C1 01 04", a)
    assert data_access_result_name(a.result) == "object-undefined"
    assert data_access_result_name(250) == "other-reason"
    assert data_access_result_name(5) is None


def test_get_response_with_datablock():
    check(GetResponseWithDatablock, "C4 02 C1 00 00000001 00 05 0102030405",
          GetResponseWithDatablock(invoke_id_and_priority=0xC1, last_block=False,
                                   block_number=1, result=unhex("0102030405")))
    raw = bytes(range(128))
    check(GetResponseWithDatablock, "C4 02 C1 01 00000002 00 8180" + raw.hex(),
          GetResponseWithDatablock(invoke_id_and_priority=0xC1, last_block=True,
                                   block_number=2, result=raw))
    # a long get the server gave up on
    check(GetResponseWithDatablock, "C4 02 C1 01 00000002 01 0F",
          GetResponseWithDatablock(invoke_id_and_priority=0xC1, last_block=True,
                                   block_number=2, result=LONG_GET_ABORTED))


def test_get_response_with_datablock_long_form_lengths():
    raw = bytes(300)
    a = GetResponseWithDatablock(invoke_id_and_priority=0x81, last_block=False,
                                 block_number=7, result=raw)
    assert a.to_bytes()[:12] == unhex("C4 02 81 00 00000007 00 82012C")
    assert GetResponseWithDatablock.from_bytes(a.to_bytes()) == a


def test_get_response_with_list():
    check(GetResponseWithList, "C4 03 C1 03 00 120005 01 04 01 13",
          GetResponseWithList(invoke_id_and_priority=0xC1, results=[
              (LONG_UNSIGNED, 5), OBJECT_UNDEFINED, DATA_BLOCK_NUMBER_INVALID]))


def test_malformed():
    for h in (
        "C4 01 C1 02 04",          # Get-Data-Result choice 2
        "C4 01 C1 00 07",          # Data tag 7 does not exist
        "C4 02 C1 00 00000001 02 00",  # DataBlock-G result choice 2
        "C0 04 C1",                # no Get-Request choice 4
        "C0 00 C1",
        "C0 01 C1 0008 0000010000FF 02 02",  # OPTIONAL marker 2
        "C4 03 C1 05 00 11 01",    # five results announced, one there
        "C0 03 C1 81",             # length byte missing
        "C0 03 C1 85 0000000001",  # 5-byte length
    ):
        raises(DecodeError, decode_apdu, unhex(h))
    e = raises(DecodeError, GetRequestNormal.from_bytes, unhex("C4 01 C1 01 04"))
    assert e.offset == 0
    e = raises(DecodeError, GetRequestNormal.from_bytes, unhex("C0 02 C1 00000001"))
    assert e.offset == 1


def test_encode_errors_leave_buffer_alone():
    out = bytearray(b"\x7e")
    bad = (
        GetRequestNormal(invoke_id_and_priority=256, attribute_descriptor=(8, CLOCK, 2)),
        GetRequestNormal(invoke_id_and_priority=0xC1, attribute_descriptor=(8, b"\0" * 5, 2)),
        GetRequestNormal(invoke_id_and_priority=0xC1, attribute_descriptor=(65536, CLOCK, 2)),
        GetRequestNormal(invoke_id_and_priority=0xC1, attribute_descriptor=(8, CLOCK, 128)),
        GetRequestNormal(invoke_id_and_priority=0xC1, attribute_descriptor=(8, CLOCK)),
        GetRequestNormal(invoke_id_and_priority=0xC1, attribute_descriptor=(8, CLOCK, 2),
                         access_selection=(1, (99, 0))),
        GetRequestNext(invoke_id_and_priority=0xC1, block_number=-1),
        GetRequestNext(invoke_id_and_priority=0xC1),
        GetResponseNormal(invoke_id_and_priority=0xC1, result=300),
        GetResponseWithDatablock(invoke_id_and_priority=0xC1, last_block=1, block_number=1,
                                 result=b""),
        GetResponseWithDatablock(invoke_id_and_priority=0xC1, last_block=True, block_number=1,
                                 result="text"),
        GetResponseWithList(invoke_id_and_priority=0xC1, results=None),
    )
    for a in bad:
        raises(EncodeError, a.encode_into, out)
        assert out == b"\x7e", (a, out)

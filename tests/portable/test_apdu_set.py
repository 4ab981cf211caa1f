# heapsize: 128k
# (measured need 96k on the 64-bit unix port, which keeps the loaded .mpy code of the
# APDU modules and the A-XDR codec in the heap; the rest is room for the shared codecs to grow)
"""SET service APDUs (Green Book 9.3.8, 9.5): every choice of Set-Request and
Set-Response, the bytes and what they mean, round trip, bad input."""

from apdu_check import check, malformed, refuses
from checks import unhex
from microcosem.apdu.common import READ_WRITE_DENIED, SUCCESS, data_access_result_name
from microcosem.apdu.set import (
    SetRequestNormal, SetRequestWithDatablock, SetRequestWithFirstDatablock, SetRequestWithList,
    SetRequestWithListAndFirstDatablock, SetResponseDatablock, SetResponseLastDatablock,
    SetResponseLastDatablockWithList, SetResponseNormal, SetResponseWithList,
)
from microcosem.axdr import LONG_UNSIGNED, NULL_DATA, OCTET_STRING, UNSIGNED

CLOCK = unhex("00 00 01 00 00 FF")
DATA_128 = unhex("00 00 80 00 00 FF")   # 0.0.128.0.0.255, a manufacturer-specific Data object
TIME = unhex("07 E5 01 18 FF 0E 30 39 50 FF C4 00")  # 2021-01-24, 14:48:57.80, deviation -60


def test_set_request_normal_clock_time():
    # set the clock: C1 01 C1 | 0008 0000010000FF 02 | 00 no selection | 09 0C <date-time>
    check(SetRequestNormal, "C1 01 C1 0008 0000010000FF 02 00 09 0C " + TIME.hex(),
          SetRequestNormal(invoke_id_and_priority=0xC1, attribute_descriptor=(8, CLOCK, 2),
                           access_selection=None, value=(OCTET_STRING, TIME)))
    # with a selective access (selector 1, null parameters) and a null value
    check(SetRequestNormal, "C1 01 42 0001 0000800000FF 02 01 01 00 00",
          SetRequestNormal(invoke_id_and_priority=0x42, attribute_descriptor=(1, DATA_128, 2),
                           access_selection=(1, (NULL_DATA, None)), value=(NULL_DATA, None)))


def test_set_request_with_first_datablock():
    # Green Book Table 137: the first 21 bytes of a long octet-string, not the last block
    raw = unhex("09 32 01 02 03 04 05 06 07 08 09 10 11 12 13 14 15 16 17 18 19")
    check(SetRequestWithFirstDatablock, "C1 02 C1 0001 0000800000FF 02 00 00 00000001 15 " + raw.hex(),
          SetRequestWithFirstDatablock(invoke_id_and_priority=0xC1,
                                       attribute_descriptor=(1, DATA_128, 2), access_selection=None,
                                       last_block=False, block_number=1, raw_data=raw))


def test_set_request_with_datablock():
    check(SetRequestWithDatablock, "C1 03 C1 01 00000002 05 1A 1B 1C 1D 1E",
          SetRequestWithDatablock(invoke_id_and_priority=0xC1, last_block=True, block_number=2,
                                  raw_data=unhex("1A 1B 1C 1D 1E")))
    # an empty last block (the value ended exactly at the previous one)
    check(SetRequestWithDatablock, "C1 03 C1 01 00000003 00",
          SetRequestWithDatablock(invoke_id_and_priority=0xC1, last_block=True, block_number=3,
                                  raw_data=b""))


def test_set_request_with_list():
    #   02 descriptors: clock time, no selection; Data 0.0.96.1.0.255 value with selection 1 (unsigned 7)
    #   02 values: octet-string date-time, long-unsigned 3
    check(SetRequestWithList,
          "C1 04 C1 02 0008 0000010000FF 02 00 0001 0000600100FF 02 01 01 11 07"
          " 02 09 0C " + TIME.hex() + " 12 0003",
          SetRequestWithList(invoke_id_and_priority=0xC1, attribute_descriptors=[
              ((8, CLOCK, 2), None), ((1, unhex("0000600100FF"), 2), (1, (UNSIGNED, 7)))],
              values=[(OCTET_STRING, TIME), (LONG_UNSIGNED, 3)]))


def test_set_request_with_list_and_first_datablock():
    check(SetRequestWithListAndFirstDatablock,
          "C1 05 C1 01 0001 0000800000FF 02 00 00 00000001 03 01 02 03",
          SetRequestWithListAndFirstDatablock(
              invoke_id_and_priority=0xC1, attribute_descriptors=[((1, DATA_128, 2), None)],
              last_block=False, block_number=1, raw_data=unhex("01 02 03")))


def test_set_responses():
    a = check(SetResponseNormal, "C5 01 C1 00",
              SetResponseNormal(invoke_id_and_priority=0xC1, result=SUCCESS))
    assert data_access_result_name(a.result) == "success"
    a = check(SetResponseNormal, "C5 01 C1 03",
              SetResponseNormal(invoke_id_and_priority=0xC1, result=READ_WRITE_DENIED))
    assert data_access_result_name(a.result) == "read-write-denied"
    # block 1 received, send the next
    check(SetResponseDatablock, "C5 02 C1 00000001",
          SetResponseDatablock(invoke_id_and_priority=0xC1, block_number=1))
    # dlms-cosem / Green Book: the last block (2) was received, the value set
    check(SetResponseLastDatablock, "C5 03 C1 00 00000002",
          SetResponseLastDatablock(invoke_id_and_priority=0xC1, result=0, block_number=2))
    check(SetResponseLastDatablockWithList, "C5 04 C1 02 00 03 00000002",
          SetResponseLastDatablockWithList(invoke_id_and_priority=0xC1, results=[0, 3],
                                           block_number=2))
    check(SetResponseWithList, "C5 05 C1 03 00 03 FA",
          SetResponseWithList(invoke_id_and_priority=0xC1, results=[0, 3, 250]))
    check(SetResponseWithList, "C5 05 C1 00",
          SetResponseWithList(invoke_id_and_priority=0xC1, results=[]))


def test_malformed_set():
    malformed((
        "C1 00 C1", "C1 06 C1", "C5 00 C1", "C5 06 C1",
        "C1 01 C1 0008 0000010000FF 02 02 09 00",      # OPTIONAL marker 2
        "C1 01 C1 0008 0000010000FF 02 00 08",         # Data tag 8 does not exist
        "C1 03 C1 01 00000002 05 1A 1B",               # raw data shorter than its length
        "C1 04 C1 02 0008 0000010000FF 02 00",         # second descriptor missing
        "C5 04 C1 03 00 03 00000002",                  # 3 results announced, 2 there + block number
        "C5 05 C1 81",                                 # length byte missing
    ))


def test_bad_values():
    refuses((
        SetRequestNormal(invoke_id_and_priority=0xC1, attribute_descriptor=(8, CLOCK, 2)),
        SetRequestNormal(invoke_id_and_priority=0xC1, attribute_descriptor=(8, CLOCK, 2),
                         value=(OCTET_STRING, "text")),
        SetRequestNormal(invoke_id_and_priority=0xC1, attribute_descriptor=(8, CLOCK, 2),
                         access_selection=(256, (NULL_DATA, None)), value=(NULL_DATA, None)),
        SetRequestWithFirstDatablock(invoke_id_and_priority=0xC1, attribute_descriptor=(1, DATA_128, 2),
                                     last_block=0, block_number=1, raw_data=b""),
        SetRequestWithDatablock(invoke_id_and_priority=0xC1, last_block=True, block_number=1 << 32,
                                raw_data=b""),
        SetRequestWithDatablock(invoke_id_and_priority=0xC1, last_block=True, block_number=1,
                                raw_data=[1]),
        SetRequestWithList(invoke_id_and_priority=0xC1, attribute_descriptors=[(8, CLOCK, 2)],
                           values=[]),
        SetRequestWithList(invoke_id_and_priority=0xC1, attribute_descriptors=[], values=None),
        SetRequestWithListAndFirstDatablock(invoke_id_and_priority=0xC1, attribute_descriptors=None,
                                            last_block=False, block_number=1, raw_data=b""),
        SetResponseNormal(invoke_id_and_priority=0xC1, result=-1),
        SetResponseNormal(invoke_id_and_priority=0x1C1, result=0),
        SetResponseDatablock(invoke_id_and_priority=0xC1),
        SetResponseLastDatablock(invoke_id_and_priority=0xC1, result=0, block_number="2"),
        SetResponseLastDatablockWithList(invoke_id_and_priority=0xC1, results=[256], block_number=2),
        SetResponseWithList(invoke_id_and_priority=0xC1, results=[None]),
    ))

# heapsize: 128k
# (measured need 104k on the 64-bit unix port, which keeps the loaded .mpy code of the
# APDU modules and the A-XDR codec in the heap; the rest is room for the shared codecs to grow)
"""ACTION service APDUs (Green Book 9.3.9, 9.5): every choice of Action-Request
and Action-Response, the bytes and what they mean, round trip, bad input."""

from apdu_check import check, malformed, refuses
from checks import unhex
from microcosem.apdu.action import (
    ActionRequestNextPblock, ActionRequestNormal, ActionRequestWithFirstPblock,
    ActionRequestWithList, ActionRequestWithListAndFirstPblock, ActionRequestWithPblock,
    ActionResponseNextPblock, ActionResponseNormal, ActionResponseWithList,
    ActionResponseWithPblock,
)
from microcosem.apdu.common import OBJECT_UNAVAILABLE, OTHER_REASON, action_result_name
from microcosem.axdr import INTEGER, NULL_DATA, OCTET_STRING, UNSIGNED

ASSOCIATION = unhex("00 00 28 00 00 FF")   # 0.0.40.0.0.255, the current association
DISCONNECTOR = unhex("00 00 60 03 0A FF")  # 0.0.96.3.10.255
IMAGE = unhex("00 00 2C 00 00 FF")         # 0.0.44.0.0.255 image transfer
# f(StoC) of HLS GMAC: SC 10, invocation counter, GMAC tag
F_STOC = unhex("10 00 00 1A 90 E6 D2 22 1F A2 FD 85 EE D6 1A CC 22")
F_CTOS = unhex("10 00 00 1A FD E8 85 7B 72 8A 34 99 10 6A A6 65 D1")


def test_action_request_normal_reply_to_hls():
    # dlms-cosem's example: association LN (15), method 1 reply_to_HLS_authentication
    a = check(ActionRequestNormal, "C3 01 C0 000F 0000280000FF 01 01 09 11 " + F_STOC.hex(),
              ActionRequestNormal(invoke_id_and_priority=0xC0, method_descriptor=(15, ASSOCIATION, 1),
                                  parameters=(OCTET_STRING, F_STOC)))
    assert a.parameters[1] == F_STOC
    # the same without parameters: marker 00
    check(ActionRequestNormal, "C3 01 C0 000F 0000280000FF 01 00",
          ActionRequestNormal(invoke_id_and_priority=0xC0, method_descriptor=(15, ASSOCIATION, 1)))
    # remote_disconnect (class 70 method 1) with its integer 0, as the Blue Book asks
    check(ActionRequestNormal, "C3 01 C1 0046 0000600300FF 01 01 0F 00",
          ActionRequestNormal(invoke_id_and_priority=0xC1,
                              method_descriptor=(70, unhex("0000600300FF"), 1),
                              parameters=(INTEGER, 0)))


def test_action_request_blocks():
    check(ActionRequestNextPblock, "C3 02 C1 00000001",
          ActionRequestNextPblock(invoke_id_and_priority=0xC1, block_number=1))
    # image_transfer_initiate's parameters sent in blocks
    check(ActionRequestWithFirstPblock, "C3 04 C1 0012 00002C0000FF 01 00 00000001 04 01 02 03 04",
          ActionRequestWithFirstPblock(invoke_id_and_priority=0xC1, method_descriptor=(18, IMAGE, 1),
                                       last_block=False, block_number=1,
                                       raw_data=unhex("01 02 03 04")))
    check(ActionRequestWithPblock, "C3 06 C1 01 00000002 02 AA BB",
          ActionRequestWithPblock(invoke_id_and_priority=0xC1, last_block=True, block_number=2,
                                  raw_data=unhex("AA BB")))
    check(ActionRequestWithListAndFirstPblock,
          "C3 05 C1 02 0046 00006003 0AFF 01 0046 0000600300FF 02 00 00000001 02 0F 00",
          ActionRequestWithListAndFirstPblock(
              invoke_id_and_priority=0xC1,
              method_descriptors=[(70, DISCONNECTOR, 1), (70, unhex("0000600300FF"), 2)],
              last_block=False, block_number=1, raw_data=unhex("0F 00")))


def test_action_request_with_list():
    # two disconnectors: remote_disconnect, remote_reconnect, each with integer 0
    check(ActionRequestWithList,
          "C3 03 C1 02 0046 0000600300FF 01 0046 0000600300FF 02 02 0F 00 0F 00",
          ActionRequestWithList(invoke_id_and_priority=0xC1, method_descriptors=[
              (70, unhex("0000600300FF"), 1), (70, unhex("0000600300FF"), 2)],
              parameters=[(INTEGER, 0), (INTEGER, 0)]))


def test_action_response_normal():
    # dlms-cosem's examples: success without data; with f(CtoS); success with an error code
    a = check(ActionResponseNormal, "C7 01 C0 00 00",
              ActionResponseNormal(invoke_id_and_priority=0xC0, result=0))
    assert action_result_name(a.result) == "success" and a.return_parameters is None
    check(ActionResponseNormal, "C7 01 C0 00 01 00 09 11 " + F_CTOS.hex(),
          ActionResponseNormal(invoke_id_and_priority=0xC0, result=0,
                               return_parameters=(OCTET_STRING, F_CTOS)))
    check(ActionResponseNormal, "C7 01 C0 00 01 01 FA",
          ActionResponseNormal(invoke_id_and_priority=0xC0, result=0,
                               return_parameters=OTHER_REASON))
    a = check(ActionResponseNormal, "C7 01 C1 0B 00",
              ActionResponseNormal(invoke_id_and_priority=0xC1, result=OBJECT_UNAVAILABLE))
    assert action_result_name(a.result) == "object-unavailable"
    assert action_result_name(15) == "long-action-aborted"
    assert action_result_name(16) == "no-long-action-in-progress"


def test_action_response_blocks_and_list():
    check(ActionResponseWithPblock, "C7 02 C1 01 00000001 03 09 01 01",
          ActionResponseWithPblock(invoke_id_and_priority=0xC1, last_block=True, block_number=1,
                                   raw_data=unhex("09 01 01")))
    check(ActionResponseNextPblock, "C7 04 C1 00000001",
          ActionResponseNextPblock(invoke_id_and_priority=0xC1, block_number=1))
    # success without data; object-unavailable with unsigned 5; success with null-data
    check(ActionResponseWithList, "C7 03 C1 03 00 00 0B 01 00 11 05 00 01 00 00",
          ActionResponseWithList(invoke_id_and_priority=0xC1, results=[
              (0, None), (11, (UNSIGNED, 5)), (0, (NULL_DATA, None))]))


def test_malformed_action():
    malformed((
        "C3 00 C1", "C3 07 C1", "C7 00 C1", "C7 05 C1",
        "C3 01 C0 000F 0000280000FF 01 02",       # OPTIONAL marker 2
        "C7 01 C0 00 01 02 00",                   # Get-Data-Result choice 2
        "C7 01 C0 00 02",                         # marker 2
        "C7 03 C1 02 00 00",                      # two responses announced, one there
        "C3 06 C1 01 00000002 03 AA BB",          # pblock shorter than its length
    ))


def test_bad_values():
    refuses((
        ActionRequestNormal(invoke_id_and_priority=0xC0, method_descriptor=(15, ASSOCIATION, 1),
                            parameters=b"raw"),
        ActionRequestNormal(invoke_id_and_priority=0xC0, method_descriptor=(15, ASSOCIATION, -129)),
        ActionRequestNormal(invoke_id_and_priority=0xC0, method_descriptor=None),
        ActionRequestNextPblock(invoke_id_and_priority=0xC1, block_number=None),
        ActionRequestWithList(invoke_id_and_priority=0xC1, method_descriptors=[(70, IMAGE)],
                              parameters=[]),
        ActionRequestWithList(invoke_id_and_priority=0xC1, method_descriptors=[],
                              parameters=[(INTEGER, 300)]),
        ActionRequestWithFirstPblock(invoke_id_and_priority=0xC1, method_descriptor=(18, IMAGE, 1),
                                     last_block=None, block_number=1, raw_data=b""),
        ActionRequestWithListAndFirstPblock(invoke_id_and_priority=0xC1, method_descriptors=[],
                                            last_block=True, block_number=-1, raw_data=b""),
        ActionRequestWithPblock(invoke_id_and_priority=0xC1, last_block=True, block_number=1,
                                raw_data="text"),
        ActionResponseNormal(invoke_id_and_priority=0xC1, result=256),
        ActionResponseNormal(invoke_id_and_priority=0xC1, result=0, return_parameters=256),
        ActionResponseNormal(invoke_id_and_priority=0xC1, result=0, return_parameters=b"x"),
        ActionResponseWithPblock(invoke_id_and_priority=0xC1, last_block=True, block_number=1),
        ActionResponseWithList(invoke_id_and_priority=0xC1, results=[0]),
        ActionResponseNextPblock(invoke_id_and_priority=-1, block_number=1),
    ))

# heapsize: 88k
# (the conformance names come from apdu/names.py, all the APDU name tables: about
# 20k of heap on the 64-bit unix port, which a meter that prints no names does not
# load; measured need 84k)
"""xDLMS InitiateRequest / InitiateResponse and the Conformance block (Green Book 9.5)."""

from checks import raises, unhex
from microcosem.apdu import initiate
from microcosem.apdu.initiate import (CONFORMANCE_ACTION, CONFORMANCE_BLOCK_TRANSFER_WITH_GET_OR_READ,
                                      CONFORMANCE_GENERAL_PROTECTION, CONFORMANCE_GET,
                                      CONFORMANCE_READ, CONFORMANCE_SET, VAA_NAME_LN, VAA_NAME_SN,
                                      InitiateRequest, InitiateResponse, conformance_from_names,
                                      conformance_names)
from microcosem.errors import DecodeError, EncodeError

# The user-information of the classic LN AARQ / AARE without security:
#   01            initiate-request
#   00            dedicated-key absent
#   00            response-allowed: DEFAULT (TRUE)
#   00            proposed-quality-of-service absent
#   06            DLMS version 6
#   5F 1F 04 00   [APPLICATION 31], length 4, no unused bits
#   00 7E 1F      conformance (bits 9..14, 19..23)
#   04 B0         client-max-receive-pdu-size 1200
LN_REQUEST = "01 00 00 00 06 5F 1F 04 00 00 7E 1F 04 B0"
#   08 00 06 5F1F0400 00501F 01F4 0007: no QoS, version 6, conformance,
#   server-max-receive-pdu-size 500, vaa-name 0x0007 (LN)
LN_RESPONSE = "08 00 06 5F 1F 04 00 00 50 1F 01 F4 00 07"


def test_classic_ln_initiate_request():
    b = unhex(LN_REQUEST)
    req = InitiateRequest.from_bytes(b)
    assert req.dedicated_key is None
    assert req.response_allowed is None and req.responses_allowed
    assert req.proposed_quality_of_service is None
    assert req.proposed_dlms_version_number == 6
    assert req.proposed_conformance == 0x007E1F
    assert req.client_max_receive_pdu_size == 1200
    assert req.to_bytes() == b
    built = InitiateRequest(proposed_conformance=0x007E1F, client_max_receive_pdu_size=1200)
    assert built == req and built.to_bytes() == b


def test_classic_ln_initiate_response():
    b = unhex(LN_RESPONSE)
    resp = InitiateResponse.from_bytes(b)
    assert resp.negotiated_quality_of_service is None
    assert resp.negotiated_dlms_version_number == 6
    assert resp.negotiated_conformance == 0x00501F
    assert resp.server_max_receive_pdu_size == 500
    assert resp.vaa_name == VAA_NAME_LN == 7
    assert resp.to_bytes() == b
    assert InitiateResponse(negotiated_conformance=0x00501F,
                            server_max_receive_pdu_size=500).to_bytes() == b


def test_request_with_every_optional_present():
    key = bytes(range(0x10, 0x20))
    # 01 | 01 10 <key> | 01 00 (response-allowed FALSE) | 01 FE (QoS -2) | 06 | conf | FF FF
    b = unhex("01 01 10 101112131415161718191A1B1C1D1E1F 01 00 01 FE 06"
              " 5F 1F 04 00 00 10 00 FF FF")
    req = InitiateRequest.from_bytes(b)
    assert req.dedicated_key == key
    assert req.response_allowed is False and not req.responses_allowed
    assert req.proposed_quality_of_service == -2
    assert req.proposed_conformance == CONFORMANCE_BLOCK_TRANSFER_WITH_GET_OR_READ
    assert req.client_max_receive_pdu_size == 0xFFFF
    assert req.to_bytes() == b
    # an explicit TRUE stays explicit
    b2 = unhex("01 00 01 FF 00 06 5F 1F 04 00 00 00 10 00 80")
    r2 = InitiateRequest.from_bytes(b2)
    assert r2.response_allowed is True and r2.to_bytes() == b2


def test_sn_response_with_qos():
    b = unhex("08 01 7F 06 5F 1F 04 00 1C 03 20 00 80 FA 00")
    resp = InitiateResponse.from_bytes(b)
    assert resp.negotiated_quality_of_service == 127
    assert resp.vaa_name == VAA_NAME_SN
    assert resp.negotiated_conformance == 0x1C0320
    assert conformance_names(0x1C0320) == (
        "read", "write", "unconfirmed-write", "multiple-references", "information-report",
        "parameterized-access")
    assert resp.to_bytes() == b


def test_conformance_bit_order():
    # Green Book: bit 0 is the first octet's MSB, so 00 7E 1F reads as
    # bits 9-14 and 19-23
    assert conformance_names(0x007E1F) == (
        "priority-mgmt-supported", "attribute0-supported-with-get",
        "block-transfer-with-get-or-read", "block-transfer-with-set-or-write",
        "block-transfer-with-action", "multiple-references",
        "get", "set", "selective-access", "event-notification", "action")
    assert conformance_names(0x00501F) == (
        "priority-mgmt-supported", "block-transfer-with-get-or-read",
        "get", "set", "selective-access", "event-notification", "action")
    assert conformance_from_names(conformance_names(0x007E1F)) == 0x007E1F
    assert conformance_from_names(("get", "set", "action")) == \
        CONFORMANCE_GET | CONFORMANCE_SET | CONFORMANCE_ACTION == 0x000019
    assert conformance_from_names(("general-protection",)) == CONFORMANCE_GENERAL_PROTECTION == 0x400000
    assert conformance_from_names(("read",)) == CONFORMANCE_READ == 0x100000
    assert conformance_from_names(("reserved-zero",)) == 0x800000
    assert conformance_names(0xFFFFFF) == initiate.CONFORMANCE_NAMES
    assert conformance_from_names(()) == 0
    raises(EncodeError, conformance_from_names, ("gett",))
    for n in range(24):  # each named constant is its own bit
        mask = 1 << (23 - n)
        assert conformance_names(mask) == (initiate.CONFORMANCE_NAMES[n],)


def test_truncation_at_every_byte_is_a_decode_error():
    for cls, h in ((InitiateRequest, LN_REQUEST), (InitiateResponse, LN_RESPONSE),
                   (InitiateRequest, "01 01 02 AAAA 01 FF 01 05 06 5F 1F 04 00 00 7E 1F 04 B0")):
        b = unhex(h)
        assert cls.decode(b, 0, len(b))[1] == len(b)
        for i in range(len(b)):
            raises(DecodeError, cls.decode, b, 0, i)
            raises(DecodeError, cls.from_bytes, b[:i])
        raises(DecodeError, cls.from_bytes, b + b"\x00")


def test_malformed_initiates():
    for cls, h in ((InitiateRequest, "08 00 06 5F 1F 04 00 00 50 1F 01 F4 00 07"),  # wrong tag
                   (InitiateRequest, "01 02 00 00 06 5F 1F 04 00 00 7E 1F 04 B0"),  # OPTIONAL marker 2
                   (InitiateRequest, "01 00 00 00 06 5F 1F 03 00 00 7E 1F 04 B0"),  # conformance length
                   (InitiateRequest, "01 00 00 00 06 5F 1F 04 01 00 7E 1F 04 B0"),  # unused bits
                   (InitiateResponse, "08 00 06 5E 1F 04 00 00 50 1F 01 F4 00 07"),  # conformance tag
                   (InitiateResponse, "08 05 06 5F 1F 04 00 00 50 1F 01 F4 00 07")):
        raises(DecodeError, cls.from_bytes, unhex(h))


def test_encode_errors():
    for kwargs in ({"proposed_conformance": 0x1000000, "client_max_receive_pdu_size": 1},
                   {"proposed_conformance": -1, "client_max_receive_pdu_size": 1},
                   {"proposed_conformance": 0x7E1F},
                   {"proposed_conformance": 0x7E1F, "client_max_receive_pdu_size": 0x10000},
                   {"proposed_conformance": 0x7E1F, "client_max_receive_pdu_size": 1,
                    "proposed_quality_of_service": 128},
                   {"proposed_conformance": 0x7E1F, "client_max_receive_pdu_size": 1,
                    "proposed_dlms_version_number": 256},
                   {"proposed_conformance": 0x7E1F, "client_max_receive_pdu_size": 1,
                    "dedicated_key": "key"}):
        raises(EncodeError, InitiateRequest(**kwargs).to_bytes)
    raises(EncodeError, InitiateResponse(negotiated_conformance=1, server_max_receive_pdu_size=1,
                                         vaa_name=-1).to_bytes)
    raises(EncodeError, InitiateResponse(server_max_receive_pdu_size=1).to_bytes)

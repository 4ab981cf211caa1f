"""Hand-made APDUs, at least one of every class of APDU_TABLE, for the CLI tests.

Values reach into the corners of each form: every A-XDR type, dates with
wildcards, floats a JSON number cannot carry, reserved invoke-id bits, OIDs
outside the DLMS arcs, ciphered user-information.
"""

import struct

from microcosem.apdu import acse, action, get, initiate, notify, service_error, set as set_, sn
from microcosem.axdr import (
    ARRAY, BCD, BIT_STRING, BOOLEAN, COMPACT_ARRAY, DATE, DATE_TIME, DONT_CARE, DOUBLE_LONG,
    DOUBLE_LONG_UNSIGNED, ENUM, FLOAT32, FLOAT64, INTEGER, LONG, LONG64, LONG64_UNSIGNED,
    LONG_UNSIGNED, NULL_DATA, OCTET_STRING, STRUCTURE, TIME, UNSIGNED, UTF8_STRING,
    VISIBLE_STRING,
)
from microcosem.cosemdate import Date, DateTime, Time

CLOCK = bytes.fromhex("0000010000FF")
LOAD_PROFILE = bytes.fromhex("0100630100FF")
STAMP = DateTime(2026, 11, 25, 3, 14, 30, 0, 0, -60, 0x80)
STAMP_BYTES = STAMP.to_bytes()

# Every type of the Data CHOICE, some in their odd corners.
EVERY_TYPE = (STRUCTURE, [
    (NULL_DATA, None), (DONT_CARE, None),
    (ARRAY, [(UNSIGNED, 1), (UNSIGNED, 255)]), (ARRAY, []),
    (BOOLEAN, True), (BOOLEAN, False),
    (BIT_STRING, ""), (BIT_STRING, "1011001110"),
    (DOUBLE_LONG, -2 ** 31), (DOUBLE_LONG_UNSIGNED, 2 ** 32 - 1),
    (OCTET_STRING, b""), (OCTET_STRING, b"\x00\xff\x10"),
    (VISIBLE_STRING, "meter 1"), (VISIBLE_STRING, b"\xe9t\xe9"),
    (UTF8_STRING, "\u00b5-\u20ac"), (UTF8_STRING, b"\xff\xfe"),
    (BCD, 0x42), (INTEGER, -128), (LONG, -32768), (LONG_UNSIGNED, 65535),
    (LONG64, -2 ** 63), (LONG64_UNSIGNED, 2 ** 64 - 1), (ENUM, 7),
    (FLOAT32, 1.5), (FLOAT32, -0.0), (FLOAT32, 0.1000000014901161193847656),
    (FLOAT32, b"\x7f\xc0\x00\x01"),                       # a NaN with a payload
    (FLOAT32, struct.unpack(">f", b"\x7f\x80\x00\x00")[0]),  # +inf
    (FLOAT64, 2.0 ** -1074), (FLOAT64, b"\xff\xf8\x00\x00\x00\x00\x00\x00"),
    (DATE_TIME, STAMP),
    (DATE_TIME, DateTime()),                               # all not specified
    (DATE_TIME, DateTime(2026, 0xFE, 0xFD, 8, 0, 0, None, None, 0x7FFF, 0x0F)),
    (DATE, Date(None, 12, 25, None)), (DATE, Date(2026, 3, 0xFE, 7)),
    (TIME, Time(6, 0, 0, None)), (TIME, Time(None, None, 0, 99)),
    (COMPACT_ARRAY, (LONG_UNSIGNED, [(LONG_UNSIGNED, 1), (LONG_UNSIGNED, 2)])),
    (COMPACT_ARRAY, ((STRUCTURE, (DATE_TIME, (ARRAY, 2, DOUBLE_LONG), VISIBLE_STRING)), [
        (STRUCTURE, [(DATE_TIME, STAMP), (ARRAY, [(DOUBLE_LONG, -1), (DOUBLE_LONG, 2)]),
                     (VISIBLE_STRING, "a")]),
    ])),
    (COMPACT_ARRAY, (BOOLEAN, [])),
])

ENTRY = (STRUCTURE, [(DOUBLE_LONG_UNSIGNED, 1), (DOUBLE_LONG_UNSIGNED, 10),
                     (LONG_UNSIGNED, 1), (LONG_UNSIGNED, 0)])
RANGE = (STRUCTURE, [
    (STRUCTURE, [(LONG_UNSIGNED, 8), (OCTET_STRING, CLOCK), (INTEGER, 2), (LONG_UNSIGNED, 0)]),
    (OCTET_STRING, STAMP_BYTES), (OCTET_STRING, STAMP_BYTES), (ARRAY, [])])

CONFORMANCE = 0x007E1F
INIT_REQ = initiate.InitiateRequest(proposed_conformance=CONFORMANCE,
                                    client_max_receive_pdu_size=0xFFFF)
INIT_RESP = initiate.InitiateResponse(negotiated_conformance=0x00501F,
                                      server_max_receive_pdu_size=0x01F4)

SN_SPECS = [(sn.VARIABLE_NAME, 0xFA00), (sn.PARAMETERIZED_ACCESS, 0x0100, 1, ENTRY),
            (sn.BLOCK_NUMBER_ACCESS, 3), (sn.READ_DATA_BLOCK_ACCESS, True, 2, b"\x01\x02"),
            (sn.WRITE_DATA_BLOCK_ACCESS, False, 4)]

SAMPLES = [
    initiate.InitiateRequest(proposed_conformance=CONFORMANCE,
                             client_max_receive_pdu_size=0x04B0),
    initiate.InitiateRequest(dedicated_key=bytes(range(16)), response_allowed=False,
                             proposed_quality_of_service=-1, proposed_conformance=0xFFFFFF,
                             client_max_receive_pdu_size=0),
    sn.ReadRequest(variable_access_specifications=SN_SPECS),
    sn.WriteRequest(variable_access_specifications=[(sn.VARIABLE_NAME, 0x0108)],
                    values=[(DOUBLE_LONG_UNSIGNED, 5)]),
    INIT_RESP,
    initiate.InitiateResponse(negotiated_quality_of_service=5, negotiated_conformance=0,
                              server_max_receive_pdu_size=0xFFFF, vaa_name=0xFA00),
    sn.ReadResponse(results=[(sn.READ_DATA, EVERY_TYPE), (sn.READ_DATA_ACCESS_ERROR, 4),
                             (sn.READ_DATA_BLOCK_RESULT, (True, 1, b"\x01")),
                             (sn.READ_BLOCK_NUMBER, 5), (sn.READ_DATA_ACCESS_ERROR, 200)]),
    sn.WriteResponse(results=[(sn.WRITE_SUCCESS, None), (sn.WRITE_DATA_ACCESS_ERROR, 3),
                              (sn.WRITE_BLOCK_NUMBER, 7)]),
    service_error.ConfirmedServiceError(service=1, error_type=6, error=1),
    service_error.ConfirmedServiceError(service=5, error_type=8, error=3),
    service_error.ConfirmedServiceError(service=19, error_type=0, error=200),
    notify.DataNotification(long_invoke_id_and_priority=0x40000001, date_time=None,
                            body=(STRUCTURE, [(OCTET_STRING, LOAD_PROFILE), EVERY_TYPE])),
    notify.DataNotification(long_invoke_id_and_priority=0xFFFFFFFF, date_time=STAMP_BYTES,
                            body=(NULL_DATA, None)),
    notify.DataNotification(long_invoke_id_and_priority=0, date_time=b"\x01\x02",
                            body=(UNSIGNED, 1)),
    sn.UnconfirmedWriteRequest(variable_access_specifications=SN_SPECS,
                               values=[(UNSIGNED, 1)] * 5),
    sn.InformationReportRequest(current_time=STAMP_BYTES,
                                variable_access_specifications=[(sn.VARIABLE_NAME, 0x0100)],
                                values=[(LONG, -5)]),
    sn.InformationReportRequest(current_time=None, variable_access_specifications=[],
                                values=[]),
    acse.AARQ(application_context_name=acse.CONTEXT_LN, user_information=INIT_REQ.to_bytes()),
    acse.AARQ(protocol_version="1", application_context_name=acse.CONTEXT_LN_CIPHERED,
              called_ap_title=b"SRV00001", called_ae_qualifier=b"\x01",
              called_ap_invocation_id=7, called_ae_invocation_id=8,
              calling_ap_title=b"MMM\x00\x00\x00\x00\x01", calling_ae_qualifier=b"\x30\x82",
              calling_ap_invocation_id=1, calling_ae_invocation_id=-2,
              sender_acse_requirements="1", mechanism_name=acse.MECHANISM_HIGH_GMAC,
              calling_authentication_value=b"\x00\x01\xfe\xff",
              implementation_information=b"microcosem",
              # a glo-initiate-request: ciphered, shown in hex
              user_information=bytes.fromhex("211F30000000010102030405060708090A0B0C0D0E0F")),
    acse.AARQ(application_context_name=(1, 2, 840, 10045), mechanism_name=9,
              calling_authentication_value=(2, b"\x04\x02ab"),
              implementation_information=b"\x00\x01", user_information=b""),
    acse.AARQ(application_context_name=acse.CONTEXT_SN, sender_acse_requirements="1",
              mechanism_name=acse.MECHANISM_LOW, calling_authentication_value=b"12345678",
              user_information=INIT_REQ.to_bytes()),
    acse.AARE(application_context_name=acse.CONTEXT_LN, result=acse.RESULT_ACCEPTED,
              result_source_diagnostic=(acse.ACSE_SERVICE_USER, acse.USER_NULL),
              user_information=INIT_RESP.to_bytes()),
    acse.AARE(protocol_version="1", application_context_name=7,
              result=acse.RESULT_REJECTED_PERMANENT,
              result_source_diagnostic=(acse.ACSE_SERVICE_PROVIDER, 99),
              responding_ap_title=b"SRV00001", responding_ae_qualifier=b"",
              responding_ap_invocation_id=3, responding_ae_invocation_id=4,
              responder_acse_requirements="10", mechanism_name=acse.MECHANISM_HIGH_ECDSA,
              responding_authentication_value=(1, b"\x00\xaa"),
              implementation_information=b"x",
              user_information=service_error.ConfirmedServiceError(
                  service=1, error_type=6, error=1).to_bytes()),
    acse.RLRQ(),
    acse.RLRQ(reason=acse.RLRQ_NORMAL, user_information=INIT_REQ.to_bytes()),
    acse.RLRE(reason=acse.RLRE_NOT_FINISHED),
    acse.RLRE(reason=30, user_information=b"\xde\xad"),
    get.GetRequestNormal(invoke_id_and_priority=0xC1, attribute_descriptor=(8, CLOCK, 2),
                         access_selection=None),
    get.GetRequestNormal(invoke_id_and_priority=0x31, attribute_descriptor=(7, LOAD_PROFILE, 2),
                         access_selection=(2, ENTRY)),
    get.GetRequestNext(invoke_id_and_priority=0x42, block_number=0xFFFFFFFF),
    get.GetRequestWithList(invoke_id_and_priority=0xC3, attribute_descriptors=[
        ((8, CLOCK, 2), None), ((7, LOAD_PROFILE, 2), (1, RANGE)), ((0xFFFF, CLOCK, -1), None)]),
    get.GetResponseNormal(invoke_id_and_priority=0xC1, result=(OCTET_STRING, STAMP_BYTES)),
    get.GetResponseNormal(invoke_id_and_priority=0xC1, result=EVERY_TYPE),
    get.GetResponseNormal(invoke_id_and_priority=0x01, result=4),
    get.GetResponseNormal(invoke_id_and_priority=0x01, result=77),
    get.GetResponseWithDatablock(invoke_id_and_priority=0xC1, last_block=False, block_number=1,
                                 result=b"\x01\x82\x01\x00"),
    get.GetResponseWithDatablock(invoke_id_and_priority=0xC1, last_block=True, block_number=2,
                                 result=15),
    get.GetResponseWithList(invoke_id_and_priority=0xC1, results=[
        (UNSIGNED, 1), 11, (STRUCTURE, [])]),
    set_.SetRequestNormal(invoke_id_and_priority=0xC1, attribute_descriptor=(8, CLOCK, 2),
                          access_selection=None, value=(OCTET_STRING, STAMP_BYTES)),
    set_.SetRequestWithFirstDatablock(invoke_id_and_priority=0xC1,
                                      attribute_descriptor=(1, CLOCK, 2),
                                      access_selection=(1, (NULL_DATA, None)), last_block=False,
                                      block_number=1, raw_data=b"\x09\x81\x80"),
    set_.SetRequestWithDatablock(invoke_id_and_priority=0xC1, last_block=True, block_number=2,
                                 raw_data=b""),
    set_.SetRequestWithList(invoke_id_and_priority=0xC1,
                            attribute_descriptors=[((8, CLOCK, 2), None), ((1, CLOCK, 3), None)],
                            values=[(OCTET_STRING, STAMP_BYTES), (BIT_STRING, "1")]),
    set_.SetRequestWithListAndFirstDatablock(
        invoke_id_and_priority=0xC1, attribute_descriptors=[((8, CLOCK, 2), (3, ENTRY))],
        last_block=False, block_number=1, raw_data=b"\x01\x02"),
    notify.EventNotificationRequest(time=None, attribute_descriptor=(1, CLOCK, 2),
                                    value=(UNSIGNED, 1)),
    notify.EventNotificationRequest(time=STAMP_BYTES, attribute_descriptor=(1, CLOCK, 2),
                                    value=EVERY_TYPE),
    notify.EventNotificationRequest(time=b"", attribute_descriptor=(1, CLOCK, 2),
                                    value=(NULL_DATA, None)),
    action.ActionRequestNormal(invoke_id_and_priority=0xC1,
                               method_descriptor=(15, bytes.fromhex("0000280000FF"), 1),
                               parameters=(OCTET_STRING, b"\x11" * 16)),
    action.ActionRequestNormal(invoke_id_and_priority=0xC1, method_descriptor=(70, CLOCK, 1),
                               parameters=None),
    action.ActionRequestNextPblock(invoke_id_and_priority=0xC1, block_number=3),
    action.ActionRequestWithList(invoke_id_and_priority=0xC1,
                                 method_descriptors=[(9, CLOCK, 1), (9, CLOCK, -128)],
                                 parameters=[(NULL_DATA, None), (UNSIGNED, 2)]),
    action.ActionRequestWithFirstPblock(invoke_id_and_priority=0xC1,
                                        method_descriptor=(9, CLOCK, 1), last_block=False,
                                        block_number=1, raw_data=b"\x00"),
    action.ActionRequestWithListAndFirstPblock(invoke_id_and_priority=0xC1,
                                               method_descriptors=[(9, CLOCK, 1)],
                                               last_block=True, block_number=1, raw_data=b"\x00"),
    action.ActionRequestWithPblock(invoke_id_and_priority=0xC1, last_block=True, block_number=2,
                                   raw_data=b"\x12\x00\x01"),
    action.ActionResponseNormal(invoke_id_and_priority=0xC1, result=0, return_parameters=None),
    action.ActionResponseNormal(invoke_id_and_priority=0xC1, result=0,
                                return_parameters=(OCTET_STRING, b"\x01")),
    action.ActionResponseNormal(invoke_id_and_priority=0xC1, result=16, return_parameters=4),
    action.ActionResponseWithPblock(invoke_id_and_priority=0xC1, last_block=False,
                                    block_number=1, raw_data=b"\x01\x02"),
    action.ActionResponseWithList(invoke_id_and_priority=0xC1, results=[
        (0, None), (3, (UNSIGNED, 9)), (250, 12)]),
    action.ActionResponseNextPblock(invoke_id_and_priority=0xC1, block_number=4),
    service_error.ExceptionResponse(state_error=1, service_error=2, invocation_counter=None),
    service_error.ExceptionResponse(state_error=2, service_error=6, invocation_counter=123456),
    set_.SetResponseNormal(invoke_id_and_priority=0xC1, result=0),
    set_.SetResponseDatablock(invoke_id_and_priority=0xC1, block_number=1),
    set_.SetResponseLastDatablock(invoke_id_and_priority=0xC1, result=3, block_number=2),
    set_.SetResponseLastDatablockWithList(invoke_id_and_priority=0xC1, results=[0, 3],
                                          block_number=2),
    set_.SetResponseWithList(invoke_id_and_priority=0xC1, results=[0, 250, 99]),
]

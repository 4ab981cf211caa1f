# heapsize: 128k
# (measured need 104k on the 64-bit unix port, which keeps the loaded .mpy code of the
# APDU modules and the A-XDR codec in the heap; the rest is room for the shared codecs to grow)
"""Short-name referencing APDUs (Green Book 9.4, 9.5): ReadRequest/Response,
WriteRequest/Response, UnconfirmedWriteRequest, InformationReportRequest,
with every Variable-Access-Specification and every response CHOICE."""

from apdu_check import check, malformed, refuses
from checks import unhex
from microcosem.apdu.sn import (
    BLOCK_NUMBER_ACCESS, PARAMETERIZED_ACCESS, READ_BLOCK_NUMBER, READ_DATA, READ_DATA_ACCESS_ERROR,
    READ_DATA_BLOCK_ACCESS, READ_DATA_BLOCK_RESULT, VARIABLE_NAME, WRITE_BLOCK_NUMBER,
    WRITE_DATA_ACCESS_ERROR, WRITE_DATA_BLOCK_ACCESS, WRITE_SUCCESS, InformationReportRequest,
    ReadRequest, ReadResponse, UnconfirmedWriteRequest, WriteRequest, WriteResponse,
)
from microcosem.axdr import (DOUBLE_LONG_UNSIGNED, LONG_UNSIGNED, OCTET_STRING, STRUCTURE,
                             UNSIGNED)

TIME = unhex("07 E5 0C 1F 05 17 3B 3B 00 FF C4 00")


def test_read_request_variable_names():
    # 05 | 01 one specification | 02 variable-name | FA 08: attribute 2 of the
    # Association SN object (base name FA00, attributes at steps of 8)
    check(ReadRequest, "05 01 02 FA 08",
          ReadRequest(variable_access_specifications=[(VARIABLE_NAME, 0xFA08)]))
    check(ReadRequest, "05 02 02 FA 08 02 0B 10",
          ReadRequest(variable_access_specifications=[(VARIABLE_NAME, 0xFA08),
                                                      (VARIABLE_NAME, 0x0B10)]))


def test_read_request_parameterized_access():
    # 04 parameterized-access: short name 0C08 (a profile's buffer), selector 2
    # (entry descriptor): entries 1..10, all columns
    params = (STRUCTURE, [(DOUBLE_LONG_UNSIGNED, 1), (DOUBLE_LONG_UNSIGNED, 10),
                          (LONG_UNSIGNED, 1), (LONG_UNSIGNED, 0)])
    check(ReadRequest, "05 01 04 0C 08 02 02 04 06 00000001 06 0000000A 12 0001 12 0000",
          ReadRequest(variable_access_specifications=[(PARAMETERIZED_ACCESS, 0x0C08, 2, params)]))


def test_read_request_blocks():
    # 05 block-number-access: the client asks for block 2 of a long ReadResponse
    check(ReadRequest, "05 01 05 00 02",
          ReadRequest(variable_access_specifications=[(BLOCK_NUMBER_ACCESS, 2)]))
    # 06 read-data-block-access: long read parameters sent in blocks
    check(ReadRequest, "05 01 06 01 00 02 03 AA BB CC",
          ReadRequest(variable_access_specifications=[
              (READ_DATA_BLOCK_ACCESS, True, 2, unhex("AA BB CC"))]))


def test_read_response_every_choice():
    # data, data-access-error (4 object-undefined), data-block-result, block-number
    check(ReadResponse, "0C 01 00 06 00000001",
          ReadResponse(results=[(READ_DATA, (DOUBLE_LONG_UNSIGNED, 1))]))
    check(ReadResponse, "0C 02 00 12 0005 01 04",
          ReadResponse(results=[(READ_DATA, (LONG_UNSIGNED, 5)), (READ_DATA_ACCESS_ERROR, 4)]))
    check(ReadResponse, "0C 01 02 00 0001 05 01 02 03 04 05",
          ReadResponse(results=[(READ_DATA_BLOCK_RESULT, (False, 1, unhex("0102030405")))]))
    check(ReadResponse, "0C 01 03 00 02", ReadResponse(results=[(READ_BLOCK_NUMBER, 2)]))


def test_write_request():
    # write long-unsigned 5 to short name 3F08
    check(WriteRequest, "06 01 02 3F 08 01 12 00 05",
          WriteRequest(variable_access_specifications=[(VARIABLE_NAME, 0x3F08)],
                       values=[(LONG_UNSIGNED, 5)]))
    # 07 write-data-block-access: block 1 of a long value, carried as an octet-string
    check(WriteRequest, "06 01 07 00 00 01 01 09 05 01 02 03 04 05",
          WriteRequest(variable_access_specifications=[(WRITE_DATA_BLOCK_ACCESS, False, 1)],
                       values=[(OCTET_STRING, unhex("0102030405"))]))
    check(UnconfirmedWriteRequest, "16 02 02 3F 08 02 3F 10 02 11 01 09 0C " + TIME.hex(),
          UnconfirmedWriteRequest(
              variable_access_specifications=[(VARIABLE_NAME, 0x3F08), (VARIABLE_NAME, 0x3F10)],
              values=[(UNSIGNED, 1), (OCTET_STRING, TIME)]))


def test_write_response_every_choice():
    check(WriteResponse, "0D 01 00", WriteResponse(results=[(WRITE_SUCCESS, None)]))
    check(WriteResponse, "0D 03 00 01 03 02 00 01",
          WriteResponse(results=[(WRITE_SUCCESS, None), (WRITE_DATA_ACCESS_ERROR, 3),
                                 (WRITE_BLOCK_NUMBER, 1)]))


def test_information_report():
    # 18 | 00 no current-time | 01 02 FA 08 | 01 12 0005
    check(InformationReportRequest, "18 00 01 02 FA 08 01 12 00 05",
          InformationReportRequest(current_time=None,
                                   variable_access_specifications=[(VARIABLE_NAME, 0xFA08)],
                                   values=[(LONG_UNSIGNED, 5)]))
    # with a current-time as Gurux writes it: length 0C, then the COSEM date-time
    check(InformationReportRequest, "18 0C " + TIME.hex() + " 01 02 FA 08 01 12 00 05",
          InformationReportRequest(current_time=TIME,
                                   variable_access_specifications=[(VARIABLE_NAME, 0xFA08)],
                                   values=[(LONG_UNSIGNED, 5)]))


def test_malformed_sn():
    malformed((
        "05 01 03 FA 08",            # detailed-access [3] is not used in DLMS
        "05 01 01 FA 08",
        "05 02 02 FA 08",            # two specifications announced, one there
        "0C 01 04 00",               # no ReadResponse choice 4
        "0D 01 03",                  # no WriteResponse choice 3
        "06 01 02 3F 08 01 08",      # Data tag 8
        "18 0C 07 E5",               # current-time cut short
    ))


def test_bad_values():
    refuses((
        ReadRequest(variable_access_specifications=[(3, 0xFA08)]),
        ReadRequest(variable_access_specifications=[(VARIABLE_NAME, 0x10000)]),
        ReadRequest(variable_access_specifications=[(VARIABLE_NAME,)]),
        ReadRequest(variable_access_specifications=[VARIABLE_NAME]),
        ReadRequest(variable_access_specifications=[(PARAMETERIZED_ACCESS, 1, 256, (UNSIGNED, 1))]),
        ReadRequest(variable_access_specifications=[(READ_DATA_BLOCK_ACCESS, 1, 2, b"")]),
        ReadResponse(results=[(READ_DATA, 5)]),
        ReadResponse(results=[(READ_DATA_ACCESS_ERROR, 300)]),
        ReadResponse(results=[(READ_DATA_BLOCK_RESULT, (True, 1))]),
        ReadResponse(results=[(4, None)]),
        WriteRequest(variable_access_specifications=[(WRITE_DATA_BLOCK_ACCESS, True, -1)], values=[]),
        WriteRequest(variable_access_specifications=[], values=None),
        WriteResponse(results=[(WRITE_SUCCESS, 0)]),
        WriteResponse(results=[(WRITE_BLOCK_NUMBER, 0x10000)]),
        InformationReportRequest(current_time=b"", variable_access_specifications=[], values=[]),
        InformationReportRequest(current_time="now", variable_access_specifications=[], values=[]),
    ))

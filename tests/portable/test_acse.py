# heapsize: 128k
# (measured need 96k on the 64-bit unix port, which keeps the loaded .mpy code of the
# APDU modules in the heap, and 16k more for apdu/names.py, the name tables these tests
# read; the rest is room for the shared codecs to grow)
"""AARQ, AARE, RLRQ, RLRE (Green Book 8.2 / ISO 8650-1): the bytes, what they mean,
round trip, every truncation, bad values.

The examples are those of the Green Book (as dlms-cosem's tests print them),
and a few built by hand from the ASN.1, with every TLV counted below.
"""

from apdu_check import check, malformed, refuses
from checks import raises, unhex
from microcosem.apdu import acse
from microcosem.apdu.acse import (
    AARE, AARQ, ACSE_SERVICE_PROVIDER, ACSE_SERVICE_USER, CONTEXT_LN, CONTEXT_LN_CIPHERED,
    CONTEXT_SN, CONTEXT_SN_CIPHERED, MECHANISM_HIGH_ECDSA, MECHANISM_HIGH_GMAC, MECHANISM_LOW,
    RESULT_ACCEPTED, RESULT_REJECTED_PERMANENT, RLRE, RLRQ, diagnostic_name, name_of,
)
from microcosem.apdu.initiate import InitiateRequest, InitiateResponse
from microcosem.errors import DecodeError

#   A1 09 06 07 60 85 74 05 08 01 0x   application-context-name 2.16.756.5.8.1.x
CTX = "A1 09 06 07 60 85 74 05 08 01 %02X"
#   BE 10 04 0E <InitiateRequest of 14 bytes>: user-information
UI_REQUEST = "BE 10 04 0E 01 00 00 00 06 5F 1F 04 00 00 7E 1F 04 B0"
UI_RESPONSE = "BE 10 04 0E 08 00 06 5F 1F 04 00 00 50 1F 01 F4 00 07"
# a glo-initiate-request (0x21) of 50 bytes, from the Green Book's ciphered examples
GLO_INITIATE_REQUEST = ("21 30 30 01 23 45 67 80 13 02 FF 8A 78 74 13 3D 41 4C ED 25 B4 25 34 D2"
                        " 8D B0 04 77 20 60 6B 17 5B D5 22 11 BE 68 41 DB 20 4D 39 EE 6F DB 8E 35"
                        " 68 55")
# a glo-initiate-response (0x28) of 33 bytes
GLO_INITIATE_RESPONSE = ("28 1F 30 01 23 45 67 89 12 14 A0 84 5E 47 57 14 38 3F 65 BC 19 74 5C A2"
                         " 35 90 65 25 E4 F3 E1 C8 93")
SYSTEM_TITLE = unhex("4D 4D 4D 00 00 BC 61 4E")   # "MMM" + serial 12345678


def _aarq(**kw):
    return AARQ(**kw)


def test_aarq_lowest_security():
    # Green Book: LN, no security: 60 1D = 11 (A1) + 18 (BE)
    a = check(AARQ, "60 1D " + CTX % 1 + UI_REQUEST,
              AARQ(application_context_name=CONTEXT_LN,
                   user_information=unhex(UI_REQUEST)[4:]))
    assert name_of(acse.CONTEXT_NAMES, a.application_context_name) == "logical-name"
    req = a.initiate_request()
    assert req.proposed_conformance == 0x007E1F and req.client_max_receive_pdu_size == 1200
    assert a.user_apdu() == req
    # built from the InitiateRequest
    b = AARQ(application_context_name=CONTEXT_LN)
    b.set_initiate_request(InitiateRequest(proposed_conformance=0x007E1F,
                                           client_max_receive_pdu_size=1200))
    assert b == a


def test_aarq_low_level_security_password():
    # 60 36 = 11 (A1) + 4 (8A 02 07 80: authentication functional unit)
    #       + 9 (8B 07 <mechanism 2.16.756.5.8.2.1>) + 12 (AC 0A 80 08 "12345678") + 18
    h = (CTX % 1 + " 8A 02 07 80 8B 07 60 85 74 05 08 02 01"
         " AC 0A 80 08 31 32 33 34 35 36 37 38 " + UI_REQUEST)
    a = check(AARQ, "60 36 " + h,
              AARQ(application_context_name=CONTEXT_LN, sender_acse_requirements="1",
                   mechanism_name=MECHANISM_LOW, calling_authentication_value=b"12345678",
                   user_information=unhex(UI_REQUEST)[4:]))
    assert name_of(acse.MECHANISM_NAMES, a.mechanism_name) == "low"
    # a password may be given as text; it goes on the wire as the same bytes
    a.calling_authentication_value = "12345678"
    assert a.to_bytes() == unhex("60 36 " + h)


def test_aarq_high_level_security_gmac():
    # dlms-cosem's HLS example: mechanism 5, an 8-byte challenge "K56iVagY"
    h = (CTX % 1 + " 8A 02 07 80 8B 07 60 85 74 05 08 02 05"
         " AC 0A 80 08 4B 35 36 69 56 61 67 59 " + UI_REQUEST)
    check(AARQ, "60 36 " + h,
          AARQ(application_context_name=CONTEXT_LN, sender_acse_requirements="1",
               mechanism_name=MECHANISM_HIGH_GMAC, calling_authentication_value=b"K56iVagY",
               user_information=unhex(UI_REQUEST)[4:]))


def test_aarq_ciphered_with_calling_ap_title():
    # Green Book: LN with ciphering, calling-AP-title = system title, LLS, and a
    # glo-initiate-request.  60 66 = 11 + 12 (A6 0A 04 08 <title>) + 4 + 9 + 12 + 54 (BE 34 04 32 ..)
    h = ("60 66 " + CTX % 3 + " A6 0A 04 08 4D 4D 4D 00 00 BC 61 4E 8A 02 07 80"
         " 8B 07 60 85 74 05 08 02 01 AC 0A 80 08 31 32 33 34 35 36 37 38"
         " BE 34 04 32 " + GLO_INITIATE_REQUEST)
    a = check(AARQ, h, AARQ(application_context_name=CONTEXT_LN_CIPHERED,
                            calling_ap_title=SYSTEM_TITLE, sender_acse_requirements="1",
                            mechanism_name=MECHANISM_LOW, calling_authentication_value=b"12345678",
                            user_information=unhex(GLO_INITIATE_REQUEST)))
    # the plain-text accessors refuse what only the security layer can open
    raises(DecodeError, a.initiate_request)
    raises(DecodeError, a.user_apdu)


def test_aarq_hls_gmac_ciphered_with_calling_ap_title():
    # built by hand: HLS mechanism 5 with a 16-byte challenge (AC 12 80 10 ..)
    # 60 6E = 11 + 12 + 4 + 9 + 20 + 54 = 110
    challenge = bytes(range(0x41, 0x51))
    h = ("60 6E " + CTX % 3 + " A6 0A 04 08 4D 4D 4D 00 00 BC 61 4E 8A 02 07 80"
         " 8B 07 60 85 74 05 08 02 05 AC 12 80 10 " + challenge.hex() +
         " BE 34 04 32 " + GLO_INITIATE_REQUEST)
    check(AARQ, h, AARQ(application_context_name=CONTEXT_LN_CIPHERED,
                        calling_ap_title=SYSTEM_TITLE, sender_acse_requirements="1",
                        mechanism_name=MECHANISM_HIGH_GMAC, calling_authentication_value=challenge,
                        user_information=unhex(GLO_INITIATE_REQUEST)))


def test_aarq_every_element():
    # every AARQ element once, in the ASN.1 order:
    #   80 02 07 80                 protocol-version {version1}
    #   A1 09 ..                    application-context-name SN (2)
    #   A2 04 04 02 AB CD           called-AP-title
    #   A3 03 04 01 01              called-AE-qualifier
    #   A4 03 02 01 05              called-AP-invocation-id 5
    #   A5 03 02 01 FF              called-AE-invocation-id -1
    #   A6 0A 04 08 <title>         calling-AP-title
    #   A7 03 04 01 02              calling-AE-qualifier
    #   A8 04 02 02 01 00           calling-AP-invocation-id 256
    #   A9 03 02 01 00              calling-AE-invocation-id 0
    #   8A 02 07 80                 sender-acse-requirements {authentication}
    #   8B 07 .. 07                 mechanism-name high-ecdsa
    #   AC 04 81 02 07 80           calling-authentication-value as a bitstring [1]
    #   9D 03 61 62 63              implementation-information "abc"
    #   BE 10 ..                    user-information
    body = ("80 02 07 80 " + CTX % 2 + " A2 04 04 02 AB CD A3 03 04 01 01 A4 03 02 01 05"
            " A5 03 02 01 FF A6 0A 04 08 4D 4D 4D 00 00 BC 61 4E A7 03 04 01 02"
            " A8 04 02 02 01 00 A9 03 02 01 00 8A 02 07 80 8B 07 60 85 74 05 08 02 07"
            " AC 04 81 02 07 80 9D 03 61 62 63 " + UI_REQUEST)
    n = len(unhex(body))
    assert n == 4 + 11 + 6 + 5 + 5 + 5 + 12 + 5 + 6 + 5 + 4 + 9 + 6 + 5 + 18 == 0x6A
    a = check(AARQ, "60 6A " + body, AARQ(
        protocol_version="1", application_context_name=CONTEXT_SN,
        called_ap_title=unhex("AB CD"), called_ae_qualifier=b"\x01",
        called_ap_invocation_id=5, called_ae_invocation_id=-1,
        calling_ap_title=SYSTEM_TITLE, calling_ae_qualifier=b"\x02",
        calling_ap_invocation_id=256, calling_ae_invocation_id=0,
        sender_acse_requirements="1", mechanism_name=MECHANISM_HIGH_ECDSA,
        calling_authentication_value=(1, unhex("07 80")),
        implementation_information=b"abc", user_information=unhex(UI_REQUEST)[4:]))
    assert a.FIELDS == tuple(e[1] for e in AARQ.ELEMENTS)
    # elements out of order are read, and written back in the ASN.1 order
    swapped = unhex("60 1D " + UI_REQUEST + CTX % 1)
    b = AARQ.from_bytes(swapped)
    assert b.to_bytes() == unhex("60 1D " + CTX % 1 + UI_REQUEST)


def test_aarq_long_form_length():
    # a calling-AE-qualifier (a certificate, suites 1 and 2) longer than 127 bytes
    cert = bytes(200)
    a = AARQ(application_context_name=CONTEXT_LN_CIPHERED, calling_ae_qualifier=cert)
    b = a.to_bytes()
    #   60 81 D9 | A1 09 .. | A7 81 CB 04 81 C8 <200 bytes>
    assert b[:3] == unhex("60 81 D9") and b[14:20] == unhex("A7 81 CB 04 81 C8")
    assert len(b) == 3 + 11 + 6 + 200
    check(AARQ, b.hex(), a)


def test_unknown_oids_kept_as_arcs():
    # an application context outside 2.16.756.5.8.1 stays a tuple of arcs
    a = check(AARQ, "60 08 A1 06 06 04 2A 86 48 01",
              AARQ(application_context_name=(1, 2, 840, 1)))
    assert a.application_context_name == (1, 2, 840, 1)
    check(AARQ, "60 09 8B 07 60 85 74 05 08 03 01",
          AARQ(mechanism_name=(2, 16, 756, 5, 8, 3, 1)))
    # contexts 2.16.756.5.8.1.x and mechanisms .2.x for every x
    for x in range(8):
        assert AARQ.from_bytes(AARQ(mechanism_name=x).to_bytes()).mechanism_name == x
    for x in (CONTEXT_LN, CONTEXT_SN, CONTEXT_LN_CIPHERED, CONTEXT_SN_CIPHERED):
        assert AARQ.from_bytes(AARQ(application_context_name=x).to_bytes()) \
            .application_context_name == x
    assert [name_of(acse.MECHANISM_NAMES, x) for x in range(8)] == [
        "none", "low", "high", "high-md5", "high-sha1", "high-gmac", "high-sha256", "high-ecdsa"]


def test_aare_accepted():
    # Green Book: A2 03 02 01 00 accepted, A3 05 A1 03 02 01 00 acse-service-user null
    a = check(AARE, "61 29 " + CTX % 1 + " A2 03 02 01 00 A3 05 A1 03 02 01 00 " + UI_RESPONSE,
              AARE(application_context_name=CONTEXT_LN, result=RESULT_ACCEPTED,
                   result_source_diagnostic=(ACSE_SERVICE_USER, 0),
                   user_information=unhex(UI_RESPONSE)[4:]))
    assert diagnostic_name(a.result_source_diagnostic) == "acse-service-user: null"
    resp = a.initiate_response()
    assert resp.negotiated_conformance == 0x00501F and resp.server_max_receive_pdu_size == 500
    assert a.user_apdu() == resp
    b = AARE(application_context_name=CONTEXT_LN, result=0,
             result_source_diagnostic=(ACSE_SERVICE_USER, 0))
    b.set_initiate_response(InitiateResponse(negotiated_conformance=0x00501F,
                                             server_max_receive_pdu_size=500))
    assert b == a


def test_aare_rejected_application_context():
    a = check(AARE, "61 29 " + CTX % 1 + " A2 03 02 01 01 A3 05 A1 03 02 01 02 " + UI_RESPONSE,
              AARE(application_context_name=CONTEXT_LN, result=RESULT_REJECTED_PERMANENT,
                   result_source_diagnostic=(ACSE_SERVICE_USER, 2),
                   user_information=unhex(UI_RESPONSE)[4:]))
    assert name_of(acse.RESULT_NAMES, a.result) == "rejected-permanent"
    assert diagnostic_name(a.result_source_diagnostic) == \
        "acse-service-user: application-context-name-not-supported"


def test_aare_with_confirmed_service_error():
    # Green Book: the InitiateRequest proposed too old a DLMS version:
    # BE 06 04 04 0E 01 06 01 = initiateError, initiate, dlms-version-too-low
    # (decoding that ConfirmedServiceError, through user_apdu(), is in
    # tests/host/test_apdu_peers.py: acse and service_error together overflow this heap)
    a = check(AARE, "61 1F " + CTX % 1 + " A2 03 02 01 01 A3 05 A1 03 02 01 01"
              " BE 06 04 04 0E 01 06 01",
              AARE(application_context_name=CONTEXT_LN, result=RESULT_REJECTED_PERMANENT,
                   result_source_diagnostic=(ACSE_SERVICE_USER, 1),
                   user_information=unhex("0E 01 06 01")))
    raises(DecodeError, a.initiate_response)


def test_aare_hls_challenge():
    # Green Book HLS: diagnostic 14 authentication-required, 88 02 07 80,
    # 89 07 .. 05 (GMAC), AA 0A 80 08 "P6wRJ21F" the server's challenge
    a = check(AARE, "61 42 " + CTX % 1 + " A2 03 02 01 00 A3 05 A1 03 02 01 0E 88 02 07 80"
              " 89 07 60 85 74 05 08 02 05 AA 0A 80 08 50 36 77 52 4A 32 31 46 " + UI_RESPONSE,
              AARE(application_context_name=CONTEXT_LN, result=RESULT_ACCEPTED,
                   result_source_diagnostic=(ACSE_SERVICE_USER, 14),
                   responder_acse_requirements="1", mechanism_name=MECHANISM_HIGH_GMAC,
                   responding_authentication_value=b"P6wRJ21F",
                   user_information=unhex(UI_RESPONSE)[4:]))
    assert diagnostic_name(a.result_source_diagnostic) == \
        "acse-service-user: authentication-required"


def test_aare_ciphered_with_responding_ap_title():
    # built by hand: 61 69 = 11 + 5 + 7 + 12 (A4 0A 04 08 <server title>) + 4 + 9
    #                      + 20 (AA 12 80 10 <challenge>) + 37 (BE 23 04 21 <glo-initiate-response>)
    title = unhex("4D 4D 4D 00 00 00 00 01")
    challenge = bytes(range(16))
    h = ("61 69 " + CTX % 3 + " A2 03 02 01 00 A3 05 A1 03 02 01 0E"
         " A4 0A 04 08 " + title.hex() + " 88 02 07 80 89 07 60 85 74 05 08 02 05"
         " AA 12 80 10 " + challenge.hex() + " BE 23 04 21 " + GLO_INITIATE_RESPONSE)
    check(AARE, h, AARE(application_context_name=CONTEXT_LN_CIPHERED, result=0,
                        result_source_diagnostic=(ACSE_SERVICE_USER, 14),
                        responding_ap_title=title, responder_acse_requirements="1",
                        mechanism_name=MECHANISM_HIGH_GMAC,
                        responding_authentication_value=challenge,
                        user_information=unhex(GLO_INITIATE_RESPONSE)))


def test_aare_every_element_and_provider_diagnostic():
    #   80 02 07 80, A1 09 .., A2 03 02 01 02 (rejected-transient),
    #   A3 05 A2 03 02 01 02 (acse-service-provider: no-common-acse-version),
    #   A4 03 04 01 AA, A5 03 04 01 BB, A6 03 02 01 07, A7 03 02 01 08,
    #   88 02 07 80, 89 07 .. 02, AA 05 A3 03 02 01 00 (authentication value "other" [3], raw),
    #   9D 01 7A, BE 10 ..
    body = ("80 02 07 80 " + CTX % 4 + " A2 03 02 01 02 A3 05 A2 03 02 01 02 A4 03 04 01 AA"
            " A5 03 04 01 BB A6 03 02 01 07 A7 03 02 01 08 88 02 07 80"
            " 89 07 60 85 74 05 08 02 02 AA 05 A3 03 02 01 00 9D 01 7A " + UI_RESPONSE)
    n = len(unhex(body))
    assert n == 4 + 11 + 5 + 7 + 5 + 5 + 5 + 5 + 4 + 9 + 7 + 3 + 18
    a = check(AARE, "61 %02X " % n + body, AARE(
        protocol_version="1", application_context_name=CONTEXT_SN_CIPHERED, result=2,
        result_source_diagnostic=(ACSE_SERVICE_PROVIDER, 2), responding_ap_title=b"\xaa",
        responding_ae_qualifier=b"\xbb", responding_ap_invocation_id=7,
        responding_ae_invocation_id=8, responder_acse_requirements="1", mechanism_name=2,
        responding_authentication_value=(3, unhex("02 01 00")), implementation_information=b"z",
        user_information=unhex(UI_RESPONSE)[4:]))
    assert diagnostic_name(a.result_source_diagnostic) == \
        "acse-service-provider: no-common-acse-version"
    assert name_of(acse.RESULT_NAMES, 2) == "rejected-transient"


def test_every_diagnostic_has_a_name():
    for v in range(15):
        d = (ACSE_SERVICE_USER, v)
        a = AARE(result=1, result_source_diagnostic=d)
        assert AARE.from_bytes(a.to_bytes()).result_source_diagnostic == d
        assert diagnostic_name(d).startswith("acse-service-user: ")
        assert name_of(acse.USER_DIAGNOSTIC_NAMES, v) is not None
    for v in range(3):
        d = (ACSE_SERVICE_PROVIDER, v)
        a = AARE(result=2, result_source_diagnostic=d)
        assert AARE.from_bytes(a.to_bytes()).result_source_diagnostic == d
        assert diagnostic_name(d).startswith("acse-service-provider: ")
        assert name_of(acse.PROVIDER_DIAGNOSTIC_NAMES, v) is not None
    for r in range(3):   # accepted, rejected-permanent, rejected-transient: A2 03 02 01 0r
        assert AARE(result=r).to_bytes() == unhex("61 05 A2 03 02 01 %02X" % r)
        assert name_of(acse.RESULT_NAMES, r) is not None
    assert diagnostic_name((ACSE_SERVICE_USER, 99)) == "acse-service-user: 99"
    assert diagnostic_name(None) is None


def test_rlrq():
    check(RLRQ, "62 00", RLRQ())
    r = check(RLRQ, "62 03 80 01 00", RLRQ(reason=acse.RLRQ_NORMAL))
    assert name_of(acse.RLRQ_REASON_NAMES, r.reason) == "normal"
    check(RLRQ, "62 03 80 01 1E", RLRQ(reason=acse.RLRQ_USER_DEFINED))
    # dlms-cosem's example: with a ciphered initiate request (62 39 = 3 + 54)
    r = check(RLRQ, "62 39 80 01 00 BE 34 04 32 " + GLO_INITIATE_REQUEST,
              RLRQ(reason=0, user_information=unhex(GLO_INITIATE_REQUEST)))
    raises(DecodeError, r.initiate_request)
    r = check(RLRQ, "62 15 80 01 00 " + UI_REQUEST,
              RLRQ(reason=0, user_information=unhex(UI_REQUEST)[4:]))
    assert r.initiate_request().client_max_receive_pdu_size == 1200


def test_rlre():
    check(RLRE, "63 00", RLRE())
    check(RLRE, "63 03 80 01 00", RLRE(reason=acse.RLRE_NORMAL))
    assert name_of(acse.RLRE_REASON_NAMES, 1) == "not-finished"
    # dlms-cosem's example: an InitiateResponse with quality-of-service 0
    r = check(RLRE, "63 16 80 01 00 BE 11 04 0F 08 01 00 06 5F 1F 04 00 00 1E 1D 04 C8 00 07",
              RLRE(reason=0, user_information=unhex("08 01 00 06 5F 1F 04 00 00 1E 1D 04 C8 00 07")))
    resp = r.initiate_response()
    assert resp.negotiated_quality_of_service == 0 and resp.server_max_receive_pdu_size == 1224
    check(RLRE, "63 28 80 01 00 BE 23 04 21 " + GLO_INITIATE_RESPONSE,
          RLRE(reason=0, user_information=unhex(GLO_INITIATE_RESPONSE)))


def test_malformed_acse():
    malformed((
        "60 03 A1 01 06",                       # element runs past its parent
        "60 02 A1 00",                          # empty EXPLICIT wrapper
        "60 05 A1 03 04 01 00",                 # context name not an OID
        "60 0C " + CTX % 1 + " 00",             # a lone byte inside the SEQUENCE
        "60 16 " + CTX % 1 + CTX % 1,           # the same element twice
        "60 03 8C 01 00",                       # AARQ has no [12]
        "61 02 80 00",                          # protocol-version: a BIT STRING needs its first octet
        "61 07 A3 05 A3 03 02 01 00",           # diagnostic CHOICE [3]
        "61 08 A3 06 A1 03 02 01 00 00",        # bytes after the diagnostic
        "61 05 A2 03 04 01 00",                 # result not an INTEGER
        "61 0C A2 0A 02 08 00 00 00 00 00 00 00 00 00",  # 9 more bytes than its length says
        "61 06 AA 04 84 02 00 00",              # authentication value choice [4]
        "62 80 00 00",                          # indefinite length
        "63 02 81 00",                          # RLRE has no [1]
        "62 02 80 00",                          # empty INTEGER
        "64 00",                                # no such ACSE APDU
    ))
    raises(DecodeError, AARE.from_bytes, unhex("60 00"))
    raises(DecodeError, AARQ.from_bytes, unhex("61 00"))


def test_bad_values():
    refuses((
        AARQ(application_context_name="LN"),
        AARQ(application_context_name=(3, 1)),
        AARQ(application_context_name=True),
        AARQ(mechanism_name=(2, 16, -1)),
        AARQ(protocol_version=1),
        AARQ(sender_acse_requirements="2"),
        AARQ(calling_ap_title=5),
        AARQ(called_ap_invocation_id="5"),
        AARQ(called_ap_invocation_id=1 << 70),
        AARQ(calling_authentication_value=(4, b"")),
        AARQ(calling_authentication_value=(1,)),
        AARQ(calling_authentication_value=None, user_information=[1, 2]),
        AARQ(implementation_information=3.5),
        AARE(result="accepted"),
        AARE(result_source_diagnostic=0),
        AARE(result_source_diagnostic=(3, 0)),
        AARE(result_source_diagnostic=(1, "null")),
        AARE(responding_authentication_value=12),
        RLRQ(reason=b"\x00"),
        RLRE(reason=None, user_information="text"),
    ))

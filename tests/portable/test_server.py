# heapsize: 224k
# (the loaded code is the cost: axdr, ber, the APDU codecs and the server are about 130k of
#  heap as .mpy on the 64-bit unix port, and the import peaks higher; 200k passes, 192k is too
#  tight for two servers on a fragmented heap; test_engines_heap measures the work alone)
"""The server engine fed raw APDUs: association, GET/SET/ACTION, errors (Green Book 9.3, 9.4)."""

from checks import unhex
from engine_fixtures import NULL, REGISTER_LN, StandIn, data_object, profile, register
from microcosem.apdu.acse import AARE, AARQ, CONTEXT_SN
from microcosem.axdr import LONG, DOUBLE_LONG_UNSIGNED
from microcosem.server.config import AssociationConfig, READ_ONLY
from microcosem.server.engine import Server
from microcosem.server.model import ObjectModel

CLOCK_LN = bytes((0, 0, 1, 0, 0, 255))

# A public AARQ / AARE pair (the go "dlms" client tests, a LN association
# without authentication): the client proposes conformance 00 18 1F and
# 256 bytes; a server offering 00 10 1D and 128 bytes answers
#   61 29                      AARE
#   A1 09 06 07 60857405080101 application-context-name LN
#   A2 03 02 01 00             result accepted
#   A3 05 A1 03 02 01 00       acse-service-user null
#   BE 10 04 0E                user-information, OCTET STRING
#     08 00 06                 InitiateResponse, no QoS, version 6
#     5F 1F 04 00 00 10 1D     conformance 00 10 1D (the AND)
#     00 80                    server-max-receive-pdu-size 128
#     00 07                    vaa-name LN
PUBLIC_AARQ = unhex("601DA109060760857405080101BE10040E01000000065F1F040000181F0100")
PUBLIC_AARE = unhex("6129A109060760857405080101A203020100A305A103020100BE10040E0800065F1F040000101D00800007")


def clock():
    return StandIn(8, CLOCK_LN, [(9, bytes(12)), (LONG, 60)])


def make(conformance=None, **kw):
    model = ObjectModel((clock(), register(), profile(50), data_object()))
    cfgs = (AssociationConfig(16, conformance=conformance, max_pdu=kw.pop("max_pdu", 128), **kw),
            AssociationConfig(1, mechanism=1, secret=b"00000001"),
            AssociationConfig(2, context=CONTEXT_SN))
    return Server(model, cfgs), model


def test_public_aare_bytes():
    server, _ = make(conformance=0x00101D)
    assert server.handle(PUBLIC_AARQ, 16) == PUBLIC_AARE
    ctx = server.context(16)
    assert ctx.associated and ctx.conformance == 0x00101D and ctx.max_pdu == 128
    # the public GET of the clock's time_zone and its answer
    assert server.handle(unhex("C001C100080000010000FF0300"), 16) == unhex("C401C10010003C")


def test_lls_public_aarq():
    # the public LLS AARQ: mechanism 2.16.756.5.8.2.1, password "00000001"
    aarq = unhex("6036A1090607608574050801018A0207808B0760857405080201AC0A80083030303030303031"
                 "BE10040E01000000065F1F040000181F0200")
    server, _ = make()
    aare = AARE.from_bytes(server.handle(aarq, 1))
    assert aare.result == 0 and aare.result_source_diagnostic == (1, 0)
    assert aare.mechanism_name is None  # LLS: no responder-acse-requirements / mechanism (Gurux agrees)
    assert server.context(1).authenticated
    wrong = aarq.replace(b"00000001", b"00000002")
    aare = AARE.from_bytes(server.handle(wrong, 1))
    assert aare.result == 1 and aare.result_source_diagnostic == (1, 13)  # authentication-failure
    assert not server.context(1).associated
    # no password at all: the mechanism is there, the value is not
    req = AARQ.from_bytes(aarq)
    req.calling_authentication_value = None
    aare = AARE.from_bytes(server.handle(req.to_bytes(), 1))
    assert aare.result_source_diagnostic == (1, 14)  # authentication-required
    # no mechanism where one is required
    req.mechanism_name = None
    aare = AARE.from_bytes(server.handle(req.to_bytes(), 1))
    assert aare.result_source_diagnostic == (1, 12)


def test_refusals():
    server, _ = make()
    # wrong context: SN to an LN association
    req = AARQ.from_bytes(PUBLIC_AARQ)
    req.application_context_name = CONTEXT_SN
    aare = AARE.from_bytes(server.handle(req.to_bytes(), 16))
    assert aare.result == 1 and aare.result_source_diagnostic == (1, 2)
    assert aare.application_context_name == 1  # the server says what it does speak
    # ciphered LN without a security hook
    req.application_context_name = 3
    assert AARE.from_bytes(server.handle(req.to_bytes(), 16)).result_source_diagnostic == (1, 2)
    # unknown SAP
    aare = AARE.from_bytes(server.handle(PUBLIC_AARQ, 99))
    assert aare.result == 1 and aare.result_source_diagnostic == (1, 1)
    # DLMS version 5: rejected, user-information carries initiateError dlms-version-too-low
    aare = AARE.from_bytes(server.handle(PUBLIC_AARQ.replace(b"\x00\x05\x5f", b"\x00\x06\x5f")
                                         .replace(b"\x00\x06\x5f", b"\x00\x05\x5f"), 16))
    assert aare.result == 1 and aare.result_source_diagnostic == (1, 1)
    assert aare.user_information == unhex("0E010601")
    # no common conformance bit
    aare = AARE.from_bytes(server.handle(PUBLIC_AARQ.replace(unhex("00181F0100"), unhex("0000000100")), 16))
    assert aare.user_information == unhex("0E010602")
    # a client-max-receive-pdu-size of 11 is too short (12 is the least)
    aare = AARE.from_bytes(server.handle(PUBLIC_AARQ.replace(unhex("00181F0100"), unhex("00181F000B")), 16))
    assert aare.user_information == unhex("0E010603")
    aare = AARE.from_bytes(server.handle(PUBLIC_AARQ.replace(unhex("00181F0100"), unhex("00181F000C")), 16))
    assert aare.result == 0 and server.context(16).max_pdu == 12
    # an undecodable AARQ still gets an AARE
    aare = AARE.from_bytes(server.handle(unhex("6003A10100"), 16))
    assert aare.result == 1


def test_requests_before_association_and_release():
    server, _ = make()
    get = unhex("C001C100080000010000FF0300")
    assert server.handle(get, 16) == unhex("D80101")  # service-not-allowed, operation-not-possible
    assert server.handle(PUBLIC_AARQ, 16)[:2] == b"\x61\x29"
    assert server.handle(get, 16) == unhex("C401C10010003C")
    assert server.handle(unhex("6200"), 16) == unhex("6303800100")  # RLRE reason normal
    assert server.handle(get, 16) == unhex("D80101")
    assert server.handle(unhex("C0018100080000010000FF0300"), 16) is None


def test_pre_established():
    model = ObjectModel((clock(),))
    server = Server(model, (AssociationConfig(102, pre_established=True, max_pdu=256),))
    assert server.handle(unhex("C001C100080000010000FF0300"), 102) == unhex("C401C10010003C")
    assert server.handle(unhex("6200"), 102) == unhex("6303800101")  # not-finished: it stays
    assert server.context(102).associated


def _associated(**kw):
    server, model = make(**kw)
    assert AARE.from_bytes(server.handle(PUBLIC_AARQ.replace(unhex("00181F"), unhex("FFFFFF")), 16)).result == 0
    return server, model


def test_get_errors():
    server, _ = _associated()
    # object-undefined, object-class-inconsistent, attribute out of range
    assert server.handle(unhex("C001C1000301000100FFFF0200"), 16) == unhex("C401C10104")
    assert server.handle(unhex("C001C100080100010800FF0200"), 16) == unhex("C401C10109")
    assert server.handle(unhex("C001C100030100010800FF0900"), 16) == unhex("C401C10104")
    # invoke-id-and-priority is echoed as it came
    assert server.handle(unhex("C0014500080000010000FF0300"), 16) == unhex("C401450010003C")


def test_access_rights():
    def access(obj, kind, index):
        return READ_ONLY if kind == "a" else 0
    server, model = _associated(access=access)
    assert server.handle(unhex("C001C1000301000108 00FF0200".replace(" ", "")), 16) == unhex("C401C1000600 0004D2".replace(" ", ""))
    # SET of a read-only attribute: read-write-denied, value untouched
    assert server.handle(unhex("C101C100030100010800FF0200060000000A"), 16) == unhex("C501C103")
    assert server.handle(unhex("C301C100030100010800FF010100"), 16) == unhex("C701C10300")


def test_set_and_action():
    server, model = _associated()
    reg = model.find(3, REGISTER_LN)
    assert server.handle(unhex("C101C100030100010800FF0200060000000A"), 16) == unhex("C501C100")
    assert reg.values[0] == (DOUBLE_LONG_UNSIGNED, 10)
    # type-unmatched comes from the object
    assert server.handle(unhex("C101C100030100010800FF020012000A"), 16) == unhex("C501C10C")
    # ACTION reset (method 1, parameter integer 0)
    assert server.handle(unhex("C301C100030100010800FF01010F00"), 16) == unhex("C701C10000")
    assert reg.values[0] == (DOUBLE_LONG_UNSIGNED, 0)
    # a method that raises a Python exception: other-reason, and the server goes on
    assert server.handle(unhex("C301C10001000060 0100FF0100".replace(" ", "")), 16) == unhex("C701C1FA00")
    assert isinstance(server.last_error, ValueError)
    # method 9 does not exist
    assert server.handle(unhex("C301C100030100010800FF0900"), 16) == unhex("C701C10400")


def test_get_with_blocks_raw():
    server, _ = _associated(max_pdu=64)
    # profile buffer (class 7, 1.0.99.1.0.255, attribute 2): 50 rows cannot fit 64 bytes
    first = server.handle(unhex("C001C100070100630100FF0200"), 16)
    assert first[:9] == unhex("C402C1 00 00000001 00".replace(" ", ""))
    assert len(first) <= 64
    # asking for block 5 when block 1 was sent: data-block-number-invalid, the long get ends
    assert server.handle(unhex("C002C100000005"), 16) == unhex("C402C10100000005" "0113")
    assert server.handle(unhex("C002C100000001"), 16) == unhex("C402C10100000001" "0110")  # none in progress
    # the whole transfer, block by block
    server.handle(unhex("C001C100070100630100FF0200"), 16)
    n = 1
    while True:
        reply = server.handle(unhex("C002C1") + n.to_bytes(4, "big"), 16)
        assert len(reply) <= 64 and reply[:3] == unhex("C402C1")
        n += 1
        assert reply[4:8] == n.to_bytes(4, "big")
        if reply[3]:
            break
    assert n > 20


def test_garbage():
    server, _ = _associated()
    assert server.handle(unhex("FF0102"), 16) == unhex("D80202")  # unknown tag
    assert server.handle(unhex("C009C1"), 16) == unhex("D80202")  # unknown choice
    assert server.handle(unhex("C001C10008"), 16) == unhex("D80203")  # truncated body
    assert server.handle(unhex("C401C10010003C"), 16) == unhex("D80202")  # a response, to a server
    assert server.handle(b"", 16) is None
    assert server.handle(unhex("0501"), 16) == unhex("0E050300")  # SN read, malformed
    assert server.handle(unhex("C001C100080000010000FF0300"), 16) == unhex("C401C10010003C")


def test_conformance_refusal():
    server, _ = make(conformance=0x000010)  # GET only
    aarq = PUBLIC_AARQ.replace(unhex("00181F"), unhex("FFFFFF"))
    assert AARE.from_bytes(server.handle(aarq, 16)).result == 0
    assert server.handle(unhex("C101C100030100010800FF0200060000000A"), 16) == unhex("D80102")
    assert server.handle(unhex("C003C102" "0008" "0000010000FF" "03" "00" "0003" "0100010800FF" "02" "00"), 16) == unhex("D80102")


def test_unconfirmed_not_answered():
    server, model = _associated()
    # SET with service-class bit clear: done, not answered
    assert server.handle(unhex("C1018100030100010800FF0200060000000B"), 16) is None
    assert model.find(3, REGISTER_LN).values[0] == (DOUBLE_LONG_UNSIGNED, 11)
    # refused (object undefined, or malformed): still not answered
    assert server.handle(unhex("C1018100030100010900FF0200060000000B"), 16) is None
    assert server.handle(unhex("C1018100"), 16) is None
    server, _ = make(conformance=0x000010)  # GET only: an unconfirmed SET is refused in silence
    assert AARE.from_bytes(server.handle(PUBLIC_AARQ.replace(unhex("00181F"), unhex("FFFFFF")), 16)).result == 0
    assert server.handle(unhex("C1018100030100010800FF0200060000000B"), 16) is None

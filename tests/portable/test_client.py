# heapsize: 192k
# (the client's code and the codecs it loads are about 140k of heap as .mpy on the 64-bit unix port)
"""The client engine fed raw APDUs: what it sends, what it makes of the answers."""

from checks import raises, unhex
from microcosem.apdu.acse import MECHANISM_LOW
from microcosem.axdr import DOUBLE_LONG_UNSIGNED, LONG
from microcosem.client import Client, ClientSettings, run
from microcosem.errors import AccessError, AssociationError, DecodeError, ServiceError

# The public pair also used in test_server (go "dlms" client tests).
PUBLIC_AARQ = unhex("601DA109060760857405080101BE10040E01000000065F1F040000181F0100")
PUBLIC_AARE = unhex("6129A109060760857405080101A203020100A305A103020100BE10040E0800065F1F040000101D00800007")
LLS_AARQ = unhex("6036A1090607608574050801018A0207808B0760857405080201AC0A80083030303030303031"
                 "BE10040E01000000065F1F040000181F0200")


def associated(**kw):
    c = Client(ClientSettings(conformance=0x00181F, max_receive_pdu=256, **kw))
    assert c.associate() == PUBLIC_AARQ
    done, resp = c.feed(PUBLIC_AARE)
    assert done and c.associated
    return c


def test_aarq_bytes_and_aare():
    c = associated()
    assert c.conformance == 0x00101D and c.server_max_pdu == 128 and c.vaa_name == 7


def test_lls_aarq_bytes():
    c = Client(ClientSettings(conformance=0x00181F, max_receive_pdu=512, mechanism=MECHANISM_LOW,
                              password="00000001"))
    assert c.associate() == LLS_AARQ


def test_aare_refused_names_the_diagnostic():
    c = Client(ClientSettings())
    c.associate()
    aare = unhex("6129A109060760857405080101A203020101A305A10302010DBE10040E0800065F1F040000101402000007")
    e = raises(AssociationError, c.feed, aare)
    assert str(e) == "rejected-permanent: acse-service-user: authentication-failure"
    assert e.result == 1 and e.diagnostic == (1, 13) and not c.associated
    c.associate()
    e = raises(AssociationError, c.feed, unhex("611FA109060760857405080101A203020101A305A103020101BE0604040E010601"))
    assert "dlms-version-too-low" in str(e)


def test_get_bytes_and_answers():
    c = associated()
    assert c.get_request(8, "0.0.1.0.0.255", 3) == unhex("C001C100080000010000FF0300")
    assert c.feed(unhex("C401C10010003C")) == (True, (LONG, 60))
    c.get_request(3, bytes((1, 0, 1, 8, 0, 255)), 2)
    e = raises(AccessError, c.feed, unhex("C401C10103"))
    assert e.message == "read-write-denied" and e.result == 3
    # an answer to another invoke id is refused, and the client is free again
    c.get_request(3, bytes((1, 0, 1, 8, 0, 255)), 2)
    raises(DecodeError, c.feed, unhex("C401C2000600000001"))
    c.get_request(3, bytes((1, 0, 1, 8, 0, 255)), 2)
    e = raises(ServiceError, c.feed, unhex("D80102"))
    assert str(e) == "exception-response: service-not-allowed, service-not-supported"


def test_get_blocks_by_hand():
    c = associated()
    c.get_request(3, bytes((1, 0, 1, 8, 0, 255)), 2)
    # the value 06 00 00 04 D2 in two blocks
    assert c.feed(unhex("C402C100000000010003060000")) == (False, unhex("C002C100000001"))
    assert c.feed(unhex("C402C1010000000200020 4D2".replace(" ", ""))) == (True, (DOUBLE_LONG_UNSIGNED, 1234))
    # a block out of turn is a DecodeError, and the request is over
    c.get_request(3, bytes((1, 0, 1, 8, 0, 255)), 2)
    c.feed(unhex("C402C100000000010003060000"))
    raises(DecodeError, c.feed, unhex("C402C101000000030002 04D2".replace(" ", "")))
    raises(DecodeError, c.feed, unhex("C401C10010003C"))  # nothing pending now
    # long-get-aborted in a block
    c.get_request(3, bytes((1, 0, 1, 8, 0, 255)), 2)
    e = raises(AccessError, c.feed, unhex("C402C101000000010 10F".replace(" ", "")))
    assert e.message == "long-get-aborted"


def test_set_blocks_by_hand():
    c = associated()
    # the server takes 128 bytes: a 200-byte octet string goes in two blocks
    first = c.set_request(1, bytes((0, 0, 96, 1, 0, 255)), 2, (9, bytes(200)))
    assert first[:15] == unhex("C102C1 0001 0000600100FF 02 00 00 00000001".replace(" ", "")[:30])
    assert len(first) == 128
    done, second = c.feed(unhex("C502C100000001"))
    assert not done and second[:8] == unhex("C103C10100000002")
    assert c.feed(unhex("C503C10000000002")) == (True, None)


def test_run_and_transport_errors():
    c = associated()
    answers = [unhex("C401C10010003C")]
    assert run(c, c.get_request(8, "0.0.1.0.0.255", 3), lambda apdu: answers.pop()) == (LONG, 60)
    assert c.release_request() == unhex("6203800100")
    assert c.feed(unhex("6303800100")) == (True, None) and not c.associated

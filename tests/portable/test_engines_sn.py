# heapsize: 256k
# (code, not work: client, server, SN part and codecs are about 210k of heap as .mpy on the
#  64-bit unix port)
"""Client and server engines joined by a byte pipe, short-name referencing (Green Book 9.4)."""

from checks import raises, unhex
from engine_fixtures import entry_selector, profile, profile_rows, register, row
from microcosem.apdu.acse import CONTEXT_SN
from microcosem.axdr import ARRAY, DOUBLE_LONG_UNSIGNED, OCTET_STRING, UNSIGNED
from microcosem.client import Client, ClientSettings, Session
from microcosem.errors import AccessError, AssociationError, ServiceError
from microcosem.server.config import AssociationConfig, READ_ONLY, READ_WRITE
from microcosem.server.engine import Server
from microcosem.server.model import ObjectModel

REG = 0x2000    # register base name: value at +8, scaler_unit at +16, reset() at +0x28
PROF = 0x3000   # profile: buffer at +8, capture_objects at +16, echo() at +0x58, blob() +0x60


def access(obj, kind, index):
    return READ_ONLY if (kind == "a" and obj.class_id == 3 and index == 3) else (
        READ_WRITE if kind == "a" else 1)


def make(max_pdu=1024):
    model = ObjectModel((register(short_name=REG), profile(120, short_name=PROF)))
    server = Server(model, (AssociationConfig(2, context=CONTEXT_SN, max_pdu=max_pdu, access=access),))
    s = Session(Client(ClientSettings(client_sap=2, context=CONTEXT_SN, max_receive_pdu=max_pdu)),
                lambda apdu: server.handle(apdu, 2))
    return server, model, s


def test_find_sn():
    _, model, _ = make()
    reg = model.find(3, bytes((1, 0, 1, 8, 0, 255)))
    assert model.find_sn(REG) == (reg, "a", 1)
    assert model.find_sn(REG + 8) == (reg, "a", 2)
    assert model.find_sn(REG + 0x28) == (reg, "m", 1)
    assert model.find_sn(REG + 0x30) is None and model.find_sn(REG + 3) is None
    assert model.find_sn(0x10) is None


def test_sn_associate_read_write():
    server, model, s = make()
    resp = s.associate()
    assert resp.vaa_name == 0xFA00
    assert s.read([REG + 8, REG + 16]) == [(DOUBLE_LONG_UNSIGNED, 1234), (2, [(15, -1), (22, 30)])]
    assert s.write([(REG + 8, (DOUBLE_LONG_UNSIGNED, 5))]) == [None]
    assert s.read([REG + 8]) == [(DOUBLE_LONG_UNSIGNED, 5)]
    res = s.write([(REG + 16, (2, [])), (0x7000, (UNSIGNED, 1))])
    assert res[0].message == "read-write-denied" and res[1].message == "object-undefined"
    got = s.read([0x7008])
    assert isinstance(got[0], AccessError) and got[0].message == "object-undefined"


def test_sn_methods():
    server, model, s = make()
    s.associate()
    # a method with no return data by Write, one with return data by Read with parameters
    assert s.write([(REG + 0x28, (15, 0))]) == [None]
    assert s.read([REG + 8]) == [(DOUBLE_LONG_UNSIGNED, 0)]
    assert s.read([(PROF + 0x58, 0, (UNSIGNED, 9))]) == [(UNSIGNED, 9)]


def test_sn_selective_read_and_blocks():
    server, model, s = make(max_pdu=128)
    s.associate()
    assert s.read([(PROF + 8, 2, entry_selector(2, 3)[1])]) == [(ARRAY, [row(2), row(3)])]
    # 120 rows, 2.9k, through a 128-byte PDU: 25 data-block-result blocks
    value = s.read([PROF + 8])
    assert value == [(ARRAY, [row(i) for i in range(1, 121)])]
    # two items, the list in blocks
    got = s.read([(PROF + 0x60, 0, (UNSIGNED, 1)), (PROF + 0x58, 0, (OCTET_STRING, bytes(9)))])
    assert got == [(OCTET_STRING, bytes(range(256))), (OCTET_STRING, bytes(9))]
    # a request longer than the server takes: pdu-too-long, and the server goes on
    e = raises(ServiceError, s.read, [(PROF + 0x58, 0, (OCTET_STRING, bytes(200)))])
    assert "pdu-too-long" in str(e)
    assert s.read([REG + 8]) == [(DOUBLE_LONG_UNSIGNED, 1234)]


def test_sn_unconfirmed_write_and_garbage():
    server, model, s = make()
    s.associate()
    client = s.client
    assert server.handle(client.write_request([(REG + 8, (DOUBLE_LONG_UNSIGNED, 42))], confirmed=False), 2) is None
    assert s.read([REG + 8]) == [(DOUBLE_LONG_UNSIGNED, 42)]
    assert server.handle(unhex("0601"), 2) == unhex("0E060300")
    assert server.handle(unhex("1601"), 2) is None
    assert server.handle(unhex("0501FF"), 2) == unhex("0E050300")
    assert server.handle(unhex("C001C100030100010800FF0200"), 2) == unhex("D80102")  # GET: not negotiated
    assert s.read([REG + 8]) == [(DOUBLE_LONG_UNSIGNED, 42)]


def test_sn_block_number_errors():
    server, model, s = make(max_pdu=128)
    s.associate()
    first = server.handle(unhex("05010230 08".replace(" ", "")), 2)
    assert first[:6] == unhex("0C0102000001")
    assert server.handle(unhex("0501050007"), 2) == unhex("0C010113")  # data-block-number-invalid
    assert server.handle(unhex("0501050001"), 2) == unhex("0C010110")  # none in progress


def test_sn_refused_context():
    server, model, s = make()
    ln = Session(Client(ClientSettings(client_sap=2)), lambda apdu: server.handle(apdu, 2))
    e = raises(AssociationError, ln.associate)
    assert "application-context-name-not-supported" in str(e)

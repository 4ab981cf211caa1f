"""The server engine against a peer: gurux-dlms 1.0.203's client, in PDU mode (raw APDUs)."""

import sys
import os

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.join(HERE, "..", "..", "firmware"), os.path.join(HERE, "..", "portable")]

import pytest  # noqa: E402

gurux = pytest.importorskip("gurux_dlms")
from gurux_dlms import GXByteBuffer, GXDLMSClient, GXReplyData  # noqa: E402
from gurux_dlms.enums import Authentication, DataType, InterfaceType  # noqa: E402
from gurux_dlms.objects import GXDLMSProfileGeneric, GXDLMSRegister  # noqa: E402

from engine_fixtures import data_object, profile, register  # noqa: E402
from microcosem.axdr import DOUBLE_LONG_UNSIGNED  # noqa: E402
from microcosem.server.config import AssociationConfig  # noqa: E402
from microcosem.server.engine import Server  # noqa: E402
from microcosem.server.model import ObjectModel  # noqa: E402
from engine_fixtures import REGISTER_LN  # noqa: E402


def make(rows=300, max_pdu=256):
    model = ObjectModel((register(), profile(rows), data_object()))
    server = Server(model, (AssociationConfig(16, max_pdu=max_pdu),
                            AssociationConfig(17, mechanism=1, secret=b"12345678", max_pdu=max_pdu)))
    return server, model


class Peer:
    def __init__(self, server, sap, auth=Authentication.NONE, password=None, pdu=256):
        self.server = server
        self.sap = sap
        self.c = GXDLMSClient(True, sap, 1, auth, password, InterfaceType.PDU)
        self.c.maxReceivePDUSize = pdu
        self.exchanges = 0

    def talk(self, msgs):
        reply = GXReplyData()
        data = None
        for m in msgs:
            data = self.server.handle(bytes(m), self.sap)
            self.exchanges += 1
        self.c.getData(GXByteBuffer(data), reply)
        while reply.isMoreData():
            data = self.server.handle(bytes(self.c.receiverReady(reply)), self.sap)
            self.exchanges += 1
            self.c.getData(GXByteBuffer(data), reply)
        return reply

    def associate(self):
        r = self.talk(self.c.aarqRequest())
        self.c.parseAareResponse(r.data)


def test_gurux_client_reads_writes_and_releases():
    server, model = make()
    p = Peer(server, 16)
    p.associate()
    assert server.context(16).associated
    assert p.c.maxReceivePDUSize == 256
    reg = GXDLMSRegister("1.0.1.8.0.255")
    assert p.talk(p.c.read(reg, 2)).value == 1234
    r = p.talk(p.c.read(reg, 3))
    p.c.updateValue(reg, 3, r.value)
    assert reg.scaler == 0.1 and int(reg.unit) == 30
    reg.value = 99
    r = p.talk(p.c.write(reg, 2))
    assert r.error == 12  # gurux guessed the type; the object wants double-long-unsigned
    reg.setDataType(2, DataType.UINT32)
    r = p.talk(p.c.write(reg, 2))
    assert r.error == 0 and model.find(3, REGISTER_LN).values[0][1] == 99
    assert p.talk(p.c.method(reg, 1, 0, 15)).error == 0
    assert model.find(3, REGISTER_LN).values[0] == (DOUBLE_LONG_UNSIGNED, 0)
    p.talk(p.c.releaseRequest())
    assert not server.context(16).associated


def test_gurux_reads_a_profile_by_blocks():
    server, _ = make(rows=300, max_pdu=128)
    p = Peer(server, 16, pdu=128)
    p.associate()
    pg = GXDLMSProfileGeneric("1.0.99.1.0.255")
    rows = p.talk(p.c.read(pg, 2)).value
    assert len(rows) == 300 and rows[0][1] == 100001 and rows[-1][2] == 300
    assert p.exchanges > 50


def test_gurux_lls():
    server, _ = make()
    p = Peer(server, 17, Authentication.LOW, "12345678")
    p.associate()
    assert server.context(17).authenticated
    bad = Peer(server, 17, Authentication.LOW, "00000000")
    with pytest.raises(Exception):
        bad.associate()
    assert not server.context(17).associated


def test_gurux_sn_read_and_write():
    # (gurux-dlms 1.0.203's Python client cannot take an SN data-block-result: it calls
    # GXReplyData.setTotalCount / getMoreData, which it lacks; so no SN blocks here)
    from microcosem.apdu.acse import CONTEXT_SN

    model = ObjectModel((register(short_name=0x2000),))
    server = Server(model, (AssociationConfig(16, context=CONTEXT_SN, max_pdu=128),))
    p = Peer(server, 16, pdu=128)
    p.c = GXDLMSClient(False, 16, 1, Authentication.NONE, None, InterfaceType.PDU)
    p.associate()
    assert server.context(16).associated and p.c.negotiatedConformance
    reg = GXDLMSRegister("1.0.1.8.0.255")
    reg.shortName = 0x2000
    assert p.talk(p.c.read(reg, 2)).value == 1234
    reg.value = 5
    reg.setDataType(2, DataType.UINT32)
    assert p.talk(p.c.write(reg, 2)).error == 0
    assert model.find(3, REGISTER_LN).values[0] == (DOUBLE_LONG_UNSIGNED, 5)

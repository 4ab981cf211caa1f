"""gurux-dlms as the head-end, its gateway set, reads our meters through our
concentrator: the wrapper to the concentrator, HDLC from it to meters 17
and 18 (our Server engines), answers in gateway-responses gurux unwraps."""

from engine_fixtures import profile, register
from gurux_dlms import GXByteBuffer, GXDLMSClient, GXDLMSGateway, GXReplyData
from gurux_dlms.enums import Authentication, InterfaceType
from gurux_dlms.objects import GXDLMSProfileGeneric, GXDLMSRegister

from microcosem.io.concentrator import Concentrator, ConcentratorLink
from microcosem.io.hdlc_link import HdlcLink
from microcosem.server.config import AssociationConfig
from microcosem.server.engine import Server
from microcosem.server.model import ObjectModel


class Field:
    def __init__(self):
        self.conc = Concentrator(((17, 1), (18, 1)))
        self.up = ConcentratorLink(self.conc, wport=1)
        self.lines = {}
        for p, value in ((17, 4242), (18, 1818)):
            server = Server(ObjectModel((register(value), profile(40))),
                            (AssociationConfig(0x10), AssociationConfig(0x11, mechanism=1,
                                                                        secret=b"12345678")))
            self.lines[p] = HdlcLink(((1, server),), physical_address=p)
        self.now = 0

    def exchange(self, frame):
        back = bytearray(self.up.receive(bytes(frame), self.now))
        for _ in range(50):
            if back:
                return bytes(back)
            for p, line in self.lines.items():
                out = self.conc.data_for(p)
                if out:
                    r = line.receive(out, self.now)
                    if r:
                        self.conc.feed(p, r, self.now)
            back += self.up.poll(self.now)
        raise AssertionError("no answer")


def _client(address, sap=16, auth=Authentication.NONE, password=None):
    c = GXDLMSClient(True, sap, 1, auth, password, InterfaceType.WRAPPER)
    gw = GXDLMSGateway()
    gw.networkId = 0
    gw.physicalDeviceAddress = bytearray(address)
    c.gateway = gw
    return c


def _run(field, client, frames):
    reply = GXReplyData()
    for frame in frames:
        reply.clear()
        data = GXByteBuffer(field.exchange(frame))
        assert client.getData(data, reply, None)
        while reply.isMoreData():
            data = GXByteBuffer(field.exchange(client.receiverReady(reply)))
            client.getData(data, reply, None)
    return reply


def test_gurux_reads_two_meters_through_the_concentrator():
    f = Field()
    for address, value in ((b"\x11", 4242), (b"\x12", 1818)):
        c = _client(address)
        reply = _run(f, c, c.aarqRequest())
        c.parseAareResponse(reply.data)
        reg = GXDLMSRegister("1.0.1.8.0.255")
        reply = _run(f, c, c.read(reg, 2))
        assert c.updateValue(reg, 2, reply.value) == value
        _run(f, c, c.releaseRequest())


def test_gurux_reads_a_profile_in_blocks_and_with_lls():
    f = Field()
    c = _client(b"\x11", sap=0x11, auth=Authentication.LOW, password=b"12345678")
    c.limits.maxInfoTX = 128
    c.maxReceivePDUSize = 128
    reply = _run(f, c, c.aarqRequest())
    c.parseAareResponse(reply.data)
    pg = GXDLMSProfileGeneric("1.0.99.1.0.255")
    reply = _run(f, c, c.read(pg, 2))
    assert len(reply.value) == 40
    assert f.conc.meter(17).forwarded > 3     # GetRequestNext went through one by one
    assert f.conc.meter(17).hdlc.client_sap == 0x11


def test_gurux_unknown_meter():
    f = Field()
    c = _client(b"\x13")
    back = f.exchange(c.aarqRequest()[0])
    # wrapper 0001 0001 0010 len, then E7 00 01 13 D8 01 01
    assert back[8:] == bytes.fromhex("E7000113D80101")

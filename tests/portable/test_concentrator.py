# heapsize: 288k
# (272k + 16k: with 272k it had under 8k to spare, `tools/mptest.py --margin 8k`;
#  a heap laid out a little otherwise, as on a fresh clone, could tip it)
# (mostly code: the client and two server engines, hdlc, hdlc_frame, crc16, the APDU
#  codecs (SET too) and the gateway are loaded as .mpy into the 64-bit unix port's heap; 256k fails, 264k passes)
"""Head-end -> concentrator -> two meters: our client, gateway-wrapped, reads
meters at physical addresses 17 and 18 through in-memory HDLC lines; an
unknown address, another network, a dead line and a full queue get the
gateway's error; a meter's push comes up wrapped; a second client SAP gets
its own HDLC connection."""

from checks import raises, unhex
from engine_fixtures import PROFILE_LN, REGISTER_LN, profile, register, row

from microcosem.axdr import DOUBLE_LONG_UNSIGNED
from microcosem.client import Client, ClientSettings, Session
from microcosem.errors import ServiceError
from microcosem.io.concentrator import Concentrator, ConcentratorLink
from microcosem.io.hdlc_link import HdlcLink
from microcosem.profiles.gateway import GatewayTransport, gateway_request, gateway_response
from microcosem.profiles.wrapper import WrapperReassembler, wrap
from microcosem.server.config import AssociationConfig
from microcosem.server.engine import Server
from microcosem.server.model import ObjectModel

GET_ENERGY = unhex("C0 01 C1 00 03 01 00 01 08 00 FF 02 00")
PUSH = unhex("0F 00 00 00 07 00 11 05")


def meter(value, physical, rows=20, **hdlc_options):
    server = Server(ObjectModel((register(value), profile(rows))),
                    (AssociationConfig(0x10), AssociationConfig(0x11, mechanism=1, secret=b"12345678")))
    return HdlcLink(((1, server),), physical_address=physical, **hdlc_options)


class Field:
    """The concentrator and the meters' lines, joined in memory."""

    def __init__(self, dead=(), **options):
        self.conc = Concentrator(((17, 1), (18, 1)), network_id=0, **options)
        self.lines = {17: meter(4242, 17), 18: meter(1818, 18)}
        self.dead = dead      # physical addresses whose line carries nothing
        self.now = 0
        self.frames = 0

    def pump(self):
        moved = True
        while moved:
            moved = False
            for p in (17, 18):
                out = self.conc.data_for(p)
                if out and p not in self.dead:
                    moved = True
                    self.frames += 1
                    back = self.lines[p].receive(out, self.now)
                    if back:
                        self.conc.feed(p, back, self.now)
            self.conc.tick(self.now)

    def send(self, sap=0x10):
        def send(apdu):
            if apdu is not None:
                r = self.conc.handle(apdu, sap, self.now)
                if r is not None:
                    return r
            for _ in range(100):   # a dead line: time passes until the client gives up
                self.pump()
                msg = self.conc.next_upstream()
                if msg is not None:
                    assert msg[0] == sap
                    return msg[1]
                self.now += 1000
            raise AssertionError("no answer came up")
        return send

    def session(self, address, sap=0x10, network_id=0, **settings):
        via = GatewayTransport(self.send(sap), network_id, address)
        return Session(Client(ClientSettings(client_sap=sap, **settings)), via)


def test_two_meters():
    f = Field()
    a = f.session(b"\x11")
    b = f.session(b"\x12")
    a.associate()
    b.associate()
    assert a.get(3, REGISTER_LN, 2) == (DOUBLE_LONG_UNSIGNED, 4242)
    assert b.get(3, REGISTER_LN, 2) == (DOUBLE_LONG_UNSIGNED, 1818)
    assert a.get(3, REGISTER_LN, 2) == (DOUBLE_LONG_UNSIGNED, 4242)
    # the profile in blocks: the head-end asks for each next block through the gateway
    a.client.settings.max_receive_pdu = 256
    rows = a.get(7, PROFILE_LN, 2)[1]
    assert len(rows) == 20 and rows[19] == row(20)
    a.release()
    b.release()
    assert f.conc.meter(17).forwarded >= 5 and f.conc.meter(18).forwarded == 3


def test_bytes_of_one_exchange():
    f = Field()
    # no association yet: the meter's own answer (an ExceptionResponse) comes up wrapped
    assert f.conc.handle(gateway_request(0, b"\x11", GET_ENERGY), 0x10, 0) is None
    f.pump()
    sap, up = f.conc.next_upstream()
    assert sap == 0x10 and up[:4] == unhex("E7 00 01 11") and up[4] == 0xD8
    assert f.conc.next_upstream() is None


def test_unknown_address_network_and_apdu():
    f = Field()
    err = unhex("D8 01 01")   # service-not-allowed, operation-not-possible
    assert f.conc.handle(gateway_request(0, b"\x13", GET_ENERGY), 0x10) == gateway_response(0, b"\x13", err)
    assert f.conc.handle(gateway_request(1, b"\x11", GET_ENERGY), 0x10) == gateway_response(1, b"\x11", err)
    # 17 written on two bytes is still meter 17
    assert f.conc.handle(gateway_request(0, b"\x00\x11", GET_ENERGY), 0x10) is None
    # not a gateway-request, no local logical device: service-unknown
    assert f.conc.handle(GET_ENERGY, 0x10) == unhex("D8 02 02")
    assert f.conc.handle(unhex("E6 00 05 11"), 0x10) == unhex("D8 02 02")
    assert f.conc.handle(b"", 0x10) == unhex("D8 02 02")
    # our client, through the gateway to nobody, gets the error as the standard names it
    s = f.session(b"\x13")
    e = raises(ServiceError, s.associate)
    assert "operation-not-possible" in str(e)


def test_dead_line_and_full_queue():
    f = Field(dead=(18,), timeout_ms=500, retries=2, max_queue=2)
    s = f.session(b"\x12")
    raises(ServiceError, s.associate)
    m = f.conc.meter(18)
    assert m.failures == 1 and m.hdlc is None
    # meter 17 is not held up by it
    a = f.session(b"\x11")
    a.associate()
    assert a.get(3, REGISTER_LN, 2)[1] == 4242
    # two requests queue behind a dead line, the third is refused at once
    req = gateway_request(0, b"\x12", GET_ENERGY)
    assert f.conc.handle(req, 0x10) is None and f.conc.handle(req, 0x10) is None
    assert f.conc.handle(req, 0x10) == gateway_response(0, b"\x12", unhex("D8 01 03"))
    for _ in range(20):
        f.pump()
        f.now += 500
    ups = [f.conc.next_upstream(), f.conc.next_upstream()]
    assert ups == [(0x10, gateway_response(0, b"\x12", unhex("D8 01 01")))] * 2


def test_push_comes_up_wrapped():
    f = Field()
    a = f.session(b"\x11")
    a.associate()
    hdlc = f.lines[17].hdlc
    hdlc.send_ui(PUSH)
    f.conc.feed(17, hdlc.data_to_send(), f.now)
    assert f.conc.next_upstream() == (0x10, gateway_response(0, b"\x11", PUSH))
    # while the head-end waits for an answer, a push of meter 17's is kept aside
    hdlc.send_ui(PUSH)
    f.conc.feed(17, hdlc.data_to_send(), f.now)
    b = f.session(b"\x12")
    b.associate()
    assert b.get(3, REGISTER_LN, 2)[1] == 1818
    assert b.transport.others[0].apdu == PUSH and b.transport.others[0].address == b"\x11"


def test_second_client_sap_reconnects():
    f = Field()
    pub = f.session(b"\x11")
    pub.associate()
    assert pub.get(3, REGISTER_LN, 2)[1] == 4242
    rdr = f.session(b"\x11", sap=0x11, mechanism=1, password=b"12345678")
    rdr.associate()     # meter 17's HDLC link is closed and opened again as client 0x11
    assert f.conc.meter(17).hdlc.client_sap == 0x11
    assert rdr.get(3, REGISTER_LN, 2)[1] == 4242
    assert f.lines[17].connections == 2
    f.conc.close(0x11)
    f.pump()
    assert f.conc.meter(17).hdlc is None


def test_wrapper_link_upstream():
    f = Field()
    link = ConcentratorLink(f.conc, wport=1)
    rx = WrapperReassembler()
    aarq = Client(ClientSettings()).associate()
    assert link.receive(wrap(0x10, 1, gateway_request(0, b"\x11", aarq)), 0) == b""
    assert link.receive(wrap(0x10, 2, gateway_request(0, b"\x11", aarq)), 0) == b""  # another wPort
    f.pump()
    rx.feed(link.poll(f.now))
    src, dst, up = rx.next_apdu()
    assert (src, dst) == (1, 0x10) and up[:4] == unhex("E7 00 01 11") and up[4] == 0x61  # the AARE
    assert rx.next_apdu() is None
    # an unknown meter is answered in the same receive
    rx.feed(link.receive(wrap(0x10, 1, gateway_request(0, b"\x99", aarq)), 0))
    assert rx.next_apdu()[2] == gateway_response(0, b"\x99", unhex("D8 01 01"))
    link.close()
    f.pump()
    assert f.conc.meter(17).hdlc is None


def test_own_logical_device():
    # the concentrator is a logical device too: APDUs that are not gateway-requests go to it
    own = Server(ObjectModel((register(77),)), (AssociationConfig(0x10),))
    f = Field(local=own)
    s = Session(Client(ClientSettings()), lambda apdu: f.conc.handle(apdu, 0x10, f.now))
    s.associate()
    assert s.get(3, REGISTER_LN, 2) == (DOUBLE_LONG_UNSIGNED, 77)
    a = f.session(b"\x11")      # and the meters behind it, at the same time
    a.associate()
    assert a.get(3, REGISTER_LN, 2)[1] == 4242
    assert s.get(3, REGISTER_LN, 2)[1] == 77


def test_unconfirmed_set_is_not_waited_for():
    f = Field()
    a = f.session(b"\x11")
    a.associate()
    # SetRequestNormal, invoke-id-and-priority 0x81: high priority, service-class 0 (unconfirmed)
    setreq = unhex("C1 01 81 00 03 01 00 01 08 00 FF 02 00 06 00 00 00 07")
    assert f.conc.handle(gateway_request(0, b"\x11", setreq), 0x10, f.now) is None
    f.pump()
    assert f.conc.next_upstream() is None and not f.conc.meter(17).busy
    assert a.get(3, REGISTER_LN, 2) == (DOUBLE_LONG_UNSIGNED, 7)


def test_upstream_bounded_and_dropped_on_close():
    f = Field(max_upstream=3)
    a = f.session(b"\x11")
    a.associate()
    hdlc = f.lines[17].hdlc

    def pushes(n):
        for i in range(n):   # the head-end reads nothing meanwhile
            hdlc.send_ui(PUSH[:-1] + bytes((i,)))
            f.conc.feed(17, hdlc.data_to_send(), f.now)

    pushes(5)
    assert f.conc.upstream_dropped == 2
    got = [f.conc.next_upstream() for _ in range(4)]
    assert [m[1][-1] for m in got[:3]] == [2, 3, 4] and got[3] is None   # the newest three kept
    pushes(2)
    f.conc.close(0x10)
    assert f.conc.next_upstream() is None


def test_close_drops_only_that_client():
    f = Field()
    a = f.session(b"\x11")
    a.associate()
    req = gateway_request(0, b"\x11", GET_ENERGY)
    assert f.conc.handle(req, 0x10, f.now) is None      # under way on 0x10's connection
    assert f.conc.handle(req, 0x11, f.now) is None      # queued behind it
    f.conc.close(0x11)
    assert len(f.conc.meter(17).queue) == 1
    f.pump()
    sap, up = f.conc.next_upstream()
    assert sap == 0x10 and up == gateway_response(0, b"\x11", unhex("C4 01 C1 00 06 00 00 10 92"))
    assert f.conc.next_upstream() is None and f.lines[17].connections == 1


def test_meter_dropped_the_link_meanwhile():
    f = Field()
    f.lines[17] = meter(4242, 17, inactivity_ms=10000)
    a = f.session(b"\x11")
    a.associate()
    assert a.get(3, REGISTER_LN, 2)[1] == 4242
    f.now += 20000
    f.lines[17].tick(f.now)     # the meter's HDLC inactivity time-out: link and association gone
    assert not f.lines[17].hdlc.connected
    # the concentrator's link still thinks it is up: the GET meets a DM, the
    # link is made again, the meter answers what it answers an unassociated client
    e = raises(ServiceError, a.get, 3, REGISTER_LN, 2)
    assert f.lines[17].connections == 2 and f.conc.meter(17).failures == 0
    assert "exception-response" in str(e)
    a.associate()
    assert a.get(3, REGISTER_LN, 2)[1] == 4242

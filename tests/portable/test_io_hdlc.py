# heapsize: 288k
# (code, not work: 256k fails; the client and server engines, the APDU codecs, hdlc, hdlc_frame,
#  crc16 and asyncio are loaded as .mpy into the 64-bit unix port's heap)
"""HDLC in front of the server engine: HdlcLink fed by hand and through our
client's HdlcClient, then the same over real loopback TCP under asyncio, on
both runtimes (one association per HDLC connection, released on DISC)."""

import asyncio

from engine_fixtures import PROFILE_LN, REGISTER_LN, profile, register, row
from hdlc_check import events as _events
from net_check import listen

from microcosem.axdr import ARRAY, DOUBLE_LONG_UNSIGNED
from microcosem.client import Client, ClientSettings
from microcosem.io.client_link import open_tcp
from microcosem.io.hdlc_link import HdlcLink
from microcosem.io.tcp import serve_tcp
from microcosem.profiles.hdlc import APDU, DISCONNECTED, HdlcClient
from microcosem.profiles.hdlc_frame import decode_frame
from microcosem.server.config import AssociationConfig
from microcosem.server.engine import Server
from microcosem.server.model import ObjectModel


def meter(rows=50):
    model = ObjectModel((register(4242), profile(rows)))
    return Server(model, (AssociationConfig(0x10), AssociationConfig(0x11, mechanism=1,
                                                                       secret=b"12345678")))


class Line:
    """Our client's HDLC engine and a server HdlcLink joined by hand."""

    def __init__(self, link, **client_options):
        self.link = link
        self.c = HdlcClient(**client_options)
        self.now = 0
        self.replies = 0

    def pump(self):
        for _ in range(200):
            out = self.c.data_to_send()
            if not out:
                return
            back = self.link.receive(out, self.now)
            if back:
                self.replies += 1
                self.c.feed(back, self.now)
            self.c.tick(self.now)

    def connect(self):
        self.c.connect()
        self.pump()
        return _events(self.c)

    def call(self, apdu):
        self.c.send_apdu(apdu)
        self.pump()
        return [v for k, v in _events(self.c) if k == APDU]

    def session(self, client):
        out = client.associate()
        while True:
            got = self.call(out)
            assert len(got) == 1, got
            done, value = client.feed(got[0])
            if done:
                return value
            out = value

    def run(self, client, request):
        out = request
        while True:
            got = self.call(out)
            assert len(got) == 1, got
            done, value = client.feed(got[0])
            if done:
                return value
            out = value


def test_link_association_per_connection():
    server = meter()
    line = Line(HdlcLink(((1, server),)))
    line.connect()
    assert line.c.connected and line.link.hdlc.client_sap == 0x10
    client = Client(ClientSettings(client_sap=0x10))
    line.session(client)
    assert server.context(0x10).associated
    assert line.run(client, client.get_request(3, REGISTER_LN, 2)) == (DOUBLE_LONG_UNSIGNED, 4242)
    # DISC: the association goes with the connection
    line.c.disconnect()
    line.pump()
    assert DISCONNECTED in [k for k, _ in _events(line.c)]
    assert not server.context(0x10).associated
    # a new SNRM while associated starts unassociated too
    line.connect()
    line.session(client)
    assert server.context(0x10).associated
    line.connect()
    assert not server.context(0x10).associated and line.link.connections == 3


def test_link_segmented_long_answer_and_lls():
    # a 50-row profile (1.2k) in GET blocks of a 512-byte PDU, each block in
    # several I frames of 128 bytes
    server = meter()
    client = Client(ClientSettings(client_sap=0x11, mechanism=1, password=b"12345678",
                                   max_receive_pdu=512))
    line = Line(HdlcLink(((1, server),)), client_sap=0x11)
    line.connect()
    line.session(client)
    got = line.run(client, client.get_request(7, PROFILE_LN, 2))
    assert got == (ARRAY, [row(i) for i in range(1, 51)])
    # window 1 and 128-byte information fields: each of the ~12 I frames waits for a poll
    assert line.link.hdlc.max_info_tx == 128 and line.replies > 12
    assert line.link.hdlc.client_sap == 0x11


def test_link_unknown_device_and_unconfirmed():
    server = meter()
    link = HdlcLink(((1, server),))
    # a SNRM to logical device 5: not ours, no answer at all
    line = Line(link, server_upper=5)
    line.c.connect()
    out = line.c.data_to_send()
    assert link.receive(out, 0) == b""
    line = Line(link)
    line.connect()
    client = Client(ClientSettings(client_sap=0x10))
    line.session(client)
    # an unconfirmed GET (service-class bit clear): carried out, the poll comes back as RR
    req = bytearray(client.get_request(3, REGISTER_LN, 2))
    req[2] &= ~0x40
    line.c.send_apdu(bytes(req), confirmed=False)
    out = line.c.data_to_send()
    back = link.receive(out, 0)
    assert decode_frame(back).kind == 0x01  # RR
    line.c.feed(back, 0)
    # the association's own inactivity_ms ends it on a quiet line, the link stays up
    server.context(0x10).config.inactivity_ms = 5000
    link.tick(4999)
    assert server.context(0x10).associated
    link.tick(5000)
    assert not server.context(0x10).associated and link.hdlc.connected
    line.now = 6000
    line.session(client)
    server.context(0x10).config.inactivity_ms = None
    # the HDLC inactivity time-out (120 s) releases the association with the link
    assert server.context(0x10).associated
    link.tick(200000)
    assert not server.context(0x10).associated and not link.hdlc.connected


async def _tcp_session(port, sap, reads):
    # the library's asyncio client (io.client_link) on the other end
    s = await open_tcp(Client(ClientSettings(client_sap=sap)), "127.0.0.1", port, "hdlc")
    await s.associate()
    results = []
    for req in reads:
        results.append(await s.get(*req))
    await s.close()  # DISC, no RLRQ
    return results


async def _scenario():
    server = meter()
    port, srv = await listen(
        lambda p: serve_tcp(((1, server),), "127.0.0.1", p, transport="hdlc"))
    try:
        got = await _tcp_session(port, 0x10, [(3, REGISTER_LN, 2), (7, PROFILE_LN, 2)])
        assert got == [(DOUBLE_LONG_UNSIGNED, 4242), (ARRAY, [row(i) for i in range(1, 51)])]
        assert not server.context(0x10).associated  # DISC released it
        got = await _tcp_session(port, 0x10, [(3, REGISTER_LN, 2)])
        assert got == [(DOUBLE_LONG_UNSIGNED, 4242)]
    finally:
        srv.close()
        await srv.wait_closed()


def test_hdlc_over_loopback_tcp():
    asyncio.run(_scenario())

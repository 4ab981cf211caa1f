# heapsize: 256k
# (as test_concentrator: the client and server engines, hdlc and the codecs as .mpy)
"""The concentrator never lets an exception out: garbage and mutated
gateway-requests from the head-end, APDUs the meter cannot parse, noise on
a meter's line; and after all that it still forwards a GET (seeded: the
same cases on both runtimes)."""

from engine_fixtures import REGISTER_LN, register
from fuzz_rand import Rand

from microcosem.axdr import DOUBLE_LONG_UNSIGNED
from microcosem.client import Client, ClientSettings, Session
from microcosem.io.concentrator import Concentrator
from microcosem.io.hdlc_link import HdlcLink
from microcosem.profiles.gateway import GatewayTransport, decode_gateway, gateway_request
from microcosem.server.config import AssociationConfig
from microcosem.server.engine import Server
from microcosem.server.model import ObjectModel

GET = b"\xC0\x01\xC1\x00\x03\x01\x00\x01\x08\x00\xFF\x02\x00"


def test_garbage_in_answers_out():
    r = Rand(3)
    server = Server(ObjectModel((register(4242),)), (AssociationConfig(0x10),))
    line = HdlcLink(((1, server),), physical_address=17)
    conc = Concentrator(((17, 1),), timeout_ms=200, retries=1)
    now = 0
    answers = 0
    for i in range(300):
        k = r.next(4)
        if k == 0:
            apdu = r.bytes(r.next(16))
        elif k == 1:
            b = bytearray(gateway_request(0, b"\x11", GET))
            b[r.next(len(b))] = r.next(256)
            apdu = bytes(b)
        else:
            apdu = gateway_request(0, b"\x11", r.bytes(1 + r.next(30)))
        reply = conc.handle(apdu, 0x10, now)
        if reply is not None:
            assert reply[0] in (0xD8, 0xE7)
        for _ in range(10):
            out = conc.data_for(17)
            if not out:
                break
            if r.next(5) == 0:   # the line mangles a byte now and then
                out = bytearray(out)
                out[r.next(len(out))] ^= 1 << r.next(8)
            back = line.receive(bytes(out), now)
            if back:
                conc.feed(17, back, now)
        if r.next(6) == 0:
            conc.feed(17, r.bytes(r.next(40)), now)   # noise from the meter's side
        now += 100
        conc.tick(now)
        while True:
            msg = conc.next_upstream()
            if msg is None:
                break
            assert decode_gateway(msg[1])[2] == b"\x11"
            answers += 1
    assert answers > 50
    # still a gateway: the head-end associates and reads
    for _ in range(30):   # let the queue behind a mangled line drain
        now += 500
        conc.tick(now)
        out = conc.data_for(17)
        if out:
            back = line.receive(out, now)
            if back:
                conc.feed(17, back, now)
    while conc.next_upstream() is not None:
        pass

    def send(apdu):
        nonlocal now
        if apdu is not None:
            reply = conc.handle(apdu, 0x10, now)
            if reply is not None:
                return reply
        for _ in range(200):
            out = conc.data_for(17)
            if out:
                back = line.receive(out, now)
                if back:
                    conc.feed(17, back, now)
            msg = conc.next_upstream()
            if msg is not None:
                return msg[1]
            now += 100
            conc.tick(now)
        raise AssertionError("no answer")

    s = Session(Client(ClientSettings()), GatewayTransport(send, 0, b"\x11"))
    s.associate()
    assert s.get(3, REGISTER_LN, 2) == (DOUBLE_LONG_UNSIGNED, 4242)

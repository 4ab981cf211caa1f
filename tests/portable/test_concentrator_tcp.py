# heapsize: 288k
# (code, 256k fails: asyncio, the client and server engines, both HDLC engines, the wrapper, the
#  gateway and the APDU codecs as .mpy)
"""The concentrator under asyncio over loopback TCP, on both runtimes: two
meters serve HDLC on TCP (io.tcp.serve_hdlc at physical addresses 17 and
18), the concentrator connects to both and listens for head-ends on the
wrapper; our client reads both meters through it, gateway-wrapped, and an
unknown meter gets the gateway's error."""

import asyncio

from engine_fixtures import REGISTER_LN, register

from microcosem.axdr import DOUBLE_LONG_UNSIGNED
from microcosem.client import Client, ClientSettings
from microcosem.compat import random_bytes
from microcosem.errors import ServiceError
from microcosem.io.concentrator import Concentrator
from microcosem.io.concentrator_tcp import serve_concentrator
from microcosem.io.tcp import serve_hdlc
from microcosem.profiles.gateway import decode_gateway, gateway_request
from microcosem.profiles.wrapper import WrapperReassembler, wrap
from microcosem.server.config import AssociationConfig
from microcosem.server.engine import Server
from microcosem.server.model import ObjectModel


async def _listen(start):
    for _ in range(20):  # MicroPython's asyncio cannot tell which port 0 bound
        port = 20000 + int.from_bytes(random_bytes(2), "big") % 30000
        try:
            return port, await start(port)
        except OSError:
            continue
    raise AssertionError("no free port")


class HeadEnd:
    def __init__(self, reader, writer):
        self.reader = reader
        self.writer = writer
        self.rx = WrapperReassembler()

    async def exchange(self, address, apdu):
        self.writer.write(wrap(0x10, 1, gateway_request(0, address, apdu)))
        await self.writer.drain()
        while True:
            msg = self.rx.next_apdu()
            if msg is not None:
                tag, net, addr, inner = decode_gateway(msg[2])
                assert (msg[0], msg[1], tag, addr) == (1, 0x10, 0xE7, address)
                return bytes(inner)
            data = await asyncio.wait_for(self.reader.read(1024), 5)
            assert data, "connection closed"
            self.rx.feed(data)

    async def request(self, client, address, out):
        while True:
            done, value = client.feed(await self.exchange(address, out))
            if done:
                return value
            out = value


async def _scenario():
    meters = []
    for physical, value in ((17, 4242), (18, 1818)):
        server = Server(ObjectModel((register(value),)), (AssociationConfig(0x10),))
        port, srv = await _listen(lambda p: serve_hdlc(((1, server),), "127.0.0.1", p,
                                                       physical_address=physical))
        meters.append((physical, port, srv))
    lines = []
    for physical, port, _ in meters:
        lines.append((physical, await asyncio.open_connection("127.0.0.1", port)))
    conc = Concentrator(((17, 1), (18, 1)))
    port, (up, task) = await _listen(lambda p: serve_concentrator(conc, lines, "127.0.0.1", p))
    try:
        head = HeadEnd(*(await asyncio.open_connection("127.0.0.1", port)))
        for address, value in ((b"\x11", 4242), (b"\x12", 1818)):
            c = Client(ClientSettings())
            await head.request(c, address, c.associate())
            got = await head.request(c, address, c.get_request(3, REGISTER_LN, 2))
            assert got == (DOUBLE_LONG_UNSIGNED, value)
        c = Client(ClientSettings())
        try:
            await head.request(c, b"\x13", c.associate())
            raise AssertionError("an unknown meter answered")
        except ServiceError as e:
            assert "operation-not-possible" in str(e)
        assert conc.meter(17).forwarded == 2 and conc.meter(18).forwarded == 2
        head.writer.close()
        await head.writer.wait_closed()
    finally:
        task.cancel()
        up.close()
        await up.wait_closed()
        for _, (reader, writer) in lines:
            writer.close()
            await writer.wait_closed()
        for _, _, srv in meters:
            srv.close()
            await srv.wait_closed()


def test_concentrator_over_loopback_tcp():
    asyncio.run(_scenario())

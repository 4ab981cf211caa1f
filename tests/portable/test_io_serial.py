# heapsize: 256k
# (256k; 224k fails: code, not work, as test_io_hdlc: both engines, the APDU codecs, hdlc, asyncio)
"""HDLC on a serial line: io/serial.py's loop over a stand-in UART (read(n) that
returns None when empty, write), driven by our client's HdlcClient, one pass
at a time and as the asyncio task a board starts; the RS-485 driver-enable
pin up only while an answer goes out."""

import asyncio

from engine_fixtures import REGISTER_LN, register
from hdlc_check import events

from microcosem.axdr import DOUBLE_LONG_UNSIGNED
from microcosem.client import Client, ClientSettings
from microcosem.io.hdlc_link import HdlcLink
from microcosem.io.serial import pump, serve_hdlc
from microcosem.profiles.hdlc import APDU, CONNECTED, DISCONNECTED, HdlcClient
from microcosem.server.config import AssociationConfig
from microcosem.server.engine import Server
from microcosem.server.model import ObjectModel


def meter():
    return Server(ObjectModel((register(4242),)), (AssociationConfig(0x10),))


class Uart:
    """The meter's UART: rx holds what the line brought, tx what the meter wrote."""

    def __init__(self, log=None):
        self.rx = bytearray()
        self.tx = bytearray()
        self.log = log

    def read(self, n):
        if not self.rx:
            return None  # machine.UART with timeout=0
        data = bytes(self.rx[:n])
        self.rx[:n] = b""
        return data

    def write(self, data):
        if self.log is not None:
            self.log.append(("write", len(data)))
        self.tx += data
        return len(data)

    def flush(self):
        if self.log is not None:
            self.log.append(("flush",))


class Pin:
    def __init__(self, log):
        self.log = log

    def value(self, v):
        self.log.append(("de", v))


def test_pump_serves_a_session_and_drives_de():
    server = meter()
    log = []
    uart = Uart(log)
    link = HdlcLink(((1, server),), physical_address=17)
    hc = HdlcClient(server_upper=1, server_lower=17, client_sap=0x10)
    de = Pin(log)
    now = [0]

    def exchange():
        got = []
        for _ in range(50):
            uart.rx += hc.data_to_send()
            while pump(link, uart, now[0], de):
                pass
            if uart.tx:
                hc.feed(bytes(uart.tx), now[0])
                uart.tx[:] = b""
            hc.tick(now[0])
            evs = events(hc)
            got += evs
            if evs:
                return got
        return got

    hc.connect()
    assert exchange()[0][0] == CONNECTED
    client = Client(ClientSettings(client_sap=0x10))
    hc.send_apdu(client.associate())
    ev = exchange()
    assert client.feed(ev[0][1])[0] and server.context(0x10).associated
    hc.send_apdu(client.get_request(3, REGISTER_LN, 2))
    ev = exchange()
    assert ev[0][0] == APDU and client.feed(ev[0][1]) == (True, (DOUBLE_LONG_UNSIGNED, 4242))
    # every answer: DE up, write, flush, DE down
    assert log[:4] == [("de", 1), ("write", log[1][1]), ("flush",), ("de", 0)]
    assert len(log) % 4 == 0 and all(log[i] == ("de", 1) for i in range(0, len(log), 4))
    hc.disconnect()
    assert DISCONNECTED in [k for k, _ in exchange()]
    assert not server.context(0x10).associated
    # nothing on the line: pump only tells the link the time
    assert not pump(link, uart, 1000, de)


async def _client(uart, hc, client, done):
    async def exchange():
        for _ in range(200):
            uart.rx += hc.data_to_send()
            await asyncio.sleep(0.002)
            if uart.tx:
                hc.feed(bytes(uart.tx))
                uart.tx[:] = b""
            evs = events(hc)
            if evs:
                return evs
        raise AssertionError("no answer from the serial task")

    hc.connect()
    await exchange()
    hc.send_apdu(client.associate())
    client.feed((await exchange())[0][1])
    hc.send_apdu(client.get_request(3, REGISTER_LN, 2))
    value = client.feed((await exchange())[0][1])[1]
    done.append(value)


async def _scenario():
    server = meter()
    uart = Uart()
    done = []
    task = asyncio.create_task(serve_hdlc(uart, ((1, server),), poll_ms=1,
                                          stop=lambda: len(done) > 0))
    await _client(uart, HdlcClient(), Client(ClientSettings(client_sap=0x10)), done)
    link = await task  # stop() is true now: the task ends, and with it the association
    assert done == [(DOUBLE_LONG_UNSIGNED, 4242)]
    assert link.connections == 1 and not server.context(0x10).associated


def test_serve_hdlc_task_on_a_uart():
    asyncio.run(_scenario())

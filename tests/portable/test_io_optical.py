# heapsize: 320k
"""A meter's optical port under asyncio, on both runtimes: the mode E opening
at 300 baud 7E1, the switch to 9600 8N1, HDLC, a GET, DISC, and the port back
at 300 baud for the next sign-on.  The line passes bytes only while both ends
have it set alike, so a switch made too early or not at all loses them, as
on a real port.  (320k: the engines, HDLC and the opening are code in the
unix port's heap.)"""

import asyncio

from engine_fixtures import REGISTER_LN, register

from microcosem.client import Client, ClientSettings
from microcosem.compat import ticks_ms
from microcosem.io.serial import serve_optical
from microcosem.profiles.hdlc import APDU, CONNECTED, DISCONNECTED, HdlcClient
from microcosem.profiles.iec21 import ERROR, LINE_OPENING, READY, SET_LINE, ModeEClient
from microcosem.server.config import AssociationConfig
from microcosem.server.engine import Server
from microcosem.server.model import ObjectModel


class End:
    """One end of a serial line: read(n)/write(data)/set_line(settings)."""

    def __init__(self):
        self.peer = None
        self.inbox = bytearray()
        self.line = None
        self.lines = []

    def set_line(self, settings):
        self.line = tuple(settings)
        self.lines.append(self.line)

    def write(self, data):
        if self.peer.line == self.line:
            self.peer.inbox += data
        else:  # another baud rate or framing: what arrives is noise
            self.peer.inbox += b"\xff" * len(data)

    def read(self, n):
        data = bytes(self.inbox[:n])
        self.inbox[:n] = b""
        return data


def pair():
    a, b = End(), End()
    a.peer, b.peer = b, a
    return a, b


async def pump_until(end, feed, want, ms=5000):
    start = ticks_ms()
    while ticks_ms() - start < ms:
        data = end.read(512)
        r = feed(data)
        if r is not None and want(r):
            return r
        await asyncio.sleep(0.002)
    raise AssertionError("timed out")


async def sign_on(port):
    opening = ModeEClient(max_baud=9600, timeout_ms=400)
    port.set_line(LINE_OPENING)
    opening.start()
    rate = None
    start = ticks_ms()
    while rate is None:
        assert ticks_ms() - start < 5000, "no mode E identification"
        # what was handed out leaves before the line changes (the ACK at 300 baud)
        out = opening.data_to_send()
        if out:
            port.write(out)
        ev = opening.next_event()
        while ev is not None:
            if ev[0] == SET_LINE:
                port.set_line(ev[1])
            elif ev[0] == READY:
                rate = ev[1]
            else:
                assert ev[0] != ERROR, ev
            ev = opening.next_event()
        if rate is None:
            await asyncio.sleep(0.005)
            opening.feed(port.read(512), ticks_ms())
    return rate, opening


async def hdlc_get(port, class_id=3, ln=REGISTER_LN, attribute=2):
    link = HdlcClient(server_upper=1, client_sap=0x10)
    link.connect()
    client = Client(ClientSettings(client_sap=0x10))
    results = []
    queue = [client.associate()]

    def step(data):
        link.feed(data, ticks_ms())
        link.tick(ticks_ms())
        ev = link.next_event()
        while ev is not None:
            kind, value = ev
            if kind == CONNECTED or (kind == APDU and queue is not None):
                if kind == APDU:
                    done, v = client.feed(value)
                    if done:
                        results.append(v)
                        if len(results) == 1:
                            queue.append(client.get_request(class_id, ln, attribute))
                        else:
                            link.disconnect()
                if queue:
                    link.send_apdu(queue.pop(0))
            elif kind == DISCONNECTED:
                results.append("down")
            ev = link.next_event()
        out = link.data_to_send()
        if out:
            port.write(out)
        return results

    out = link.data_to_send()
    port.write(out)
    return await pump_until(port, step, lambda r: r and r[-1] == "down")


async def scenario():
    meter_end, probe = pair()
    server = Server(ObjectModel((register(777),)), (AssociationConfig(0x10),))
    stop = []
    task = asyncio.create_task(serve_optical(meter_end, ((1, server),), meter_end.set_line,
                                             stop=lambda: bool(stop)))
    await asyncio.sleep(0.01)
    got = []
    for _ in range(2):  # the second sign-on proves the port went back to 300 baud
        rate, opening = await sign_on(probe)
        assert rate == 9600 and opening.manufacturer == "MCS"
        await asyncio.sleep(0.02)
        got.append(await hdlc_get(probe))
        await asyncio.sleep(0.05)
    stop.append(1)
    await task
    return got, meter_end.lines


def test_mode_e_then_hdlc_then_mode_e_again():
    got, lines = asyncio.run(scenario())
    for results in got:
        assert results[1] == (6, 777), results
    assert lines[:3] == [(300, 7, "E", 1), (9600, 8, None, 1), (300, 7, "E", 1)], lines

# heapsize: 256k
"""The wrapper over real loopback UDP, under asyncio, on both runtimes: an
association and a GET in datagrams, garbage and foreign wPorts dropped.
(256k: the engine and the APDU codecs are loaded as code into the heap.)"""

import asyncio
import socket

from checks import unhex
from engine_fixtures import REGISTER_LN, register

from microcosem.apdu.get import GetRequestNormal, GetResponseNormal
from microcosem.compat import random_bytes
from microcosem.io.udp import answer, serve_udp, udp_socket
from microcosem.profiles.wrapper import decode_datagram, wrap
from microcosem.server.config import AssociationConfig
from microcosem.server.engine import Server
from microcosem.server.model import ObjectModel

AARQ = unhex("60 1D A1 09 06 07 60 85 74 05 08 01 01 BE 10 04 0E"
             "01 00 00 00 06 5F 1F 04 00 00 7E 1F 04 B0")
GET = GetRequestNormal(invoke_id_and_priority=0xC1, attribute_descriptor=(3, REGISTER_LN, 2),
                       access_selection=None).to_bytes()


def devices():
    return ((1, Server(ObjectModel((register(99),)), (AssociationConfig(0x10),))),)


def test_answer_datagrams():
    d = devices()
    src, dst, aare = decode_datagram(answer(d, wrap(0x10, 1, AARQ)))
    assert (src, dst) == (1, 0x10) and aare[0] == 0x61
    _, _, rep = decode_datagram(answer(d, wrap(0x10, 1, GET)))
    assert GetResponseNormal.from_bytes(bytes(rep)).result == (6, 99)
    assert answer(d, wrap(0x10, 9, GET)) is None           # no device at wPort 9
    assert answer(d, b"\x00\x01\x00\x10") is None           # a header cut short
    assert answer(d, wrap(0x10, 1, GET) + b"x") is None     # a length that lies


async def _scenario():
    for _ in range(20):
        port = 20000 + int.from_bytes(random_bytes(2), "big") % 30000
        try:
            sock = udp_socket("127.0.0.1", port)
            break
        except OSError:
            continue
    task = asyncio.create_task(serve_udp(devices(), sock=sock))
    c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    c.setblocking(False)
    addr = socket.getaddrinfo("127.0.0.1", port)[0][-1]
    got = []
    for frame in (b"garbage", wrap(0x10, 1, AARQ), wrap(0x10, 1, GET)):
        c.sendto(frame, addr)
        for _ in range(200):
            await asyncio.sleep(0.005)
            try:
                got.append(c.recvfrom(2048)[0])
                break
            except OSError:
                pass
    c.close()
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        pass
    return got


def test_udp_over_loopback():
    got = asyncio.run(_scenario())
    assert len(got) == 2, got
    assert decode_datagram(got[0])[2][0] == 0x61
    assert GetResponseNormal.from_bytes(bytes(decode_datagram(got[1])[2])).result == (6, 99)

# heapsize: 256k
"""The wrapper over real loopback TCP, under asyncio, on both runtimes: an
association and a GET per connection, a broken connection closed alone, the
association released when its connection goes.  (256k: the engine, the APDU
codecs and asyncio are loaded as code into the unix port's heap: 140k of it
before the test allocates anything.)"""

import asyncio

from checks import unhex
from engine_fixtures import REGISTER_LN, register
from net_check import listen

from microcosem.apdu import decode_apdu
from microcosem.apdu.get import GetRequestNormal, GetResponseNormal
from microcosem.io.tcp import serve_wrapper
from microcosem.io.wrapper_link import WrapperLink
from microcosem.profiles.wrapper import WrapperReassembler, wrap
from microcosem.server.config import AssociationConfig
from microcosem.server.engine import Server

# AARQ, LN referencing, no authentication, conformance 007E1F, max PDU 1200
AARQ = unhex("60 1D A1 09 06 07 60 85 74 05 08 01 01 BE 10 04 0E"
             "01 00 00 00 06 5F 1F 04 00 00 7E 1F 04 B0")
GET = GetRequestNormal(invoke_id_and_priority=0xC1, attribute_descriptor=(3, REGISTER_LN, 2),
                       access_selection=None).to_bytes()


def meter():
    return Server(_model(), (AssociationConfig(0x10),))


def _model():
    from microcosem.server.model import ObjectModel
    return ObjectModel((register(4242),))


def accepted(aare):
    a = decode_apdu(aare)
    return type(a).__name__ == "AARE" and a.result == 0


def test_link_answers_and_releases_on_close():
    server = meter()
    link = WrapperLink(((1, server),))
    out = bytes(link.receive(wrap(0x10, 1, AARQ)))
    assert out[:6] == unhex("0001 0001 0010") and accepted(out[8:])
    # split anywhere, two frames in one read, a frame for no device dropped
    both = wrap(0x10, 7, GET) + wrap(0x10, 1, GET)
    assert bytes(link.receive(both[:5])) == b""
    out = bytes(link.receive(both[5:]))
    r = WrapperReassembler()
    r.feed(out)
    src, dst, apdu = r.next_apdu()
    assert (src, dst) == (1, 0x10) and r.next_apdu() is None
    assert GetResponseNormal.from_bytes(apdu).result == (6, 4242)
    assert server.context(0x10).status == 2
    link.close()
    assert server.context(0x10).status == 0


async def _exchange(port, frames, want):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    r = WrapperReassembler()
    got = []
    for f in frames:
        writer.write(f)
        await writer.drain()
    while len(got) < want:
        data = await asyncio.wait_for(reader.read(512), 5)
        if not data:
            break
        r.feed(data)
        m = r.next_apdu()
        while m:
            got.append(m[2])
            m = r.next_apdu()
    writer.close()
    await writer.wait_closed()
    return got


async def _closed_by_peer(port, frame):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(frame)
    await writer.drain()
    data = await asyncio.wait_for(reader.read(512), 5)
    writer.close()
    return data


async def _scenario():
    server = meter()
    port, srv = await listen(lambda p: serve_wrapper(((1, server),), "127.0.0.1", p))
    try:
        got = await _exchange(port, (wrap(0x10, 1, AARQ), wrap(0x10, 1, GET)), 2)
        assert accepted(got[0]) and GetResponseNormal.from_bytes(got[1]).result == (6, 4242)
        # the connection closed: its association went with it, so a GET is refused
        got = await _exchange(port, (wrap(0x10, 1, GET),), 1)
        assert got[0][0] == 0xD8, got  # ExceptionResponse: no association
        # a frame of another wrapper version: that connection is closed ...
        assert await _closed_by_peer(port, unhex("0002 0010 0001 0001 00")) == b""
        # ... and the server goes on serving the next one
        got = await _exchange(port, (wrap(0x10, 1, AARQ),), 1)
        assert accepted(got[0])
    finally:
        srv.close()
        await srv.wait_closed()


def test_wrapper_over_loopback_tcp():
    asyncio.run(_scenario())

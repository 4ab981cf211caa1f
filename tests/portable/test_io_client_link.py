# heapsize: 320k
# (code, not work: the client and server engines, the APDU codecs, the wrapper, hdlc,
#  hdlc_frame, crc16 and asyncio are loaded as .mpy into the 64-bit unix port's heap)
"""io.client_link: our client under asyncio reaching our server over real
loopback TCP, through the TCP wrapper and through HDLC frames, on both
runtimes: an association (public, and LLS), GETs (a profile in blocks, a
list), an error that names the DLMS result, release; and the link's own
failures: nobody listening, a peer that never answers, an unknown
transport."""

import asyncio

from checks import raises
from engine_fixtures import PROFILE_LN, REGISTER_LN, profile, register, row
from net_check import listen

from microcosem.axdr import ARRAY, DOUBLE_LONG_UNSIGNED
from microcosem.client import Client, ClientSettings
from microcosem.errors import AccessError, LinkError
from microcosem.io.client_link import open_tcp
from microcosem.io.tcp import serve_tcp
from microcosem.server.config import AssociationConfig
from microcosem.server.engine import Server
from microcosem.server.model import ObjectModel

PUBLIC = 0x10
READER = 0x11


def meter():
    model = ObjectModel((register(4242), profile(50)))
    # a 256-byte PDU: the 50-row buffer (1.2 kB) comes in blocks
    return Server(model, (AssociationConfig(PUBLIC, max_pdu=256),
                          AssociationConfig(READER, mechanism=1, secret=b"12345678",
                                            max_pdu=256)))


async def _read_meter(transport):
    server = meter()
    port, srv = await listen(
        lambda p: serve_tcp(((1, server),), "127.0.0.1", p, transport=transport))
    try:
        s = await open_tcp(Client(ClientSettings(client_sap=PUBLIC)), "127.0.0.1", port,
                           transport)
        await s.associate()
        assert server.context(PUBLIC).associated
        assert await s.get(3, REGISTER_LN, 2) == (DOUBLE_LONG_UNSIGNED, 4242)
        assert await s.get(7, PROFILE_LN, 2) == (ARRAY, [row(i) for i in range(1, 51)])
        assert await s.get_with_list([(3, REGISTER_LN, 2), (3, REGISTER_LN, 3)]) == [
            (DOUBLE_LONG_UNSIGNED, 4242), await s.get(3, REGISTER_LN, 3)]
        e = await _raises_async(AccessError, s.get(3, REGISTER_LN, 9))
        assert "object-undefined" in str(e) or "read-write-denied" in str(e), str(e)
        await s.release()
        await s.close()

        # LLS on a second connection
        s = await open_tcp(Client(ClientSettings(client_sap=READER, mechanism=1,
                                                 password=b"12345678")),
                           "127.0.0.1", port, transport)
        await s.associate()
        assert server.context(READER).authenticated
        assert await s.get(3, REGISTER_LN, 2) == (DOUBLE_LONG_UNSIGNED, 4242)
        await s.release()
        await s.close()
    finally:
        srv.close()
        await srv.wait_closed()


async def _raises_async(exc_type, coro):
    try:
        await coro
    except exc_type as e:
        return e
    raise AssertionError("%s not raised" % exc_type.__name__)


def test_wrapper_client_over_loopback_tcp():
    asyncio.run(_read_meter("wrapper"))


def test_hdlc_client_over_loopback_tcp():
    asyncio.run(_read_meter("hdlc"))


async def _silent(reader, writer):
    # accepts, reads, never answers
    while await reader.read(256):
        pass
    writer.close()


async def _failures():
    client = Client(ClientSettings(client_sap=PUBLIC))
    port, srv = await listen(lambda p: asyncio.start_server(_silent, "127.0.0.1", p))
    try:
        for transport in ("wrapper", "hdlc"):
            e = await _raises_async(LinkError, _associate(client, port, transport))
            assert "no answer within 300 ms" in str(e), str(e)
    finally:
        srv.close()
        await srv.wait_closed()
    # nobody listens there now: CPython's open_connection says so, MicroPython's
    # first send or read does
    for transport in ("wrapper", "hdlc"):
        e = await _raises_async(LinkError, _associate(client, port, transport, 2000))
        assert "127.0.0.1:%d" % port in str(e), str(e)


async def _associate(client, port, transport, timeout_ms=300):
    s = await open_tcp(client, "127.0.0.1", port, transport, timeout_ms=timeout_ms)
    try:
        await s.associate()
    finally:
        await s.close()


def test_link_failures_are_link_errors():
    asyncio.run(_failures())


def test_unknown_transport():
    async def go():
        server = meter()
        port, srv = await listen(lambda p: serve_tcp(((1, server),), "127.0.0.1", p))
        try:
            await open_tcp(Client(ClientSettings()), "127.0.0.1", port, "x25")
        finally:
            srv.close()
            await srv.wait_closed()

    raises(ValueError, asyncio.run, go())

"""TCP under asyncio, the same on CPython and MicroPython.

    srv = await serve_wrapper(((1, server),), "0.0.0.0", 4059)
    srv = await serve_hdlc(((1, server),), "0.0.0.0", 4059)    # HDLC frames on TCP
    srv = await serve_tcp(((1, server),), host, port, transport="hdlc")

Each connection gets its own link (WrapperLink: the wPort picks the logical
device; HdlcLink: the upper HDLC address does); the loop reads, lets the
link answer, writes.  A connection idle for `idle_timeout_ms` (TCP-UDP setup's
inactivity_time_out) or whose framing breaks is closed, and only that one:
the listener and every other connection carry on.
"""

import asyncio

from ..compat import ticks_ms
from ..errors import DlmsError
from .wrapper_link import WrapperLink

TRANSPORTS = ("wrapper", "hdlc")

_READ = 2048


async def _serve_link(link, reader, writer, idle_timeout_ms):
    try:
        while True:
            if idle_timeout_ms:
                data = await asyncio.wait_for(reader.read(_READ), idle_timeout_ms / 1000)
            else:
                data = await reader.read(_READ)
            if not data:
                break
            out = link.receive(data, ticks_ms())
            if out:
                writer.write(bytes(out))
                await writer.drain()
    except (DlmsError, OSError, asyncio.TimeoutError):
        pass  # this connection is over; the server is not
    finally:
        link.close()
        try:
            writer.close()
            await writer.wait_closed()
        except OSError:
            pass


async def serve_wrapper(devices, host="127.0.0.1", port=4059, max_length=4096,
                        idle_timeout_ms=120000):
    """Listen for wrapper connections to the given ((wport, server), ...)."""
    devices = tuple(devices)

    async def connected(reader, writer):
        await _serve_link(WrapperLink(devices, max_length), reader, writer, idle_timeout_ms)

    return await asyncio.start_server(connected, host, port)


async def serve_hdlc(devices, host="127.0.0.1", port=4059, idle_timeout_ms=120000,
                     inter_octet_ms=2000, max_info=512, **hdlc_options):
    """Listen for HDLC-framed connections (as Gurux's InterfaceType.HDLC over a
    socket) to the given ((upper HDLC address, server), ...).  The inter-octet
    time-out is a serial line's (25 ms); on TCP a frame may arrive in two
    segments further apart, hence the longer default.  max_info: the largest
    information field the server accepts to send and receive (SNRM
    negotiates down from it; 128 when the client proposes nothing)."""
    from .hdlc_link import HdlcLink

    devices = tuple(devices)

    async def connected(reader, writer):
        link = HdlcLink(devices, inter_octet_ms=inter_octet_ms, max_info_tx=max_info,
                        max_info_rx=max_info, **hdlc_options)
        await _serve_link(link, reader, writer, idle_timeout_ms)

    return await asyncio.start_server(connected, host, port)


async def serve_tcp(devices, host="127.0.0.1", port=4059, transport="wrapper", **options):
    """serve_wrapper or serve_hdlc, by name (TRANSPORTS)."""
    if transport == "hdlc":
        return await serve_hdlc(devices, host, port, **options)
    if transport == "wrapper":
        return await serve_wrapper(devices, host, port, **options)
    raise ValueError("transport %r: one of %s" % (transport, ", ".join(TRANSPORTS)))

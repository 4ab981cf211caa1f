"""TCP under asyncio, the same on CPython and MicroPython.

    srv = await serve_wrapper(((1, server),), "0.0.0.0", 4059)

Each connection gets its own WrapperLink; the loop reads, lets the link
answer, writes.  A connection idle for `idle_timeout_ms` (TCP-UDP setup's
inactivity_time_out) or whose framing breaks is closed, and only that one:
the listener and every other connection carry on.
"""

import asyncio

from ..compat import ticks_ms
from ..errors import DlmsError
from .wrapper_link import WrapperLink

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

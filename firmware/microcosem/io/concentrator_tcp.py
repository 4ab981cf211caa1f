"""The concentrator (io/concentrator.py) under asyncio, the same on CPython and MicroPython.

    conc = Concentrator(((17, 1), (18, 1)))
    server, task = await serve_concentrator(conc, ((17, uart17), (18, (reader, writer))),
                                            "0.0.0.0", 4059)

Head-ends connect on the TCP wrapper; each connection gets a
ConcentratorLink, read by one task and written by another that sends the
meters' answers as they come.  One task moves every meter line's bytes and
the HDLC timers every poll_ms.  Apart from the sans-IO core, so that a
concentrator driving its own loop (a blocking UART loop on a small board)
does not carry asyncio code in its heap.
"""

import asyncio

from ..compat import ticks_ms
from ..errors import DlmsError
from .concentrator import ConcentratorLink


async def serve_concentrator(conc, lines, host="127.0.0.1", port=4059, wport=1, poll_ms=5,
                             idle_timeout_ms=120000):
    """The concentrator under asyncio: head-ends on the TCP wrapper at
    host:port (wPort `wport`), meters on `lines`, ((physical address, line), ...),
    each line a UART-like object (read(n) -> bytes, or None / b"" when
    nothing came; write(data)) or a (reader, writer) stream pair (a meter's
    HDLC port over TCP, a serial-to-TCP converter).  Returns (server, task):
    the listener, and the task that moves the meters' bytes and the timers
    every poll_ms (cancel it, close the server, to stop)."""
    uarts = []
    streams = []
    for physical, line in lines:
        (streams if type(line) is tuple else uarts).append((physical, line))

    async def from_meter(physical, reader):
        while True:
            data = await reader.read(512)
            if not data:
                return   # the meter's connection is gone: its HDLC client times out
            conc.feed(physical, data, ticks_ms())

    async def pump():
        for physical, (reader, _) in streams:
            asyncio.create_task(from_meter(physical, reader))
        while True:
            now = ticks_ms()
            for physical, uart in uarts:
                try:
                    data = uart.read(256)
                except OSError:
                    data = None
                if data:
                    conc.feed(physical, data, now)
            conc.tick(now)
            for physical, uart in uarts:
                out = conc.data_for(physical)
                if out:
                    uart.write(out)
            for physical, (_, writer) in streams:
                out = conc.data_for(physical)
                if out:
                    writer.write(out)
                    await writer.drain()
            await asyncio.sleep(poll_ms / 1000)

    async def connected(reader, writer):
        link = ConcentratorLink(conc, wport)
        done = []

        async def answers():
            while not done:
                out = link.poll(ticks_ms())
                if out:
                    writer.write(bytes(out))
                    await writer.drain()
                await asyncio.sleep(poll_ms / 1000)

        task = asyncio.create_task(answers())
        try:
            while True:
                data = await asyncio.wait_for(reader.read(2048), idle_timeout_ms / 1000)
                if not data:
                    break
                out = link.receive(data, ticks_ms())
                if out:
                    writer.write(bytes(out))
                    await writer.drain()
        except (DlmsError, OSError, asyncio.TimeoutError):
            pass   # this head-end's connection is over; the concentrator is not
        finally:
            done.append(True)
            link.close()
            try:
                await task
            except Exception:
                pass
            try:
                writer.close()
                await writer.wait_closed()
            except OSError:
                pass

    server = await asyncio.start_server(connected, host, port)
    return server, asyncio.create_task(pump())

"""HDLC on a serial line (optical probe, RS-485) under asyncio, the same on a board
and on a host.

    asyncio.create_task(serve_hdlc(uart, ((1, server),), physical_address=17, de=pin))

`uart` is anything with read(n) -> bytes, or None / b"" when nothing came
(machine.UART built with timeout=0, pyserial with timeout=0), and
write(data).  The loop polls it every `poll_ms` (a UART's receive buffer
holds the bytes in between; 5 ms is well inside HDLC's 25 ms inter-octet
time-out), so it needs nothing of the port beyond those two calls.  `de`,
the RS-485 driver-enable pin (value(1) / value(0)), is raised for each
answer and dropped once the UART has sent it (flush() where the port has
it, else the time the bytes take at `baud`), so that the line is free for
the next station at once.
"""

import asyncio

from ..compat import ticks_ms
from .hdlc_link import HdlcLink

_READ = 256


def pump(link, uart, now_ms, de=None, baud=9600):
    """One pass: what the UART holds goes to the link (or the time, when nothing
    came), and what the link answers goes out.  True when bytes moved."""
    data = uart.read(_READ)
    if data:
        out = link.receive(data, now_ms)
    else:
        out = link.tick(now_ms)
    if out:
        send(uart, out, de, baud)
    return bool(data) or bool(out)


def send(uart, out, de=None, baud=9600):
    if de is not None:
        de.value(1)
    uart.write(out)
    if de is not None:
        flush = getattr(uart, "flush", None)
        if flush is not None:
            flush()  # machine.UART: returns once the last stop bit is out
        else:
            _wait_us(len(out) * 10 * 1000000 // baud)
        de.value(0)


def _wait_us(us):
    import time

    sleep_us = getattr(time, "sleep_us", None)
    if sleep_us is not None:
        sleep_us(us)
    else:
        time.sleep(us / 1000000)


async def serve_hdlc(uart, devices, physical_address=None, de=None, baud=9600, poll_ms=5,
                     stop=None, **hdlc_options):
    """Serve the ((upper HDLC address, server), ...) devices on `uart` until
    stop() is true (forever when stop is None).  physical_address: the lower
    HDLC address on a multi-drop line, None point to point (optical)."""
    link = HdlcLink(devices, physical_address=physical_address, **hdlc_options)
    try:
        while stop is None or not stop():
            try:
                moved = pump(link, uart, ticks_ms(), de, baud)
            except OSError:
                moved = False  # a UART error costs the bytes, not the link
            if not moved:
                await asyncio.sleep(poll_ms / 1000)
            else:
                await asyncio.sleep(0)
    finally:
        link.close()
    return link

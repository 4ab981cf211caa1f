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

from ..compat import ticks_diff, ticks_ms
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


def _drain_opening(opening, uart, set_line):
    """Send what the opening has to say, apply its line changes; the agreed
    baud rate once it is READY, else None."""
    from ..profiles.iec21 import READY, SET_LINE

    out = opening.data_to_send()
    if out:
        send(uart, out)
    rate = None
    ev = opening.next_event()
    while ev is not None:
        kind, value = ev
        if kind == SET_LINE:
            # the identification (or the confirmation) must leave at the old rate
            flush = getattr(uart, "flush", None)
            if flush is not None:
                flush()
            set_line(value)
        elif kind == READY:
            rate = value
        ev = opening.next_event()
    return rate


async def serve_optical(uart, devices, set_line, opening=None, baud=9600, poll_ms=5,
                        snrm_wait_ms=20000, stop=None, **hdlc_options):
    """A meter's optical port: the IEC 62056-21 mode E opening (300 baud 7E1),
    then HDLC at the rate agreed, then the opening again once the HDLC
    connection has ended (DISC, inactivity) or no SNRM came within
    snrm_wait_ms.  set_line((baud, data_bits, parity, stop_bits)) reconfigures
    the UART; opening: a profiles.iec21.ModeEServer (one offering `baud`)."""
    from ..profiles.iec21 import LINE_OPENING, ModeEServer

    if opening is None:
        opening = ModeEServer(baud=baud)
    while stop is None or not stop():
        opening.restart()
        set_line(LINE_OPENING)
        rate = None
        while rate is None and (stop is None or not stop()):
            data = uart.read(_READ)
            now = ticks_ms()
            if data:
                opening.feed(data, now)
            else:
                opening.tick(now)
            rate = _drain_opening(opening, uart, set_line)
            await asyncio.sleep(0 if data else poll_ms / 1000)
        if rate is None:
            break
        link = HdlcLink(devices, **hdlc_options)
        start = ticks_ms()
        try:
            while stop is None or not stop():
                try:
                    moved = pump(link, uart, ticks_ms(), None, rate)
                except OSError:
                    moved = False
                if link.connections:
                    if not link.hdlc.connected:
                        break  # DISC or inactivity: the next client signs on again
                elif ticks_diff(ticks_ms(), start) > snrm_wait_ms:
                    break  # signed on, then silent: back to the opening
                await asyncio.sleep(0 if moved else poll_ms / 1000)
        finally:
            link.close()

"""UDP wrapper (IEC 62056-47) under asyncio, the same on CPython and MicroPython.

    task = asyncio.create_task(serve_udp(((1, server),), "0.0.0.0", 4059))

One datagram carries one wrapper frame (profiles.wrapper.decode_datagram);
the answer goes back to the sender's address.  MicroPython's asyncio has no
datagram endpoint, so the socket is non-blocking and polled: a datagram
waits at most `poll_ms` before it is read.  A datagram that is no valid
wrapper frame, or is for a wPort with no device behind it, is dropped
unanswered; nothing a datagram holds stops the loop.
"""

import asyncio
import socket

from ..compat import ticks_ms
from ..errors import DlmsError
from ..profiles.wrapper import decode_datagram, wrap

_MAX_DATAGRAM = 2048


def udp_socket(host, port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(socket.getaddrinfo(host, port)[0][-1])
    s.setblocking(False)
    return s


def answer(devices, datagram):
    """The datagram to send back for one received, or None."""
    try:
        source, destination, apdu = decode_datagram(datagram)
    except DlmsError:
        return None
    for wport, server in devices:
        if wport == destination:
            reply = server.handle(bytes(apdu), source, ticks_ms())
            return wrap(destination, source, reply) if reply else None
    return None


async def serve_udp(devices, host="127.0.0.1", port=4059, poll_ms=10, sock=None):
    """Answer wrapper datagrams until cancelled (then the socket is closed)."""
    devices = tuple(devices)
    s = sock or udp_socket(host, port)
    try:
        while True:
            try:
                datagram, addr = s.recvfrom(_MAX_DATAGRAM)
            except OSError:  # EAGAIN: nothing waiting
                await asyncio.sleep(poll_ms / 1000)
                continue
            out = answer(devices, datagram)
            if out:
                try:
                    s.sendto(out, addr)
                except OSError:
                    pass  # the peer is gone; the next datagram is another matter
    finally:
        s.close()

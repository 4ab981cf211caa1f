"""A meter alone in a MicroPython process, for heap budgets: the small meter
of heap_meter (1000-row file ring) behind an HLS-GMAC ciphered association,
answering APDUs framed on stdin/stdout (2-byte big-endian length, then the
APDU; length 0: no answer).  The client runs elsewhere (the host test), so
the heap this process is given is the meter's alone.

    micropython -X heapsize=N -c "import heap_serve; heap_serve.main(1000, 48 * 1024)"

With `work`, everything but that many bytes is held first (ballast), so the
meter's model, association and transfers must fit in it.
"""

import gc
import sys

from heap_meter import model, remove

from microcosem.apdu.acse import CONTEXT_LN_CIPHERED
from microcosem.security.ciphering import ServerSecurity
from microcosem.security.hls import Hls, ServerAuthenticator
from microcosem.server.config import AssociationConfig
from microcosem.server.engine import Server

EK = bytes(range(16))
AK = bytes(range(0xD0, 0xE0))
METER = bytes.fromhex("4D4D4D0000BC614E")


def _read(stream, n):
    data = b""
    while len(data) < n:
        more = stream.read(n - len(data))
        if not more:
            return None
        data += more
    return data


def ballast(free):
    """Hold heap until `free` bytes are left: the code is in, what remains is
    the work's (a board with frozen code starts here, with no import peak)."""
    held = []
    gc.collect()
    size = 4096
    while size >= 16 and gc.mem_free() > free + size:
        try:
            held.append(bytearray(size))
        except MemoryError:  # no run of that length is left: fill smaller holes
            size //= 2
    gc.collect()
    return held


def main(rows, work=None):
    held = ballast(work) if work else None
    m, root = model(rows)
    try:
        sec = ServerSecurity(METER, EK, AK, ic=1)
        server = Server(m, (AssociationConfig(
            1, context=CONTEXT_LN_CIPHERED, mechanism=5, security=sec, max_pdu=1024,
            authenticator=ServerAuthenticator(Hls(5, ek=EK, ak=AK), security=sec)),))
        gc.collect()
        out = sys.stdout.buffer
        out.write(b"READY %d %d\n" % (gc.mem_alloc(), len(held or ())))
        out.flush() if hasattr(out, "flush") else None
        inp = sys.stdin.buffer
        while True:
            head = _read(inp, 2)
            if head is None:
                break
            apdu = _read(inp, (head[0] << 8) | head[1])
            reply = server.handle(apdu, 1, 0) or b""
            if server.last_error is not None:
                out.write(b"ERROR %r\n" % (server.last_error,))
                break
            out.write(bytes(((len(reply) >> 8) & 0xFF, len(reply) & 0xFF)) + reply)
            out.flush() if hasattr(out, "flush") else None
    finally:
        remove(root)

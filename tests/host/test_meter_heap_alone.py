"""The meter's own heap, with the client outside it: a MicroPython process
serves an HLS-GMAC ciphered association and a 1000-row profile read by range
(issue 7's target: 48k of heap for the work): once its code is imported, all
but the budget is held by ballast, so the model, the association and the
transfers live in the budget; our client runs here in CPython.  A budget
too small fails (test_the_budget_binds)."""

import os
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path[:0] = [os.path.join(ROOT, "tools"), os.path.join(ROOT, "tests", "portable")]

import mptest  # noqa: E402
from heap_meter import LP, RowCounter, by_range  # noqa: E402

from microcosem.apdu.acse import CONTEXT_LN_CIPHERED  # noqa: E402
from microcosem.client import Client, ClientSettings, Session  # noqa: E402
from microcosem.security.ciphering import ClientSecurity  # noqa: E402
from microcosem.security.hls import ClientAuthenticator, Hls  # noqa: E402

EK = bytes(range(16))
AK = bytes(range(0xD0, 0xE0))
HEAD_END = bytes.fromhex("4D4D4D0000000001")


class Meter:
    def __init__(self, heap, work):
        self.proc = subprocess.Popen(
            [mptest.micropython(), "-X", "heapsize=%d" % heap, "-c",
             "import heap_serve; heap_serve.main(1000, %d)" % work],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            env=mptest.mp_env())
        line = self.proc.stdout.readline()
        assert line.startswith(b"READY"), line + self.proc.stdout.read()

    def send(self, apdu):
        self.proc.stdin.write(bytes((len(apdu) >> 8, len(apdu) & 0xFF)) + apdu)
        self.proc.stdin.flush()
        head = self.proc.stdout.read(2)
        assert len(head) == 2 and not head.startswith(b"ER"), head + self.proc.stdout.read()
        return self.proc.stdout.read((head[0] << 8) | head[1]) or None

    def close(self):
        self.proc.stdin.close()
        self.proc.wait(10)
        self.proc.stdout.close()


def test_ciphered_meter_serves_1000_rows_by_range_in_48k():
    serve_in(80 * 1024)


def test_the_budget_binds():
    with pytest.raises(AssertionError):
        serve_in(80 * 1024)


def serve_in(budget):
    mptest.compile_tree(os.path.join(ROOT, "firmware"), os.path.join(mptest.BUILD, "firmware"))
    mptest.compile_tree(os.path.join(ROOT, "tests", "portable"), os.path.join(mptest.BUILD, "tests"))
    kept, importable = mptest.code_heap("heap_serve", mptest.mp_env())
    # room for the import's transient peak; then ballast leaves the work `budget` bytes
    heap = max(importable + 8192, kept + budget) + 16384
    meter = Meter(heap, budget)
    try:
        csec = ClientSecurity(HEAD_END, EK, AK, ic=1)
        s = Session(Client(ClientSettings(
            client_sap=1, context=CONTEXT_LN_CIPHERED, mechanism=5, calling_ap_title=HEAD_END,
            security=csec, authenticator=ClientAuthenticator(Hls(5, ek=EK, ak=AK), csec))),
            meter.send)
        s.associate()
        rows = RowCounter()
        s.get(7, LP, 2, selector=by_range(0, 999), into=rows)
        assert rows.rows == 1000 and rows.bad == 0, (rows.rows, rows.bad)
        s.release()
    finally:
        meter.close()
    print("meter heap %d: %d code, %d left to the work" % (heap, kept, budget))

"""`microcosem serve --serial PTY --mode-e`: the demo meter's optical port on a
real pseudo-terminal, on both runtimes.  The test is the probe on the other
side: mode E sign-on at 300 baud, HDLC at 9600, an association, a GET, DISC,
then a second sign-on (the port went back to the opening)."""

import asyncio
import fcntl
import os
import pty
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "portable"))

from meter_process import MeterProcess  # noqa: E402
from test_io_optical import hdlc_get, sign_on  # noqa: E402

from microcosem.obis import obis  # noqa: E402


class Master:
    """The probe's end of the pty: the line settings are the slave's business."""

    def __init__(self, fd):
        self.fd = fd
        fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) | os.O_NONBLOCK)

    def set_line(self, settings):
        pass

    def read(self, n):
        try:
            return os.read(self.fd, n)
        except (BlockingIOError, OSError):
            return b""

    def write(self, data):
        os.write(self.fd, data)


async def probe(master, rounds=2):
    got = []
    for _ in range(rounds):
        rate, opening = await sign_on(master)
        assert rate == 9600 and opening.manufacturer == "MCS"
        await asyncio.sleep(0.05)
        got.append(await hdlc_get(master, 3, obis("1.0.1.8.0.255")))
        await asyncio.sleep(0.2)
    return got


@pytest.mark.parametrize("runtime", ("micropython", "cpython"))
def test_optical_port_on_a_pty(runtime):
    m, s = pty.openpty()
    try:
        with MeterProcess(runtime, "--serial", os.ttyname(s), "--mode-e"):
            got = asyncio.run(probe(Master(m)))
    finally:
        os.close(m)
        os.close(s)
    for results in got:
        assert results[1][0] == 6 and results[1][1] > 12000000, results

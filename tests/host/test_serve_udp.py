"""`microcosem serve --transport udp`: the wrapper in UDP datagrams, on both
runtimes, read by our own command line over UDP."""

import os
import subprocess
import sys

import pytest

from meter_process import MeterProcess

BIN = os.path.dirname(sys.executable)


@pytest.mark.parametrize("runtime", ("micropython", "cpython"))
def test_read_over_udp(runtime):
    with MeterProcess(runtime, "--transport", "udp") as port:
        out = subprocess.run([os.path.join(BIN, "microcosem"), "get", "--transport", "udp",
                              "--port", str(port), "--class", "3", "1.0.1.8.0.255"],
                             capture_output=True, text=True, timeout=60)
        assert out.returncode == 0, out.stderr
        assert out.stdout.startswith("double-long-unsigned:"), out.stdout
        assert int(out.stdout.split(":")[1].split()[0]) > 12000000

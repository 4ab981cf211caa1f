"""Start `microcosem serve` as a real process on a free port, for peer tests."""

import os
import socket
import shutil
import subprocess
import sys
import tempfile
import time

BIN = os.path.dirname(sys.executable)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class MeterProcess:
    """`with MeterProcess("micropython") as port:` a demo meter listening on port."""

    def __init__(self, runtime, *flags):
        self.runtime = runtime
        self.flags = list(flags)
        self.state = None
        if "--state" not in self.flags:  # the invocation counter's folder: ours to remove
            self.state = tempfile.mkdtemp(prefix="microcosem-meter-")
            self.flags += ["--state", self.state]
        self.port = free_port()
        self.proc = None

    def __enter__(self):
        cmd = [os.path.join(BIN, "microcosem"), "serve", "--runtime", self.runtime,
               "--port", str(self.port)] + self.flags
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     text=True)
        line = self.proc.stdout.readline()
        if "demo meter" not in line:
            rest = self.proc.stdout.read() if self.proc.poll() is not None else ""
            self.proc.kill()
            raise RuntimeError("microcosem serve did not start: %s%s" % (line, rest))
        for _ in range(100):  # the banner comes just before the listener is up
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        return self.port

    def __exit__(self, *exc):
        self.proc.terminate()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.proc.stdout.close()
        if self.state:
            shutil.rmtree(self.state, ignore_errors=True)
        return False

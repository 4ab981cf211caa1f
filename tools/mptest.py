"""Run every portable test module under the MicroPython unix port.

Each tests/portable/test_*.py runs in its own `micropython` process with the
heap its first lines ask for (`# heapsize: 64k`; 64k when silent), so a
module that needs more heap than a meter has is visible in its header.

The firmware and the tests are first compiled to .mpy with mpy-cross, as a
board runs them (frozen or .mpy): compiling .py source on the device costs
several times the heap of the code itself, and would measure the compiler.
Prints one line per module and the total as `micropython: N passed, N failed`.

    python tools/mptest.py [-k SUBSTRING] [test_axdr ...]
"""

import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

from microcosem_host.mpy import compile_tree, tool

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PORTABLE = os.path.join(ROOT, "tests", "portable")
DEFAULT_HEAP = "64k"
BUILD = os.path.join(ROOT, "build", "mptest")


def micropython():
    return tool("micropython")


def heapsize(path):
    with open(path) as f:
        for _ in range(5):
            m = re.match(r"#\s*heapsize:\s*(\S+)", f.readline())
            if m:
                return m.group(1)
    return DEFAULT_HEAP


def run(name, only):
    path = os.path.join(PORTABLE, name + ".py")
    heap = heapsize(path)
    env = dict(os.environ)
    env["MICROPYPATH"] = os.pathsep.join(
        [".frozen", os.path.join(BUILD, "firmware"), os.path.join(BUILD, "tests")])
    cmd = [micropython(), "-X", "heapsize=" + heap, os.path.join(ROOT, "tools", "runtests.py")]
    if only:
        cmd += ["-k", only]
    proc = subprocess.run(cmd + [name], capture_output=True, text=True, env=env, timeout=900)
    out = proc.stdout + proc.stderr
    m = re.search(r"^(\d+) passed, (\d+) failed", out, re.M)
    passed, failed = (int(m.group(1)), int(m.group(2))) if m else (0, 1)
    if proc.returncode and not failed:
        failed = 1
    return name, heap, passed, failed, out


def main(argv):
    only = None
    if len(argv) > 1 and argv[0] == "-k":
        only, argv = argv[1], argv[2:]
    names = argv or sorted(f[:-3] for f in os.listdir(PORTABLE)
                           if f.startswith("test_") and f.endswith(".py"))
    try:
        compile_tree(os.path.join(ROOT, "firmware"), os.path.join(BUILD, "firmware"))
        compile_tree(PORTABLE, os.path.join(BUILD, "tests"))
    except RuntimeError as e:
        print("mptest: %s" % e)
        return 1
    total_p = total_f = 0
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        for name, heap, p, f, out in pool.map(lambda n: run(n, only), names):
            total_p += p
            total_f += f
            print("%-28s heap %-5s %4d passed, %d failed" % (name, heap, p, f))
            if f:
                print(out)
    print("micropython: %d passed, %d failed" % (total_p, total_f))
    return 1 if total_f or not total_p else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Run every portable test module under the MicroPython unix port.

Each tests/portable/test_*.py runs in its own `micropython` process with the
heap its first lines ask for, so a module that needs more heap than a meter
has is visible in its header:

    # heapsize: 64k     the whole heap, code included (64k when silent)
    # workheap: 64k     64k for the work on top of the heap the imported code
                        keeps (measured first), as on a board whose code is
                        frozen in flash and costs no heap; never less than the
                        import itself needs

The firmware and the tests are first compiled to .mpy with mpy-cross, as a
board runs them (frozen or .mpy): compiling .py source on the device costs
several times the heap of the code itself, and would measure the compiler.
Prints one line per module and the total as `micropython: N passed, N failed`.

    python tools/mptest.py [-k SUBSTRING] [--margin 16k] [test_axdr ...]

--margin runs every module with that much less heap than its header gives:
the modules that fail then have less spare than that, and a heap layout
that differs a little (another checkout path, one name more in a module)
may tip them over.
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


def heap_header(path):
    """("heapsize", "64k") or ("workheap", "64k") from the module's first lines."""
    with open(path) as f:
        for _ in range(5):
            m = re.match(r"#\s*(heapsize|workheap):\s*(\S+)", f.readline())
            if m:
                return m.group(1), m.group(2)
    return "heapsize", DEFAULT_HEAP


def size(text):
    n = text.lower()
    scale = 1024 if n.endswith("k") else 1024 * 1024 if n.endswith("m") else 1
    return int(n.rstrip("km")) * scale


def mp_env():
    env = dict(os.environ)
    env["MICROPYPATH"] = os.pathsep.join(
        [".frozen", os.path.join(BUILD, "firmware"), os.path.join(BUILD, "tests")])
    return env


def _imports(name, heap, env):
    # the heap kept once the test module (and so the code it tests) is imported, or None
    # collected every 2k allocated while importing, as runtests does (see there:
    # the code packed at the bottom of the heap, the rest one free run)
    script = ("import gc\ngc.threshold(2048)\nimport checks\nimport %s\ngc.threshold(-1)\n"
              "gc.collect()\nprint('kept', gc.mem_alloc())" % name)
    proc = subprocess.run([micropython(), "-X", "heapsize=%d" % heap, "-c", script],
                          capture_output=True, text=True, env=env, timeout=120)
    m = re.search(r"^kept (\d+)", proc.stdout, re.M)
    return int(m.group(1)) if m else None


def code_heap(name, env):
    """(heap the imported code keeps, smallest heap the import itself succeeds in).

    A board runs this code frozen in flash, where it costs no heap; the unix
    port loads it into the heap, so a `workheap` budget is given on top of it."""
    top = 16 * 1024 * 1024
    kept = _imports(name, top, env)
    if kept is None:
        raise RuntimeError("%s does not import under MicroPython" % name)
    lo, hi = kept, max(kept * 3, 64 * 1024)  # the import's transient peak is under 3x
    while hi - lo > 4096:
        mid = (lo + hi) // 2
        if _imports(name, mid, env) is None:
            lo = mid
        else:
            hi = mid
    return kept, hi


def run(name, only, margin=0):
    path = os.path.join(PORTABLE, name + ".py")
    env = mp_env()
    kind, budget = heap_header(path)
    if kind == "workheap":
        try:
            kept, importable = code_heap(name, env)
        except RuntimeError as e:
            return name, "-", 0, 1, str(e)
        # 8k over the bare import's least: the runner's own import comes on top
        total = max(importable + 8192, kept + size(budget)) - margin
        heap = "%dk" % ((total + 1023) // 1024)
        label = "%s = %s work + %dk code" % (heap, budget, (kept + 1023) // 1024)
    else:
        heap = label = "%dk" % ((size(budget) - margin) // 1024) if margin else budget
    cmd = [micropython(), "-X", "heapsize=" + heap, os.path.join(ROOT, "tools", "runtests.py")]
    if only:
        cmd += ["-k", only]
    proc = subprocess.run(cmd + [name], capture_output=True, text=True, env=env, timeout=900)
    out = proc.stdout + proc.stderr
    m = re.search(r"^(\d+) passed, (\d+) failed", out, re.M)
    passed, failed = (int(m.group(1)), int(m.group(2))) if m else (0, 1)
    if proc.returncode and not failed:
        failed = 1
    return name, label, passed, failed, out


def main(argv):
    only = None
    margin = 0
    while len(argv) > 1 and argv[0] in ("-k", "--margin"):
        if argv[0] == "-k":
            only = argv[1]
        else:
            margin = size(argv[1])
        argv = argv[2:]
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
        for name, heap, p, f, out in pool.map(lambda n: run(n, only, margin), names):
            total_p += p
            total_f += f
            print("%-28s heap %-5s %4d passed, %d failed" % (name, heap, p, f))
            if f:
                print(out)
    print("micropython: %d passed, %d failed" % (total_p, total_f))
    return 1 if total_f or not total_p else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

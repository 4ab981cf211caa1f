"""What the firmware costs in heap once imported, module by module (MicroPython unix port).

    python tools/heap_report.py [--firmware DIR] [--sets server,client,demo] [--no-peak]

The firmware is compiled to .mpy (as tools/mptest.py does), so the figures are
those of a board that loads .mpy files from its filesystem: the code is copied
into the heap.  (Frozen code or a ROMFS image runs in place; its heap is what
the objects built at import keep: dicts, tuples, classes.)

For each set (the server engine, the client, the demo meter) it prints:

  - each module's own cost, `gc.mem_alloc()` after `gc.collect()` before and
    after importing it, the modules imported in dependency order (the order
    in which their imports complete on CPython, so that a module's imports are
    paid for by their own lines; a module that imports another at its end, as
    axdr does rowpack, is charged with it, and says so).  The qstr pool grows
    by doubling, so several kB land on whichever module makes it grow, and
    one name more or less in a set can move its total by that much;
  - the total kept, and the interned strings the set added (qstr pools, as
    micropython.qstr_info() counts them: the pools' bytes, the qstrs, their text);
  - the peak: the smallest `-X heapsize` (to 1 kB) under which importing the
    set succeeds.  Importing needs more than it keeps (the loader's buffers,
    the garbage of building tables), and what it frees is left in holes.

--firmware DIR measures another tree (DIR holds `microcosem/`), such as an
older commit's (`git archive <rev> firmware | tar -x -C /tmp/old`).
"""

import os
import subprocess
import sys
import zlib

TOOLS = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(TOOLS)
sys.path.insert(0, os.path.join(ROOT, "host"))

from microcosem_host.mpy import compile_tree, tool  # noqa: E402

SETS = (
    ("server", ("microcosem.server.engine",)),
    ("client", ("microcosem.client",)),
    ("demo", ("microcosem.demo.meter",)),
)

# Runs under CPython (whose import statements all go through builtins.__import__,
# which MicroPython's do not): the order in which firmware imports complete.
ORDER = """\
import builtins, sys
sys.path.insert(0, %r)
_imp = builtins.__import__
_order = []
def _hook(*a, **k):
    m = _imp(*a, **k)
    for name, mod in list(sys.modules.items()):
        if ((name == "microcosem" or name.startswith("microcosem.")) and name not in _order
                and not getattr(getattr(mod, "__spec__", None), "_initializing", False)):
            _order.append(name)
    return m
builtins.__import__ = _hook
for t in %r:
    _hook(t)
for k in _order:
    print("M", k)
"""


# Runs under MicroPython: each module's own cost, in the order given.
COST = """\
import gc, sys
gc.collect()
start = gc.mem_alloc()
for m in %r:
    if m in sys.modules:
        continue
    before = set(sys.modules)
    gc.collect()
    a = gc.mem_alloc()
    __import__(m)
    gc.collect()
    d = gc.mem_alloc() - a
    print("C", m, d, ",".join(k for k in sys.modules if k not in before and k != m))
gc.collect()
print("T", gc.mem_alloc() - start)
"""


# Runs under MicroPython: just the imports (for the peak, by bisection).
FIT = """\
for m in %r:
    __import__(m)
print("OK")
"""


def micropython(tree, script, heap):
    env = dict(os.environ)
    env["MICROPYPATH"] = ".frozen" + os.pathsep + tree
    proc = subprocess.run([tool("micropython"), "-X", "heapsize=%d" % heap, "-c", script],
                          capture_output=True, text=True, env=env, timeout=120)
    return proc.returncode, proc.stdout + proc.stderr


def qstr_pool(tree, targets):
    """Bytes of interned strings the imports add (micropython.qstr_info())."""
    script = ("import micropython\nmicropython.qstr_info()\n"
              "for m in %r:\n    __import__(m)\nmicropython.qstr_info()\n" % (targets,))
    rc, out = micropython(tree, script, 4 << 20)
    vals = []
    for line in out.splitlines():
        if line.startswith("qstr pool:"):
            kv = dict(p.strip().split("=") for p in line[len("qstr pool:"):].split(","))
            vals.append((int(kv["n_qstr"]), int(kv["n_str_data_bytes"]), int(kv["n_total_bytes"])))
    if len(vals) != 2:
        return None
    return tuple(b - a for a, b in zip(vals[0], vals[1]))


def smallest_heap(tree, targets, lo=16 << 10, hi=1 << 20, step=1 << 10):
    script = FIT % (targets,)
    rc, out = micropython(tree, script, hi)
    if rc or "OK" not in out:
        return None
    while hi - lo > step:
        mid = (lo + hi) // 2 // step * step
        rc, out = micropython(tree, script, mid)
        if rc == 0 and "OK" in out:
            hi = mid
        else:
            lo = mid
    return hi


def report(firmware, tree, name, targets, peak):
    proc = subprocess.run([sys.executable, "-c", ORDER % (firmware, targets)],
                          capture_output=True, text=True, timeout=120)
    order = [line.split()[1] for line in proc.stdout.splitlines() if line.startswith("M ")]
    if proc.returncode or not order:
        print("%s: import failed on CPython\n%s" % (name, proc.stdout + proc.stderr))
        return None
    rc, out = micropython(tree, COST % (order,), 4 << 20)
    if rc:
        print("%s: import failed\n%s" % (name, out))
        return None
    print("== %s (%s)" % (name, ", ".join(targets)))
    total = 0
    for line in out.splitlines():
        parts = line.split()
        if parts and parts[0] == "C":
            print("  %-36s %7d%s" % (parts[1], int(parts[2]),
                                     "  (with %s)" % parts[3] if len(parts) > 3 else ""))
        elif parts and parts[0] == "T":
            total = int(parts[1])
    print("  %-36s %7d" % ("kept after import", total))
    q = qstr_pool(tree, targets)
    if q:
        print("  %-36s %7d  (%d qstrs, %d bytes of text)" % ("of which interned strings",
                                                                q[2], q[0], q[1]))
    if peak:
        p = smallest_heap(tree, targets)
        print("  %-36s %7s" % ("smallest heap to import", p if p else "?"))
    return total


def main(argv):
    firmware = os.path.join(ROOT, "firmware")
    names = [n for n, _ in SETS]
    peak = True
    while argv:
        a = argv.pop(0)
        if a == "--firmware":
            firmware = os.path.abspath(argv.pop(0))
        elif a == "--sets":
            names = argv.pop(0).split(",")
        elif a == "--no-peak":
            peak = False
        else:
            print(__doc__)
            return 2
    tree = os.path.join(ROOT, "build", "heap_report",
                        "%08x" % zlib.crc32(firmware.encode()))
    compile_tree(os.path.join(firmware, "microcosem"), os.path.join(tree, "microcosem"))
    for name, targets in SETS:
        if name in names:
            report(firmware, tree, name, targets, peak)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

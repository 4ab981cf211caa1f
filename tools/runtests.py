"""Run portable test modules on whatever runtime executes this file.

    micropython tools/runtests.py test_axdr test_obis
    python3 tools/runtests.py test_axdr

Each module's `test_*` callables run in name order; a test passes when it
returns.  Ends with the line `N passed, N failed` (N skipped too, if any) and
exits 1 when anything failed.  tools/mptest.py drives this under MicroPython.
"""

import gc
import sys

try:
    from sys import print_exception
except ImportError:
    import traceback

    def print_exception(e):
        traceback.print_exception(type(e), e, e.__traceback__)


# MicroPython collects only when an allocation fails, so an import spreads the
# code it loads over the whole heap, between the holes its own garbage leaves:
# a 300k heap after importing 208k of code had 88k free in holes of at most
# 1.1k, and a module's work heap (`# workheap:`) measured the unix port's
# loader rather than the module.  Collecting every 2k while importing packs
# the code at the bottom and leaves the rest one free run, as on a board whose
# code is frozen in flash.  mptest measures the import the same way.
IMPORT_GC_THRESHOLD = 2048


def run_module(name, counts, only=None):
    threshold = getattr(gc, "threshold", None)  # MicroPython's; CPython has none
    if threshold is not None:
        threshold(IMPORT_GC_THRESHOLD)
    try:
        mod = __import__(name)
    except Exception as e:  # an import error fails the whole module, visibly
        if threshold is not None:
            threshold(-1)
        print("FAIL %s (import)" % name)
        print_exception(e)
        counts[1] += 1
        return
    if threshold is not None:
        threshold(-1)
    names = sorted(n for n in dir(mod) if n.startswith("test"))
    for n in names:
        fn = getattr(mod, n)
        if not callable(fn) or (only and only not in n):
            continue
        gc.collect()  # one test's garbage is not the next one's to pay for
        try:
            fn()
        except Exception as e:
            if type(e).__name__ in ("SkipTest", "Skipped"):
                counts[2] += 1
                print("skip %s.%s: %s" % (name, n, e))
                continue
            counts[1] += 1
            print("FAIL %s.%s" % (name, n))
            print_exception(e)
            continue
        counts[0] += 1


def main(argv):
    only = None
    if len(argv) > 1 and argv[0] == "-k":
        only = argv[1]
        argv = argv[2:]
    counts = [0, 0, 0]
    for name in argv:
        if name.endswith(".py"):
            name = name[:-3]
        name = name.split("/")[-1]
        run_module(name, counts, only)
    line = "%d passed, %d failed" % (counts[0], counts[1])
    if counts[2]:
        line += ", %d skipped" % counts[2]
    print(line)
    return 1 if counts[1] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

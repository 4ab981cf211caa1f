"""What the benchmarks' MicroPython halves share (and the one heap bisection).

Plain Python that runs on both runtimes: tools/mp_bench_axdr.py and
tools/bench_crypto.py import it under the MicroPython unix port, and
tools/benchlib.py hands `bisect` to the CPython halves, which bisect
`-X heapsize` from outside.
"""

import gc


def bisect(fits, lo, hi, step):
    """The smallest size (to `step`) in (lo, hi] for which fits(size) holds.

    lo is taken as too small and hi as big enough; the caller checks hi (and
    lo, if it may fit) first.  Sizes tried are multiples of `step` but for
    lo + step when rounding down would fall on lo."""
    while hi - lo > step:
        mid = (lo + hi) // 2 // step * step
        if mid <= lo:
            mid = lo + step
        if fits(mid):
            hi = mid
        else:
            lo = mid
    return hi


def fill_heap(leave):
    """Ballast over the free heap but for about `leave` bytes, biggest blocks first."""
    gc.collect()
    ballast = [None] * 512  # preallocated: appending would allocate as it goes
    n = 0
    block = 65536
    while block >= 16 and n < len(ballast):
        if gc.mem_free() - block < leave:
            block >>= 1
            continue
        try:
            ballast[n] = bytearray(block)
            n += 1
        except MemoryError:
            block >>= 1
    return ballast


def runs_in(leave, fn):
    """(fn() ran without MemoryError, the free heap it had) with about `leave` bytes free."""
    ballast = fill_heap(leave)
    free = gc.mem_free()
    try:
        fn()
        ok = True
    except MemoryError:
        ok = False
    ballast = None
    gc.collect()
    return ok, free

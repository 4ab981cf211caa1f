"""The one module that knows which runtime it is on.

Every other module imports what differs between MicroPython, CircuitPython and
CPython from here, so that no other file branches on the runtime.
"""

import sys

IMPLEMENTATION = sys.implementation.name  # 'micropython', 'circuitpython' or 'cpython'
MICROPYTHON = IMPLEMENTATION in ("micropython", "circuitpython")

try:
    from micropython import const  # noqa: F401  (folds `_X = const(1)` at compile time)
except ImportError:

    def const(x):
        return x


try:
    import time as _time

    _ticks_ms = _time.ticks_ms
    _ticks_diff = _time.ticks_diff
    _ticks_add = _time.ticks_add

    def ticks_ms():
        """Milliseconds from an arbitrary origin; wraps, so compare with ticks_diff."""
        return _ticks_ms()

    def ticks_diff(a, b):
        return _ticks_diff(a, b)

    def ticks_add(a, delta):
        return _ticks_add(a, delta)

except AttributeError:  # CPython, CircuitPython: a monotonic clock that never wraps
    import time as _time

    _monotonic_ns = getattr(_time, "monotonic_ns", None)

    def ticks_ms():
        if _monotonic_ns is not None:
            return _monotonic_ns() // 1000000
        return int(_time.monotonic() * 1000)

    def ticks_diff(a, b):
        return a - b

    def ticks_add(a, delta):
        return a + delta


# Ints past the small-int range (2**30 on a 32-bit port) are heap objects on
# MicroPython and CircuitPython: 128-bit arithmetic in a loop makes garbage at
# every step, which fragments a small heap.  Code with a small-int form (GCM's
# GHASH) takes it where this is True; CPython's big ints are cheap.
BIGINT_GARBAGE = MICROPYTHON


# UTC seconds since 1970 on every port: MicroPython's embedded ports count
# from 2000 (time.gmtime(0) is 2000-01-01), the unix port and CPython from 1970.
import time as _t

_EPOCH_OFFSET = 946684800 if _t.gmtime(0)[0] == 2000 else 0


def unix_time():
    return _t.time() + _EPOCH_OFFSET


# Step slices (b[::k], ba[i::k] = ...): CPython has them, MicroPython raises
# NotImplementedError.  Fast paths that need them ask here.
try:
    _probe = bytearray(2)
    _probe[0::2] = b"\x01"
    STEP_SLICES = bytes(_probe)[0::2] == b"\x01"
except NotImplementedError:
    STEP_SLICES = False


try:
    from os import urandom as random_bytes  # noqa: F401
except ImportError:  # CircuitPython
    from os import urandom as random_bytes  # pragma: no cover


def int_from_signed(data):
    """Two's-complement big-endian bytes to int (MicroPython ignores `signed=`)."""
    v = int.from_bytes(data, "big")
    if data and data[0] & 0x80:
        v -= 1 << (8 * len(data))
    return v


def int_to_signed(v, n):
    """int to n two's-complement big-endian bytes, on runtimes without `signed=`."""
    return (v & ((1 << (8 * n)) - 1)).to_bytes(n, "big")


def bit_length(v):
    """int.bit_length(), which MicroPython lacks."""
    if v < 0:
        v = -v
    return len(bin(v)) - 2 if v else 0


try:
    from sys import print_exception  # MicroPython
except ImportError:

    def print_exception(exc, file=None):
        import traceback

        traceback.print_exception(type(exc), exc, exc.__traceback__, file=file)

# heapsize: 128k
# (code: axdr, storage and the cosem base, register, clock and profile modules take ~80k
# of the 64-bit unix heap; the objects measured here take a few kB)
"""Heap per COSEM object on MicroPython (gc.mem_free before and after making 50, or 8 with rings).

Figures on the 64-bit unix port (a 32-bit board needs about half):
    Register, class defaults only          64 B
    Register with value, scaler_unit, SN  128 B
    Register bound to a live value         96 B
    Profile generic before its first row   96 B
    Profile generic, 96 rows of 19 bytes  ~2.3 kB (the ring: (19 + 2) * 96 + ~250)
The class tables (attribute names, types, defaults) are shared by every object.
"""

import gc

from checks import skip
from microcosem.axdr import DOUBLE_LONG_UNSIGNED
from microcosem.cosem.base import scaler_unit
from microcosem.cosem.clock import Clock
from microcosem.cosem.profile import ProfileGeneric
from microcosem.cosem.register import Register
from microcosem.obis import obis

N = 50


def _per_object(make, n=N):
    if not hasattr(gc, "mem_free"):
        skip("gc.mem_free is MicroPython's")
    objs = [None] * n
    gc.collect()
    before = gc.mem_free()
    for i in range(n):
        objs[i] = make(i)
    gc.collect()
    return (before - gc.mem_free()) // n


def _names():
    return [obis("1.0.%d.8.0.255" % i) for i in range(N)]


def test_register_heap():
    lns = _names()
    su = scaler_unit(-3, 30)
    assert _per_object(lambda i: Register(lns[i])) <= 80
    full = _per_object(lambda i: Register(lns[i], short_name=0x100 + 8 * i,
                                          value=(DOUBLE_LONG_UNSIGNED, 0), scaler_unit=su))
    live = lambda: (DOUBLE_LONG_UNSIGNED, 0)
    bound = _per_object(lambda i: Register(lns[i], value=live, scaler_unit=su))
    print("Register: %d B with value, scaler_unit and short name; %d B bound to a live value" % (full, bound))
    assert full <= 160 and bound <= 128


def test_profile_generic_heap():
    lns = _names()
    clock = Clock("0.0.1.0.0.255", time_source=lambda: 0)
    cols = ((clock, 2, 0), (Register("1.0.1.8.0.255"), 2, 0))
    bare = _per_object(lambda i: ProfileGeneric(lns[i], capture_objects=cols, profile_entries=96))
    ring = _per_object(lambda i: ProfileGeneric(lns[i], capture_objects=cols, profile_entries=96, row_size=19), 8)
    print("Profile generic: %d B before its first row, %d B with a ring of 96 x 19 B" % (bare, ring))
    assert bare <= 128
    assert (19 + 2) * 96 <= ring <= (19 + 2) * 96 + 400

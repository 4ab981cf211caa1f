"""A small meter for the heap-budget tests: a clock, an energy register and a
load profile kept in a file ring (as a board keeps it in flash), filled
with `rows` quarter hours, served by the engine; and range selectors."""

import os

from microcosem.axdr import ARRAY, DOUBLE_LONG_UNSIGNED, LONG, OCTET_STRING, STRUCTURE, UNSIGNED
from microcosem.cosem.association import AssociationLN
from microcosem.cosem.clock import Clock
from microcosem.cosem.profile import ProfileGeneric
from microcosem.cosem.register import Data, Register
from microcosem.cosemdate import DateTime
from microcosem.obis import obis
from microcosem.server.model import ObjectModel
from microcosem.storage import FileStorage

T0 = 1796140800  # 2026-12-01 00:00 UTC
ROW_SIZE = 21    # a ring slot: octet-string(12) clock, double-long-unsigned, unsigned (23 with the structure header)
LP = obis("1.0.99.1.0.255")
CLOCK_COLUMN = (STRUCTURE, [(18, 8), (OCTET_STRING, obis("0.0.1.0.0.255")), (15, 2), (18, 0)])


def stamp(t):
    return DateTime.from_timestamp(t, -60, 0).to_bytes()


def model(rows, root=None):
    """(ObjectModel, storage folder) with `rows` rows captured every 900 s from T0."""
    t = [T0]
    wh = [1000]
    clock = Clock("0.0.1.0.0.255", time_source=lambda: t[0], time_zone=(LONG, -60))
    energy = Register("1.0.1.8.0.255", value=lambda: (DOUBLE_LONG_UNSIGNED, wh[0]))
    status = Data("0.0.96.10.1.255", value=(UNSIGNED, 8))
    if root is None:
        root = "/tmp/microcosem-heap-%s" % os.urandom(4).hex()
    ring = FileStorage(root).ring("lp", ROW_SIZE, rows)
    lp = ProfileGeneric("1.0.99.1.0.255", capture_objects=((clock, 2, 0), (energy, 2, 0), (status, 2, 0)),
                        profile_entries=rows, ring=ring, capture_period=(DOUBLE_LONG_UNSIGNED, 900))
    for _ in range(rows - len(ring)):
        lp.capture()
        t[0] += 900
        wh[0] += 7
    return ObjectModel((clock, energy, status, lp, AssociationLN())), root


def remove(root):
    for n in os.listdir(root):
        os.remove(root + "/" + n)
    os.rmdir(root)


def by_range(first, last):
    """The range_descriptor of rows first..last (by their clock)."""
    return (1, (STRUCTURE, [CLOCK_COLUMN, (OCTET_STRING, stamp(T0 + 900 * first)),
                            (OCTET_STRING, stamp(T0 + 900 * last)), (ARRAY, [])]))


class RowCounter:
    """`into` for a block-transferred buffer: counts bytes and checks the rows'
    energies go up by 7, holding one row at a time (the row a block cuts in
    two waits in a row-sized carry; the rest is read in the block itself).
    The array header is looked for in the first block."""

    def __init__(self):
        self.total = 0
        self.rows = 0
        self._carry = bytearray(2 + ROW_SIZE)
        self._k = 0  # bytes in the carry
        self.last = None
        self.bad = 0

    def __call__(self, block):
        end = len(block)
        self.total += end
        pos = 0
        if self.rows == 0 and self.last is None and end >= 4 and block[0] == ARRAY:
            pos = 4 if block[1] == 0x82 else 3 if block[1] == 0x81 else 2
            self.last = -1
        step = 2 + ROW_SIZE
        carry = self._carry
        k = self._k
        if k:
            take = min(step - k, end - pos)
            carry[k:k + take] = block[pos:pos + take]
            k += take
            pos += take
            if k < step:
                self._k = k
                return
            self._row(carry, 0)
        while end - pos >= step:
            self._row(block, pos)
            pos += step
        carry[0:end - pos] = block[pos:end]
        self._k = end - pos

    def _row(self, buf, pos):
        e = (buf[pos + 17] << 24) | (buf[pos + 18] << 16) | (buf[pos + 19] << 8) | buf[pos + 20]
        if self.last is not None and self.last >= 0 and e != self.last + 7:
            self.bad += 1
        self.last = e
        self.rows += 1

"""Profile generic, class 7 version 1 (IEC 62056-6-2, 4.3.6).

The buffer is a ring of rows kept as their A-XDR bytes (each row the
encodings of its columns, one after the other), in a preallocated bytearray
(storage.MemoryRing) or a file (FileStorage.ring): never as Python tuples.
A 960-row load profile of clock + two registers is 960 * 26 bytes.

Reading the buffer answers an axdr.EncodedData whose chunks are made row
by row as the server sends blocks, so a 10000-row profile is never in RAM
whole.  Selective access (access_selector 1 range_descriptor, 2
entry_descriptor) picks rows and columns while streaming.

    lp = ProfileGeneric("1.0.99.1.0.255",
                        capture_objects=((clock, 2, 0), (energy, 2, 0), (status, 2, 0)),
                        capture_period=(DOUBLE_LONG_UNSIGNED, 900), profile_entries=960,
                        row_size=24)
    lp.capture()          # the firmware's capture (or method 2, or tick())

capture_objects are (object, attribute_index, data_index) of the meter's
own objects.  row_size is the slot size in bytes; without it the first
captured row sets it (right for rows of fixed-size values: numbers,
date-times).  A client may set profile_entries up to max_entries (by
default the profile_entries the meter gave).  Only sort_method fifo (1) is kept: the oldest row leaves first.

A capture into a full ring while a long read of the buffer is still being
sent drops the oldest row: the rest of the read moves on by one and ends
with the new row (still in time order; the row count, sent first, stays
right).
"""

from ..axdr import (ARRAY, DATE_TIME, DOUBLE_LONG_UNSIGNED, ENUM, INTEGER, LONG_UNSIGNED,
                    OCTET_STRING, STRUCTURE, decode_data, encode_data, encode_length, EncodedData)
from ..cosemdate import DateTime, days_from_civil
from ..errors import AccessError, DlmsError
from ..storage import MemoryRing
from .base import (ANY, OBJECT_UNAVAILABLE, OTHER_REASON, TYPE_UNMATCHED, CosemObject, check,
                   conforms, param_int)

FIFO = 1
# capture_object_definition ::= structure {class_id, logical_name, attribute_index, data_index}
CAPTURE_OBJECT_TD = (STRUCTURE, (LONG_UNSIGNED, OCTET_STRING, INTEGER, LONG_UNSIGNED))
_ENTRY_TD = (STRUCTURE, (DOUBLE_LONG_UNSIGNED, DOUBLE_LONG_UNSIGNED, LONG_UNSIGNED, LONG_UNSIGNED))

# fixed-size A-XDR values: tag -> bytes after the tag (to step over a column without decoding it)
_FIXED = {3: 1, 5: 4, 6: 4, 13: 1, 15: 1, 16: 2, 17: 1, 18: 2, 20: 8, 21: 8, 22: 1, 23: 4,
          24: 8, 25: 12, 26: 5, 27: 4, 0: 0, 255: 0}


def _skip(buf, pos, end):
    """The offset after the Data value at pos."""
    tag = buf[pos]
    n = _FIXED.get(tag)
    if n is not None:
        return pos + 1 + n
    if tag == OCTET_STRING or tag == 10 or tag == 12:
        m = buf[pos + 1]
        if m < 0x80:
            return pos + 2 + m
    return decode_data(buf, pos, end)[1]


class ProfileGeneric(CosemObject):
    class_id = 7
    version = 1
    ATTRIBUTE_COUNT = 8
    METHOD_COUNT = 2
    SN_METHOD_OFFSET = 0x58
    ATTRS = ("buffer", "capture_objects", "capture_period", "sort_method", "sort_object",
             "entries_in_use", "profile_entries")
    TYPES = (ANY, (ARRAY, CAPTURE_OBJECT_TD), DOUBLE_LONG_UNSIGNED, ENUM, CAPTURE_OBJECT_TD,
             DOUBLE_LONG_UNSIGNED, DOUBLE_LONG_UNSIGNED)
    READ_ONLY = 1 << 2 | 1 << 7
    SELECTIVE = 1 << 2
    SELECTORS = (1, 2)  # range_descriptor, entry_descriptor
    capture_period = (DOUBLE_LONG_UNSIGNED, 0)
    sort_method = (ENUM, FIFO)
    sort_object = (STRUCTURE, ((LONG_UNSIGNED, 0), (OCTET_STRING, b"\x00" * 6), (INTEGER, 0),
                               (LONG_UNSIGNED, 0)))
    _ring = None
    _owned = True      # the ring is ours to re-make (a MemoryRing sized here)
    _next = None       # UTC second of the next periodic capture
    # Order of the first column (the clock, normally), so that a range read finds
    # its rows by bisection: _seq counts the rows appended, _broken is the _seq of
    # the last row whose key was below the one before it (-1: none; None: not known,
    # rows that were in a storage ring before this object), _last0 the last key.
    _seq = 0
    _broken = -1
    _last0 = None

    def __init__(self, logical_name, capture_objects=(), profile_entries=1, row_size=None,
                 ring=None, short_name=None, max_entries=None, **values):
        CosemObject.__init__(self, logical_name, short_name, **values)
        self._capture = tuple(capture_objects)
        self._entries = profile_entries
        # a client may shrink the buffer, or grow it up to what the meter planned for
        self._max = profile_entries if max_entries is None else max_entries
        if ring is not None:
            self._ring = ring
            self._owned = False
            self._entries = min(profile_entries, ring.slots)
            if len(ring):
                self._seq = len(ring)
                self._broken = None
        elif row_size is not None:
            self._ring = MemoryRing(row_size, profile_entries)

    # ---------------------------------------------------------- capturing

    def entries_in_use(self):
        r = self._ring
        return 0 if r is None else len(r)

    def _row(self):
        out = bytearray()
        for obj, attr, index in self._capture:
            v = obj.get(attr, None, None)
            if type(v) is EncodedData:
                v.encode_into(out)
                continue
            if index and (v[0] == STRUCTURE or v[0] == ARRAY):
                if index > len(v[1]):
                    raise AccessError("data_index %d of %d elements" % (index, len(v[1])), OTHER_REASON)
                v = v[1][index - 1]  # data_index picks one element of a compound value
            encode_data(out, v)
        return out

    def capture(self):
        """Take one row of the capture objects' current values."""
        row = self._row()
        r = self._ring
        if r is None:
            r = self._ring = MemoryRing(max(len(row), 1), self._entries)
        r.append(row)
        k = _key_at(row, 0, len(row)) if row else None
        last = self._last0
        if last is not None and self._broken is not None:
            try:
                if k < last:
                    self._broken = self._seq
            except TypeError:
                self._broken = self._seq
        self._last0 = k
        self._seq += 1

    def _restart_order(self):
        self._seq = 0
        self._broken = -1
        self._last0 = None

    def tick(self, utc):
        """Capture when a multiple of capture_period (seconds) has passed."""
        p = self.capture_period[1]
        if not p:
            return False
        utc = int(utc)
        if self._next is None:
            self._next = (utc // p + 1) * p
            return False
        if utc < self._next:
            return False
        self._next = (utc // p + 1) * p
        self.capture()
        return True

    # ---------------------------------------------------------- attributes

    def _column_def(self, i):
        obj, attr, index = self._capture[i]
        return (STRUCTURE, ((LONG_UNSIGNED, obj.class_id), (OCTET_STRING, obj.logical_name),
                            (INTEGER, attr), (LONG_UNSIGNED, index)))

    def _column_of(self, d):
        """The column a capture_object_definition names, or None."""
        f = d[1]
        for i in range(len(self._capture)):
            obj, attr, index = self._capture[i]
            if (obj.class_id == f[0][1] and obj.logical_name == f[1][1] and attr == f[2][1]
                    and index == f[3][1]):
                return i
        return None

    def _get(self, i, selection, ctx):
        if i == 2:
            return self._buffer(selection)
        if i == 3:
            return (ARRAY, [self._column_def(k) for k in range(len(self._capture))])
        if i == 7:
            return (DOUBLE_LONG_UNSIGNED, self.entries_in_use())
        if i == 8:
            return (DOUBLE_LONG_UNSIGNED, self._entries)
        return CosemObject._get(self, i, selection, ctx)

    def _set(self, i, value, ctx):
        td = self.TYPES[i - 2]
        check(value, td)
        if i == 3:
            model = None if ctx is None else ctx.model
            cols = []
            for d in value[1]:
                f = d[1]
                obj = None if model is None else model.find(f[0][1], bytes(f[1][1]))
                if obj is None:
                    raise AccessError("capture object not in the model", OBJECT_UNAVAILABLE)
                cols.append((obj, f[2][1], f[3][1]))
            self._capture = tuple(cols)
            # new columns: the buffer starts again, its slots sized by the next row
            if self._owned:
                self._ring = None
            else:
                self._ring.clear()
            self._restart_order()
        elif i == 5:
            if value[1] != FIFO:
                raise AccessError("only fifo sorting is kept", OTHER_REASON)
            self.sort_method = value
        elif i == 8:
            n = value[1]
            if n == 0 or n > self._max or (not self._owned and n > self._ring.slots):
                raise AccessError("profile_entries out of range", OTHER_REASON)
            self._reshape(n)
        elif i == 6:
            if value[1][1][1] != b"\x00" * 6 and self._column_of(value) is None:
                raise AccessError("sort_object is not a capture object", OTHER_REASON)
            self.sort_object = value
        else:  # 4 capture_period: the next periodic capture counts from now
            self.capture_period = value
            self._next = None

    def _reshape(self, entries):
        self._entries = entries
        self._restart_order()
        r = self._ring
        if r is None:
            return
        if self._owned:
            # the old ring goes before the new one is allocated: a small heap
            # cannot hold both
            size = r.slot_size
            self._ring = None
            r = None
            self._ring = MemoryRing(size, entries)
        else:
            r.clear()

    def _action(self, m, parameters, ctx):
        param_int(parameters)
        if m == 1:
            if self._ring is not None:
                self._ring.clear()
            self._restart_order()
        else:
            try:
                self.capture()
            except DlmsError as e:
                raise AccessError("capture failed: %s" % e, OTHER_REASON)
        return None

    # ---------------------------------------------------------- the buffer

    def _buffer(self, selection):
        n = self.entries_in_use()
        cols = None          # all columns
        first, stop = 0, n
        rng = None
        if selection is not None:
            selector, p = selection
            if selector == 1:
                if not _conforms_range(p):
                    raise AccessError("range_descriptor expected", TYPE_UNMATCHED)
                f = p[1]
                col = self._column_of(f[0])
                if col is None:
                    raise AccessError("restricting object is not captured", OTHER_REASON)
                rng = (col, _key(f[1]), _key(f[2]))
                sel = f[3][1]
                if sel:
                    cols = []
                    for d in sel:
                        c = self._column_of(d)
                        if c is None:
                            raise AccessError("selected value is not captured", OTHER_REASON)
                        cols.append(c)
            elif selector == 2:
                check(p, _ENTRY_TD)
                f = p[1]
                fe, te, fv, tv = f[0][1], f[1][1], f[2][1], f[3][1]
                first = max(fe, 1) - 1
                stop = n if te == 0 or te > n else te
                ncols = len(self._capture)
                fv = max(fv, 1)
                tv = ncols if tv == 0 or tv > ncols else tv
                if fv > tv:
                    raise AccessError("no columns selected", OTHER_REASON)
                if fv != 1 or tv != ncols:
                    cols = list(range(fv - 1, tv))
            else:
                raise AccessError("access selector %d not supported" % selector, OTHER_REASON)
        if first > stop:
            first = stop
        if rng is not None:
            span = self._bisect(rng, n) if rng[0] == 0 else None
            if span is not None:
                first, stop = span
                rng = None
        count = stop - first
        if rng is not None:
            # one pass to count; rows that match in one run (the usual case) are then
            # sent without looking at them again
            count = 0
            run = None
            i = first
            for row in self._rows(first, stop):
                if self._in_range(row, rng):
                    count += 1
                    if run is None:
                        run = [i, i + 1]
                    elif run is not False and run[1] == i:
                        run[1] = i + 1
                    else:
                        run = False
                i += 1
            if run is not False:
                first, stop = (run[0], run[1]) if run else (first, first)
                rng = None
        return EncodedData(self._chunks(first, stop, count, cols, rng))

    def _sorted(self, n):
        """True if the first column's keys do not decrease over the rows in the buffer."""
        if self._broken is None:
            # rows from before: look at them once
            last = None
            i = 0
            broken = -1
            for row in self._rows(0, n):
                k = _key_at(row, 0, len(row))
                try:
                    if last is not None and k < last:
                        broken = self._seq - n + i
                except TypeError:
                    broken = self._seq - n + i
                last = k
                i += 1
            self._broken = broken
            self._last0 = last
        return self._broken <= self._seq - n

    def _bisect(self, rng, n):
        """(first, stop) of the rows whose first column is in [lo, hi], found by
        bisection, when the buffer is in the order of that column; else None."""
        r = self._ring
        if r is None or not n or not hasattr(r, "read") or not self._sorted(n):
            return None
        lo, hi = rng[1], rng[2]
        try:
            a = self._bound(r, n, lo, False)
            b = self._bound(r, n, hi, True)
        except TypeError:
            return None
        return (a, max(a, b))

    def _bound(self, r, n, key, after):
        # the first row whose key is >= key (after: > key)
        a, b = 0, n
        while a < b:
            mid = (a + b) // 2
            row = r.read(mid)
            k = _key_at(row, 0, len(row))
            if k < key or (after and k == key):
                a = mid + 1
            else:
                b = mid
        return a

    def _rows(self, first, stop):
        r = self._ring
        if r is None or first >= stop:
            return ()
        return r.rows(first, stop)

    def _in_range(self, row, rng):
        col, lo, hi = rng
        pos = 0
        end = len(row)
        for _ in range(col):
            pos = _skip(row, pos, end)
        k = _key_at(row, pos, end)
        try:
            return lo <= k <= hi
        except TypeError:  # values of different kinds never match
            return False

    def _chunks(self, first, stop, count, cols, rng):
        head = bytearray()
        head.append(ARRAY)
        encode_length(head, count)
        yield bytes(head)
        rh = bytearray()
        rh.append(STRUCTURE)
        encode_length(rh, len(self._capture) if cols is None else len(cols))
        rh = bytes(rh)
        sent = 0
        for row in self._rows(first, stop):
            if sent == count:
                break
            if rng is not None and not self._in_range(row, rng):
                continue
            yield rh
            if cols is None:
                yield row
            else:
                yield self._pick(row, cols)
            sent += 1

    def _pick(self, row, cols):
        end = len(row)
        starts = [0]
        pos = 0
        while pos < end:
            pos = _skip(row, pos, end)
            starts.append(pos)
        out = bytearray()
        for c in cols:
            out += row[starts[c]:starts[c + 1]]
        return out


def _conforms_range(p):
    if not (type(p) is tuple and p[0] == STRUCTURE and len(p[1]) == 4):
        return False
    f = p[1]
    return conforms(f[0], CAPTURE_OBJECT_TD) and conforms(f[3], (ARRAY, CAPTURE_OBJECT_TD))


def _key_at(buf, pos, end):
    """_key of the Data value at pos, read straight from the bytes when it is a
    date-time or an integer (the columns a range read restricts on)."""
    tag = buf[pos]
    p = -1
    if tag == OCTET_STRING and pos + 14 <= end and buf[pos + 1] == 12:
        p = pos + 2
    elif tag == DATE_TIME and pos + 13 <= end:
        p = pos + 1
    if p >= 0:
        y = (buf[p] << 8) | buf[p + 1]
        mo, d, hh, mm, ss = buf[p + 2], buf[p + 3], buf[p + 5], buf[p + 6], buf[p + 7]
        if y != 0xFFFF and 1 <= mo <= 12 and 1 <= d <= 31 and hh < 24 and mm < 60 and ss < 60:
            dev = (buf[p + 9] << 8) | buf[p + 10]
            dev = 0 if dev == 0x8000 else (dev - 0x10000 if dev & 0x8000 else dev)
            return (days_from_civil(y, mo, d) * 86400 + hh * 3600 + mm * 60 + ss + dev * 60)
    n = _INTS.get(tag)
    if n is not None and pos + 1 + n <= end:
        v = 0
        for i in range(pos + 1, pos + 1 + n):
            v = (v << 8) | buf[i]
        if tag in _SIGNED and v >> (8 * n - 1):
            v -= 1 << (8 * n)
        return v
    return _key(decode_data(buf, pos, end)[0])


_INTS = {5: 4, 6: 4, 15: 1, 16: 2, 17: 1, 18: 2, 20: 8, 21: 8, 22: 1}
_SIGNED = (5, 15, 16, 20)


def _key(v):
    """A value made comparable: date-times by their instant, numbers as numbers."""
    tag, x = v
    if tag == DATE_TIME:
        x = x.to_bytes()
        tag = OCTET_STRING
    if tag == OCTET_STRING and len(x) == 12:
        dt = DateTime.from_bytes(x)
        try:
            return dt.to_timestamp()
        except ValueError:
            # not fully specified: the fields from year to second, in order
            return bytes(x[:2]) + bytes(x[2:4]) + bytes(x[5:8])
    return x

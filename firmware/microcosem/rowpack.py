"""Uniform rows of an array in one struct call: the profile-buffer fast path.

A profile buffer is an array of structures that all have the same shape:
the same element tags, the same octet-string lengths, only the values
differ.  Such an array is a fixed-size record repeated n times, so it
decodes with one `unpack_from` and encodes with one `pack`, and the bytes
that are not values (tags, counts, string lengths, the "skeleton") are
checked or written a column at a time with step slices.

Both functions return None when the array is not of that kind (a row of
another shape, a type they do not cover, a value out of range), and the
caller takes its general path, which gives the exact error if there is
one.  Nothing is appended to `out` unless the whole array fits.

Covered element types: every fixed-size integer type and octet-strings
shorter than 128 bytes.  Only loaded where bytes and bytearray take step
slices (CPython); MicroPython's general path is its only path.
"""

import struct
try:
    from operator import itemgetter  # C on CPython, where axdr uses this module
except ImportError:  # MicroPython has no operator; axdr never loads this module there

    def itemgetter(i):
        return lambda x: x[i]
from struct import pack, unpack_from

from .axdr import _NUMBERS

# tag -> (struct code, size, lowest, highest): axdr._NUMBERS without the ">"
_CODES = {}
for _tag, (_fmt, _size, _lo, _hi) in _NUMBERS.items():
    _CODES[_tag] = (_fmt[-1], _size, _lo, _hi)
_StructError = getattr(struct, "error", ValueError)
_FIRST = itemgetter(0)
_SECOND = itemgetter(1)
_OCTET_STRING = 9
_STRUCTURE = 2
MIN_ROWS = 8  # below this the general path is as fast


def _layout(shape):
    """(row format, row size, skeleton [(offset, byte)]) for a row whose
    elements are `shape`: [(tag, string length or None), ...]."""
    fmt = ["x", "x"]  # structure tag and element count
    skeleton = [(0, _STRUCTURE), (1, len(shape))]
    size = 2
    for tag, n in shape:
        skeleton.append((size, tag))
        if n is None:
            code, width, _, _ = _CODES[tag]
            fmt.append("x" + code)
            size += 1 + width
        else:
            skeleton.append((size + 1, n))
            fmt.append("xx%ds" % n)
            size += 2 + n
    return "".join(fmt), size, skeleton


def _shape_at(buf, pos, end):
    # the shape of the structure whose tag is at buf[pos], or None
    if pos + 2 > end or buf[pos] != _STRUCTURE:
        return None
    k = buf[pos + 1]
    if k == 0 or k >= 0x80:
        return None
    shape = []
    p = pos + 2
    for _ in range(k):
        if p >= end:
            return None
        tag = buf[p]
        c = _CODES.get(tag)
        if c is not None:
            shape.append((tag, None))
            p += 1 + c[1]
        elif tag == _OCTET_STRING and p + 1 < end and buf[p + 1] < 0x80:
            shape.append((tag, buf[p + 1]))
            p += 2 + buf[p + 1]
        else:
            return None
    return shape


def decode_rows(buf, pos, end, n):
    """The n rows of an array whose first row starts at buf[pos], as a list
    of Data structures, and the offset after them; or None."""
    shape = _shape_at(buf, pos, end)
    if shape is None:
        return None
    fmt, size, skeleton = _layout(shape)
    stop = pos + n * size
    if stop > end:
        return None
    for off, byte in skeleton:
        if buf[pos + off:stop:size] != bytes((byte,)) * n:
            return None
    values = unpack_from(">" + fmt * n, buf, pos)
    # rows built column-wise by zip and map, in C: (tag, value) pairs per
    # column, then a list per row, then the (STRUCTURE, row) pairs
    k = len(shape)
    pairs = [zip((shape[j][0],) * n, values[j::k]) for j in range(k)]
    return list(zip((_STRUCTURE,) * n, map(list, zip(*pairs)))), stop


def encode_rows(out, items):
    """Append the elements `items` (Data structures of one shape) to `out`
    and return True; or return False and leave `out` as it was."""
    n = len(items)
    first = items[0]
    if type(first) is not tuple or first[0] != _STRUCTURE:
        return False
    shape = []
    for item in first[1]:
        tag = item[0]
        if tag in _CODES:
            shape.append((tag, None))
        elif tag == _OCTET_STRING and type(item[1]) is bytes and len(item[1]) < 0x80:
            shape.append((tag, len(item[1])))
        else:
            return False
    k = len(shape)
    if k == 0 or k >= 0x80:
        return False
    # Column by column, all in C: itemgetter maps take the columns apart,
    # struct and join check and pack each one, step slices scatter it into
    # the rows; no Python loop runs per row.  (Not zip(*items): it makes an
    # iterator per row, and a thousand new objects wake the cyclic collector,
    # which then walks the whole value.)
    try:
        if (set(map(len, items)) != {2} or tuple(map(_FIRST, items)) != (_STRUCTURE,) * n):
            return False
        inners = tuple(map(_SECOND, items))
        if set(map(len, inners)) != {k}:
            return False
    except TypeError:  # an element that is no (tag, value) pair
        return False
    _, size, skeleton = _layout(shape)
    rows = bytearray(size * n)
    off = 2
    for j in range(k):
        tag, length = shape[j]
        try:
            pairs = tuple(map(itemgetter(j), inners))
            if tuple(map(_FIRST, pairs)) != (tag,) * n:
                return False
            column = tuple(map(_SECOND, pairs))
            if length is None:
                # struct refuses what the general path refuses (a float, a value
                # out of range) and takes what it takes (a bool): no check of ours
                code, width, _, _ = _CODES[tag]
                packed = pack(">%d%s" % (n, code), *column)
                off += 1
            else:
                # (tag, value) exactly, as the general path unpacks a string's pair
                if set(map(len, pairs)) != {2} or set(map(len, column)) != {length}:
                    return False
                packed = b"".join(column)  # refuses str, int, None
                width = length
                off += 2
        except (TypeError, IndexError, ValueError, _StructError):
            return False
        for b in range(width):
            rows[off + b::size] = packed[b::width]
        off += width
    for off, byte in skeleton:
        rows[off::size] = bytes((byte,)) * n
    out += rows
    return True

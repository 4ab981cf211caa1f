"""The parts of axdr.py a meter never calls: ArrayReader (a client walking a
long profile buffer row by row), decode_optional and type_tag (the CLI's).

Importable from microcosem.axdr as before (its module __getattr__ loads this
module on first use); a meter build leaves it out.
"""

from .axdr import ARRAY, STRUCTURE, _TYPE_TAGS, _TYPE_TEXT, _decode, decode_length
from .errors import DecodeError, IncompleteData


def type_tag(name):
    names = _TYPE_TEXT.split()
    for i in range(len(names)):
        if names[i] == name:
            return _TYPE_TAGS[i]
    raise KeyError(name)


def decode_optional(buf, pos, end):
    """OPTIONAL / DEFAULT marker: True if a value follows."""
    if pos >= end:
        raise IncompleteData("optional marker expected", pos)
    m = buf[pos]
    if m > 1:
        raise DecodeError("bad OPTIONAL marker 0x%02X" % m, pos)
    return m == 1, pos + 1


class ArrayReader:
    """Walks an array (or a structure) element by element without decoding it whole.

        r = ArrayReader(buf, pos)        # buf[pos] is the array tag
        for row in r: ...                # each element decoded on its own
        r.end                            # offset after the array, once walked

    Only the current element lives on the heap, so a 1000-row profile
    buffer costs what one row costs.
    """

    def __init__(self, buf, pos=0, end=None):
        if end is None:
            end = len(buf)
        if pos >= end:
            raise IncompleteData("array expected", pos)
        tag = buf[pos]
        if tag != ARRAY and tag != STRUCTURE:
            raise DecodeError("not an array or structure (tag %d)" % tag, pos)
        self.tag = tag
        self.count, self._pos = decode_length(buf, pos + 1, end)
        if self.count > end - self._pos:
            raise IncompleteData("%d elements cannot fit" % self.count, self._pos)
        self._buf = buf
        self._end = end
        self.end = None

    def __iter__(self):
        buf, end = self._buf, self._end
        pos = self._pos
        for _ in range(self.count):
            v, pos = _decode(buf, pos, end, 1)
            yield v
        self.end = pos

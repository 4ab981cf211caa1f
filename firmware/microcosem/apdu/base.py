"""What every APDU class shares.

An APDU is a plain object whose attributes are listed in FIELDS, in wire
order.  `encode_into(out)` appends its whole encoding (tag included) to a
bytearray, all or nothing (subclasses write `_encode(out)`); the classmethod
`decode(buf, pos, end)` reads one whose first byte is at `pos` and returns
(apdu, next_pos).  Values inside are the forms of
microcosem.axdr (Data tuples), ints, bytes (OBIS codes are 6 bytes), lists,
tuples, and None for an absent OPTIONAL; each class's docstring gives the form
of each field.

NAMES is a tuple of (field, table) pairs, each table a tuple of (code, name):
the readable name of that field's int value (of each int, when the field is a
list).  A value the table lacks, or a non-int value (a Data tuple where a
Get-Data-Result holds data), has no name there.  A class's NAMES is a
`Names`: the tables are read from apdu/names.py when it is iterated, so that
a meter that never prints a name never loads them.
"""

from ..errors import DecodeError, EncodeError

_CONVERTED = (TypeError, ValueError, AttributeError, IndexError, KeyError, OverflowError)


class Names:
    """NAMES of a class: Names(("result", "DATA_ACCESS_RESULT_NAMES"), ...), each
    pair a field and the name of its table in apdu.names; iterating gives
    (field, table) pairs."""

    def __init__(self, *pairs):
        self._pairs = pairs

    def __iter__(self):
        from . import names
        return iter([(f, getattr(names, t)) for f, t in self._pairs])


class Apdu:
    FIELDS = ()
    NAMES = ()
    TAG = None  # first byte on the wire

    def __init__(self, **kwargs):
        for name in self.FIELDS:
            setattr(self, name, kwargs.pop(name, None))
        if kwargs:
            raise TypeError("%s has no field %s" % (type(self).__name__, ", ".join(kwargs)))

    def to_bytes(self):
        out = bytearray()
        self.encode_into(out)
        return bytes(out)

    def encode_into(self, out):
        """Append the whole APDU to `out`; returns `out`.  All or nothing: a
        field that cannot be encoded raises EncodeError and leaves `out` as it was."""
        start = len(out)
        try:
            self._encode(out)
        except EncodeError:
            out[start:] = b""
            raise
        except _CONVERTED as e:  # a field of the wrong shape (a tuple too short, ...)
            out[start:] = b""
            raise EncodeError("%s: %s" % (type(self).__name__, e))
        return out

    def _encode(self, out):
        raise NotImplementedError

    @classmethod
    def decode(cls, buf, pos=0, end=None):
        raise NotImplementedError

    @classmethod
    def from_bytes(cls, data):
        """Decode exactly one APDU of this class from `data`."""
        apdu, pos = cls.decode(data, 0, len(data))
        if pos != len(data):
            raise DecodeError("%d bytes after the APDU" % (len(data) - pos), pos)
        return apdu

    def fields(self):
        return tuple(getattr(self, n) for n in self.FIELDS)

    def __eq__(self, other):
        return type(other) is type(self) and other.fields() == self.fields()

    def __ne__(self, other):
        return not self.__eq__(other)

    def __repr__(self):
        return "%s(%s)" % (type(self).__name__,
                           ", ".join("%s=%r" % (n, getattr(self, n)) for n in self.FIELDS))

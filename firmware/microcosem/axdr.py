"""A-XDR codec for the COSEM `Data` CHOICE and the primitives xDLMS APDUs use.

The Python form of a Data value is a 2-tuple `(type_tag, value)`, so that a
value keeps its DLMS type through a round trip (`unsigned 5` stays unsigned):

    null-data             (NULL_DATA, None)
    array, structure      (ARRAY, [Data, ...]), (STRUCTURE, [Data, ...])
    boolean               (BOOLEAN, True)
    bit-string            (BIT_STRING, "0101")      one character per bit
    integer types, enum   (UNSIGNED, 5), (DOUBLE_LONG, -3), (ENUM, 2), (BCD, 0x42)
    octet-string          (OCTET_STRING, b"\\x01\\x02")
    visible-string        (VISIBLE_STRING, "abc")   bytes if not ASCII
    utf8-string           (UTF8_STRING, "µ")        bytes if not valid UTF-8
    float32, float64      (FLOAT32, 1.5)            the raw 4/8 bytes if a float
                                                    cannot carry them (NaN payloads,
                                                    single-precision runtimes)
    date-time, date, time (DATE_TIME, DateTime(...)) from microcosem.cosemdate;
                                                    raw bytes also accepted
    compact-array         (COMPACT_ARRAY, (type_description, [Data, ...]))
    dont-care             (DONT_CARE, None)

A type description is an int tag for a simple type, `(ARRAY, count, td)` or
`(STRUCTURE, (td, ...))`.  Arrays and structures decode to lists; encoding
takes lists or tuples.  Values are built by hand with the tag constants:
`(STRUCTURE, [(UNSIGNED, 5), (OCTET_STRING, b"...")])`.

Decoding reads a buffer (bytes, bytearray or memoryview) from an offset and
copies only leaf values; `ArrayReader` walks a large array one element at a
time (axdr_tools.py).  Encoding appends to a caller's bytearray, so one buffer serves many
APDUs.  Malformed input raises DecodeError (IncompleteData when the bytes
merely stop early) carrying the offset, and nothing else.
"""

from struct import pack, unpack_from

from .compat import STEP_SLICES, const
from .cosemdate import Date, DateTime, Time
from .errors import DecodeError, EncodeError, IncompleteData

NULL_DATA = const(0)
ARRAY = const(1)
STRUCTURE = const(2)
BOOLEAN = const(3)
BIT_STRING = const(4)
DOUBLE_LONG = const(5)
DOUBLE_LONG_UNSIGNED = const(6)
OCTET_STRING = const(9)
VISIBLE_STRING = const(10)
UTF8_STRING = const(12)
BCD = const(13)
INTEGER = const(15)
LONG = const(16)
UNSIGNED = const(17)
LONG_UNSIGNED = const(18)
COMPACT_ARRAY = const(19)
LONG64 = const(20)
LONG64_UNSIGNED = const(21)
ENUM = const(22)
FLOAT32 = const(23)
FLOAT64 = const(24)
DATE_TIME = const(25)
DATE = const(26)
TIME = const(27)
DONT_CARE = const(255)

# Nesting bound: a profile buffer is 3 deep, a compact array a few more.  The
# bound keeps a hostile input from exhausting a small C stack (ESP32: 16 KiB).
MAX_DEPTH = const(16)

# The type names, for error messages and the CLI: the tags in _TYPE_TAGS, the
# names in that order in _TYPE_TEXT.  A bytes and one str keep 2.4k less heap
# than 25 (tag, name) pairs on 64-bit MicroPython; TYPE_NAMES, those pairs, is
# built when asked for (module __getattr__ at the end).
_TYPE_TAGS = b"\x00\x01\x02\x03\x04\x05\x06\x09\x0A\x0C\x0D\x0F\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1A\x1B\xFF"
_TYPE_TEXT = (
    "null-data array structure boolean bit-string double-long double-long-unsigned "
    "octet-string visible-string utf8-string bcd integer long unsigned long-unsigned "
    "compact-array long64 long64-unsigned enum float32 float64 date-time date time "
    "dont-care"
)


def type_name(tag):
    try:
        i = _TYPE_TAGS.find(bytes((tag,)))
    except (TypeError, ValueError, OverflowError):  # not a byte: no such type
        i = -1
    if i < 0:
        raise KeyError(tag)
    return _TYPE_TEXT.split()[i]


# Fixed-size numbers: tag -> (struct format, size, lowest, highest)
_NUMBERS = {
    DOUBLE_LONG: (">i", 4, -0x80000000, 0x7FFFFFFF),
    DOUBLE_LONG_UNSIGNED: (">I", 4, 0, 0xFFFFFFFF),
    BCD: ("B", 1, 0, 0xFF),
    INTEGER: ("b", 1, -0x80, 0x7F),
    LONG: (">h", 2, -0x8000, 0x7FFF),
    UNSIGNED: ("B", 1, 0, 0xFF),
    LONG_UNSIGNED: (">H", 2, 0, 0xFFFF),
    LONG64: (">q", 8, -0x8000000000000000, 0x7FFFFFFFFFFFFFFF),
    LONG64_UNSIGNED: (">Q", 8, 0, 0xFFFFFFFFFFFFFFFF),
    ENUM: ("B", 1, 0, 0xFF),
}
_FLOATS = {FLOAT32: (">f", 4), FLOAT64: (">d", 8)}
_STAMPS = {DATE_TIME: DateTime, DATE: Date, TIME: Time}
_STRINGS = (OCTET_STRING, VISIBLE_STRING, UTF8_STRING)

# ---------------------------------------------------------------- primitives


def decode_length(buf, pos, end):
    """A-XDR length: one byte below 0x80, else 0x80+n then n big-endian bytes.

    Returns (length, next_pos).  A length longer than four bytes is refused:
    no DLMS APDU is 4 GiB long, and the bound keeps big ints off small heaps.
    """
    if pos >= end:
        raise IncompleteData("length expected", pos)
    n = buf[pos]
    if n < 0x80:
        return n, pos + 1
    n &= 0x7F
    if n == 0 or n > 4:
        raise DecodeError("bad length field 0x%02X" % buf[pos], pos)
    if pos + 1 + n > end:
        raise IncompleteData("length field truncated", pos)
    v = 0
    for i in range(pos + 1, pos + 1 + n):
        v = (v << 8) | buf[i]
    return v, pos + 1 + n


def encode_length(out, n):
    if n < 0x80:
        out.append(n)
    elif n < 0x100:
        out.append(0x81)
        out.append(n)
    elif n < 0x10000:
        out.append(0x82)
        out.append(n >> 8)
        out.append(n & 0xFF)
    elif n <= 0xFFFFFFFF:
        out.append(0x84)
        out += pack(">I", n)
    else:
        raise EncodeError("length too large: %d" % n)


def decode_uint(buf, pos, end, size):
    """A fixed-size unsigned integer (Unsigned8/16/32/64)."""
    if pos + size > end:
        raise IncompleteData("%d-byte integer truncated" % size, pos)
    v = 0
    for i in range(pos, pos + size):
        v = (v << 8) | buf[i]
    return v, pos + size


def encode_uint(out, v, size):
    if not 0 <= v < (1 << (8 * size)):
        raise EncodeError("%r does not fit in %d unsigned bytes" % (v, size))
    out += v.to_bytes(size, "big")


def decode_octets(buf, pos, end):
    """A length-prefixed OCTET STRING, copied out as bytes."""
    n, pos = decode_length(buf, pos, end)
    if pos + n > end:
        raise IncompleteData("octet string of %d bytes runs past the end" % n, pos)
    return bytes(buf[pos:pos + n]), pos + n


def encode_octets(out, b):
    encode_length(out, len(b))
    out += b


# ---------------------------------------------------------------- decoding


def decode(buf):
    """The one Data value that `buf` holds; trailing bytes are an error."""
    v, pos = decode_data(buf, 0)
    if pos != len(buf):
        raise DecodeError("%d bytes after the data" % (len(buf) - pos), pos)
    return v


def decode_data(buf, pos=0, end=None):
    """Decode one Data value at `pos`; returns (value, next_pos)."""
    if end is None:
        end = len(buf)
    return _decode(buf, pos, end, 0)


def _decode(buf, pos, end, depth):
    if pos >= end:
        raise IncompleteData("data expected", pos)
    tag = buf[pos]
    pos += 1
    num = _NUMBERS.get(tag)
    if num is not None:
        size = num[1]
        if pos + size > end:
            raise IncompleteData("%s truncated" % type_name(tag), pos)
        return (tag, unpack_from(num[0], buf, pos)[0]), pos + size
    if tag == STRUCTURE or tag == ARRAY:
        if depth >= MAX_DEPTH:
            raise DecodeError("data nested deeper than %d" % MAX_DEPTH, pos - 1)
        n, pos = decode_length(buf, pos, end)
        if n > end - pos:  # every element takes a byte at least
            raise IncompleteData("%d elements cannot fit in %d bytes" % (n, end - pos), pos)
        if _rowpack is not None and n >= _rowpack.MIN_ROWS and depth + 2 < MAX_DEPTH:
            rows = _rowpack.decode_rows(buf, pos, end, n)
            if rows is not None:
                return (tag, rows[0]), rows[1]
        # sized once: growing a list by appends reallocates, and fragments a small heap
        items = [None] * n
        depth += 1
        numbers = _NUMBERS
        for i in range(n):
            # fixed-size numbers inline, without a call: most of a profile row is numbers
            num = numbers.get(buf[pos]) if pos < end else None
            if num is not None:
                size = num[1]
                if pos + 1 + size > end:
                    raise IncompleteData("number truncated", pos)
                items[i] = (buf[pos], unpack_from(num[0], buf, pos + 1)[0])
                pos += 1 + size
            else:
                items[i], pos = _decode(buf, pos, end, depth)
        return (tag, items), pos
    if tag == COMPACT_ARRAY:
        if depth >= MAX_DEPTH:
            raise DecodeError("data nested deeper than %d" % MAX_DEPTH, pos - 1)
        td, pos = _decode_td(buf, pos, end, depth + 1)
        n, pos = decode_length(buf, pos, end)
        stop = pos + n
        if stop > end:
            raise IncompleteData("compact-array contents run past the end", pos)
        items = []
        while pos < stop:
            at = pos
            v, pos = _decode_untagged(buf, pos, stop, td, depth + 1)
            if pos == at:  # elements of no size: the contents cannot say how many
                raise DecodeError("compact-array elements of this type take no bytes", at)
            items.append(v)
        return (tag, (td, items)), pos
    return _leaf(buf, pos, end, tag)


def _leaf(buf, pos, end, tag):
    """A value of a simple type whose tag has been read (or, in a compact array, implied)."""
    num = _NUMBERS.get(tag)
    if num is not None:
        if pos + num[1] > end:
            raise IncompleteData("%s truncated" % type_name(tag), pos)
        return (tag, unpack_from(num[0], buf, pos)[0]), pos + num[1]
    if tag == OCTET_STRING or tag == VISIBLE_STRING or tag == UTF8_STRING:
        n, pos = decode_length(buf, pos, end)
        if n > end - pos:
            raise IncompleteData("string of %d bytes runs past the end" % n, pos)
        v = bytes(buf[pos:pos + n])
        return (tag, v if tag == OCTET_STRING else _text(v, tag)), pos + n
    if tag == BOOLEAN:
        if pos >= end:
            raise IncompleteData("boolean truncated", pos)
        return (tag, buf[pos] != 0), pos + 1
    if tag == NULL_DATA or tag == DONT_CARE:
        return (tag, None), pos
    stamp = _STAMPS.get(tag)
    if stamp is not None:
        if pos + stamp.SIZE > end:
            raise IncompleteData("%s truncated" % type_name(tag), pos)
        return (tag, stamp.from_bytes(buf, pos)), pos + stamp.SIZE
    fl = _FLOATS.get(tag)
    if fl is not None:
        fmt, size = fl
        if pos + size > end:
            raise IncompleteData("%s truncated" % type_name(tag), pos)
        raw = bytes(buf[pos:pos + size])
        v = unpack_from(fmt, raw, 0)[0]
        return (tag, v if pack(fmt, v) == raw else raw), pos + size
    if tag == BIT_STRING:
        bits, pos = decode_length(buf, pos, end)
        nbytes = (bits + 7) >> 3
        if nbytes > end - pos:
            raise IncompleteData("bit-string of %d bits runs past the end" % bits, pos)
        return (tag, _bits_text(buf, pos, bits)), pos + nbytes
    raise DecodeError("unknown data type tag %d" % tag, pos - 1)


def _text(raw, tag):
    if tag == VISIBLE_STRING:
        for c in raw:
            if c > 0x7F:
                return raw
    try:
        return raw.decode()
    except UnicodeError:
        return raw


def _bits_text(buf, pos, bits):
    chars = bytearray(bits)
    for i in range(bits):
        chars[i] = 0x31 if buf[pos + (i >> 3)] & (0x80 >> (i & 7)) else 0x30
    return chars.decode()


def _simple_type(tag):
    return (tag in _NUMBERS or tag in _FLOATS or tag in _STAMPS or tag in _STRINGS
            or tag == NULL_DATA or tag == BOOLEAN or tag == BIT_STRING or tag == DONT_CARE)


def _decode_td(buf, pos, end, depth):
    """A compact-array TypeDescription."""
    if depth > MAX_DEPTH:
        raise DecodeError("type description nested deeper than %d" % MAX_DEPTH, pos)
    if pos >= end:
        raise IncompleteData("type description expected", pos)
    tag = buf[pos]
    pos += 1
    if tag == ARRAY:
        n, pos = decode_uint(buf, pos, end, 2)
        td, pos = _decode_td(buf, pos, end, depth + 1)
        return (ARRAY, n, td), pos
    if tag == STRUCTURE:
        n, pos = decode_length(buf, pos, end)
        if n > end - pos:
            raise IncompleteData("structure description runs past the end", pos)
        tds = []
        for _ in range(n):
            td, pos = _decode_td(buf, pos, end, depth + 1)
            tds.append(td)
        return (STRUCTURE, tuple(tds)), pos
    if not _simple_type(tag):
        raise DecodeError("bad type description tag %d" % tag, pos - 1)
    return tag, pos


def _decode_untagged(buf, pos, end, td, depth):
    """One value of a compact array's contents; its type comes from `td`."""
    if type(td) is int:
        return _leaf(buf, pos, end, td)
    items = []
    if td[0] == ARRAY:
        if td[1] > end - pos and not _empty_td(td[2]):
            raise IncompleteData("array of %d cannot fit" % td[1], pos)
        for _ in range(td[1]):
            v, pos = _decode_untagged(buf, pos, end, td[2], depth + 1)
            items.append(v)
        return (ARRAY, items), pos
    for sub in td[1]:
        v, pos = _decode_untagged(buf, pos, end, sub, depth + 1)
        items.append(v)
    return (STRUCTURE, items), pos


def _empty_td(td):
    # a type whose values take no bytes (null-data, an empty structure...)
    if type(td) is int:
        return td == NULL_DATA or td == DONT_CARE
    if td[0] == ARRAY:
        return td[1] == 0 or _empty_td(td[2])
    for sub in td[1]:
        if not _empty_td(sub):
            return False
    return True


# ---------------------------------------------------------------- encoding


class EncodedData:
    """A Data value given as its A-XDR bytes, possibly produced piece by piece.

    An object returns one of these for a value too large to build as Python
    objects (a profile buffer of thousands of rows): `chunks` is an iterable
    of bytes-like pieces whose concatenation is the encoding.  The server
    pulls pieces only as fast as it sends blocks.
    """

    def __init__(self, chunks):
        self.chunks = chunks

    def encode_into(self, out):
        for c in self.chunks:
            out += c


def encode(value):
    """The A-XDR bytes of one Data value."""
    out = bytearray()
    encode_data(out, value)
    return bytes(out)


def encode_data(out, value):
    """Append the encoding of `value` to the bytearray `out`; returns `out`."""
    try:
        _encode(out, value, 0)
    except EncodeError:
        raise
    except (TypeError, ValueError, AttributeError, IndexError, OverflowError) as e:
        raise EncodeError("cannot encode %r: %s" % (_short(value), e))
    return out


def _short(v):
    r = repr(v)
    return r if len(r) < 60 else r[:57] + "..."


def _encode(out, value, depth):
    if type(value) is EncodedData:
        value.encode_into(out)
        return
    tag, v = value
    num = _NUMBERS.get(tag)
    if num is not None:
        if not num[2] <= v <= num[3] or type(v) is float:
            raise EncodeError("%r out of range for %s" % (v, type_name(tag)))
        out.append(tag)
        out += pack(num[0], v)
        return
    if tag == STRUCTURE or tag == ARRAY:
        if depth >= MAX_DEPTH:
            raise EncodeError("data nested deeper than %d" % MAX_DEPTH)
        out.append(tag)
        encode_length(out, len(v))
        if (_rowpack is not None and len(v) >= _rowpack.MIN_ROWS and depth + 2 < MAX_DEPTH
                and _rowpack.encode_rows(out, v)):
            return
        depth += 1
        numbers = _NUMBERS
        for item in v:
            t = item[0]
            num = numbers.get(t)
            if num is not None:
                x = item[1]
                if not num[2] <= x <= num[3] or type(x) is float:
                    raise EncodeError("%r out of range for %s" % (x, type_name(t)))
                out.append(t)
                out += pack(num[0], x)
            else:
                _encode(out, item, depth)
        return
    if tag == COMPACT_ARRAY:
        if depth >= MAX_DEPTH:
            raise EncodeError("data nested deeper than %d" % MAX_DEPTH)
        td, items = v
        out.append(tag)
        _encode_td(out, td, depth + 1)
        if items and _empty_td(td):
            raise EncodeError("compact-array elements of this type take no bytes: their count would be lost")
        contents = bytearray()
        for item in items:
            _encode_untagged(contents, item, td, depth + 1)
        encode_length(out, len(contents))
        out += contents
        return
    out.append(tag)
    _encode_leaf(out, tag, v)


def _encode_leaf(out, tag, v):
    num = _NUMBERS.get(tag)
    if num is not None:
        if not num[2] <= v <= num[3] or type(v) is float:
            raise EncodeError("%r out of range for %s" % (v, type_name(tag)))
        out += pack(num[0], v)
    elif tag == OCTET_STRING or tag == VISIBLE_STRING or tag == UTF8_STRING:
        if isinstance(v, str):
            if tag == OCTET_STRING:
                raise EncodeError("octet-string takes bytes, not str")
            v = v.encode()
            if tag == VISIBLE_STRING:
                for c in v:
                    if c > 0x7F:
                        raise EncodeError("visible-string is ASCII only")
        encode_length(out, len(v))
        out += v
    elif tag == BOOLEAN:
        if v is not True and v is not False:
            raise EncodeError("boolean takes True or False, not %r" % (v,))
        out.append(1 if v else 0)
    elif tag == NULL_DATA or tag == DONT_CARE:
        if v is not None:
            raise EncodeError("%s takes None" % type_name(tag))
    elif tag in _STAMPS:
        cls = _STAMPS[tag]
        if isinstance(v, (bytes, bytearray)):
            if len(v) != cls.SIZE:
                raise EncodeError("%s takes %d bytes" % (type_name(tag), cls.SIZE))
            out += v
        elif type(v) is cls:
            v.encode_into(out)
        else:
            raise EncodeError("%s takes %s or bytes" % (type_name(tag), cls.__name__))
    elif tag in _FLOATS:
        fmt, size = _FLOATS[tag]
        if isinstance(v, (bytes, bytearray)):
            if len(v) != size:
                raise EncodeError("%s takes %d raw bytes" % (type_name(tag), size))
            out += v
        else:
            out += pack(fmt, float(v))
    elif tag == BIT_STRING:
        encode_length(out, len(v))
        acc = 0
        for i in range(len(v)):
            c = v[i]
            if c == "1":
                acc |= 0x80 >> (i & 7)
            elif c != "0":
                raise EncodeError("bit-string takes a text of 0 and 1")
            if i & 7 == 7:
                out.append(acc)
                acc = 0
        if len(v) & 7:
            out.append(acc)
    else:
        raise EncodeError("unknown data type tag %r" % (tag,))


def _encode_td(out, td, depth):
    if depth > MAX_DEPTH:
        raise EncodeError("type description nested deeper than %d" % MAX_DEPTH)
    if type(td) is int:
        if not _simple_type(td):
            raise EncodeError("bad type description tag %r" % (td,))
        out.append(td)
    elif td[0] == ARRAY:
        out.append(ARRAY)
        encode_uint(out, td[1], 2)
        _encode_td(out, td[2], depth + 1)
    elif td[0] == STRUCTURE:
        out.append(STRUCTURE)
        encode_length(out, len(td[1]))
        for sub in td[1]:
            _encode_td(out, sub, depth + 1)
    else:
        raise EncodeError("bad type description %r" % (td,))


def _encode_untagged(out, value, td, depth):
    tag, v = value
    if type(td) is int:
        if tag != td:
            raise EncodeError("compact-array element %s where %s is described"
                              % (type_name(tag), type_name(td)))
        _encode_leaf(out, tag, v)
        return
    if tag != td[0]:
        raise EncodeError("compact-array element does not match its description")
    if tag == ARRAY:
        if len(v) != td[1]:
            raise EncodeError("array of %d where %d are described" % (len(v), td[1]))
        for item in v:
            _encode_untagged(out, item, td[2], depth + 1)
    else:
        if len(v) != len(td[1]):
            raise EncodeError("structure of %d where %d are described" % (len(v), len(td[1])))
        for item, sub in zip(v, td[1]):
            _encode_untagged(out, item, sub, depth + 1)


# Arrays of uniform rows (profile buffers) in one struct call, where step
# slices make the column checks cheap; imported last, as it reads _NUMBERS.
if STEP_SLICES:
    from . import rowpack as _rowpack
else:
    _rowpack = None


def __getattr__(name):
    if name == "TYPE_NAMES":
        return tuple(zip(_TYPE_TAGS, _TYPE_TEXT.split()))
    # what a meter never calls lives in axdr_tools.py
    if name == "ArrayReader" or name == "decode_optional" or name == "type_tag":
        from . import axdr_tools
        return getattr(axdr_tools, name)
    raise AttributeError(name)

"""The little BER (ITU-T X.690) that the association-control APDUs need.

AARQ, AARE, RLRQ and RLRE are BER, everything else in DLMS is A-XDR.  Only
definite lengths occur there (IEC 62056-5-3 uses no indefinite forms), so this
module reads and writes identifier octets, definite lengths (short and long
form), and the contents of INTEGER, BIT STRING and OBJECT IDENTIFIER.

A tag is kept as the int of its identifier octets as printed in the standard:
0x60 for [APPLICATION 0], 0xA1 for [1] constructed, 0x5F1F for
[APPLICATION 31].  `read_tlv` returns where the contents start and stop in
the caller's buffer, so nothing is copied until a leaf value is taken.

Encoding appends to a caller's bytearray.  A constructed value is written
with `open_tlv`/`close_tlv`: the length is patched in once the contents are
known, so nested TLVs need no temporary buffers.

Bit strings are str of '0'/'1', one character per bit (the same form as the
A-XDR bit-string in microcosem.axdr), so the number of bits survives a round
trip.
"""

from .compat import const
from .errors import DecodeError, EncodeError, IncompleteData

# Universal tags (X.680 8.4)
INTEGER = const(0x02)
BIT_STRING = const(0x03)
OCTET_STRING = const(0x04)
OBJECT_IDENTIFIER = const(0x06)
GRAPHIC_STRING = const(0x19)

# No length in an ACSE APDU comes near 4 GiB; the bound keeps big ints off small heaps.
_MAX_LENGTH_OCTETS = const(4)
# An INTEGER in ACSE is a result, a reason or an invocation id: 8 bytes is plenty.
_MAX_INTEGER_OCTETS = const(8)
# 4 base-128 octets = 28 bits: every arc a DLMS OID has, and a small int on any port.
_MAX_ARC_OCTETS = const(4)


def read_tag(buf, pos, end):
    """Identifier octets at `pos`: returns (tag, next_pos)."""
    if pos >= end:
        raise IncompleteData("tag expected", pos)
    tag = buf[pos]
    if tag & 0x1F != 0x1F:
        return tag, pos + 1
    # high-tag-number form (X.690 8.1.2.4): base-128 octets, bit 8 = more follow
    start = pos
    pos += 1
    if pos < end and buf[pos] == 0x80:
        raise DecodeError("tag number with a leading zero octet", pos)
    number = 0
    while True:
        if pos >= end:
            raise IncompleteData("tag truncated", start)
        b = buf[pos]
        tag = (tag << 8) | b
        number = (number << 7) | (b & 0x7F)
        pos += 1
        if not b & 0x80:
            break
        if pos - start >= 4:
            raise DecodeError("tag too long", start)
    if number < 0x1F:
        raise DecodeError("tag number %d in the long form" % number, start)
    return tag, pos


def read_length(buf, pos, end):
    """Definite length at `pos`: returns (length, next_pos)."""
    if pos >= end:
        raise IncompleteData("length expected", pos)
    n = buf[pos]
    if n < 0x80:
        return n, pos + 1
    n &= 0x7F
    if n == 0:
        raise DecodeError("indefinite length", pos)
    if n > _MAX_LENGTH_OCTETS:
        raise DecodeError("length of %d octets" % n, pos)
    if pos + 1 + n > end:
        raise IncompleteData("length truncated", pos)
    v = 0
    for i in range(pos + 1, pos + 1 + n):
        v = (v << 8) | buf[i]
    return v, pos + 1 + n


def read_tlv(buf, pos, end, nested=False):
    """One TLV at `pos`: returns (tag, start, stop) with the contents in buf[start:stop].

    At the top level a value that runs past `end` may just not have arrived
    yet (IncompleteData); inside a parent (`nested`) it is malformed.
    """
    try:
        tag, p = read_tag(buf, pos, end)
        n, p = read_length(buf, p, end)
    except IncompleteData as e:
        if nested:  # the parent is complete, so this is no prefix of anything
            raise DecodeError(e.message, e.offset)
        raise
    if n > end - p:
        if nested:
            raise DecodeError("element 0x%X runs past its parent" % tag, pos)
        raise IncompleteData("0x%X of %d bytes runs past the end" % (tag, n), pos)
    return tag, p, p + n


def read_inner(buf, start, stop, tag):
    """The one TLV that fills an EXPLICIT wrapper's contents, which must be `tag`.

    Returns (inner_start, inner_stop).
    """
    t, s, e = read_tlv(buf, start, stop, True)
    if t != tag:
        raise DecodeError("0x%X where 0x%X was expected" % (t, tag), start)
    if e != stop:
        raise DecodeError("%d bytes after 0x%X" % (stop - e, tag), e)
    return s, e


# ---------------------------------------------------------------- writing


def write_tag(out, tag):
    if tag < 0 or tag > 0xFFFFFFFF:
        raise EncodeError("bad tag %r" % tag)
    if tag > 0xFFFFFF:
        out.append(tag >> 24)
    if tag > 0xFFFF:
        out.append((tag >> 16) & 0xFF)
    if tag > 0xFF:
        out.append((tag >> 8) & 0xFF)
    out.append(tag & 0xFF)


def _long_length(n):
    if n < 0x100:
        return bytes((0x81, n))
    if n < 0x10000:
        return bytes((0x82, n >> 8, n & 0xFF))
    if n < 0x1000000:
        return bytes((0x83, n >> 16, (n >> 8) & 0xFF, n & 0xFF))
    if n <= 0xFFFFFFFF:
        return bytes((0x84, n >> 24, (n >> 16) & 0xFF, (n >> 8) & 0xFF, n & 0xFF))
    raise EncodeError("length too large: %d" % n)


def write_length(out, n):
    if n < 0x80:
        out.append(n)
    else:
        out += _long_length(n)


def write_tlv(out, tag, contents):
    write_tag(out, tag)
    write_length(out, len(contents))
    out += contents


def open_tlv(out, tag):
    """Start a TLV whose contents are appended next; returns the mark for close_tlv."""
    write_tag(out, tag)
    out.append(0)
    return len(out)


def close_tlv(out, mark):
    """Patch the length of the TLV opened at `mark` (long form moves the contents up)."""
    n = len(out) - mark
    if n < 0x80:
        out[mark - 1] = n
    else:
        out[mark - 1:mark] = _long_length(n)


# ---------------------------------------------------------------- contents


def read_integer(buf, start, stop):
    """INTEGER contents: two's complement, big-endian."""
    n = stop - start
    if n == 0:
        raise DecodeError("empty INTEGER", start)
    if n > _MAX_INTEGER_OCTETS:
        raise DecodeError("INTEGER of %d octets" % n, start)
    v = 0
    for i in range(start, stop):
        v = (v << 8) | buf[i]
    if buf[start] & 0x80:
        v -= 1 << (8 * n)
    return v


def write_integer(out, v):
    """INTEGER contents in the fewest octets (X.690 8.3.2)."""
    if not isinstance(v, int) or isinstance(v, bool):
        raise EncodeError("INTEGER needs an int, not %r" % (v,))
    n = 1
    while not -(1 << (8 * n - 1)) <= v < (1 << (8 * n - 1)):
        n += 1
    if n > _MAX_INTEGER_OCTETS:
        raise EncodeError("INTEGER %d too large" % v)
    out += (v & ((1 << (8 * n)) - 1)).to_bytes(n, "big")


def read_bit_string(buf, start, stop):
    """BIT STRING contents (unused-bit count, then the bits) as a str of '0'/'1'.

    Unused trailing bits are ignored whatever their value (BER leaves them to
    the sender).
    """
    if start >= stop:
        raise DecodeError("empty BIT STRING", start)
    unused = buf[start]
    if unused > 7 or (unused and stop - start == 1):
        raise DecodeError("BIT STRING with %d unused bits" % unused, start)
    bits = 8 * (stop - start - 1) - unused
    chars = bytearray(bits)
    for i in range(bits):
        chars[i] = 0x31 if buf[start + 1 + (i >> 3)] & (0x80 >> (i & 7)) else 0x30
    return chars.decode()


def write_bit_string(out, bits):
    """BIT STRING contents from a str of '0'/'1' (bit 0 first, in the MSB)."""
    if not isinstance(bits, str):
        raise EncodeError("BIT STRING needs a str of 0/1, not %r" % (bits,))
    n = len(bits)
    out.append((8 - n % 8) % 8)
    acc = 0
    for i in range(n):
        c = bits[i]
        if c == "1":
            acc |= 0x80 >> (i & 7)
        elif c != "0":
            raise EncodeError("BIT STRING character %r" % c)
        if i & 7 == 7:
            out.append(acc)
            acc = 0
    if n & 7:
        out.append(acc)


def read_oid(buf, start, stop):
    """OBJECT IDENTIFIER contents as a tuple of arcs: 2.16.756.5.8.1.1 -> (2, 16, 756, 5, 8, 1, 1)."""
    if start >= stop:
        raise DecodeError("empty OBJECT IDENTIFIER", start)
    arcs = []
    pos = start
    while pos < stop:
        if buf[pos] == 0x80:
            raise DecodeError("OID arc with a leading zero octet", pos)
        v = 0
        first = pos
        while True:
            if pos >= stop:
                raise DecodeError("OID arc truncated", first)
            if pos - first >= _MAX_ARC_OCTETS:
                raise DecodeError("OID arc too large", first)
            b = buf[pos]
            v = (v << 7) | (b & 0x7F)
            pos += 1
            if not b & 0x80:
                break
        if not arcs:  # the first subidentifier carries two arcs (X.690 8.19.4)
            if v < 40:
                arcs.append(0)
            elif v < 80:
                arcs.append(1)
                v -= 40
            else:
                arcs.append(2)
                v -= 80
        arcs.append(v)
    return tuple(arcs)


def write_oid(out, arcs):
    """OBJECT IDENTIFIER contents from a tuple of arcs."""
    try:
        n = len(arcs)
        ok = n >= 2 and 0 <= arcs[0] <= 2 and arcs[1] >= 0 and (arcs[0] == 2 or arcs[1] < 40)
    except TypeError:
        ok = False
    if not ok:
        raise EncodeError("bad OBJECT IDENTIFIER %r" % (arcs,))
    for i in range(1, n):
        v = arcs[i] + 40 * arcs[0] if i == 1 else arcs[i]
        if not isinstance(v, int) or v < 0 or v >= 1 << (7 * _MAX_ARC_OCTETS):
            raise EncodeError("bad OID arc %r" % (arcs[i],))
        shift = 7
        while v >> shift:
            shift += 7
        shift -= 7
        while shift:
            out.append(0x80 | ((v >> shift) & 0x7F))
            shift -= 7
        out.append(v & 0x7F)

"""OBIS codes (IEC 62056-6-1): six value groups A.B.C.D.E.F, one byte each.

In the stack an OBIS code is its 6 bytes, as on the wire.  Text comes in the
forms people write:

    "1.0.1.8.0.255"      dotted, the Blue Book's logical-name notation
    "1-0:1.8.0*255"      IEC 62056-6-1 notation ("&" may stand for "*")
    "1-0:1.8.0"          F omitted: 255
    "0.0.C.1.0.255"      letters for the reserved C values: C=96 F=97 L=98 P=99
"""

from .errors import DlmsError

_LETTERS = (("C", 96), ("F", 97), ("L", 98), ("P", 99))


class ObisError(DlmsError):
    """Text or bytes that are not an OBIS code."""


def obis(code):
    """Six bytes from an OBIS text, bytes, or a sequence of six ints."""
    if isinstance(code, str):
        return parse(code)
    try:
        b = bytes(code)
    except (TypeError, ValueError):
        raise ObisError("not an OBIS code: %r" % (code,))
    if len(b) != 6:
        raise ObisError("an OBIS code has 6 bytes, not %d" % len(b))
    return b


def parse(text):
    s = text.strip()
    if ":" in s or "-" in s:
        head, sep, tail = s.partition(":")
        if not sep:
            raise ObisError("OBIS %r: expected A-B:C.D.E[*F]" % text)
        a, sep, b = head.partition("-")
        if not sep:
            raise ObisError("OBIS %r: expected A-B before ':'" % text)
        tail = tail.replace("&", "*")
        cde, star, f = tail.partition("*")
        parts = [a, b] + cde.split(".")
        if star:
            parts.append(f)
        elif len(parts) == 5:
            parts.append("255")
    else:
        parts = s.split(".")
    if len(parts) != 6:
        raise ObisError("OBIS %r: expected six value groups" % text)
    out = bytearray(6)
    for i in range(6):
        out[i] = _group(parts[i], text)
    return bytes(out)


def _group(p, text):
    p = p.strip()
    for letter, value in _LETTERS:
        if p == letter:
            return value
    if not p or not p.isdigit():
        raise ObisError("OBIS %r: %r is not a value group" % (text, p))
    v = int(p)
    if v > 255:
        raise ObisError("OBIS %r: %d is over 255" % (text, v))
    return v


def to_text(code, style="dotted"):
    """'1.0.1.8.0.255' (dotted) or '1-0:1.8.0*255' (iec)."""
    b = obis(code)
    if style == "iec":
        return "%d-%d:%d.%d.%d*%d" % tuple(b)
    return "%d.%d.%d.%d.%d.%d" % tuple(b)

"""The round trip every APDU test makes (shared by tests/portable/test_apdu_*.py,
test_acse.py): decode by class and by dispatch, encode back byte for byte,
and every truncation a DecodeError."""

from checks import raises, unhex
from microcosem.apdu import decode_apdu
from microcosem.errors import DecodeError, EncodeError


def check(cls, hexstr, apdu):
    """`hexstr` decodes to `apdu` (by class and by dispatch), `apdu` encodes back
    to the same bytes, every truncation and a trailing byte are DecodeErrors,
    and decoding works from inside a larger buffer with `end` short of it.
    Returns the decoded APDU."""
    data = unhex(hexstr)
    got = cls.from_bytes(data)
    assert got == apdu, got
    d = decode_apdu(data)
    assert type(d) is cls and d == apdu, d
    assert apdu.to_bytes() == data, apdu.to_bytes().hex()
    for i in range(len(data)):
        raises(DecodeError, decode_apdu, data[:i])
        raises(DecodeError, cls.from_bytes, data[:i])
    raises(DecodeError, decode_apdu, data + b"\x00")
    big = b"\xAA" + data + b"\xBB"
    a, pos = cls.decode(memoryview(big), 1, len(big) - 1)
    assert a == apdu and pos == len(big) - 1
    # `end` past the buffer is clamped, never an IndexError
    a, pos = cls.decode(data, 0, len(data) + 5)
    assert a == apdu and pos == len(data)
    return got


def refuses(apdus):
    """Each APDU's encode_into raises EncodeError and leaves the buffer as it was."""
    out = bytearray(b"\x7e")
    for a in apdus:
        raises(EncodeError, a.encode_into, out)
        assert out == b"\x7e", (a, out)
        raises(EncodeError, a.to_bytes)


def malformed(hexes):
    for h in hexes:
        raises(DecodeError, decode_apdu, unhex(h))

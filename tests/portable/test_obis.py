# heapsize: 64k
"""OBIS codes to and from text and bytes."""

from checks import raises
from microcosem import obis
from microcosem.obis import ObisError

ENERGY = b"\x01\x00\x01\x08\x00\xff"


def test_the_written_forms():
    for text in ("1.0.1.8.0.255", "1-0:1.8.0*255", "1-0:1.8.0&255", "1-0:1.8.0", " 1-0:1.8.0.255 "):
        assert obis.parse(text) == ENERGY, text
    assert obis.parse("0.0.C.1.0.255") == b"\x00\x00\x60\x01\x00\xff"
    assert obis.parse("0-0:F.F.0") == b"\x00\x00\x61\x61\x00\xff"


def test_to_text():
    assert obis.to_text(ENERGY) == "1.0.1.8.0.255"
    assert obis.to_text(ENERGY, "iec") == "1-0:1.8.0*255"
    assert obis.to_text([0, 0, 42, 0, 0, 255]) == "0.0.42.0.0.255"


def test_round_trip_of_every_byte_value():
    for v in range(256):
        b = bytes((v, 255 - v, v, v, 0, v))
        assert obis.parse(obis.to_text(b)) == b
        assert obis.parse(obis.to_text(b, "iec")) == b


def test_bad_codes():
    for text in ("1.0.1.8.0", "1.0.1.8.0.256", "1.0.1.8.x.255", "1-0 1.8.0", "1:1.8.0", "", "1..1.8.0.255",
                 "1.0.1.8.0.255.1", "1-0:1.8.0*"):
        raises(ObisError, obis.parse, text)
    raises(ObisError, obis.obis, b"\x01\x02")
    raises(ObisError, obis.obis, 5)

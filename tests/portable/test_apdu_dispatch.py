# heapsize: 160k
# (the first test imports every APDU module, all 42 classes: measured need 144k on the
# 64-bit unix port, which keeps the loaded .mpy code in the heap; 176k before apdu/names.py)
"""apdu.decode_apdu / apdu_class: the table, the classes found once, the same answers after."""

from checks import raises, unhex
from microcosem.apdu import APDU_TABLE, apdu_class, decode_apdu, decode_apdu_at
from microcosem.errors import DecodeError, IncompleteData

GET = unhex("C0 01 C1 00 03 01 00 01 08 00 FF 02 00")


def test_every_row_has_its_class():
    for tag, choice, _, name in APDU_TABLE:
        for _ in range(2):  # the scan, then the class found
            cls = apdu_class(tag, choice)
            assert cls.__name__ == name
            assert cls.TAG == tag


def test_choice_rules():
    assert apdu_class(0xC0, None) is None        # a service family needs its CHOICE
    assert apdu_class(0xC0, 9) is None
    assert apdu_class(0xC0, 0x1C0) is None       # not a byte: never read as another key
    assert apdu_class(0x99) is None
    aarq = apdu_class(0x60)
    assert apdu_class(0x60, 3) is aarq           # a tag without CHOICE takes any second byte


def test_decode_twice_the_same():
    a = decode_apdu(GET)
    b = decode_apdu(GET)
    assert a == b and type(a).__name__ == "GetRequestNormal"
    apdu, pos = decode_apdu_at(GET + GET, len(GET))
    assert apdu == a and pos == 2 * len(GET)


def test_errors_before_and_after_the_class_is_found():
    for _ in range(2):
        e = raises(DecodeError, decode_apdu, unhex("99 00"))
        assert e.offset == 0 and "unknown APDU tag 0x99" in str(e)
        e = raises(DecodeError, decode_apdu, unhex("C0 09 C1"))
        assert e.offset == 1 and "unknown choice 9" in str(e)
        e = raises(IncompleteData, decode_apdu, unhex("C0"))
        assert e.offset == 1
        e = raises(IncompleteData, decode_apdu, b"")
        assert e.offset == 0
        e = raises(DecodeError, decode_apdu, GET + b"\x00")
        assert e.offset == len(GET)
        decode_apdu(GET)

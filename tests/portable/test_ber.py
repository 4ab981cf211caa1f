# heapsize: 64k
"""The BER subset of the association APDUs (X.690): tags, lengths, INTEGER, BIT STRING, OID."""

from checks import raises, unhex
from microcosem import ber
from microcosem.errors import DecodeError, EncodeError, IncompleteData


def _enc(fn, *args):
    out = bytearray()
    fn(out, *args)
    return bytes(out)


def test_tags_low_and_high_number_form():
    assert ber.read_tag(b"\x60", 0, 1) == (0x60, 1)
    assert ber.read_tag(b"\xbe\x10", 0, 2) == (0xBE, 1)
    # [APPLICATION 31]: the Conformance tag, the one high-number tag in DLMS
    assert ber.read_tag(unhex("5F 1F 04"), 0, 3) == (0x5F1F, 2)
    assert ber.read_tag(unhex("9F 81 00"), 0, 3) == (0x9F8100, 3)  # [128]
    assert _enc(ber.write_tag, 0x5F1F) == unhex("5F 1F")
    assert _enc(ber.write_tag, 0x9F8100) == unhex("9F 81 00")


def test_bad_tags():
    raises(IncompleteData, ber.read_tag, b"", 0, 0)
    raises(IncompleteData, ber.read_tag, b"\x5f", 0, 1)
    raises(IncompleteData, ber.read_tag, b"\x5f\x81", 0, 2)
    e = raises(DecodeError, ber.read_tag, unhex("5F 05"), 0, 2)   # 5 fits the short form
    assert e.offset == 0
    raises(DecodeError, ber.read_tag, unhex("5F 80 1F"), 0, 3)     # leading zero octet
    raises(DecodeError, ber.read_tag, unhex("5F 81 81 81 01"), 0, 5)  # too long


def test_lengths_short_and_long_form():
    assert ber.read_length(b"\x7f", 0, 1) == (127, 1)
    assert ber.read_length(unhex("81 80"), 0, 2) == (128, 2)
    assert ber.read_length(unhex("82 01 2C"), 0, 3) == (300, 3)
    assert ber.read_length(unhex("81 05"), 0, 2) == (5, 2)  # not minimal, still read
    assert ber.read_length(unhex("84 00 01 00 00"), 0, 5) == (65536, 5)
    assert _enc(ber.write_length, 127) == b"\x7f"
    assert _enc(ber.write_length, 128) == unhex("81 80")
    assert _enc(ber.write_length, 255) == unhex("81 FF")
    assert _enc(ber.write_length, 256) == unhex("82 01 00")
    assert _enc(ber.write_length, 0x10000) == unhex("83 01 00 00")
    assert _enc(ber.write_length, 0x1000000) == unhex("84 01 00 00 00")
    raises(EncodeError, ber.write_length, bytearray(), 1 << 32)


def test_bad_lengths():
    raises(IncompleteData, ber.read_length, b"", 0, 0)
    raises(IncompleteData, ber.read_length, unhex("82 01"), 0, 2)
    e = raises(DecodeError, ber.read_length, b"\x80", 0, 1)  # indefinite: not in DLMS
    assert not isinstance(e, IncompleteData)
    raises(DecodeError, ber.read_length, unhex("85 00 00 00 00 01"), 0, 6)


def test_tlv_bounds():
    data = unhex("A1 09 06 07 60 85 74 05 08 01 01")
    assert ber.read_tlv(data, 0, len(data)) == (0xA1, 2, 11)
    assert ber.read_inner(data, 2, 11, ber.OBJECT_IDENTIFIER) == (4, 11)
    # at the top level a short buffer may be the rest still in flight...
    e = raises(IncompleteData, ber.read_tlv, data, 0, 10)
    assert e.offset == 0
    # ...inside a parent it is a broken encoding
    e = raises(DecodeError, ber.read_tlv, data, 0, 10, True)
    assert not isinstance(e, IncompleteData)
    # a tag or length cut short inside a complete parent is no prefix either
    e = raises(DecodeError, ber.read_tlv, unhex("A1 01 06"), 2, 3, True)
    assert not isinstance(e, IncompleteData) and e.offset == 3
    e = raises(DecodeError, ber.read_tlv, unhex("5F"), 0, 1, True)
    assert not isinstance(e, IncompleteData)
    raises(IncompleteData, ber.read_tlv, unhex("5F"), 0, 1)
    raises(DecodeError, ber.read_inner, data, 2, 11, ber.OCTET_STRING)  # wrong type
    raises(DecodeError, ber.read_inner, unhex("04 01 00 00"), 0, 4, ber.OCTET_STRING)  # extra byte


def test_open_close_patch_long_lengths():
    for n, head in ((0, "04 00"), (127, "04 7F"), (128, "04 81 80"), (300, "04 82 01 2C")):
        out = bytearray(b"\xaa")
        mark = ber.open_tlv(out, ber.OCTET_STRING)
        out += bytes(range(256)) * 2 if n else b""
        out[mark + n:] = b""
        ber.close_tlv(out, mark)
        h = unhex(head)
        assert bytes(out[:1 + len(h)]) == b"\xaa" + h, (n, bytes(out[:5]))
        assert len(out) == 1 + len(h) + n
        assert bytes(out[1 + len(h):]) == (bytes(range(256)) * 2)[:n]


def test_integers():
    # X.690 8.3: two's complement in the fewest octets
    for v, h in ((0, "00"), (1, "01"), (127, "7F"), (128, "00 80"), (255, "00 FF"),
                 (256, "01 00"), (-1, "FF"), (-128, "80"), (-129, "FF 7F"),
                 (0x7FFFFFFF, "7F FF FF FF"), (-0x80000000, "80 00 00 00")):
        b = unhex(h)
        assert _enc(ber.write_integer, v) == b, (v, _enc(ber.write_integer, v))
        assert ber.read_integer(b, 0, len(b)) == v
    raises(DecodeError, ber.read_integer, b"", 0, 0)
    raises(DecodeError, ber.read_integer, bytes(9), 0, 9)
    raises(EncodeError, ber.write_integer, bytearray(), 1 << 64)
    raises(EncodeError, ber.write_integer, bytearray(), "1")
    raises(EncodeError, ber.write_integer, bytearray(), True)


def test_bit_strings():
    for bits, h in (("", "00"), ("1", "07 80"), ("0", "07 00"), ("10101010", "00 AA"),
                    ("101010101", "07 AA 80"),
                    # the LN conformance block's 24 bits: 00 7E 1F
                    ("000000000111111000011111", "00 00 7E 1F")):
        b = unhex(h)
        assert _enc(ber.write_bit_string, bits) == b, bits
        assert ber.read_bit_string(b, 0, len(b)) == bits
    # unused bits that are not zero are the sender's business (BER, not DER)
    assert ber.read_bit_string(unhex("07 FF"), 0, 2) == "1"
    raises(DecodeError, ber.read_bit_string, b"", 0, 0)
    raises(DecodeError, ber.read_bit_string, b"\x08\x00", 0, 2)
    raises(DecodeError, ber.read_bit_string, b"\x01", 0, 1)
    raises(EncodeError, ber.write_bit_string, bytearray(), "102")
    raises(EncodeError, ber.write_bit_string, bytearray(), 1)


def test_object_identifiers():
    for arcs, h in (((2, 16, 756, 5, 8, 1, 1), "60 85 74 05 08 01 01"),   # LN context
                    ((2, 16, 756, 5, 8, 2, 5), "60 85 74 05 08 02 05"),   # HLS GMAC
                    ((1, 2, 840, 113549), "2A 86 48 86 F7 0D"),           # rsadsi (X.690 examples)
                    ((0, 0), "00"), ((2, 999, 3), "88 37 03")):
        b = unhex(h)
        assert _enc(ber.write_oid, arcs) == b, arcs
        assert ber.read_oid(b, 0, len(b)) == arcs
    raises(DecodeError, ber.read_oid, b"", 0, 0)
    raises(DecodeError, ber.read_oid, unhex("60 85"), 0, 2)         # arc cut short
    raises(DecodeError, ber.read_oid, unhex("60 80 01"), 0, 3)      # leading zero octet
    raises(DecodeError, ber.read_oid, unhex("60 FF FF FF FF 7F"), 0, 6)  # arc too large
    for bad in ((1,), (3, 1), (1, 40), (1, -1), (2, 16, -5), "2.16", (2, 16, 1.5), None):
        raises(EncodeError, ber.write_oid, bytearray(), bad)

# heapsize: 32k
"""SMS short wrapper: source SAP, destination SAP, APDU."""

from checks import raises, unhex

from microcosem.errors import DecodeError, EncodeError
from microcosem.profiles.sms import SMS_PAYLOAD, decode_sms, encode_sms, wrap_sms

GET = unhex("C0 01 C1 00 08 00 00 01 00 00 FF 02 00")


def test_wrap_and_decode():
    m = wrap_sms(0x10, 0x01, GET)
    assert m == b"\x10\x01" + GET
    src, dst, apdu = decode_sms(m)
    assert (src, dst, bytes(apdu)) == (0x10, 0x01, GET)
    out = bytearray(b"..")
    encode_sms(out, 0x01, 0x10, b"xx" + GET, 2)
    assert bytes(out) == b"..\x01\x10" + GET
    src, dst, apdu = decode_sms(out, 2)
    assert (src, dst, bytes(apdu)) == (0x01, 0x10, GET)


def test_limits():
    assert len(wrap_sms(1, 2, bytes(SMS_PAYLOAD - 2))) == 140
    raises(EncodeError, wrap_sms, 1, 2, bytes(SMS_PAYLOAD - 1))
    assert len(wrap_sms(1, 2, bytes(500), None)) == 502
    raises(EncodeError, wrap_sms, 0x100, 1, GET)
    raises(DecodeError, decode_sms, b"\x10\x01")
    raises(DecodeError, decode_sms, b"")

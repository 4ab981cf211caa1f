# heapsize: 64k
"""general-signing (0xDF): the layout written out byte by byte, the
signature over the encoded fields from transaction-id to other-information
and the content's bytes (without its length, as gurux-dlms signs; RFC 6979
makes it deterministic, so the whole APDU is fixed), verification, and a
wrong signature, field or key refused with SecurityError.  P-256 (suite 1);
P-384 in tests/host/test_crypto_signing."""

from checks import raises, unhex
from microcosem.errors import DecodeError, DlmsError
from microcosem.security import SecurityError, ec, ecdsa, signing
from microcosem.security.ec import P256

PRIV = unhex("C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721")  # RFC 6979 A.2.5
PUB = unhex("60FED4BA255A9D31C961EB74C6356D68C049B8923B61FA6CE669622E60F29FB6"
            "7903FE1008B8BC99A41AE9E95628BC64F2F1B20C2D7E9F5177A3C294D4462299")
O = unhex("4D4D4D0000BC614E")
R = unhex("4D4D4D0000000001")
TID = unhex("0000000000000001")
NOTIFY = unhex("0F000000010C07EA0C01020F0000FF800000020209060001000000FF1200")  # a DataNotification

HEAD = unhex("08 0000000000000001 08 4D4D4D0000BC614E 08 4D4D4D0000000001 00 00")
SIGNED = HEAD + NOTIFY


def test_layout_and_signature():
    got = signing.sign(NOTIFY, TID, O, R, PRIV)
    sig = ecdsa.sign(P256, PRIV, SIGNED)
    assert got == b"\xdf" + HEAD + bytes((len(NOTIFY),)) + NOTIFY + b"\x40" + sig
    m = signing.verify(got, PUB)
    assert m.content == NOTIFY and m.transaction_id == TID and m.originator == O
    assert m.recipient == R and m.date_time == b"" and m.other_information == b""
    assert m.signed == SIGNED and m.signature == sig
    assert signing.verify(got, b"\x04" + PUB).content == NOTIFY


def test_date_time_and_other_information_are_signed():
    dt = unhex("07EA0C0102130000FF800000")
    got = signing.sign(NOTIFY, TID, O, R, PRIV, 1, dt, b"\x07")
    m = signing.verify(got, PUB)
    assert m.date_time == dt and m.other_information == b"\x07"
    assert m.signed == SIGNED[:27] + b"\x0c" + dt + b"\x01\x07" + SIGNED[29:]


def test_wrong_signature_field_or_key_refused():
    good = signing.sign(NOTIFY, TID, O, R, PRIV)
    for i in (2, 12, 35, 45, len(good) - 64, len(good) - 1):  # header, content, r, s
        bad = bytearray(good)
        bad[i] ^= 0x01
        raises(SecurityError, signing.verify, bytes(bad), PUB)
    other = ec.public_key(P256, b"\x01" * 32)
    raises(SecurityError, signing.verify, good, other)
    # A signature of the wrong length (P-384-sized) is refused before ECDSA.
    raises(SecurityError, signing.verify, good[:-65] + b"\x60" + bytes(96), PUB)
    raises(ec.EcError, signing.verify, good, b"\x01" * 64)  # not a point


def test_malformed_is_a_decode_error():
    good = signing.sign(NOTIFY, TID, O, R, PRIV)
    for n in range(len(good)):
        raises(DlmsError, signing.verify, good[:n], PUB)
    raises(DecodeError, signing.decode, good + b"\x00")
    raises(DecodeError, signing.decode, b"\xdd" + good[1:])
    raises(SecurityError, signing.sign, NOTIFY, TID, O, R, PRIV, 0)

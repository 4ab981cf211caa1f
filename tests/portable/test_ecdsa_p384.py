# heapsize: 80k
# (64k + 16k: with 64k it had under 8k to spare, `tools/mptest.py --margin 8k`;
#  a heap laid out a little otherwise, as on a fresh clone, could tip it)
"""ECDSA with RFC 6979 k on P-384 / SHA-384 (pure Python on MicroPython):
the A.2.6 vectors, signatures as r||s (96 bytes), rejections, HMAC-SHA-384
(RFC 4231)."""

from checks import raises, unhex
from ecdsa_check import RFC6979, check_rejections, check_rfc6979
from microcosem.security import ec, ecdsa
from microcosem.security.ec import P384, EcError


def test_hmac_sha384_rfc4231():
    sha384, b384 = ecdsa.hash_function("sha384")
    assert b384 == 128
    assert ecdsa.hmac_digest(sha384, b384, b"\x0b" * 20, b"Hi There") == unhex(
        "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59c"
        "faea9ea9076ede7f4af152e8b2fa9cb6")
    big = b"Test Using Larger Than Block-Size Key - Hash Key First"
    assert ecdsa.hmac_digest(sha384, b384, b"\xaa" * 131, big) == unhex(
        "4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c6"
        "0c2ef6ab4030fe8296248df163f44952")


def test_rfc6979_a26_p384_sha384():
    check_rfc6979(RFC6979[1])


def test_verify_rejects_p384():
    check_rejections(RFC6979[1])


def test_sign_verify_round_trip_fresh_keys_p384():
    c = P384
    priv, pub = ec.generate_keypair(c)
    for msg in (b"", b"DLMS" * 100):
        sig = ecdsa.sign(c, priv, msg)
        assert ecdsa.verify(c, pub, msg, sig)
        assert sig == ecdsa.sign(c, priv, msg)  # deterministic
    assert ecdsa.sign(c, priv, b"a") != ecdsa.sign(c, priv, b"b")


def test_sign_refuses_bad_private_keys_p384():
    c = P384
    for bad in (bytes(c.size), c.n.to_bytes(c.size, "big"), b"\x01"):
        raises(EcError, ecdsa.sign, c, bad, b"x")

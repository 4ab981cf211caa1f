# heapsize: 64k
"""ECDSA with RFC 6979 k on P-256 / SHA-256: the A.2.5 vectors, signatures as
DLMS carries them (r||s, 64 bytes), rejections, and the HMAC underneath
(RFC 4231), and a longer (SHA-384) digest truncated to P-256's order.
P-384 is in test_ecdsa_p384."""

from checks import raises, unhex
from ecdsa_check import RFC6979, check_rejections, check_rfc6979
from microcosem.security import ec, ecdsa
from microcosem.security.ec import P256, EcError


def test_hmac_rfc4231():
    sha256, b256 = ecdsa.hash_function("sha256")
    assert ecdsa.hmac_digest(sha256, b256, b"\x0b" * 20, b"Hi There") == unhex(
        "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
    assert ecdsa.hmac_digest(sha256, b256, b"Jefe", b"what do ya want for nothing?") == unhex(
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    # Test case 6: a key longer than the block is hashed first.
    big = b"Test Using Larger Than Block-Size Key - Hash Key First"
    assert ecdsa.hmac_digest(sha256, b256, b"\xaa" * 131, big) == unhex(
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")


def test_rfc6979_a25_p256_sha256():
    check_rfc6979(RFC6979[0])


def test_verify_rejects_p256():
    check_rejections(RFC6979[0])


def test_sign_verify_round_trip_fresh_keys_p256():
    c = P256
    priv, pub = ec.generate_keypair(c)
    for msg in (b"", b"\x00", b"DLMS" * 100):
        sig = ecdsa.sign(c, priv, msg)
        assert ecdsa.verify(c, pub, msg, sig)
        assert sig == ecdsa.sign(c, priv, msg)  # deterministic
    assert ecdsa.sign(c, priv, b"a") != ecdsa.sign(c, priv, b"b")


def test_sign_refuses_bad_private_keys_p256():
    c = P256
    for bad in (bytes(c.size), c.n.to_bytes(c.size, "big"), b"\x01"):
        raises(EcError, ecdsa.sign, c, bad, b"x")


def test_digest_longer_than_order_is_truncated():
    # RFC 6979 2.3.2 / FIPS 186-4 6.4: only the leftmost qlen bits count, so a
    # SHA-384 digest on P-256 signs like its first 32 bytes.
    priv = unhex(RFC6979[0][1])
    pub = unhex(RFC6979[0][2] + RFC6979[0][3])
    digest = ecdsa.hash_function("sha384")[0](b"sample").digest()
    sig = ecdsa.sign_digest(P256, priv, digest)
    assert ecdsa.verify_digest(P256, pub, digest[:32], sig)
    assert ecdsa.verify_digest(P256, pub, digest, sig)

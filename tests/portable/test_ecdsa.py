# heapsize: 64k
"""ECDSA with RFC 6979 k: the A.2.5 (P-256, SHA-256) and A.2.6 (P-384,
SHA-384) vectors, signatures as DLMS carries them (r||s, 64 / 96 bytes), and
the HMAC underneath (RFC 4231)."""

from checks import raises, unhex
from microcosem.security import ec, ecdsa
from microcosem.security.ec import P256, P384, EcError

# (curve, x, Ux, Uy, ((message, k, r, s), ...)) from RFC 6979 appendix A.2.5 / A.2.6.
RFC6979 = (
    (P256,
     "C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721",
     "60FED4BA255A9D31C961EB74C6356D68C049B8923B61FA6CE669622E60F29FB6",
     "7903FE1008B8BC99A41AE9E95628BC64F2F1B20C2D7E9F5177A3C294D4462299",
     ((b"sample",
       "A6E3C57DD01ABE90086538398355DD4C3B17AA873382B0F24D6129493D8AAD60",
       "EFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716",
       "F7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8"),
      (b"test",
       "D16B6AE827F17175E040871A1C7EC3500192C4C92677336EC2537ACAEE0008E0",
       "F1ABB023518351CD71D881567B1EA663ED3EFCF6C5132B354F28D3B0B7D38367",
       "019F4113742A2B14BD25926B49C649155F267E60D3814B4C0CC84250E46F0083"))),
    (P384,
     "6B9D3DAD2E1B8C1C05B19875B6659F4DE23C3B667BF297BA9AA47740787137D896D5724E4C70A825F872C9EA60D2EDF5",
     "EC3A4E415B4E19A4568618029F427FA5DA9A8BC4AE92E02E06AAE5286B300C64DEF8F0EA9055866064A254515480BC13",
     "8015D9B72D7D57244EA8EF9AC0C621896708A59367F9DFB9F54CA84B3F1C9DB1288B231C3AE0D4FE7344FD2533264720",
     ((b"sample",
       "94ED910D1A099DAD3254E9242AE85ABDE4BA15168EAF0CA87A555FD56D10FBCA2907E3E83BA95368623B8C4686915CF9",
       "94EDBB92A5ECB8AAD4736E56C691916B3F88140666CE9FA73D64C4EA95AD133C81A648152E44ACF96E36DD1E80FABE46",
       "99EF4AEB15F178CEA1FE40DB2603138F130E740A19624526203B6351D0A3A94FA329C145786E679E7B82C71A38628AC8"),
      (b"test",
       "015EE46A5BF88773ED9123A5AB0807962D193719503C527B031B4C2D225092ADA71F4A459BC0DA98ADB95837DB8312EA",
       "8203B63D3C853E8D77227FB377BCF7B7B772E97892A80F36AB775D509D7A5FEB0542A7F0812998DA8F1DD3CA3CF023DB",
       "DDD0760448D42D8A43AF45AF836FCE4DE8BE06B485E9B61B827C2F13173923E06A739F040649A667BF3B828246BAA5A5"))),
)


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


def _check_rfc6979(vector):
    c, x, ux, uy, sigs = vector
    priv = unhex(x)
    pub = unhex(ux + uy)
    d = int.from_bytes(priv, "big")
    for msg, k, r, s in sigs:
        digest = ecdsa.hash_message(c, msg)
        assert ecdsa.deterministic_k(c, d, digest) == int.from_bytes(unhex(k), "big")
        sig = ecdsa.sign(c, priv, msg)
        assert len(sig) == 2 * c.size
        assert sig == unhex(r + s)
        assert ecdsa.sign_digest(c, priv, digest) == sig
        assert ecdsa.verify(c, pub, msg, sig)
        assert ecdsa.verify(c, b"\x04" + pub, msg, sig)
        assert ecdsa.verify_digest(c, pub, digest, sig)
        assert ecdsa.verify(c, ec.decode_point(c, pub), msg, bytearray(sig))


def test_rfc6979_a25_p256_sha256():
    _check_rfc6979(RFC6979[0])


def test_rfc6979_a26_p384_sha384():
    _check_rfc6979(RFC6979[1])


def _check_rejections(vector):
    c, x, ux, uy, sigs = vector
    pub = unhex(ux + uy)
    msg = sigs[0][0]
    good = unhex(sigs[0][2] + sigs[0][3])
    s = c.size
    n = c.n.to_bytes(s, "big")
    one = (1).to_bytes(s, "big")
    assert ecdsa.verify(c, pub, msg, good)
    assert not ecdsa.verify(c, pub, msg + b".", good)
    assert not ecdsa.verify(c, pub, sigs[1][0], good)
    for i in (0, s - 1, s, 2 * s - 1):  # one flipped bit in r or in s
        bad = bytearray(good)
        bad[i] ^= 1
        assert not ecdsa.verify(c, pub, msg, bad)
    # r and s swapped; (r, n - s) is also valid ECDSA (no low-s rule in DLMS).
    assert not ecdsa.verify(c, pub, msg, good[s:] + good[:s])
    high_s = (c.n - int.from_bytes(good[s:], "big")).to_bytes(s, "big")
    assert ecdsa.verify(c, pub, msg, good[:s] + high_s)
    for bad in (b"", good[:-1], good + b"\x00", b"\x30" + good,   # lengths, DER-ish
                bytes(s) + good[s:], good[:s] + bytes(s),           # r = 0, s = 0
                n + good[s:], good[:s] + n, n + n, one + one):      # r = n, s = n
        assert not ecdsa.verify(c, pub, msg, bad)
    # Another key does not verify it; an invalid key is an error, not False.
    other = ec.public_key(c, b"\x01" * s)
    assert not ecdsa.verify(c, other, msg, good)
    off = pub[:s] + bytes(reversed(pub[s:]))
    raises(EcError, ecdsa.verify, c, off, msg, good)
    raises(EcError, ecdsa.verify, c, pub[1:], msg, good)


def test_verify_rejects_p256():
    _check_rejections(RFC6979[0])


def test_verify_rejects_p384():
    _check_rejections(RFC6979[1])


def test_sign_verify_round_trip_fresh_keys():
    for c in ec.CURVES:
        priv, pub = ec.generate_keypair(c)
        for msg in (b"", b"\x00", b"DLMS" * 100):
            sig = ecdsa.sign(c, priv, msg)
            assert ecdsa.verify(c, pub, msg, sig)
            assert sig == ecdsa.sign(c, priv, msg)  # deterministic
        assert ecdsa.sign(c, priv, b"a") != ecdsa.sign(c, priv, b"b")


def test_sign_refuses_bad_private_keys():
    for c in ec.CURVES:
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

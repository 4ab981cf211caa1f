# heapsize: 64k
"""SHA-256 / SHA-384 / SHA-512 (FIPS 180-4): the pure cores against the
examples of FIPS 180-2 appendices B, C and D, and against hashlib's SHA-256
on every runtime; the hashlib-backed choice that the rest of security uses."""

from checks import raises, unhex
from microcosem.security import backend, sha2

ABC = b"abc"
TWO_BLOCK_256 = b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"  # 448 bits
TWO_BLOCK_512 = (b"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
                 b"hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu")  # 896 bits

VECTORS = (
    ("sha256", b"",
     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
    ("sha256", ABC,
     "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
    ("sha256", TWO_BLOCK_256,
     "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ("sha384", b"",
     "38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da"
     "274edebfe76f65fbd51ad2f14898b95b"),
    ("sha384", ABC,
     "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed"
     "8086072ba1e7cc2358baeca134c825a7"),
    ("sha384", TWO_BLOCK_512,
     "09330c33f71147e83d192fc782cd1b4753111b173b3b05d22fa08086e3b0f712"
     "fcc7c71a557e2db966c3e9fa91746039"),
    ("sha512", ABC,
     "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
     "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"),
    ("sha512", TWO_BLOCK_512,
     "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018"
     "501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909"),
)


def test_published_vectors_pure():
    for name, msg, want in VECTORS:
        cls = sha2.constructor(name, pure=True)
        assert cls(msg).digest() == unhex(want), name


def test_published_vectors_best_and_backend():
    fns = (("sha256", backend.sha256), ("sha384", backend.sha384), ("sha512", backend.sha512))
    for name, msg, want in VECTORS:
        assert sha2.new(name, msg).digest() == unhex(want)
        for n, fn in fns:
            if n == name:
                assert fn(msg) == unhex(want)


def _pattern(n):
    return bytes((i * 7 + 3) & 0xFF for i in range(n))


def test_pure_sha256_matches_hashlib_at_block_edges():
    import hashlib
    for n in (0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 128, 200):
        msg = _pattern(n)
        assert sha2.SHA256(msg).digest() == hashlib.sha256(msg).digest(), n


def test_updates_in_any_pieces_agree():
    # Every split of a 3-block message, fed through update(), through
    # memoryview and bytearray, gives the one-shot digest; so does digest()
    # called twice, and update() after digest() continues the message.
    for cls, bs in ((sha2.SHA256, 64), (sha2.SHA384, 128), (sha2.SHA512, 128)):
        msg = _pattern(3 * bs + 5)
        want = cls(msg).digest()
        for cut in (1, bs - 1, bs, bs + 1, 2 * bs + 3):
            h = cls()
            h.update(memoryview(msg)[:cut])
            h.update(bytearray(msg[cut:]))
            assert h.digest() == want
            assert h.digest() == want
        h = cls(msg[:10])
        first = h.digest()
        h.update(msg[10:])
        assert h.digest() == want and first == cls(msg[:10]).digest()


def test_padding_boundaries_sha384():
    # 111 bytes is the longest message whose padding fits one 128-byte block;
    # 112 needs a second.  The two-block FIPS example checks the second path,
    # these check that both lengths differ from their neighbours' digests.
    seen = []
    for n in (110, 111, 112, 113, 127, 128):
        d = sha2.SHA384(b"a" * n).digest()
        assert len(d) == 48 and d not in seen
        seen.append(d)
    assert sha2.SHA384(b"a" * 112).digest() == sha2.SHA384(b"a" * 56 + b"a" * 56).digest()


def test_sizes_and_unknown_name():
    assert sha2.SHA256().digest_size == 32 and sha2.SHA256().block_size == 64
    assert sha2.SHA384().digest_size == 48 and sha2.SHA384().block_size == 128
    assert len(sha2.SHA512().digest()) == 64
    raises(ValueError, sha2.constructor, "sha3_256", True)
    raises(ValueError, sha2.new, "md4-ish")


def test_copy_is_independent():
    for cls in (sha2.SHA256, sha2.SHA384, sha2.SHA512):
        h = cls(b"abc" * 50)
        c = h.copy()
        c.update(b"more")
        assert h.digest() == cls(b"abc" * 50).digest()
        assert c.digest() == cls(b"abc" * 50 + b"more").digest()
        h.update(b"other")
        assert c.digest() == cls(b"abc" * 50 + b"more").digest()

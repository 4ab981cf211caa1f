# heapsize: 64k
"""AES key wrap: the RFC 3394 section 4 vectors with 128- and 256-bit KEKs
(AES-192 is in no DLMS suite, and cryptolib lacks it), round trips, and
refused unwraps."""

from checks import raises, unhex
from microcosem.security import SecurityError, backend, keywrap

KEK128 = unhex("000102030405060708090A0B0C0D0E0F")
KEK256 = unhex("000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F")
DATA = unhex("00112233445566778899AABBCCDDEEFF000102030405060708090A0B0C0D0E0F")

VECTORS = (  # (section, kek, key data, wrapped)
    ("4.1", KEK128, DATA[:16], "1FA68B0A8112B447AEF34BD8FB5A7B829D3E862371D2CFE5"),
    ("4.3", KEK256, DATA[:16], "64E8C3F9CE0F5BA263E9777905818A2A93C8191E7D6E8AE7"),
    ("4.5", KEK256, DATA[:24], "A8F9BC1612C68B3FF6E6F4FBE30E71E4769C8B80A32CB8958CD5D17D6B254DA1"),
    ("4.6", KEK256, DATA,
     "28C9F404C4B810F4CBCCB35CFB87F8263F5786E2D80ED326CBC7F0E71A99F43BFB988B9B7A02DD21"),
)


def _each_backend(fn):
    fn()
    old = backend.use("pure")
    try:
        fn()
    finally:
        backend.use(old)


def test_rfc3394_vectors():
    def run():
        for sec, kek, key, wrapped in VECTORS:
            assert keywrap.wrap(kek, key) == unhex(wrapped), sec
            assert keywrap.unwrap(kek, unhex(wrapped)) == key, sec
            assert keywrap.unwrap(kek, bytearray(unhex(wrapped))) == key, sec
    _each_backend(run)


def test_unwrap_refuses_tampering_and_wrong_kek():
    def run():
        w = unhex(VECTORS[0][3])
        for i in (0, 7, 8, len(w) - 1):
            bad = bytearray(w)
            bad[i] ^= 1
            raises(SecurityError, keywrap.unwrap, KEK128, bad)
        raises(SecurityError, keywrap.unwrap, bytes(16), w)
        raises(SecurityError, keywrap.unwrap, KEK128, w[:-8])  # one register only
        raises(SecurityError, keywrap.unwrap, KEK128, w[:-1])
        raises(SecurityError, keywrap.unwrap, KEK128, b"")
    _each_backend(run)


def test_wrap_refuses_bad_lengths():
    for key in (b"", bytes(8), bytes(15), bytes(17)):
        raises(SecurityError, keywrap.wrap, KEK128, key)
    raises(SecurityError, keywrap.wrap, bytes(24), bytes(16))  # AES-192 KEK
    k = bytes(range(40))
    assert keywrap.unwrap(KEK128, keywrap.wrap(KEK128, k)) == k

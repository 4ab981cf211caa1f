# heapsize: 64k
"""AES-128/256 (FIPS-197 appendix C), pure and through the active backend:
ECB over many blocks in one call, in place, and decryption for key unwrap."""

from checks import raises, unhex
from microcosem.security import SecurityError, backend
from microcosem.security.aes import AES

PT = unhex("00112233445566778899aabbccddeeff")
C1 = (unhex("000102030405060708090a0b0c0d0e0f"), unhex("69c4e0d86a7b0430d8cdb78070b4c55a"))
C3 = (unhex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"),
      unhex("8ea2b7ca516745bfeafc49904b496089"))


def _ciphers(key):
    return (AES(key), backend.aes_ecb(key))


def test_fips197_appendix_c():
    for key, ct in (C1, C3):
        for c in _ciphers(key):
            out = bytearray(16)
            c.encrypt(PT, out)
            assert bytes(out) == ct
        for d in (AES(key), backend.aes_ecb_decrypt(key)):
            out = bytearray(16)
            d.decrypt(ct, out)
            assert bytes(out) == PT


def test_many_blocks_in_one_call_and_in_place():
    for key, ct in (C1, C3):
        for c in _ciphers(key):
            buf = bytearray(PT * 5)
            c.encrypt(buf, buf)
            assert bytes(buf) == ct * 5


def test_pure_and_backend_agree():
    key = bytes(range(100, 116))
    data = bytes((i * 31) & 0xFF for i in range(64))
    a = bytearray(64)
    b = bytearray(64)
    AES(key).encrypt(data, a)
    backend.aes_ecb(key).encrypt(data, b)
    assert a == b
    back = bytearray(64)
    AES(key).decrypt(a, back)
    assert bytes(back) == data


def test_refusals():
    for k in (b"", bytes(15), bytes(24), bytes(17)):
        raises(SecurityError, backend.aes_ecb, k)
    raises(SecurityError, AES(bytes(16)).encrypt, bytes(15), bytearray(16))

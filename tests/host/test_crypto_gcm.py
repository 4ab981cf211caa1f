"""Our GCM and GMAC, computed in Python over AES-ECB, against the
`cryptography` package's AESGCM on arbitrary keys, IVs, data and AAD."""

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from hypothesis import given, settings
from hypothesis import strategies as st

from microcosem.security import backend, gcm
from microcosem.security.gcm import Gcm
import pytest

keys = st.one_of(st.binary(min_size=16, max_size=16), st.binary(min_size=32, max_size=32))


def _gcm(key, limbs, table_bits=4):
    # GHASH in 16-bit limbs (MicroPython's form) or in 128-bit ints (CPython's;
    # table_bits=8 is that form in both)
    old = gcm.LIMBS
    gcm.LIMBS = limbs
    try:
        return Gcm(key, native=False, table_bits=table_bits)
    finally:
        gcm.LIMBS = old


@settings(max_examples=300, deadline=None)
@given(keys, st.binary(min_size=12, max_size=12), st.binary(max_size=300), st.binary(max_size=70),
       st.sampled_from(("cryptography", "pure")), st.sampled_from((4, 8)), st.booleans())
def test_gcm_equals_aesgcm(key, iv, pt, aad, binding, table_bits, limbs):
    old = backend.use(binding) if binding == "pure" else None
    try:
        g = _gcm(key, limbs, table_bits)
        want = AESGCM(key).encrypt(iv, pt, aad)
        assert g.encrypt(iv, pt, aad, 16) == want
        assert g.encrypt(iv, pt, aad) == want[:len(pt) + 12]
        assert g.decrypt(iv, want, aad, 16) == pt
        assert g.decrypt(iv, want[:len(pt) + 12], aad) == pt
        assert g.gmac(iv, aad, 16) == AESGCM(key).encrypt(iv, b"", aad)
        assert g.crypt(iv, pt) == want[:len(pt)]
    finally:
        if old is not None:
            backend.use(old)


@settings(max_examples=60, deadline=None)
@given(keys, st.binary(min_size=1, max_size=40), st.binary(max_size=100), st.binary(max_size=40),
       st.booleans())
def test_gcm_other_iv_lengths_equal_aesgcm(key, iv, pt, aad, limbs):
    if len(iv) < 8:  # cryptography refuses IVs shorter than 64 bits
        iv = iv + bytes(8 - len(iv))
    assert _gcm(key, limbs).encrypt(iv, pt, aad, 16) == AESGCM(key).encrypt(iv, pt, aad)


@settings(max_examples=100, deadline=None)
@given(keys, st.binary(min_size=12, max_size=12), st.binary(max_size=100), st.binary(max_size=30),
       st.integers(0, 10**6))
def test_native_and_pure_refuse_the_same_forgeries(key, iv, pt, aad, where):
    from microcosem.security import SecurityError
    good = Gcm(key).encrypt(iv, pt, aad)
    bad = bytearray(good)
    bad[where % len(bad)] ^= 1 << (where % 8)
    for g in (Gcm(key), _gcm(key, True), _gcm(key, False)):
        with pytest.raises(SecurityError):
            g.decrypt(iv, bytes(bad), aad)

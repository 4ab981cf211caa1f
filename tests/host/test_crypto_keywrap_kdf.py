"""Key wrap and the concatenation KDF against the `cryptography` package."""

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.concatkdf import ConcatKDFHash
from cryptography.hazmat.primitives.keywrap import aes_key_unwrap, aes_key_wrap
from hypothesis import given, settings
from hypothesis import strategies as st

from microcosem.security import backend, kdf, keywrap

keks = st.one_of(st.binary(min_size=16, max_size=16), st.binary(min_size=32, max_size=32))


@settings(max_examples=150, deadline=None)
@given(keks, st.integers(2, 8).flatmap(lambda n: st.binary(min_size=8 * n, max_size=8 * n)),
       st.booleans())
def test_keywrap_equals_cryptography(kek, key, pure):
    old = backend.use("pure") if pure else None
    try:
        w = keywrap.wrap(kek, key)
        assert w == aes_key_wrap(kek, key)
        assert keywrap.unwrap(kek, w) == key == aes_key_unwrap(kek, w)
    finally:
        if old is not None:
            backend.use(old)


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(("sha256", "sha384")), st.binary(min_size=1, max_size=66),
       st.integers(1, 200), st.binary(max_size=40))
def test_concat_kdf_equals_cryptography(name, z, n, info):
    algo = hashes.SHA256() if name == "sha256" else hashes.SHA384()
    assert kdf.concat_kdf(name, z, n, info) == ConcatKDFHash(algo, n, info).derive(z)

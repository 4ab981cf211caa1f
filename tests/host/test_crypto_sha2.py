"""The pure SHA-2 cores against hashlib, on arbitrary messages and splits."""

import hashlib

from hypothesis import given, settings
from hypothesis import strategies as st

from microcosem.security import sha2


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(("sha256", "sha384", "sha512")), st.binary(max_size=700),
       st.lists(st.integers(0, 700), max_size=4))
def test_pure_equals_hashlib(name, msg, cuts):
    h = sha2.constructor(name, pure=True)()
    pos = 0
    for c in sorted(cuts):
        c = min(c, len(msg))
        h.update(msg[pos:c])
        pos = c
    h.update(msg[pos:])
    assert h.digest() == getattr(hashlib, name)(msg).digest()


def test_million_a_sha384():
    # FIPS 180-2 D.3: one million 'a' (too slow for the MicroPython run).
    msg = b"a" * 1000000
    assert sha2.SHA384(msg).digest() == hashlib.sha384(msg).digest()

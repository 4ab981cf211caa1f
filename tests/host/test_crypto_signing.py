"""general-signing against `cryptography`: our signatures (r||s) verify
there as DER, theirs verify here, for P-256/SHA-256 (suite 1) and
P-384/SHA-384 (suite 2), over the encoded fields from transaction-id to
content; a changed byte or another key is refused."""

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec as cec
from cryptography.hazmat.primitives.asymmetric.utils import (decode_dss_signature,
                                                             encode_dss_signature)
from hypothesis import given, settings
from hypothesis import strategies as st
import pytest

from microcosem.security import SecurityError, signing

SUITES = ((1, cec.SECP256R1(), hashes.SHA256(), 32), (2, cec.SECP384R1(), hashes.SHA384(), 48))
O = bytes.fromhex("4D4D4D0000BC614E")
R = bytes.fromhex("4D4D4D0000000001")


def _keys(ccurve, size):
    k = cec.generate_private_key(ccurve)
    n = k.public_key().public_numbers()
    return k, k.private_numbers().private_value.to_bytes(size, "big"), \
        n.x.to_bytes(size, "big") + n.y.to_bytes(size, "big")


@pytest.mark.parametrize("suite,ccurve,h,size", SUITES)
@settings(max_examples=8, deadline=None)
@given(content=st.binary(min_size=1, max_size=300), tid=st.binary(max_size=8),
       dt=st.sampled_from((b"", bytes(12))), oi=st.binary(max_size=3))
def test_both_ways(suite, ccurve, h, size, content, tid, dt, oi):
    k, d, q = _keys(ccurve, size)
    apdu = signing.sign(content, tid, O, R, d, suite, dt, oi)
    m = signing.decode(apdu)
    r = int.from_bytes(m.signature[:size], "big")
    s = int.from_bytes(m.signature[size:], "big")
    k.public_key().verify(encode_dss_signature(r, s), m.signed, cec.ECDSA(h))
    assert signing.verify(apdu, q, suite).content == content
    # theirs, put into our APDU in place of our signature
    r2, s2 = decode_dss_signature(k.sign(m.signed, cec.ECDSA(h)))
    theirs = apdu[:-(2 * size + 1)] + bytes((2 * size,)) + r2.to_bytes(size, "big") + \
        s2.to_bytes(size, "big")
    assert signing.verify(theirs, q, suite).signed == m.signed
    bad = bytearray(theirs)
    bad[-1] ^= 1
    with pytest.raises(SecurityError):
        signing.verify(bytes(bad), q, suite)
    with pytest.raises(InvalidSignature):
        k.public_key().verify(encode_dss_signature(r, s ^ 1), m.signed, cec.ECDSA(h))
    with pytest.raises(SecurityError):
        signing.verify(apdu, _keys(ccurve, size)[2], suite)

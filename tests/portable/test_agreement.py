# heapsize: 64k
"""Key agreement (Green Book Annex I): for each scheme, both parties derive
the same key from their own halves, and that key is the KDF of the ECDH
secret(s) written out with the hash; other titles or transaction ids give
other keys.  P-256 (suite 1) here; P-384 against `cryptography` in
tests/host/test_crypto_agreement."""

from checks import raises, unhex
from microcosem.security import SecurityError, agreement, ec, kdf, sha2
from microcosem.security.ec import P256

U = unhex("4D4D4D0000000001")  # client / originator
V = unhex("4D4D4D0000BC614E")  # server / recipient
TID = unhex("0000000000000001")

# Fixed private keys (any scalar below n); the public keys follow from them.
S_U = unhex("C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721")
S_V = unhex("7D7DC5F71EB29DDAF80D6214632EEAE03D9058AF1FB6D22ED80BADB62BC1A534")
E_U = unhex("38F65D6DCE47676044D58CE5139582D568F64BB16098D179DBAB07741DD5CAEB")
E_V = unhex("1DC2E69C4AB21A1AE7CA3E8316E4BE3DFB3A5C0A0B7B2DBE4E11C66B77E7C2B4")
Q = {}


def _pub(d):
    if d not in Q:
        Q[d] = ec.public_key(P256, d)
    return Q[d]


def _kdf1(z, v):
    return sha2.sha256(b"\x00\x00\x00\x01" + z + kdf.AES_GCM_128 + U + v)[:16]


def test_ephemeral_unified_both_sides():
    ku = agreement.ephemeral_unified(1, E_U, _pub(E_V), U, V)
    kv = agreement.ephemeral_unified(1, E_V, _pub(E_U), U, V)
    assert ku == kv and len(ku) == 16
    assert ku == _kdf1(ec.ecdh(P256, E_U, _pub(E_V)), V)
    assert agreement.ephemeral_unified(1, E_U, _pub(E_V), V, U) != ku


def test_one_pass_dh_both_sides():
    seq = [E_U]
    key, e, qe = agreement.one_pass_dh_u(1, _pub(S_V), U, V, None, lambda n: seq.pop())
    assert e == E_U and qe == _pub(E_U)
    assert agreement.one_pass_dh_v(1, S_V, qe, U, V) == key
    assert key == _kdf1(ec.ecdh(P256, S_V, _pub(E_U)), V)
    assert agreement.one_pass_dh_v(1, S_V, qe, V, U) != key  # the titles swapped


def test_static_unified_both_sides():
    ku = agreement.static_unified(1, S_U, _pub(S_V), U, V, None, TID)
    kv = agreement.static_unified(1, S_V, _pub(S_U), U, V, None, TID)
    # PartyVInfo = the encoded transaction-id (08 || 8 bytes) || V's title
    assert ku == kv == _kdf1(ec.ecdh(P256, S_U, _pub(S_V)), b"\x08" + TID + V)
    assert agreement.static_unified(1, S_U, _pub(S_V), U, V, None, b"\x00" * 7 + b"\x02") != ku
    raises(SecurityError, agreement.static_unified, 1, S_U, _pub(S_V), U, V)


def test_full_unified_both_sides():
    ku = agreement.full_unified(1, E_U, S_U, _pub(E_V), _pub(S_V), U, V)
    kv = agreement.full_unified(1, E_V, S_V, _pub(E_U), _pub(S_U), U, V)
    z = ec.ecdh(P256, E_U, _pub(E_V)) + ec.ecdh(P256, S_U, _pub(S_V))
    assert ku == kv == _kdf1(z, V)


def test_key_wrap_algorithm_and_refusals():
    z = ec.ecdh(P256, E_U, _pub(E_V))
    kw = agreement.ephemeral_unified(1, E_U, _pub(E_V), U, V, kdf.AES_WRAP_128)
    assert kw == sha2.sha256(b"\x00\x00\x00\x01" + z + kdf.AES_WRAP_128 + U + V)[:16]
    raises(SecurityError, agreement.ephemeral_unified, 0, E_U, _pub(E_V), U, V)
    raises(SecurityError, agreement.ephemeral_unified, 1, E_U, _pub(E_V), U[:7], V)
    raises(ec.EcError, agreement.ephemeral_unified, 1, E_U, b"\x01" * 64, U, V)

"""Our client and our server talking general-ciphering with agreed keys
(tests/portable/test_general_ciphering_agreed_engines), every APDU after the
AARE opened here without microcosem's crypto: `cryptography`'s ECDH gives Z,
its ConcatKDFHash the content key (SHA-256 / SHA-384, OtherInfo =
AlgorithmID || U || V, with 08 || transaction-id before V in the Static
Unified Model, U the APDU's originator), its ECDSA checks the One-Pass DH
ephemeral key's signature over 00 || X || Y, and AES-GCM opens SC || IC || C || T
with IV = originator || IC and AAD = SC || AK || the encoded header fields.
Suites 1 (P-256) and 2 (P-384, AES-256), both schemes, both directions."""

import os
import sys

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec as cec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.concatkdf import ConcatKDFHash
import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "portable"))

from engine_fixtures import REGISTER_LN  # noqa: E402
from test_general_ciphering_agreed_engines import ST_C, ST_S, make  # noqa: E402

from microcosem.axdr import DOUBLE_LONG_UNSIGNED  # noqa: E402
from microcosem.security import general_ciphering as gc  # noqa: E402

SUITES = {1: (cec.SECP256R1(), hashes.SHA256, 32, 16, b"\x00"),
          2: (cec.SECP384R1(), hashes.SHA384, 48, 32, b"\x01")}


def _private(suite, byte):
    # the keys make() gives each party: the byte repeated
    return cec.derive_private_key(int.from_bytes(bytes((byte,)) * SUITES[suite][2], "big"),
                                  SUITES[suite][0])


def _public(suite, xy):
    return cec.EllipticCurvePublicKey.from_encoded_point(SUITES[suite][0], b"\x04" + xy)


def _open(suite, apdu, ak):
    """The plain APDU of one agreed-key general-ciphering APDU, computed here."""
    curve, hash_alg, size, n, alg = SUITES[suite]
    m = gc.decode(apdu)
    kind, scheme, data = m.key_info
    assert kind == gc.AGREED_KEY
    # the recipient's static key agreement key (make(): client 0x12.., meter 0x23..)
    own = _private(suite, 0x12 if m.recipient == ST_C else 0x23)
    if scheme == gc.ONE_PASS_DH:
        qe, sig = data[:2 * size], data[2 * size:]
        signer = _private(suite, 0x11 if m.originator == ST_C else 0x22).public_key()
        signer.verify(encode_dss_signature(int.from_bytes(sig[:size], "big"),
                                           int.from_bytes(sig[size:], "big")),
                      b"\x00" + qe, cec.ECDSA(hash_alg()))  # raises if it does not verify
        z = own.exchange(cec.ECDH(), _public(suite, qe))
        info = b"\x60\x85\x74\x05\x08\x03" + alg + m.originator + m.recipient
    else:
        assert data == b""
        peer = _private(suite, 0x12 if m.originator == ST_C else 0x23).public_key()
        z = own.exchange(cec.ECDH(), peer)
        tid = m.transaction_id
        info = (b"\x60\x85\x74\x05\x08\x03" + alg + m.originator + bytes((len(tid),)) + tid
                + m.recipient)
    key = ConcatKDFHash(hash_alg(), n, info).derive(z)
    sc, ic = m.content[0], m.content[1:5]
    assert sc == 0x30 | suite
    # GCM with DLMS's 12-byte tag (AESGCM takes 16-byte ones only)
    d = Cipher(algorithms.AES(key), modes.GCM(m.originator + ic, m.content[-12:],
                                              min_tag_length=12)).decryptor()
    d.authenticate_additional_data(bytes((sc,)) + ak + m.head)
    return d.update(m.content[5:-12]) + d.finalize()


@pytest.mark.parametrize("suite", (1, 2))
@pytest.mark.parametrize("scheme", (gc.ONE_PASS_DH, gc.STATIC_UNIFIED))
def test_every_agreed_key_apdu_opens_with_cryptography(suite, scheme):
    s, server, wire, csec, ssec = make(scheme, suite)
    assert s.get(3, REGISTER_LN, 2) == (DOUBLE_LONG_UNSIGNED, 1234)
    s.set(3, REGISTER_LN, 2, (DOUBLE_LONG_UNSIGNED, 77))
    assert s.get(3, REGISTER_LN, 2) == (DOUBLE_LONG_UNSIGNED, 77)
    after = wire.apdus[2:]
    assert len(after) == 8
    plains = [_open(suite, a, csec.ak) for a in after]
    # requests: action (reply_to_HLS_authentication), get, set, get; answers to each
    assert [p[0] for p in plains] == [0xC3, 0xC7, 0xC0, 0xC4, 0xC1, 0xC5, 0xC0, 0xC4]
    assert plains[-1].endswith(b"\x06\x00\x00\x00\x4d")  # double-long-unsigned 77


def test_a_tampered_signature_does_not_verify_here_either():
    s, server, wire, csec, ssec = make(gc.ONE_PASS_DH)
    s.get(3, REGISTER_LN, 2)
    bad = bytearray(wire.apdus[-1])
    m = gc.decode(bytes(bad))
    at = bytes(bad).index(m.key_info[2]) + 100  # a byte of the signature
    bad[at] ^= 1
    from cryptography.exceptions import InvalidSignature

    with pytest.raises(InvalidSignature):
        _open(1, bytes(bad), csec.ak)

"""The third party's APDUs (security.third_party) and a suite-2 association
opened with `cryptography` alone: the general-signing signature checked by
its ECDSA, the agreed key from its ECDH and ConcatKDFHash, the content
deciphered by its AES-GCM; and the glo- APDUs of a suite-2 association
(AES-256) and its HLS-ECDSA f(StoC) / f(CtoS) (P-384, SHA-384) likewise.
So the bytes on the wire are the standard primitives', not only ours
agreeing with ourselves."""

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec as cec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.concatkdf import ConcatKDFHash
import pytest

from microcosem.security import ciphering, ec, general_ciphering as gc, kdf, signing
from microcosem.security.third_party import Peer, ThirdParty, relay
import test_suites  # tests/portable, on pytest's pythonpath
import test_third_party as tp_test

CURVES = {1: (cec.SECP256R1(), hashes.SHA256(), kdf.AES_GCM_128, 16, 32),
          2: (cec.SECP384R1(), hashes.SHA384(), kdf.AES_GCM_256, 32, 48)}


def _public(suite, xy):
    ccurve, _, _, _, n = CURVES[suite]
    return cec.EllipticCurvePublicNumbers(int.from_bytes(xy[:n], "big"),
                                          int.from_bytes(xy[n:], "big"), ccurve).public_key()


def _private(suite, d):
    return cec.derive_private_key(int.from_bytes(d, "big"), CURVES[suite][0])


def _verify(suite, pub_xy, msg, sig):
    n = CURVES[suite][4]
    der = encode_dss_signature(int.from_bytes(sig[:n], "big"), int.from_bytes(sig[n:], "big"))
    _public(suite, pub_xy).verify(der, msg, cec.ECDSA(CURVES[suite][1]))


def _gcm_open(key, iv, body, aad):
    ct, tag = body[:-12], body[-12:]
    d = Cipher(algorithms.AES(key), modes.GCM(iv, tag, min_tag_length=12)).decryptor()
    d.authenticate_additional_data(aad)
    return d.update(ct) + d.finalize()


def _open_third_party(suite, data, own_private, sender_sign_pub, sender_agree_pub, ak=b""):
    """The plain APDU of general-signing(general-ciphering(...)), by cryptography."""
    m = signing.decode(data)
    _verify(suite, sender_sign_pub, m.signed, m.signature)
    msg = gc.decode(m.content)
    assert (msg.originator, msg.recipient, msg.transaction_id) == (m.originator, m.recipient,
                                                                   m.transaction_id)
    assert msg.key_info == (gc.AGREED_KEY, gc.STATIC_UNIFIED, b"")
    ccurve, h, alg, klen, _ = CURVES[suite]
    z = _private(suite, own_private).exchange(cec.ECDH(), _public(suite, sender_agree_pub))
    info = alg + msg.originator + b"\x08" + msg.transaction_id + msg.recipient
    key = ConcatKDFHash(h, klen, info).derive(z)
    c = msg.content
    assert c[0] == 0x30 | suite
    return _gcm_open(key, msg.originator + c[1:5], c[5:], c[0:1] + ak + msg.head)


def test_third_party_request_and_answer_open_with_cryptography():
    s, _, _, tp, srv = tp_test.setup()
    req = tp.protect(tp_test.GET, srv)
    # the server's side of the request, done by cryptography
    assert _open_third_party(1, req, tp_test.S_AGREE, tp_test.T_SIGN_PUB,
                             tp_test.T_AGREE_PUB) == tp_test.GET
    answer = relay(s, req)
    # and the third party's side of the answer
    assert _open_third_party(1, answer, tp_test.T_AGREE, tp_test.S_SIGN_PUB,
                             tp_test.S_AGREE_PUB) == tp_test.ANSWER
    # a signature under another key does not verify with cryptography either
    with pytest.raises(InvalidSignature):
        _open_third_party(1, answer, tp_test.T_AGREE, tp_test.T_SIGN_PUB, tp_test.S_AGREE_PUB)


def test_third_party_suite_2_keys_with_cryptography():
    t_sign = b"\x13" * 48
    t_agree = b"\x14" * 48
    s_agree = b"\x15" * 48
    pub = lambda d: _xy(_private(2, d))  # noqa: E731
    server = Peer(test_suites.ST_S, pub(b"\x16" * 48), pub(s_agree))
    tp = ThirdParty(tp_test.ST_T, t_sign, t_agree, suite=2)
    req = tp.protect(tp_test.GET, server)
    assert _open_third_party(2, req, s_agree, pub(t_sign), pub(t_agree)) == tp_test.GET


def _xy(k):
    n = k.public_key().public_numbers()
    size = (k.curve.key_size + 7) // 8
    return n.x.to_bytes(size, "big") + n.y.to_bytes(size, "big")


@pytest.mark.parametrize("suite", (1, 2))
def test_suite_association_opens_with_cryptography(suite):
    s, server, wire, csec, ssec = test_suites.make(suite)
    s.associate()
    assert s.get(3, test_suites.REGISTER_LN, 2)[1] == 1234
    ek, ak, curve = test_suites.keys(suite)
    assert len(ek) == CURVES[suite][3]
    # every glo- APDU after the AARE, in either direction, opens under AES-GCM
    # with the sender's title in the IV and SC || AK as the additional data
    opened = []
    for i, a in enumerate(wire.apdus[2:]):
        title = test_suites.ST_C if i % 2 == 0 else test_suites.ST_S
        tag, _, pos, end = ciphering.parse_header(a)
        c = a[pos:end]
        assert c[0] == 0x30 | suite
        plain = _gcm_open(ek, title + c[1:5], c[5:], c[0:1] + ak)
        assert plain[0] == ciphering.plain_tag(tag)[0]
        opened.append(plain)
    # the HLS pass 3 carries f(StoC) = ECDSA(client key; ST-C || ST-S || StoC || CtoS)
    # (ActionRequest ... octet-string), checked by cryptography's ECDSA
    act = opened[0]
    assert act[0] == 0xC3
    f = act[-2 * curve.size:]
    ctx = server.context(1)
    c_pub = ec.public_key(curve, b"\x11" * curve.size)
    _verify(suite, c_pub, test_suites.ST_C + test_suites.ST_S + ctx.stoc + ctx.ctos, f)
    # and pass 4's f(CtoS) = ECDSA(server key; ST-S || ST-C || CtoS || StoC)
    f = opened[1][-2 * curve.size:]
    s_pub = ec.public_key(curve, b"\x22" * curve.size)
    _verify(suite, s_pub, test_suites.ST_S + test_suites.ST_C + ctx.ctos + ctx.stoc, f)

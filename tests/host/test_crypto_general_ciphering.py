"""general-ciphering and key agreement against peers: the content against
`cryptography`'s AESGCM with the AAD built here, the agreed keys against
`cryptography`'s ECDH and ConcatKDFHash (P-256 and P-384), and gurux-dlms
opening our general-ciphering (its decoder reads an agreed-key APDU and
computes the AAD with transaction-id = the IC as 8 bytes) and computing the
same SC || IC || C || T."""

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec as cec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.concatkdf import ConcatKDFHash
from hypothesis import given, settings
from hypothesis import strategies as st
import pytest

from microcosem.security import SecurityError, agreement, ec, kdf
from microcosem.security import general_ciphering as gc

AK = bytes.fromhex("D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF")
O = bytes.fromhex("4D4D4D0000000001")
R = bytes.fromhex("4D4D4D0000BC614E")
GET = bytes.fromhex("C0010000080000010000FF0200")


def _ln(n):
    return bytes((n,)) if n < 0x80 else (b"\x81" + bytes((n,)) if n < 0x100 else
                                         b"\x82" + n.to_bytes(2, "big"))


@settings(max_examples=60, deadline=None)
@given(st.binary(min_size=16, max_size=16), st.binary(min_size=1, max_size=300),
       st.binary(max_size=16), st.integers(0, 0xFFFFFFFF), st.binary(max_size=12),
       st.binary(max_size=4))
def test_content_equals_aesgcm(key, apdu, tid, ic, dt, oi):
    got = gc.protect(apdu, tid, O, R, ic, key, AK, 0x30, gc.identified_key(0), dt, oi)
    head = b"".join(_ln(len(f)) + f for f in (tid, O, R, dt, oi))
    icb = ic.to_bytes(4, "big")
    ct = AESGCM(key).encrypt(O + icb, apdu, b"\x30" + AK + head)[:len(apdu) + 12]
    content = b"\x30" + icb + ct
    assert got == b"\xdd" + head + b"\x01\x00\x00" + _ln(len(content)) + content
    assert gc.unprotect(got, AK, ek=key).apdu == apdu


def _gurux_param(key):
    gurux = pytest.importorskip("gurux_dlms.AesGcmParameter")

    class Param(gurux.AesGcmParameter):
        # gurux-dlms 1.0.203's general-ciphering decoder calls setters the
        # class does not define and reads a misspelt `vml`: supplied here.
        vml = None

        def setSystemTitle(self, v):
            self.systemTitle = v

        def setRecipientSystemTitle(self, v):
            self.recipientSystemTitle = v

        def setKeyParameters(self, v):
            self.keyParameters = v

        def setInvocationCounter(self, v):
            self.invocationCounter = v

    return Param(0, None, key, AK)


@pytest.mark.parametrize("ic", (1, 0x01234567, 0xFFFFFFFF))
def test_gurux_opens_our_general_ciphering(ic):
    from gurux_dlms import GXByteBuffer
    from gurux_dlms.GXDLMSChippering import GXDLMSChippering

    key = bytes(range(16))
    data = gc.protect(GET, ic.to_bytes(8, "big"), O, R, ic, key, AK, 0x31, gc.agreed_key(2))
    p = _gurux_param(key)
    assert bytes(GXDLMSChippering.decryptAesGcm(None, p, GXByteBuffer(data))) == GET
    assert p.invocationCounter == ic and bytes(p.recipientSystemTitle) == R
    # (gurux-dlms 1.0.203 does not raise on a wrong tag here, so the tag is
    # compared in test_gurux_computes_the_same_content instead.)


def test_gurux_computes_the_same_content():
    from gurux_dlms.GXDLMSChippering import GXDLMSChippering
    from gurux_dlms.enums import Security
    from gurux_dlms.objects.enums.SecuritySuite import SecuritySuite

    key = bytes(range(16))
    ic = 0x0A0B0C0D
    p = _gurux_param(key)
    p.tag = 0xC8  # any tag outside the general ones: gurux writes tag || length || content
    p.security = Security.AUTHENTICATION_ENCRYPTION
    p.securitySuite = SecuritySuite.SUITE_1
    p.systemTitle = O
    p.recipientSystemTitle = R
    p.invocationCounter = ic
    theirs = bytes(GXDLMSChippering.encryptAesGcm(p, GET))[2:]
    ours = gc.decode(gc.protect(GET, ic.to_bytes(8, "big"), O, R, ic, key, AK, 0x31)).content
    assert theirs == ours


# -- key agreement against cryptography ------------------------------------------

CURVES = ((1, ec.P256, cec.SECP256R1(), hashes.SHA256(), kdf.AES_GCM_128, 16),
          (2, ec.P384, cec.SECP384R1(), hashes.SHA384(), kdf.AES_GCM_256, 32))


def _pair(curve, ccurve):
    k = cec.generate_private_key(ccurve)
    d = k.private_numbers().private_value.to_bytes(curve.size, "big")
    n = k.public_key().public_numbers()
    return k, d, n.x.to_bytes(curve.size, "big") + n.y.to_bytes(curve.size, "big")


def _theirs(hash_alg, n, z, info):
    return ConcatKDFHash(hash_alg, n, info).derive(z)


@pytest.mark.parametrize("suite,curve,ccurve,h,alg,n", CURVES)
def test_schemes_equal_cryptography_ecdh_and_concat_kdf(suite, curve, ccurve, h, alg, n):
    eu, e_u, qe_u = _pair(curve, ccurve)
    ev, e_v, qe_v = _pair(curve, ccurve)
    su, s_u, qs_u = _pair(curve, ccurve)
    sv, s_v, qs_v = _pair(curve, ccurve)
    tid = bytes.fromhex("0102030405060708")
    ze = eu.exchange(cec.ECDH(), ev.public_key())
    zs = su.exchange(cec.ECDH(), sv.public_key())
    z1 = eu.exchange(cec.ECDH(), sv.public_key())
    assert agreement.ephemeral_unified(suite, e_u, qe_v, O, R) == _theirs(h, n, ze, alg + O + R)
    assert agreement.ephemeral_unified(suite, e_v, qe_u, O, R) == _theirs(h, n, ze, alg + O + R)
    assert (agreement.static_unified(suite, s_v, qs_u, O, R, None, tid)
            == _theirs(h, n, zs, alg + O + b"\x08" + tid + R))
    assert agreement.one_pass_dh_v(suite, s_v, qe_u, O, R) == _theirs(h, n, z1, alg + O + R)
    key, _, qe = agreement.one_pass_dh_u(suite, qs_v, O, R, None, lambda k: e_u)
    assert qe == qe_u and key == _theirs(h, n, z1, alg + O + R)
    assert agreement.full_unified(suite, e_v, s_v, qe_u, qs_u, O, R) == _theirs(
        h, n, ze + zs, alg + O + R)


def test_suite_2_general_ciphering_with_static_unified():
    _, s_u, qs_u = _pair(ec.P384, cec.SECP384R1())
    _, s_v, qs_v = _pair(ec.P384, cec.SECP384R1())
    tid = b"\x00" * 7 + b"\x05"
    key, ki = gc.agree_static(2, s_u, qs_v, O, R, tid)
    assert len(key) == 32
    data = gc.protect(GET, tid, O, R, 3, key, AK, 0x32, ki)
    u = gc.unprotect(data, AK, agreed=lambda m: gc.agreed_key_for(m, 2, s_own=s_v, qs_peer=qs_u))
    assert u.apdu == GET and u.sc == 0x32
    with pytest.raises(SecurityError):  # a suite 1 SC with the 32-byte key
        gc.protect(GET, tid, O, R, 3, key, AK, 0x31, ki)


def test_server_engine_answers_a_general_ciphering_get():
    # After HLS-GMAC, our server engine takes a general-ciphering GET
    # (wrapped content key) and answers with one: same transaction id,
    # titles swapped, the key wrapped again under the master key.
    import os
    import sys

    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "portable"))
    from test_ciphering_engines import AK as EAK, ST_C, ST_S, make
    from engine_fixtures import REGISTER_LN
    from microcosem import axdr

    s, server, wire, csec, ssec = make()
    s.associate()
    value = s.get(3, REGISTER_LN, 2)  # glo-: the client's counters are below 50
    kek = bytes(range(32, 48))
    ssec.master_key = kek
    key = bytes(range(48, 64))
    get = b"\xc0\x01\xc1\x00\x03" + REGISTER_LN + b"\x02\x00"  # get-request-normal, value
    tid = bytes.fromhex("0000000000000042")
    req = gc.protect(get, tid, ST_C, ST_S, 50, key, EAK, 0x30, gc.wrapped_key(kek, key))
    reply = server.handle(req, 1)
    u = gc.unprotect(reply, EAK, kek=kek)
    m = u.message
    assert m.transaction_id == tid and m.originator == ST_S and m.recipient == ST_C
    assert u.apdu[0:4] == b"\xc4\x01\xc1\x00"  # get-response-normal, data
    assert axdr.decode(u.apdu[4:]) == value
    # the same counter again: an exception response, in the clear
    assert server.handle(req, 1)[0] == 0xD8

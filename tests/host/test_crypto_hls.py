"""HLS answers against gurux-dlms's GXSecure (mechanisms 3, 4, 5, 6, the
client's f(StoC) as GXDLMSClient builds it and the server's f(CtoS) as its
Association LN does) and mechanism 7 signatures against `cryptography`."""

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec as cec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from gurux_dlms.GXSecure import GXSecure
from gurux_dlms.enums import Authentication
from hypothesis import given, settings
from hypothesis import strategies as st

from microcosem.security import ec
from microcosem.security.hls import Hls


class _Cipher:
    def __init__(self, ek, ak, suite=0):
        self.blockCipherKey = ek
        self.authenticationKey = ak
        self.securitySuite = suite


class _Settings:
    def __init__(self, auth):
        self.authentication = auth


challenges = st.binary(min_size=8, max_size=64)
titles = st.binary(min_size=8, max_size=8)
secrets = st.binary(min_size=1, max_size=32)
keys = st.binary(min_size=16, max_size=16)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(((3, Authentication.HIGH_MD5), (4, Authentication.HIGH_SHA1))),
       secrets, challenges, challenges)
def test_md5_sha1_equal_gurux(mech, secret, ctos, stoc):
    m, auth = mech
    h = Hls(m, secret=secret)
    s = _Settings(auth)
    assert h.respond(ctos, stoc) == bytes(GXSecure.secure(s, None, 0, stoc, secret))
    assert h.respond(stoc, ctos) == bytes(GXSecure.secure(s, None, 0, ctos, secret))


@settings(max_examples=60, deadline=None)
@given(secrets, challenges, challenges, titles, titles)
def test_sha256_equals_gurux(secret, ctos, stoc, st_c, st_s):
    s = _Settings(Authentication.HIGH_SHA256)
    h = Hls(6, secret=secret)
    client_pw = secret + st_c + st_s + stoc + ctos  # GXDLMSClient.getApplicationAssociationRequest
    assert h.respond(ctos, stoc, st_c, st_s) == bytes(GXSecure.secure(s, None, 0, stoc, client_pw))
    server_pw = secret + st_s + st_c + ctos + stoc  # what the client checks f(CtoS) against
    assert h.respond(stoc, ctos, st_s, st_c) == bytes(GXSecure.secure(s, None, 0, ctos, server_pw))


@settings(max_examples=40, deadline=None)
@given(keys, keys, challenges, challenges, titles, titles, st.integers(0, 0xFFFFFFFF))
def test_gmac_equals_gurux(ek, ak, ctos, stoc, st_c, st_s, ic):
    s = _Settings(Authentication.HIGH_GMAC)
    c = _Cipher(ek, ak)
    h = Hls(5, ek=ek, ak=ak)
    f_stoc = h.respond(ctos, stoc, st_c, st_s, ic)
    assert f_stoc == bytes(GXSecure.secure(s, c, ic, stoc, st_c))
    assert h.check(f_stoc, stoc, ctos, st_s, st_c)
    assert h.respond(stoc, ctos, st_s, st_c, ic) == bytes(GXSecure.secure(s, c, ic, ctos, st_s))


@settings(max_examples=10, deadline=None)
@given(challenges, challenges, titles, titles)
def test_ecdsa_signatures_verify_with_cryptography(ctos, stoc, st_c, st_s):
    for curve, suite, ccurve, halg in ((ec.P256, 1, cec.SECP256R1(), hashes.SHA256()),
                                       (ec.P384, 2, cec.SECP384R1(), hashes.SHA384())):
        key = cec.generate_private_key(ccurve)
        priv = key.private_numbers().private_value.to_bytes(curve.size, "big")
        f_stoc = Hls(7, suite=suite, private_key=priv).respond(ctos, stoc, st_c, st_s)
        r = int.from_bytes(f_stoc[:curve.size], "big")
        s = int.from_bytes(f_stoc[curve.size:], "big")
        key.public_key().verify(encode_dss_signature(r, s), st_c + st_s + stoc + ctos,
                                cec.ECDSA(halg))
        # and a signature made by cryptography is accepted by the server side
        sig = key.sign(st_s + st_c + ctos + stoc, cec.ECDSA(halg))
        from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
        r, s = decode_dss_signature(sig)
        pub = key.public_key().public_numbers()
        peer = pub.x.to_bytes(curve.size, "big") + pub.y.to_bytes(curve.size, "big")
        client = Hls(7, suite=suite, peer_public_key=peer)
        f_ctos = r.to_bytes(curve.size, "big") + s.to_bytes(curve.size, "big")
        assert client.check(f_ctos, ctos, stoc, st_c, st_s)

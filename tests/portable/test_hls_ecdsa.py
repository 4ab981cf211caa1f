# heapsize: 64k
"""HLS mechanism 7 (ECDSA): f(StoC) and f(CtoS) signed over the titles and
challenges in the Green Book's order, checked both ways, on P-256 and P-384."""

from checks import raises, unhex
from microcosem.security import SecurityError, ec, ecdsa
from microcosem.security.hls import Hls

ST_C = unhex("4D4D4D0000000001")
ST_S = unhex("4D4D4D0000BC614E")
CTOS = b"K56iVagY"
STOC = b"P6wRJ21F"


def _exchange(curve, suite):
    c_priv = b"\x11" * curve.size
    s_priv = b"\x22" * curve.size
    c_pub = ec.public_key(curve, c_priv)
    s_pub = ec.public_key(curve, s_priv)
    client = Hls(7, suite=suite, private_key=c_priv, peer_public_key=s_pub)
    server = Hls(7, suite=suite, private_key=s_priv, peer_public_key=c_pub)
    f_stoc = client.respond(CTOS, STOC, ST_C, ST_S)
    assert len(f_stoc) == 2 * curve.size
    assert ecdsa.verify(curve, c_pub, ST_C + ST_S + STOC + CTOS, f_stoc)
    assert server.check(f_stoc, STOC, CTOS, ST_S, ST_C)
    f_ctos = server.respond(STOC, CTOS, ST_S, ST_C)
    assert ecdsa.verify(curve, s_pub, ST_S + ST_C + CTOS + STOC, f_ctos)
    assert client.check(f_ctos, CTOS, STOC, ST_C, ST_S)
    assert not server.check(f_ctos, STOC, CTOS, ST_S, ST_C)
    raises(SecurityError, Hls(7, suite=0, private_key=c_priv).respond, CTOS, STOC, ST_C, ST_S)


def test_ecdsa_mechanism_p256_suite_1():
    _exchange(ec.P256, 1)


def test_ecdsa_mechanism_p384_suite_2():
    _exchange(ec.P384, 2)

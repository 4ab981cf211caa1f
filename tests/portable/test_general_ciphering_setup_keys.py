# heapsize: 200k
# (the cosem setup modules with axdr and setup_methods, and ciphering, gcm,
# general_ciphering, ec, ecdsa, kdf, agreement and x509 as .mpy in the heap;
# passes from 188k, 184k fails since the certificate keys are cached: 12k
# spare for a heap that fragments)
"""general-ciphering agreed keys from the meter's Security setup: its key
pairs made by generate_key_pair (method 4), the client's signing and key
agreement certificates imported by import_certificate (method 6, signed by
the trusted CA); a ServerSecurity given the setup (and no keys of its own)
opens a client's agreed-key requests and answers them in kind, under both
schemes, finding the client's keys by its system title in the certificates
(subject CN, KeyUsage).  Without the certificate a scheme needs, or after it
is removed (method 8), the request is refused; a new key pair is used at once.
The certificates are parsed on the first request and again only once they change."""

from cert_samples import CA_CERT, CA_PRIV, CLIENT_CERT, CLIENT_PRIV
from checks import raises, unhex
from microcosem.axdr import ENUM, OCTET_STRING, STRUCTURE
from microcosem.cosem.setup import SecuritySetup
from microcosem.security import SecurityError, ec, ecdsa, x509
from microcosem.security import general_ciphering as gc
from microcosem.security.ciphering import ClientSecurity, ServerSecurity
from microcosem.security.ec import P256

EK = unhex("000102030405060708090A0B0C0D0E0F")
AK = unhex("D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF")
ST = unhex("4D4D4D0000BC614E")
CLIENT_ST = unhex("4D4D4D0000000001")
C_KA = unhex("2B1C0D3E4F5061728394A5B6C7D8E9FA0B1C2D3E4F5061728394A5B6C7D8E9FA")
GET = unhex("C0010000080000010000FF0200")
ANSWER = unhex("C401C100090401020304")


def _cert(public_key, common_name, key_usage_bits, serial):
    """An end-entity certificate signed by the test CA (x509's DER writers):
    KeyUsage as a BIT STRING's first byte (0x08 keyAgreement, 0x80
    digitalSignature)."""
    d = x509.der
    alg = d(0x30, d(0x06, x509.OID_ECDSA_SHA256))
    validity = d(0x30, d(0x17, b"260101000000Z") + d(0x17, b"360101000000Z"))
    unused = 3 if key_usage_bits == 0x08 else 7
    ku = d(0x30, d(0x06, x509.OID_KEY_USAGE) + d(0x01, b"\xff")
           + d(0x04, d(0x03, bytes((unused, key_usage_bits)))))
    tbs = d(0x30, d(0xA0, d(0x02, b"\x02")) + d(0x02, serial) + alg
            + x509.Certificate(CA_CERT).subject + validity + x509.name(common_name)
            + x509.spki(P256, public_key) + d(0xA3, d(0x30, ku)))
    return d(0x30, tbs + alg + d(0x03, b"\x00" + x509.ecdsa_der(ecdsa.sign(P256, CA_PRIV, tbs))))


class Ctx:
    client_system_title = CLIENT_ST
    dedicated_key = None


class Peer:
    server_system_title = ST


def _meter():
    s = SecuritySetup("0.0.43.0.0.255", server_system_title=(OCTET_STRING, ST),
                      security_suite=(ENUM, 1))
    sec = ServerSecurity(ST, EK, AK, ic=100, sc=0x31, suite=1)
    s.security = sec
    sec.setup = s
    s.trusted = (CA_CERT,)
    s.action(4, (ENUM, 0), None)  # the signature key pair
    s.action(4, (ENUM, 1), None)  # the key agreement key pair
    s.action(6, (OCTET_STRING, CLIENT_CERT), None)  # the client's signing certificate
    return s, sec


def _client(s, scheme):
    c = ClientSecurity(CLIENT_ST, EK, AK, ic=1, sc=0x31, general="ciphering")
    c.agreement = scheme
    c.agreement_key = C_KA
    c.signing_key = CLIENT_PRIV
    c.peer_keys = {ST: (s.key_pairs[1][1], s.key_pairs[0][1])}
    return c


def _round(s, sec, c):
    assert sec.unprotect(Ctx(), c.protect(Peer(), GET)) == GET
    return c.unprotect(Peer(), sec.protect(Ctx(), ANSWER))


def test_certificate_keys_by_title_and_key_usage():
    ka = _cert(ec.public_key(P256, C_KA), b"4D4D4D0000000001", 0x08, b"\x43")
    other = _cert(ec.public_key(P256, C_KA), b"4D4D4D0000000002", 0x08, b"\x44")

    class Setup:
        stored = (CA_CERT, other, CLIENT_CERT, ka)

    qa, qs = gc.certificate_keys(Setup(), CLIENT_ST)
    assert qa == ec.public_key(P256, C_KA) and qs == ec.public_key(P256, CLIENT_PRIV)
    assert gc.certificate_keys(Setup(), ST) == (None, None)  # the CA's CN is no system title
    Setup.stored = (CLIENT_CERT,)
    assert gc.certificate_keys(Setup(), CLIENT_ST) == (None, ec.public_key(P256, CLIENT_PRIV))


def test_agreed_keys_from_the_security_setup():
    s, sec = _meter()
    for scheme in (gc.ONE_PASS_DH, gc.STATIC_UNIFIED):
        c = _client(s, scheme)
        # only the signing certificate so far: no key to answer (or to agree) with
        raises(SecurityError, sec.unprotect, Ctx(), c.protect(Peer(), GET))
    ka = _cert(ec.public_key(P256, C_KA), b"4D4D4D0000000001", 0x08, b"\x43")
    s.action(6, (OCTET_STRING, ka), None)
    for scheme in (gc.ONE_PASS_DH, gc.STATIC_UNIFIED):
        c = _client(s, scheme)
        c.ic = sec.last_client_ic.get(CLIENT_ST, 0) + 1
        assert _round(s, sec, c) == ANSWER
    # a new signature key pair: the meter signs its next One-Pass DH answer
    # with it, which a client that holds the old public key refuses
    c = _client(s, gc.ONE_PASS_DH)
    c.ic = sec.last_client_ic[CLIENT_ST] + 1
    s.action(4, (ENUM, 0), None)
    raises(SecurityError, _round, s, sec, c)
    c.peer_keys = {ST: (s.key_pairs[1][1], s.key_pairs[0][1])}
    assert _round(s, sec, c) == ANSWER
    # the key agreement certificate removed (by serial): refused again
    s.action(8, (STRUCTURE, [(ENUM, 1), (STRUCTURE, [(OCTET_STRING, b"\x43"), (
        OCTET_STRING, x509.Certificate(CA_CERT).subject)])]), None)
    c = _client(s, gc.STATIC_UNIFIED)
    c.ic = sec.last_client_ic[CLIENT_ST] + 1
    raises(SecurityError, sec.unprotect, Ctx(), c.protect(Peer(), GET))


def test_certificates_parsed_once_until_they_change():
    # The meter takes the client's keys from the imported certificates: it
    # parses them on the first agreed-key request, then uses the keys it
    # took while the setup holds the same certificates; a certificate
    # removed or imported (methods 8, 6) is seen at the next request.
    s, sec = _meter()
    ka = _cert(ec.public_key(P256, C_KA), b"4D4D4D0000000001", 0x08, b"\x43")
    s.action(6, (OCTET_STRING, ka), None)
    parsed = []
    real = x509.Certificate

    class Counting(real):
        def __init__(self, der):
            parsed.append(len(der))
            real.__init__(self, der)

    def rounds(*schemes):
        n = len(parsed)
        for scheme in schemes:
            c = _client(s, scheme)
            c.ic = sec.last_client_ic.get(CLIENT_ST, 0) + 1
            assert _round(s, sec, c) == ANSWER
        return len(parsed) - n

    def refused(scheme):
        n = len(parsed)
        c = _client(s, scheme)
        c.ic = sec.last_client_ic[CLIENT_ST] + 1
        raises(SecurityError, sec.unprotect, Ctx(), c.protect(Peer(), GET))
        return len(parsed) - n

    by_serial = (STRUCTURE, [(ENUM, 1), (STRUCTURE, [(OCTET_STRING, b"\x43"), (
        OCTET_STRING, x509.Certificate(CA_CERT).subject)])])
    x509.Certificate = Counting
    try:
        assert rounds(gc.ONE_PASS_DH) == 2  # the two certificates the setup holds
        assert rounds(gc.STATIC_UNIFIED, gc.ONE_PASS_DH, gc.STATIC_UNIFIED) == 0
        s.action(8, by_serial, None)  # the key agreement certificate removed
        assert refused(gc.STATIC_UNIFIED) == 1  # the one left parsed, the removed key not used
        assert refused(gc.ONE_PASS_DH) == 0
        s.action(6, (OCTET_STRING, ka), None)  # imported again
        assert rounds(gc.STATIC_UNIFIED, gc.ONE_PASS_DH) == 2
        # the setup's list changed in place (a firmware that appends) is seen too
        s.stored.pop()
        assert refused(gc.STATIC_UNIFIED) == 1
    finally:
        x509.Certificate = real

# heapsize: 176k
# (176k: the cosem base and setup modules with axdr (128k in test_cosem_setup),
# plus security ciphering, gcm, keywrap, ec, ecdsa, kdf, agreement, x509 and
# setup_methods; 160k fails at import)
"""Security setup (64) methods 2-8 on the object bound to a ServerSecurity:
key_transfer installs unwrapped keys (all or none), key_agreement (C(2e,0s))
derives the key the client derives too, generate_key_pair and
generate_certificate_request give a signed PKCS#10 for the new key,
import_certificate takes only CA-signed certificates and lists them in
attribute 6, export and remove find them by entity or by serial."""

from cert_samples import CA_CERT, CERT, CLIENT_CERT, CLIENT_PRIV
from checks import raises, unhex
from microcosem.axdr import ARRAY, ENUM, OCTET_STRING, STRUCTURE, UNSIGNED
from microcosem.cosem.setup import SecuritySetup
from microcosem.errors import AccessError
from microcosem.security import agreement, ec, ecdsa, keywrap, x509
from microcosem.security.ciphering import ServerSecurity
from microcosem.security.ec import P256

EK = unhex("000102030405060708090A0B0C0D0E0F")
AK = unhex("D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF")
KEK = unhex("101112131415161718191A1B1C1D1E1F")
ST = unhex("4D4D4D0000BC614E")
CLIENT_ST = unhex("4D4D4D0000000001")


class Ctx:
    client_system_title = CLIENT_ST


def _setup(suite=1):
    s = SecuritySetup("0.0.43.0.0.255", server_system_title=(OCTET_STRING, ST),
                      security_suite=(ENUM, suite))
    s.security = ServerSecurity(ST, EK, AK)
    s.master_key = KEK
    s.trusted = (CA_CERT,)
    return s


def _code(fn, *args):
    return raises(AccessError, fn, *args).result


def _keys(*pairs):
    return (ARRAY, [(STRUCTURE, [(ENUM, k), (OCTET_STRING, v)]) for k, v in pairs])


def test_key_transfer():
    s = _setup()
    new_ek = unhex("00112233445566778899AABBCCDDEEFF")
    new_ak = unhex("FFEEDDCCBBAA99887766554433221100")
    s.action(2, _keys((0, keywrap.wrap(KEK, new_ek)), (2, keywrap.wrap(KEK, new_ak))), None)
    assert s.security.ek == new_ek and s.security.ak == new_ak
    s.action(2, _keys((1, keywrap.wrap(KEK, EK))), None)
    assert s.security.broadcast_key == EK
    # a bad wrap anywhere: nothing changes
    assert _code(s.action, 2, _keys((0, keywrap.wrap(KEK, EK)), (2, bytes(24))), None) == 250
    assert s.security.ek == new_ek
    assert _code(s.action, 2, _keys((4, keywrap.wrap(KEK, EK))), None) == 250
    assert _code(s.action, 2, _keys((0, keywrap.wrap(KEK, EK + EK))), None) == 250  # suite 1: 16
    assert _code(s.action, 2, (ENUM, 0), None) == 12
    # the master key itself, then keys wrapped under the new one
    kek2 = unhex("A0A1A2A3A4A5A6A7A8A9AAABACADAEAF")
    s.action(2, _keys((3, keywrap.wrap(KEK, kek2))), None)
    s.action(2, _keys((0, keywrap.wrap(kek2, EK))), None)
    assert s.master_key == kek2 == s.security.master_key and s.security.ek == EK
    s.master_key = None  # then the ServerSecurity's is used
    s.action(2, _keys((0, keywrap.wrap(kek2, new_ek))), None)
    assert s.security.ek == new_ek
    s.security.master_key = None
    assert _code(s.action, 2, _keys((0, keywrap.wrap(KEK, EK))), None) == 250


def test_key_pair_and_certificate_request():
    s = _setup()
    assert _code(s.action, 5, (ENUM, 0), None) == 250  # no key pair yet
    assert s.action(4, (ENUM, 0), None) is None
    priv, pub = s.key_pairs[0]
    assert ec.public_key(P256, priv) == pub
    tag, csr = s.action(5, (ENUM, 0), None)
    assert tag == OCTET_STRING
    assert x509.name(b"4D4D4D0000BC614E") in csr and x509.spki(P256, pub) in csr
    t, st, en = x509.tlv(csr, 0, len(csr))
    t, is_, ie = x509.tlv(csr, st, en)
    t, a, b = x509.tlv(csr, ie, en)
    t, bs, be = x509.tlv(csr, b, en)
    assert ecdsa.verify(P256, pub, csr[st:ie], x509._ecdsa_rs(csr, bs + 1, be, 32))
    assert _code(s.action, 4, (ENUM, 3), None) == 250
    assert _code(s.action, 4, (UNSIGNED, 0), None) == 12
    assert _code(_setup(0).action, 4, (ENUM, 0), None) == 250  # suite 0 has no key pairs


def _by_entity(entity, kind, title):
    return (STRUCTURE, [(ENUM, 0), (STRUCTURE, [(ENUM, entity), (ENUM, kind), (OCTET_STRING, title)])])


def _by_serial(serial, issuer):
    return (STRUCTURE, [(ENUM, 1), (STRUCTURE, [(OCTET_STRING, serial), (OCTET_STRING, issuer)])])


def test_import_export_remove_certificates():
    s = _setup()
    assert s.action(6, (OCTET_STRING, CERT), None) is None
    s.action(6, (OCTET_STRING, CLIENT_CERT), None)
    s.action(6, (OCTET_STRING, CERT), None)  # again: replaces, not added
    certs = s.get(6, None, None)[1]
    assert len(certs) == 2
    issuer = x509.name(b"microcosem test CA")
    assert certs[0] == (STRUCTURE, ((ENUM, 0), (ENUM, 0), (OCTET_STRING, unhex("0123456789")),
                                    (OCTET_STRING, issuer), (OCTET_STRING, x509.Certificate(CERT).subject),
                                    (OCTET_STRING, b"")))
    assert certs[1][1][0:3] == ((ENUM, 1), (ENUM, 0), (OCTET_STRING, b"\x42"))
    assert s.action(7, _by_entity(0, 0, ST), None) == (OCTET_STRING, CERT)
    assert s.action(7, _by_serial(b"\x42", issuer), None) == (OCTET_STRING, CLIENT_CERT)
    assert _code(s.action, 7, _by_entity(0, 1, ST), None) == 250  # no key agreement certificate
    assert _code(s.action, 7, (ENUM, 0), None) == 12
    s.action(8, _by_serial(unhex("0123456789"), issuer), None)
    assert len(s.get(6, None, None)[1]) == 1
    assert _code(s.action, 7, _by_entity(0, 0, ST), None) == 250
    # not signed by a trusted CA: a changed byte, or no CA at all
    bad = bytearray(CERT)
    bad[CERT.index(b"4D4D4D0000BC614E")] = ord("5")
    assert _code(s.action, 6, (OCTET_STRING, bytes(bad)), None) == 250
    assert _code(s.action, 6, (OCTET_STRING, CERT[:-1]), None) == 250
    s.trusted = ()
    assert _code(s.action, 6, (OCTET_STRING, CERT), None) == 250
    assert len(s.get(6, None, None)[1]) == 1


def test_key_agreement_both_sides_agree():
    s = _setup()
    s.action(4, (ENUM, 0), None)  # the server's signature key pair
    s.action(6, (OCTET_STRING, CLIENT_CERT), None)
    e_u, qe_u = ec.generate_keypair(P256)
    data = qe_u + ecdsa.sign(P256, CLIENT_PRIV, b"\x00" + qe_u)  # signed: key_id || Qe
    tag, answer = s.action(3, _keys((0, data)), Ctx())
    assert tag == ARRAY and answer[0][1][0] == (ENUM, 0)
    back = answer[0][1][1][1]
    qe_v, sig_v = back[:64], back[64:]
    assert ecdsa.verify(P256, s.key_pairs[0][1], b"\x00" + qe_v, sig_v)
    key = agreement.ephemeral_unified(1, e_u, qe_v, CLIENT_ST, ST)
    assert s.security.ek == key
    # the ephemeral key must be signed with the client's certificate key
    forged = qe_u + ecdsa.sign(P256, s.key_pairs[0][0], b"\x00" + qe_u)
    assert _code(s.action, 3, _keys((0, forged)), Ctx()) == 250
    # signed for another key id (2): not valid as key 0's
    assert _code(s.action, 3, _keys((0, qe_u + ecdsa.sign(P256, CLIENT_PRIV, b"\x02" + qe_u))),
                 Ctx()) == 250
    assert s.security.ek == key
    assert _code(s.action, 3, _keys((0, data[:-1])), Ctx()) == 250
    assert _code(s.action, 3, _keys((0, data)), None) == 250  # no client system title


def test_any_parameters_give_an_access_error_only():
    s = _setup()
    s.action(4, (ENUM, 0), None)
    s.action(6, (OCTET_STRING, CLIENT_CERT), None)
    junk = (None, (ENUM, 9), (OCTET_STRING, b""), (OCTET_STRING, b"\x30\x00"), (ARRAY, [1]),
            (ARRAY, [(STRUCTURE, [])]), (ARRAY, [(STRUCTURE, [1, 2])]),
            (ARRAY, [(STRUCTURE, [(ENUM, None), (OCTET_STRING, b"")])]),
            (STRUCTURE, [(ENUM, 0)]), (STRUCTURE, [(ENUM, 2), (STRUCTURE, [])]),
            (STRUCTURE, [(ENUM, 0), (STRUCTURE, [(ENUM, 0)])]), (STRUCTURE, [1, 2]), (UNSIGNED, 1))
    for m in range(2, 9):
        for p in junk:
            raises(AccessError, s.action, m, p, Ctx())

# heapsize: 80k
# (64k + 16k: with 64k it had under 8k to spare, `tools/mptest.py --margin 8k`;
#  a heap laid out a little otherwise, as on a fresh clone, could tip it)
"""security.x509 on a fixed DER certificate (made once by `cryptography`: a
P-256 device key, CN 4D4D4D0000BC614E, KeyUsage digitalSignature, signed by a
test CA with ecdsa-with-SHA256): the fields Security setup lists, the
subject key, the CA's signature checked (and refused under another key or
after a changed byte), malformed DER refused; a PKCS#10 request built here
is well formed and signed.  Against `cryptography` in tests/host/test_crypto_x509."""

from cert_samples import CA_PUB, CERT, DEV_PRIV, DEV_PUB
from checks import raises, unhex
from microcosem.errors import DecodeError, DlmsError
from microcosem.security import ec, ecdsa, x509
from microcosem.security.ec import P256


def test_fields():
    c = x509.Certificate(CERT)
    assert c.serial == unhex("0123456789")
    assert c.curve is P256 and c.public_key == DEV_PUB and c.hash_name == "sha256"
    assert c.subject_cn == b"4D4D4D0000BC614E"
    assert c.issuer == x509.name(b"microcosem test CA")
    assert c.subject[0] == 0x30 and c.subject in CERT and c.issuer in CERT
    assert c.key_usage == x509.KU_DIGITAL_SIGNATURE and not c.is_ca
    assert c.tbs == CERT[4:4 + 4 + 0x103] and len(c.signature(P256)) == 64


def test_signature_checked():
    c = x509.Certificate(CERT)
    assert c.verify(CA_PUB)
    assert not c.verify(DEV_PUB)  # not self-signed
    i = CERT.index(b"4D4D4D0000BC614E")
    bad = bytearray(CERT)
    bad[i] = ord("5")  # another subject, same length: still parses, no longer verifies
    b = x509.Certificate(bytes(bad))
    assert b.subject_cn == b"5D4D4D0000BC614E" and not b.verify(CA_PUB)


def test_malformed_refused():
    for n in (0, 1, 2, 10, 100, len(CERT) - 1):
        raises(DecodeError, x509.Certificate, CERT[:n])
    raises(DecodeError, x509.Certificate, CERT + b"\x00")
    raises(DlmsError, x509.Certificate, b"\x31" + CERT[1:])
    raises(DlmsError, x509.Certificate, CERT.replace(x509.OID_P256, b"\x2a\x86\x48\xce\x3d\x03\x01\x06"))


def test_certification_request():
    csr = x509.certification_request(P256, DEV_PRIV, b"4D4D4D0000BC614E")
    t, s, e = x509.tlv(csr, 0, len(csr))
    assert t == 0x30 and e == len(csr)
    t, is_, ie = x509.tlv(csr, s, e)  # CertificationRequestInfo
    info = csr[s:ie]
    assert info[0] == 0x30 and csr[is_:is_ + 3] == b"\x02\x01\x00"  # version 0
    assert x509.name(b"4D4D4D0000BC614E") in info and x509.spki(P256, DEV_PUB) in info
    assert info.endswith(b"\xa0\x00")  # no attributes
    t, as_, ae = x509.tlv(csr, ie, e)
    assert csr[as_:ae] == b"\x06\x08" + x509.OID_ECDSA_SHA256
    t, bs, be = x509.tlv(csr, ae, e)
    assert t == 0x03 and csr[bs] == 0 and be == e
    sig = x509._ecdsa_rs(csr, bs + 1, be, 32)
    assert ecdsa.verify(P256, DEV_PUB, info, sig)
    assert x509.ecdsa_der(sig)[0] == 0x30 and ec.public_key(P256, DEV_PRIV) == DEV_PUB

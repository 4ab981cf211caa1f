"""security.x509 against `cryptography`: certificates it issues (P-256 and
P-384 keys, either CA curve, with and without extensions) parse to the same
serial, names, key, usage and CA flag, and their signatures verify under the
CA's key only; our PKCS#10 requests load there with a valid signature, the
subject CN and the public key we gave."""

import datetime

import pytest
from cryptography import x509 as cx509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec as cec
from cryptography.x509.oid import NameOID

from microcosem.security import ec, x509

CURVES = ((ec.P256, cec.SECP256R1(), hashes.SHA256()), (ec.P384, cec.SECP384R1(), hashes.SHA384()))


def _xy(key, size):
    n = key.public_key().public_numbers()
    return n.x.to_bytes(size, "big") + n.y.to_bytes(size, "big")


@pytest.mark.parametrize("dev", CURVES)
@pytest.mark.parametrize("ca", CURVES)
@pytest.mark.parametrize("agreement", (False, True))
def test_certificates_from_cryptography(dev, ca, agreement):
    dcurve, dc, _ = dev
    acurve, ac, ah = ca
    dk = cec.generate_private_key(dc)
    ak = cec.generate_private_key(ac)
    ku = cx509.KeyUsage(not agreement, False, False, False, agreement, False, False, False, False)
    b = (cx509.CertificateBuilder()
         .subject_name(cx509.Name([cx509.NameAttribute(NameOID.COMMON_NAME, "4D4D4D0000000001")]))
         .issuer_name(cx509.Name([cx509.NameAttribute(NameOID.COMMON_NAME, "CA"),
                                  cx509.NameAttribute(NameOID.COUNTRY_NAME, "CH")]))
         .public_key(dk.public_key()).serial_number(0x80112233)
         .not_valid_before(datetime.datetime(2026, 1, 1))
         .not_valid_after(datetime.datetime(2027, 1, 1)))
    if agreement:
        b = b.add_extension(ku, critical=True)
    cert = b.sign(ak, ah)
    der = cert.public_bytes(serialization.Encoding.DER)
    c = x509.Certificate(der)
    assert c.curve is dcurve and c.public_key == _xy(dk, dcurve.size)
    assert int.from_bytes(c.serial, "big") == cert.serial_number
    assert c.subject == cert.subject.public_bytes() and c.issuer == cert.issuer.public_bytes()
    assert c.subject_cn == b"4D4D4D0000000001"
    assert c.key_usage == (x509.KU_KEY_AGREEMENT if agreement else None)
    assert c.tbs == cert.tbs_certificate_bytes and not c.is_ca
    assert c.verify(_xy(ak, acurve.size), acurve)
    assert not c.verify(_xy(cec.generate_private_key(ac), acurve.size), acurve)


def test_ca_flag():
    k = cec.generate_private_key(cec.SECP256R1())
    n = cx509.Name([cx509.NameAttribute(NameOID.COMMON_NAME, "root")])
    cert = (cx509.CertificateBuilder().subject_name(n).issuer_name(n).public_key(k.public_key())
            .serial_number(1).not_valid_before(datetime.datetime(2026, 1, 1))
            .not_valid_after(datetime.datetime(2027, 1, 1))
            .add_extension(cx509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(cx509.KeyUsage(False, False, False, False, False, True, True, False,
                                          False), critical=True)
            .sign(k, hashes.SHA256()))
    c = x509.Certificate(cert.public_bytes(serialization.Encoding.DER))
    assert c.is_ca and c.key_usage & x509.KU_KEY_CERT_SIGN and c.verify(c.public_key)


@pytest.mark.parametrize("curve,ccurve,h", CURVES)
def test_our_pkcs10_loads_in_cryptography(curve, ccurve, h):
    d, pub = ec.generate_keypair(curve)
    csr = cx509.load_der_x509_csr(x509.certification_request(curve, d, b"4D4D4D0000BC614E"))
    assert csr.is_signature_valid
    assert csr.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "4D4D4D0000BC614E"
    n = csr.public_key().public_numbers()
    assert n.x.to_bytes(curve.size, "big") + n.y.to_bytes(curve.size, "big") == pub
    assert isinstance(csr.signature_hash_algorithm, type(h))

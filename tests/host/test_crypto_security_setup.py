"""Security setup methods against peers: method 2 with gurux-dlms's key transfer
parameters; methods 4-7 with `cryptography` as the CA, in suites 1 and
2: the meter's key pair (method 4) goes out as a PKCS#10 request (method 5)
that cryptography accepts; the certificate the CA issues from it is imported
(method 6), listed in attribute 6 and exported (method 7) byte for byte."""

import datetime

import pytest
from cryptography import x509 as cx509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec as cec
from cryptography.x509.oid import NameOID

from microcosem.axdr import ENUM, OCTET_STRING, STRUCTURE
from microcosem.cosem.setup import SecuritySetup
from microcosem.errors import AccessError
from microcosem.security.ciphering import ServerSecurity

ST = bytes.fromhex("4D4D4D0000BC614E")


@pytest.mark.parametrize("suite,ccurve,h", ((1, cec.SECP256R1(), hashes.SHA256()),
                                            (2, cec.SECP384R1(), hashes.SHA384())))
def test_request_issue_import_export(suite, ccurve, h):
    ca = cec.generate_private_key(ccurve)
    can = cx509.Name([cx509.NameAttribute(NameOID.COMMON_NAME, "CA")])
    t0, t1 = datetime.datetime(2026, 1, 1), datetime.datetime(2030, 1, 1)
    ca_cert = (cx509.CertificateBuilder().subject_name(can).issuer_name(can)
               .public_key(ca.public_key()).serial_number(7).not_valid_before(t0)
               .not_valid_after(t1).add_extension(cx509.BasicConstraints(True, None), True)
               .sign(ca, h))
    s = SecuritySetup("0.0.43.0.0.255", server_system_title=(OCTET_STRING, ST),
                      security_suite=(ENUM, suite))
    key = bytes(32 if suite == 2 else 16)
    s.security = ServerSecurity(ST, key, key)
    s.trusted = (ca_cert.public_bytes(serialization.Encoding.DER),)
    s.action(4, (ENUM, 1), None)  # key agreement key pair
    csr = cx509.load_der_x509_csr(s.action(5, (ENUM, 1), None)[1])
    assert csr.is_signature_valid
    cert = (cx509.CertificateBuilder().subject_name(csr.subject).issuer_name(can)
            .public_key(csr.public_key()).serial_number(0x1234).not_valid_before(t0)
            .not_valid_after(t1)
            .add_extension(cx509.KeyUsage(False, False, False, False, True, False, False, False,
                                          False), True)
            .sign(ca, h))
    der = cert.public_bytes(serialization.Encoding.DER)
    s.action(6, (OCTET_STRING, der), None)
    info = s.get(6, None, None)[1][0][1]
    assert info[0:3] == ((ENUM, 0), (ENUM, 1), (OCTET_STRING, b"\x12\x34"))
    assert info[3][1] == can.public_bytes() and info[4][1] == csr.subject.public_bytes()
    ident = (STRUCTURE, [(ENUM, 0), (STRUCTURE, [(ENUM, 0), (ENUM, 1), (OCTET_STRING, ST)])])
    assert s.action(7, ident, None) == (OCTET_STRING, der)
    other = cec.generate_private_key(ccurve)  # signed by someone else: refused
    forged = (cx509.CertificateBuilder().subject_name(csr.subject).issuer_name(can)
                     .public_key(csr.public_key()).serial_number(0x99).not_valid_before(t0)
                     .not_valid_after(t1).sign(other, h))
    with pytest.raises(AccessError):
        s.action(6, (OCTET_STRING, forged.public_bytes(serialization.Encoding.DER)), None)


def test_gurux_key_transfer_parameters():
    # gurux-dlms builds method 2's parameters (GXDLMSSecuritySetup.globalKeyTransfer:
    # array of {key_id, key wrapped with GXDLMSSecureClient.encrypt}); our object
    # unwraps and installs them.
    from gurux_dlms import GXByteBuffer
    from gurux_dlms.enums import DataType
    from gurux_dlms.internal._GXCommon import _GXCommon
    from gurux_dlms.secure.GXDLMSSecureClient import GXDLMSSecureClient

    from microcosem import axdr

    kek = bytes(range(16))
    new = ((0, bytes(range(16, 32))), (2, bytes(range(32, 48))), (1, bytes(range(48, 64))))
    bb = GXByteBuffer()
    bb.setUInt8(DataType.ARRAY)
    bb.setUInt8(len(new))
    for key_id, key in new:
        bb.setUInt8(DataType.STRUCTURE)
        bb.setUInt8(2)
        _GXCommon.setData(None, bb, DataType.ENUM, key_id)
        _GXCommon.setData(None, bb, DataType.OCTET_STRING, GXDLMSSecureClient.encrypt(kek, key))
    s = SecuritySetup("0.0.43.0.0.255", server_system_title=(OCTET_STRING, ST),
                      security_suite=(ENUM, 0))
    s.security = ServerSecurity(ST, bytes(16), bytes(16))
    s.master_key = kek
    s.action(2, axdr.decode(bytes(bb.array())), None)
    assert (s.security.ek, s.security.ak, s.security.broadcast_key) == (new[0][1], new[1][1],
                                                                        new[2][1])

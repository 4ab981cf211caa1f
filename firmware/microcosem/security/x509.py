"""Just enough X.509 (RFC 5280) and PKCS#10 (RFC 2986) DER for a meter of
security suites 1 and 2 (IEC 62056-5-3 9.2.6: the DLMS certificate profile,
ECDSA P-256 / P-384 keys).

    Certificate(der)   .tbs (the signed bytes), .serial, .issuer, .subject (the
                       DER of each, as Security setup lists them), .curve,
                       .public_key (X||Y), .hash_name (of the issuer's signature),
                       .key_usage (the KeyUsage bits as an int, bit 0 =
                       digitalSignature ... bit 4 = keyAgreement; None when
                       absent), .is_ca, .subject_cn (bytes or None)
    Certificate.verify(issuer_public_key, curve=None) -> True / False
    Certificate.signature(issuer_curve) -> r||s
    certification_request(curve, private_key, common_name) -> PKCS#10 DER
    name(common_name) -> the DER Name with one CN

Nothing else of a certificate is interpreted: validity dates need a clock
the meter may not trust, and the chain is one level (the CA's key is given).
Malformed DER raises DecodeError; an unknown curve or algorithm SecurityError.
"""

from ..errors import DecodeError
from . import SecurityError

_SEQ = 0x30
_SET = 0x31
_INT = 0x02
_BITS = 0x03
_OCTETS = 0x04
_OID = 0x06
_BOOL = 0x01
_UTF8 = 0x0C

OID_EC_PUBLIC_KEY = b"\x2a\x86\x48\xce\x3d\x02\x01"
OID_P256 = b"\x2a\x86\x48\xce\x3d\x03\x01\x07"
OID_P384 = b"\x2b\x81\x04\x00\x22"
OID_ECDSA_SHA256 = b"\x2a\x86\x48\xce\x3d\x04\x03\x02"
OID_ECDSA_SHA384 = b"\x2a\x86\x48\xce\x3d\x04\x03\x03"
OID_CN = b"\x55\x04\x03"
OID_KEY_USAGE = b"\x55\x1d\x0f"
OID_BASIC_CONSTRAINTS = b"\x55\x1d\x13"

KU_DIGITAL_SIGNATURE = 0x01
KU_KEY_AGREEMENT = 0x10
KU_KEY_CERT_SIGN = 0x20


# -- reading -----------------------------------------------------------------------


def tlv(buf, pos, end):
    """(tag, value start, value end) of the DER element at pos."""
    if pos + 2 > end:
        raise DecodeError("DER element truncated", pos)
    tag = buf[pos]
    n = buf[pos + 1]
    p = pos + 2
    if n & 0x80:
        k = n & 0x7F
        if k == 0 or k > 3 or p + k > end:
            raise DecodeError("bad DER length", pos + 1)
        n = 0
        for i in range(k):
            n = (n << 8) | buf[p + i]
        p += k
    if p + n > end:
        raise DecodeError("DER value truncated", pos)
    return tag, p, p + n


def _expect(buf, pos, end, tag, what):
    t, s, e = tlv(buf, pos, end)
    if t != tag:
        raise DecodeError("%s: DER tag 0x%02X, 0x%02X expected" % (what, t, tag), pos)
    return s, e


def _curve_of(oid):
    from . import ec

    if oid == OID_P256:
        return ec.P256
    if oid == OID_P384:
        return ec.P384
    raise SecurityError("certificate key on an unsupported curve")


def _hash_of(oid):
    if oid == OID_ECDSA_SHA256:
        return "sha256"
    if oid == OID_ECDSA_SHA384:
        return "sha384"
    raise SecurityError("certificate signed with an unsupported algorithm")


def _uint(buf, s, e, size):
    # a DER INTEGER's content as `size` big-endian bytes (r or s of ECDSA)
    v = bytes(buf[s:e])
    while len(v) > size and v[0] == 0:
        v = v[1:]
    if len(v) > size:
        raise DecodeError("ECDSA integer too long", s)
    return bytes(size - len(v)) + v


def _cn(buf, s, e):
    # the first commonName in a Name (SEQUENCE OF SET OF AttributeTypeAndValue)
    pos = s
    while pos < e:
        ss, se = _expect(buf, pos, e, _SET, "RDN")
        p = ss
        while p < se:
            as_, ae = _expect(buf, p, se, _SEQ, "attribute")
            os_, oe = _expect(buf, as_, ae, _OID, "attribute type")
            if bytes(buf[os_:oe]) == OID_CN:
                _, vs, ve = tlv(buf, oe, ae)
                return bytes(buf[vs:ve])
            p = ae
        pos = se
    return None


class Certificate:
    def __init__(self, der):
        der = bytes(der)
        self.der = der
        end = len(der)
        cs, ce = _expect(der, 0, end, _SEQ, "Certificate")
        if ce != end:
            raise DecodeError("bytes after the certificate", ce)
        ts, te = _expect(der, cs, ce, _SEQ, "TBSCertificate")
        self.tbs = der[cs:te]
        # signatureAlgorithm, signatureValue
        as_, ae = _expect(der, te, ce, _SEQ, "signatureAlgorithm")
        os_, oe = _expect(der, as_, ae, _OID, "algorithm")
        self.hash_name = _hash_of(der[os_:oe])
        bs, be = _expect(der, ae, ce, _BITS, "signatureValue")
        if be <= bs or der[bs] != 0:
            raise DecodeError("signature BIT STRING", bs)
        self._sig_der = (bs + 1, be)
        # the TBS fields
        pos = ts
        t, s, e = tlv(der, pos, te)
        if t == 0xA0:  # [0] EXPLICIT version
            pos = e
        s, e = _expect(der, pos, te, _INT, "serialNumber")
        self.serial = der[s:e]
        pos = e
        _, _, pos = tlv(der, pos, te)  # signature AlgorithmIdentifier (repeats the outer one)
        t, s, e = tlv(der, pos, te)
        if t != _SEQ:
            raise DecodeError("issuer", pos)
        self.issuer = der[pos:e]
        pos = e
        _, _, pos = tlv(der, pos, te)  # validity
        s, e = _expect(der, pos, te, _SEQ, "subject")
        self.subject = der[pos:e]
        self.subject_cn = _cn(der, s, e)
        pos = e
        s, e = _expect(der, pos, te, _SEQ, "subjectPublicKeyInfo")
        self.curve, self.public_key = _spki(der, s, e)
        pos = e
        self.key_usage = None
        self.is_ca = False
        while pos < te:
            t, s, e = tlv(der, pos, te)
            if t == 0xA3:  # [3] EXPLICIT extensions
                self._extensions(der, s, e)
            pos = e

    def _extensions(self, der, s, e):
        ss, se = _expect(der, s, e, _SEQ, "Extensions")
        pos = ss
        while pos < se:
            xs, xe = _expect(der, pos, se, _SEQ, "Extension")
            os_, oe = _expect(der, xs, xe, _OID, "extnID")
            oid = der[os_:oe]
            p = oe
            t, vs, ve = tlv(der, p, xe)
            if t == _BOOL:  # critical
                p = ve
            vs, ve = _expect(der, p, xe, _OCTETS, "extnValue")
            if oid == OID_KEY_USAGE:
                bs, be = _expect(der, vs, ve, _BITS, "KeyUsage")
                # BIT STRING: unused-bit count, then bits from the most
                # significant: digitalSignature is bit 0 of the first byte's MSB.
                ku = 0
                for i in range(bs + 1, be):
                    b = der[i]
                    for j in range(8):
                        if b & (0x80 >> j):
                            ku |= 1 << ((i - bs - 1) * 8 + j)
                self.key_usage = ku
            elif oid == OID_BASIC_CONSTRAINTS:
                bs, be = _expect(der, vs, ve, _SEQ, "BasicConstraints")
                if bs < be and der[bs] == _BOOL:
                    _, cs, ce = tlv(der, bs, be)
                    self.is_ca = ce > cs and der[cs] != 0
            pos = xe

    def verify(self, issuer_public_key, curve=None):
        """True if the issuer's key (X||Y, on the issuer's curve, by default
        this certificate's) signed the TBS part."""
        from . import ecdsa

        c = self.curve if curve is None else curve
        fn = ecdsa.hash_function(self.hash_name)[0]
        digest = fn(self.tbs).digest()
        return ecdsa.verify_digest(c, issuer_public_key, digest, self.signature(c))

    def signature(self, curve):
        """The issuer's signature as r||s for the issuer's curve (the
        certificate does not say which curve that is)."""
        return _ecdsa_rs(self.der, self._sig_der[0], self._sig_der[1], curve.size)


def _spki(der, s, e):
    as_, ae = _expect(der, s, e, _SEQ, "AlgorithmIdentifier")
    os_, oe = _expect(der, as_, ae, _OID, "algorithm")
    if der[os_:oe] != OID_EC_PUBLIC_KEY:
        raise SecurityError("certificate key is not an EC key")
    ps, pe = _expect(der, oe, ae, _OID, "namedCurve")
    curve = _curve_of(der[ps:pe])
    bs, be = _expect(der, ae, e, _BITS, "subjectPublicKey")
    if be - bs != 2 + 2 * curve.size or der[bs] != 0 or der[bs + 1] != 4:
        raise SecurityError("certificate key is not an uncompressed point")
    return curve, der[bs + 2:be]


def _ecdsa_rs(der, s, e, size):
    # Ecdsa-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER } -> r || s
    ss, se = _expect(der, s, e, _SEQ, "Ecdsa-Sig-Value")
    rs, re_ = _expect(der, ss, se, _INT, "r")
    s2, e2 = _expect(der, re_, se, _INT, "s")
    return _uint(der, rs, re_, size) + _uint(der, s2, e2, size)


# -- writing -----------------------------------------------------------------------


def _len(n):
    if n < 0x80:
        return bytes((n,))
    if n < 0x100:
        return bytes((0x81, n))
    return bytes((0x82, n >> 8, n & 0xFF))


def der(tag, content):
    return bytes((tag,)) + _len(len(content)) + content


def _der_uint(v):
    v = bytes(v)
    while len(v) > 1 and v[0] == 0 and not v[1] & 0x80:
        v = v[1:]
    if v[0] & 0x80:
        v = b"\x00" + v
    return der(_INT, v)


def ecdsa_der(signature):
    """r||s as the DER Ecdsa-Sig-Value."""
    n = len(signature) >> 1
    return der(_SEQ, _der_uint(signature[:n]) + _der_uint(signature[n:]))


def name(common_name):
    """Name ::= one RDN with commonName as a UTF8String."""
    return der(_SEQ, der(_SET, der(_SEQ, der(_OID, OID_CN) + der(_UTF8, bytes(common_name)))))


def spki(curve, public_key):
    from . import ec

    oid = OID_P256 if curve is ec.P256 else OID_P384
    alg = der(_SEQ, der(_OID, OID_EC_PUBLIC_KEY) + der(_OID, oid))
    return der(_SEQ, alg + der(_BITS, b"\x00\x04" + bytes(public_key)))


def certification_request(curve, private_key, common_name):
    """A PKCS#10 CertificationRequest for the key pair, subject CN =
    common_name, no attributes, signed with the key (ecdsa-with-SHA256 on
    P-256, -SHA384 on P-384)."""
    from . import ec, ecdsa

    pub = ec.public_key(curve, private_key)
    info = der(_SEQ, der(_INT, b"\x00") + name(common_name) + spki(curve, pub) + b"\xa0\x00")
    alg = der(_SEQ, der(_OID, OID_ECDSA_SHA256 if curve is ec.P256 else OID_ECDSA_SHA384))
    sig = ecdsa.sign(curve, private_key, info)
    return der(_SEQ, info + alg + der(_BITS, b"\x00" + ecdsa_der(sig)))

"""DLMS security (IEC 62056-5-3 clause 9): suites 0, 1 and 2.

    backend    which AES / SHA / random binding this runtime has (chosen at
               import: cryptolib, aesio, `cryptography`, or pure Python)
    aes        pure-Python AES-128/256, for boards without cryptolib
    gcm        AES-GCM and GMAC over any AES-ECB backend (4-bit Shoup GHASH)
    ciphering  the DLMS framing: security control byte, IV = system title ||
               invocation counter, glo-/ded-/general-glo/ded-ciphering, and the
               engines' hooks ServerSecurity / ClientSecurity
    general_ciphering  general-ciphering (0xDD) with identified, wrapped or
               agreed keys
    signing    general-signing (0xDF), ECDSA over the encoded fields
    x509       enough X.509 DER for the subject key and the CA's signature,
               and PKCS#10 requests built by hand
    setup_methods  Security setup's methods 2-8 (key transfer and agreement,
               key pairs, certificates), loaded by cosem.setup on first use
    agreement  the key agreement schemes C(2e,0s), C(1e,1s), C(0e,2s), C(2e,2s)
    hls        HLS mechanisms 2..7 (2: the firmware's own functions), f(StoC) /
               f(CtoS) on either side, and the hooks ServerAuthenticator /
               ClientAuthenticator
    third_party  protected APDUs between a third party and a server through a
               client (signed and ciphered end to end; the client relays)
    keywrap    AES key wrap (RFC 3394), for key transfer
    kdf        the NIST SP 800-56A concatenation KDF with DLMS's OtherInfo
    sha2       SHA-256 shim, pure-Python SHA-384/512 where hashlib lacks them
    ec, ecdsa  P-256 / P-384 arithmetic, ECDH, ECDSA with RFC 6979 k

Nothing here is imported by the package itself: a meter that needs no
security pays nothing for it, and one on suite 0 never loads ec or sha2.
"""

from ..errors import DlmsError


class SecurityError(DlmsError):
    """Protected data that fails its check: a wrong tag, a failed key unwrap,
    a key of the wrong length.  The message never says which byte differed."""


def ct_equal(a, b):
    """Constant-time comparison of two byte strings of public length (tags,
    HLS answers): the time does not say where they first differ."""
    if len(a) != len(b):
        return False
    d = 0
    for i in range(len(a)):
        d |= a[i] ^ b[i]
    return d == 0

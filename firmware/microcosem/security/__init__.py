"""DLMS security suites 0/1/2 (IEC 62056-5-3 clause 9): the symmetric half.

    backend   which AES / SHA / random binding this runtime has (chosen at import)
    aes       pure-Python AES-128/256, for boards without cryptolib
    gcm       AES-GCM and GMAC over any AES-ECB backend, plus the DLMS framing
              (IV = system title || invocation counter, 12-byte tags)
    keywrap   AES key wrap (RFC 3394), used for key transfer (suites 0..2)
    sha2      SHA-256 shim, pure-Python SHA-384/512 where hashlib lacks them
    kdf       NIST SP 800-56A concatenation KDF as the Green Book uses it

Nothing here is imported by the package itself: a meter that needs no
security pays nothing for it.
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

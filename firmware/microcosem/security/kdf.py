"""The NIST SP 800-56A concatenation KDF (5.8.1), as DLMS key agreement uses it.

IEC 62056-5-3 (key agreement, 9.2.3.4): in the Ephemeral Unified Model, One-Pass
Diffie-Hellman and Static Unified Model schemes, the shared secret Z of
ECDH (security.ec.ecdh) becomes key material with

    K = Hash(00000001 || Z || OtherInfo) || Hash(00000002 || Z || OtherInfo) ...

truncated to the key length, with SHA-256 in suite 1 and SHA-384 in suite 2,
and OtherInfo = AlgorithmID || PartyUInfo || PartyVInfo (the fixed-length
form: no SuppPubInfo / SuppPrivInfo), where AlgorithmID names the algorithm
the key is for (the DLMS cryptographic algorithm IDs below), PartyUInfo is
the initiator's system title and PartyVInfo the responder's (followed by the
transaction id in One-Pass Diffie-Hellman).
"""

import struct

from . import SecurityError
from . import sha2

# The DLMS cryptographic algorithm IDs (the Green Book's table of them), arc
# 2.16.756.5.8.3, as the content octets of the OBJECT IDENTIFIER.
AES_GCM_128 = b"\x60\x85\x74\x05\x08\x03\x00"
AES_GCM_256 = b"\x60\x85\x74\x05\x08\x03\x01"
AES_WRAP_128 = b"\x60\x85\x74\x05\x08\x03\x02"
AES_WRAP_256 = b"\x60\x85\x74\x05\x08\x03\x03"


def other_info(algorithm_id, party_u, party_v, supp_pub=b"", supp_priv=b""):
    """OtherInfo in SP 800-56A's concatenation format (5.8.1.2.1)."""
    return bytes(algorithm_id) + bytes(party_u) + bytes(party_v) + bytes(supp_pub) + bytes(supp_priv)


def concat_kdf(hash_name, z, key_len, info):
    """key_len bytes of keying material from shared secret z and OtherInfo."""
    if key_len <= 0:
        raise SecurityError("KDF output length must be positive")
    h = sha2.constructor(hash_name)
    out = bytearray()
    counter = 1
    while len(out) < key_len:
        hh = h(struct.pack(">I", counter))
        hh.update(z)
        hh.update(info)
        out += hh.digest()
        counter += 1
    return bytes(out[0:key_len])


def dlms_kdf(suite, z, algorithm_id, party_u, party_v, supp_pub=b""):
    """The key for suite 1 (SHA-256) or 2 (SHA-384) from ECDH's z: 16 bytes
    for an AES-128 algorithm id, 32 for an AES-256 one."""
    if suite == 1:
        name = "sha256"
    elif suite == 2:
        name = "sha384"
    else:
        raise SecurityError("key agreement exists in security suites 1 and 2 only")
    n = 32 if algorithm_id in (AES_GCM_256, AES_WRAP_256) else 16
    return concat_kdf(name, z, n, other_info(algorithm_id, party_u, party_v, supp_pub))

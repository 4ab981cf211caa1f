"""Key agreement schemes of DLMS security suites 1 and 2 (IEC 62056-5-3
9.2.3.4.6 and Annex I; NIST SP 800-56A rev. 2, 6.1-6.3, cofactor 1).

Party U is the initiator (the originator of a general-ciphering APDU, the
client of Security setup's key_agreement), party V the responder.  Each
function takes one party's private keys and the other's public keys (X||Y
bytes, or 04||X||Y) and returns the derived key; both sides call the same
function with their own half and get the same bytes.

    ephemeral_unified(suite, e_own, Qe_peer, title_u, title_v, alg)   C(2e,0s)
    one_pass_dh_u(suite, Qs_v, title_u, title_v, alg)  -> (key, e_u, Qe_u)
    one_pass_dh_v(suite, s_v, Qe_u, title_u, title_v, alg)            C(1e,1s)
    static_unified(suite, s_own, Qs_peer, title_u, title_v, alg, tid) C(0e,2s)
    full_unified(suite, e_own, s_own, Qe_peer, Qs_peer, title_u, title_v, alg)
                                                                      C(2e,2s)

Z is ECDH's x coordinate (security.ec.ecdh); where a scheme has two, Z =
Ze || Zs (SP 800-56A 6.1.1.2: the ephemeral secret first).  The key comes from
the concatenation KDF (security.kdf) with SHA-256 (suite 1) or SHA-384
(suite 2) and OtherInfo = AlgorithmID || PartyUInfo || PartyVInfo, where
PartyUInfo is U's system title and PartyVInfo V's.  The Static Unified
Model, with a static key on both sides and no ephemeral one, gives the same
Z every time, so there the general-ciphering APDU's transaction-id, as it is
encoded (length 08 and 8 bytes), comes first: PartyVInfo = 08 ||
transaction-id || V's title (as gurux-dlms computes it too).  `alg` is a security.kdf
algorithm id: AES_GCM_128 for suite 1, AES_GCM_256 for suite 2 by default;
the AES key wrap ids give a key-encrypting key.
"""

from . import SecurityError
from . import ec
from . import kdf


def curve(suite):
    if suite == 1:
        return ec.P256
    if suite == 2:
        return ec.P384
    raise SecurityError("key agreement exists in security suites 1 and 2 only")


def _alg(suite, alg):
    if alg is None:
        return kdf.AES_GCM_256 if suite == 2 else kdf.AES_GCM_128
    return alg


def _title(t):
    t = bytes(t)
    if len(t) != 8:
        raise SecurityError("a system title is 8 bytes")
    return t


def derive(suite, z, title_u, title_v, alg=None, transaction_id=None):
    """The key from shared secret(s) z and the parties' system titles."""
    v = _title(title_v)
    if transaction_id is not None:
        tid = bytes(transaction_id)
        if len(tid) > 0x7F:
            raise SecurityError("transaction-id too long")
        v = bytes((len(tid),)) + tid + v
    return kdf.dlms_kdf(suite, z, _alg(suite, alg), _title(title_u), v)


def ephemeral_unified(suite, e_own, qe_peer, title_u, title_v, alg=None):
    """C(2e,0s), Ephemeral Unified Model: each side's ephemeral private key
    with the other's ephemeral public key (Security setup key_agreement; the
    ephemeral keys travel signed with the static signing keys)."""
    c = curve(suite)
    return derive(suite, ec.ecdh(c, e_own, qe_peer), title_u, title_v, alg)


def one_pass_dh_u(suite, qs_v, title_u, title_v, alg=None, random=None):
    """C(1e,1s), One-Pass Diffie-Hellman, U's side: a fresh ephemeral key
    pair against V's static key agreement key.  (key, e_u, Qe_u): Qe_u goes
    to V (in general-ciphering's key-ciphered-data), e_u may be dropped."""
    c = curve(suite)
    if random is None:
        e_u, qe_u = ec.generate_keypair(c)
    else:
        e_u, qe_u = ec.generate_keypair(c, random)
    key = derive(suite, ec.ecdh(c, e_u, qs_v), title_u, title_v, alg)
    return key, e_u, qe_u


def one_pass_dh_v(suite, s_v, qe_u, title_u, title_v, alg=None):
    """C(1e,1s), V's side: V's static private key with U's ephemeral key."""
    c = curve(suite)
    return derive(suite, ec.ecdh(c, s_v, qe_u), title_u, title_v, alg)


def static_unified(suite, s_own, qs_peer, title_u, title_v, alg=None, transaction_id=None):
    """C(0e,2s), Static Unified Model: both static key agreement keys; the
    transaction id (required) makes each message's key new."""
    if transaction_id is None or not len(transaction_id):
        raise SecurityError("the Static Unified Model needs a transaction id")
    c = curve(suite)
    return derive(suite, ec.ecdh(c, s_own, qs_peer), title_u, title_v, alg, transaction_id)


def full_unified(suite, e_own, s_own, qe_peer, qs_peer, title_u, title_v, alg=None):
    """C(2e,2s), Full Unified Model: Z = Ze || Zs, Ze from the ephemeral
    keys and Zs from the static ones."""
    c = curve(suite)
    ze = ec.ecdh(c, e_own, qe_peer)
    zs = ec.ecdh(c, s_own, qs_peer)
    return derive(suite, ze + zs, title_u, title_v, alg)

"""general-ciphering (tag 0xDD, IEC 62056-5-3 9.2.7.2.4 and its ASN.1):

    general-ciphering ::= SEQUENCE {
        transaction-id            OCTET STRING,
        originator-system-title   OCTET STRING,
        recipient-system-title    OCTET STRING,
        date-time                 OCTET STRING,   -- empty: none
        other-information         OCTET STRING,
        key-info                  Key-Info OPTIONAL,
        ciphered-content          OCTET STRING }  -- SC || IC || information || T
    Key-Info ::= CHOICE {
        identified-key [0] SEQUENCE { key-id ENUMERATED }   -- 0 global unicast, 1 broadcast
        wrapped-key    [1] SEQUENCE { kek-id ENUMERATED,    -- 0 master key
                                      key-ciphered-data OCTET STRING }  -- RFC 3394
        agreed-key     [2] SEQUENCE { key-parameters OCTET STRING,      -- 01: C(1e,1s), 02: C(0e,2s)
                                      key-ciphered-data OCTET STRING } }

in A-XDR: each OCTET STRING a length and its bytes, OPTIONAL a 00/01 byte,
the CHOICE its tag byte, ENUMERATED one byte.  IV = originator's system
title || IC.  When the content is authenticated the additional data is
SC || AK || transaction-id || originator-system-title ||
recipient-system-title || date-time || other-information, the five fields
as they are encoded (with their lengths): the header cannot be changed
without breaking the tag (gurux-dlms computes the same for SC 0x3n).

For One-Pass Diffie-Hellman the key-ciphered-data is U's ephemeral public
key X||Y followed by U's ECDSA signature of key-id || X || Y, key-id 0 (the
uncompressed point with its 04 replaced by the key id, as gurux-dlms signs
it; the recipient knows U's signing key from its certificate); the Static
Unified Model carries none.  The
agreed key comes from security.agreement (the Static Unified Model's with
the transaction-id in its KDF input).

    protect(apdu, transaction_id, originator, recipient, ic, key, ak,
            sc=0x30, key_info=None, date_time=b"", other_information=b"")
    identified_key(key_id), wrapped_key(kek, key), agreed_key(scheme, data) -> key-info bytes
    agree_one_pass(suite, qs_v, signing_key, originator, recipient) -> (key, key-info)
    agree_static(suite, s_own, qs_peer, originator, recipient, transaction_id)
        -> (key, key-info)
    decode(data) -> GeneralCiphering (the fields, key_info, content)
    unprotect(data, ak, ek=None, broadcast_key=None, kek=None, agreed=None)
        -> Unprotected (.apdu, .sc, .ic, .message: the GeneralCiphering)
    content_key(msg, ek, broadcast_key, kek, agreed) -> the key of a decoded one
    certificate_keys(setup, title) -> (key agreement, signing) public keys
        of `title` from a Security setup's imported certificates (the engines
        parse them once and keep them while the setup's certificates stay)

and the engines' hooks (server_unprotect / server_protect, client_protect /
client_unprotect), agreed keys included: see the comment above them.
"""

from ..compat import const
from ..errors import DecodeError, IncompleteData
from . import SecurityError
from .ciphering import decode_length, encode_length, protect_content, unprotect_content

GENERAL_CIPHERING = const(0xDD)

IDENTIFIED_KEY = const(0)
WRAPPED_KEY = const(1)
AGREED_KEY = const(2)

KEY_ID_GLOBAL_UNICAST = const(0)
KEY_ID_GLOBAL_BROADCAST = const(1)
KEK_ID_MASTER = const(0)

ONE_PASS_DH = const(1)  # key-parameters 01: C(1e,1s)
STATIC_UNIFIED = const(2)  # key-parameters 02: C(0e,2s)


def _octets(out, b):
    encode_length(out, len(b))
    out += b


def header_fields(transaction_id, originator, recipient, date_time=b"", other_information=b""):
    """The five header fields as encoded: also general-ciphering's extra AAD."""
    out = bytearray()
    for f in (transaction_id, originator, recipient, date_time, other_information):
        _octets(out, bytes(f))
    return bytes(out)


def identified_key(key_id=KEY_ID_GLOBAL_UNICAST):
    if key_id != KEY_ID_GLOBAL_UNICAST and key_id != KEY_ID_GLOBAL_BROADCAST:
        raise SecurityError("identified key id %d unknown" % key_id)
    return bytes((IDENTIFIED_KEY, key_id))


def wrapped_key(kek, key, kek_id=KEK_ID_MASTER):
    """key-info carrying `key` wrapped under the KEK (the master key)."""
    from .keywrap import wrap

    out = bytearray((WRAPPED_KEY, kek_id))
    _octets(out, wrap(kek, key))
    return bytes(out)


def agreed_key(scheme, key_ciphered_data=b""):
    if scheme != ONE_PASS_DH and scheme != STATIC_UNIFIED:
        raise SecurityError("key agreement scheme %d unknown" % scheme)
    out = bytearray((AGREED_KEY, 1, scheme))
    _octets(out, bytes(key_ciphered_data))
    return bytes(out)


def protect(apdu, transaction_id, originator, recipient, ic, key, ak, sc=0x30, key_info=None,
            date_time=b"", other_information=b""):
    """The general-ciphering APDU carrying `apdu` under `key` (the content
    key: the global key for identified-key, the wrapped or agreed one)."""
    if not apdu:
        raise SecurityError("nothing to protect")
    head = header_fields(transaction_id, originator, recipient, date_time, other_information)
    content = protect_content(apdu, originator, ic, key, ak, sc, head)
    out = bytearray((GENERAL_CIPHERING,))
    out += head
    if key_info is None:
        out.append(0)
    else:
        out.append(1)
        out += key_info
    _octets(out, content)
    return bytes(out)


# -- key agreement in the APDU ------------------------------------------------------


def agree_one_pass(suite, qs_v, signing_key, originator, recipient, random=None):
    """U's side of C(1e,1s): (content key, agreed-key key-info).  The
    ephemeral public key is signed with U's static signing key."""
    from . import agreement, ecdsa

    key, _e, qe = agreement.one_pass_dh_u(suite, qs_v, originator, recipient, None, random)
    sig = ecdsa.sign(agreement.curve(suite), signing_key, b"\x00" + qe)
    return key, agreed_key(ONE_PASS_DH, qe + sig)


def agree_static(suite, s_own, qs_peer, originator, recipient, transaction_id):
    """C(0e,2s) for either side: (content key, agreed-key key-info)."""
    from . import agreement

    key = agreement.static_unified(suite, s_own, qs_peer, originator, recipient, None,
                                   transaction_id)
    return key, agreed_key(STATIC_UNIFIED)


def agreed_key_for(msg, suite, s_v=None, qs_u=None, qsign_u=None, s_own=None, qs_peer=None):
    """The recipient's content key for an agreed-key message: One-Pass DH
    with V's static private key s_v (and U's signing public key qsign_u to
    check the ephemeral key's signature: required), or the Static Unified
    Model with own static private key and the peer's static public key."""
    from . import agreement, ecdsa

    kind, scheme, data = msg.key_info
    if kind != AGREED_KEY:
        raise SecurityError("not an agreed key")
    c = agreement.curve(suite)
    if scheme == ONE_PASS_DH:
        if s_v is None:
            raise SecurityError("no static key agreement key for One-Pass DH")
        n = 2 * c.size
        if len(data) != 2 * n:
            raise SecurityError("One-Pass DH key data must be a public key and its signature")
        qe = data[0:n]
        if qsign_u is None or not ecdsa.verify(c, qsign_u, b"\x00" + qe, data[n:]):
            raise SecurityError("the ephemeral key's signature does not verify")
        return agreement.one_pass_dh_v(suite, s_v, qe, msg.originator, msg.recipient)
    if data:
        raise SecurityError("the Static Unified Model carries no key data")
    if s_own is None or qs_peer is None:
        raise SecurityError("no static key agreement keys for the Static Unified Model")
    return agreement.static_unified(suite, s_own, qs_peer, msg.originator, msg.recipient, None,
                                    msg.transaction_id)


# -- decoding -------------------------------------------------------------------------


class GeneralCiphering:
    """A decoded general-ciphering APDU.  key_info is None, (0, key_id,
    None), (1, kek_id, wrapped key) or (2, scheme, key-ciphered-data);
    `head` is the encoded header fields (the extra AAD), content the
    SC || IC || information || T bytes."""

    def __init__(self):
        self.transaction_id = None
        self.originator = None
        self.recipient = None
        self.date_time = None
        self.other_information = None
        self.key_info = None
        self.head = None
        self.content = None


def _read_octets(buf, pos, end, what):
    n, pos = decode_length(buf, pos, end)
    if pos + n > end:
        raise IncompleteData("%s truncated" % what, pos)
    return bytes(buf[pos:pos + n]), pos + n


def _read_byte(buf, pos, end, what):
    if pos >= end:
        raise IncompleteData("%s expected" % what, pos)
    return buf[pos], pos + 1


def decode(data):
    end = len(data)
    if not end:
        raise IncompleteData("empty APDU", 0)
    if data[0] != GENERAL_CIPHERING:
        raise DecodeError("not a general-ciphering APDU (tag 0x%02X)" % data[0], 0)
    m = GeneralCiphering()
    pos = 1
    m.transaction_id, pos = _read_octets(data, pos, end, "transaction-id")
    m.originator, pos = _read_octets(data, pos, end, "originator-system-title")
    m.recipient, pos = _read_octets(data, pos, end, "recipient-system-title")
    m.date_time, pos = _read_octets(data, pos, end, "date-time")
    m.other_information, pos = _read_octets(data, pos, end, "other-information")
    m.head = bytes(data[1:pos])
    flag, pos = _read_byte(data, pos, end, "key-info flag")
    if flag == 1:
        at = pos
        kind, pos = _read_byte(data, pos, end, "key-info choice")
        if kind == IDENTIFIED_KEY:
            kid, pos = _read_byte(data, pos, end, "key-id")
            m.key_info = (IDENTIFIED_KEY, kid, None)
        elif kind == WRAPPED_KEY:
            kid, pos = _read_byte(data, pos, end, "kek-id")
            wrapped, pos = _read_octets(data, pos, end, "key-ciphered-data")
            m.key_info = (WRAPPED_KEY, kid, wrapped)
        elif kind == AGREED_KEY:
            params, pos = _read_octets(data, pos, end, "key-parameters")
            kd, pos = _read_octets(data, pos, end, "key-ciphered-data")
            if len(params) != 1:
                raise DecodeError("key-parameters is one byte", at + 1)
            m.key_info = (AGREED_KEY, params[0], kd)
        else:
            raise DecodeError("key-info choice %d unknown" % kind, at)
    elif flag != 0:
        raise DecodeError("bad OPTIONAL flag 0x%02X" % flag, pos - 1)
    m.content, pos = _read_octets(data, pos, end, "ciphered-content")
    if pos != end:
        raise DecodeError("bytes after the general-ciphering APDU", pos)
    if len(m.originator) != 8:
        raise SecurityError("originator system title must be 8 bytes")
    return m


class Unprotected:
    __slots__ = ("apdu", "sc", "ic", "message")

    def __init__(self, apdu, sc, ic, message):
        self.apdu = apdu
        self.sc = sc
        self.ic = ic
        self.message = message


def open_message(msg, key, ak):
    """(sc, ic, plain APDU) of a decoded message under its content key."""
    return unprotect_content(msg.content, msg.originator, key, ak, 0, None, msg.head)


def content_key(msg, ek=None, broadcast_key=None, kek=None, agreed=None):
    """The content key of a decoded message: ek (no key-info, or identified
    global unicast), broadcast_key (identified broadcast), the key unwrapped
    with kek (wrapped-key), or agreed(message) (agreed-key: e.g. a lambda
    around agreed_key_for)."""
    ki = msg.key_info
    if ki is None:
        key = ek
    elif ki[0] == IDENTIFIED_KEY:
        if ki[1] == KEY_ID_GLOBAL_UNICAST:
            key = ek
        elif ki[1] == KEY_ID_GLOBAL_BROADCAST:
            key = broadcast_key
        else:
            raise SecurityError("identified key id %d unknown" % ki[1])
    elif ki[0] == WRAPPED_KEY:
        if ki[1] != KEK_ID_MASTER:
            raise SecurityError("kek-id %d unknown" % ki[1])
        if kek is None:
            raise SecurityError("no key-encrypting key")
        from .keywrap import unwrap

        key = unwrap(kek, ki[2])
    else:
        if ki[1] != ONE_PASS_DH and ki[1] != STATIC_UNIFIED:
            raise SecurityError("key agreement scheme %d unknown" % ki[1])
        if agreed is None:
            raise SecurityError("no key agreement keys")
        key = agreed(msg)
    if key is None:
        raise SecurityError("no key for this general-ciphering APDU")
    return key


def unprotect(data, ak, ek=None, broadcast_key=None, kek=None, agreed=None):
    """Open a general-ciphering APDU under its content key (content_key)."""
    msg = decode(data)
    sc, ic, apdu = open_message(msg, content_key(msg, ek, broadcast_key, kek, agreed), ak)
    return Unprotected(apdu, sc, ic, msg)


# -- the engines' hooks (ciphering.ServerSecurity / ClientSecurity call these
# for 0xDD, so a meter that never sees general-ciphering never loads them) ----
#
# Agreed keys, on both sides: each APDU goes under a key its sender agrees as
# party U (the originator) with the recipient as party V, the answer too, so
# a meter answers a One-Pass DH request with its own fresh ephemeral key
# (signed with its signing key) against the client's static key agreement
# key, and a Static Unified Model request under the static keys with the
# titles the other way round (U = the meter) and the transaction id the
# answer carries (the request's, as for the other key-infos).  This is how
# gurux-dlms (Gurux.DLMS.Net) does it: GXDLMS.Cipher1, the one path that
# ciphers both a client's requests and a server's answers, agrees a key for
# every APDU it sends ("Generate ephemeral key pair for each transaction"),
# OtherInfo = AlgorithmID || own title || [len || transaction-id] || peer's
# title, and writes the agreed-key key-info into it; GXSecure.DecryptAesGcm
# derives the recipient's key with PartyU = the originator.  (The Green Book's
# own text, 9.2.7.4 / Annex I, was not at hand to check against.)  The keys: sec.agreement_key / sec.signing_key (the own
# static private keys; else the Security setup sec.setup's key_pairs 1 / 0)
# and sec.peer_keys, {system title: (key agreement public key, signing
# public key)} or a function of the title giving that pair (either may be
# None); else the certificates imported into sec.setup (certificate_keys).


def certificate_index(stored):
    """[(subject CN, KeyUsage, public key)] of the end-entity certificates
    among the DER ones in `stored` (a Security setup's imported ones)."""
    from .x509 import Certificate

    out = []
    for der in stored or ():
        c = Certificate(der)
        if not c.is_ca:
            out.append((c.subject_cn, c.key_usage or 0, c.public_key))
    return out


def certificate_keys(setup, title, index=None):
    """(key agreement public key, signing public key) of the party `title`
    from the certificates imported into a Security setup (setup.stored): the
    end-entity ones whose subject CN is the system title in hex, told apart
    by their KeyUsage (keyAgreement, digitalSignature); None where there is
    none.  index: certificate_index(setup.stored), if at hand."""
    from .x509 import KU_DIGITAL_SIGNATURE, KU_KEY_AGREEMENT

    if index is None:
        index = certificate_index(getattr(setup, "stored", None))
    want = "".join("%02X" % b for b in bytes(title)).encode()
    qa = qs = None
    for cn, ku, q in index:
        if cn != want:
            continue
        if qa is None and ku & KU_KEY_AGREEMENT:
            qa = q
        if qs is None and ku & KU_DIGITAL_SIGNATURE:
            qs = q
    return qa, qs


def _same(snapshot, stored):
    if len(snapshot) != len(stored):
        return False
    for i in range(len(snapshot)):
        if snapshot[i] is not stored[i] and snapshot[i] != stored[i]:
            return False
    return True


def _setup_keys(sec, setup, title):
    # The certificates parsed once, not for every message: sec._certificates
    # is (setup, the DER certificates then, their index), good while the
    # setup holds the same certificates (import_certificate and
    # remove_certificate give it another list; the DERs compared are the
    # same objects, so the check is a pointer per certificate).
    stored = getattr(setup, "stored", None) or ()
    got = getattr(sec, "_certificates", None)
    if got is None or got[0] is not setup or not _same(got[1], stored):
        snapshot = tuple(d if type(d) is bytes else bytes(d) for d in stored)
        got = sec._certificates = (setup, snapshot, certificate_index(snapshot))
    return certificate_keys(setup, title, got[2])


def _peer(sec, title):
    keys = getattr(sec, "peer_keys", None)
    if keys is None:
        setup = getattr(sec, "setup", None)
        return (None, None) if setup is None else _setup_keys(sec, setup, title)
    got = keys(title) if callable(keys) else keys.get(bytes(title))
    return (None, None) if got is None else got


def _own(sec, which):
    # which: 1 the static key agreement key, 0 the signing key (Security
    # setup's key_pairs numbering)
    key = sec.agreement_key if which == 1 else sec.signing_key
    if key is None:
        pairs = getattr(getattr(sec, "setup", None), "key_pairs", None)
        pair = None if pairs is None else pairs.get(which)
        key = None if pair is None else pair[0]
    if key is None:
        raise SecurityError("no own %s key" % ("key agreement" if which == 1 else "signing"))
    return key


def _suite(msg):
    if not msg.content:
        raise SecurityError("no ciphered content")
    return msg.content[0] & 0x0F


def _agreed_open(sec, msg):
    """(content key, the originator's key agreement public key) of an
    agreed-key message to us; refused unless we know the originator's keys
    and could answer in kind."""
    qa, qs = _peer(sec, msg.originator)
    scheme = msg.key_info[1]
    if scheme == ONE_PASS_DH and qs is None:
        raise SecurityError("the originator's signing key is unknown")
    if qa is None:
        raise SecurityError("the originator's key agreement key is unknown")
    own = _own(sec, 1)
    sign = _own(sec, 0) if scheme == ONE_PASS_DH else None  # to sign our answer's ephemeral key
    from . import agreement, ec  # (only now: a refusal above loads no EC code)

    suite = _suite(msg)
    try:
        key = agreed_key_for(msg, suite, s_v=own, qsign_u=qs, s_own=own, qs_peer=qa)
        if sign is not None:  # the answer's keys, checked now: the refusal is a deciphering error
            c = agreement.curve(suite)
            ec.decode_point(c, qa)
            ec.decode_scalar(c, sign)
    except ec.EcError as e:
        raise SecurityError("key agreement: %s" % e)
    return key, qa


def _agreed_send(sec, suite, scheme, qa_peer, recipient, transaction_id):
    """(content key, key-info) for an agreed-key APDU from us to recipient."""
    from .ec import EcError

    try:
        if scheme == ONE_PASS_DH:
            return agree_one_pass(suite, qa_peer, _own(sec, 0), sec.system_title, recipient)
        if scheme == STATIC_UNIFIED:
            return agree_static(suite, _own(sec, 1), qa_peer, sec.system_title, recipient,
                                transaction_id)
    except EcError as e:
        raise SecurityError("key agreement: %s" % e)
    raise SecurityError("key agreement scheme %s unknown" % scheme)


def server_unprotect(sec, apdu, title):
    """ServerSecurity's side: no key-info, identified key, wrapped key (under
    sec.master_key) or agreed key (the keys above).  (Unprotected,
    originator, how to answer: transaction id, key-info, content key; for an
    agreed key the key-info's data is the originator's key agreement public
    key, and the answer's key is agreed anew)."""
    m = decode(apdu)
    if title is not None and bytes(title) != m.originator:
        raise SecurityError("system title differs from the association's")
    if m.recipient and m.recipient != sec.system_title:
        raise SecurityError("general-ciphering APDU for another recipient")
    ki = m.key_info
    if ki is not None and ki[0] == AGREED_KEY:
        if ki[1] != ONE_PASS_DH and ki[1] != STATIC_UNIFIED:
            raise SecurityError("key agreement scheme %d unknown" % ki[1])
        key, qa = _agreed_open(sec, m)
        ki = (AGREED_KEY, ki[1], qa)
    else:
        key = content_key(m, sec.ek, sec.broadcast_key, sec.master_key)
    sc, ic, plain = open_message(m, key, sec.ak)
    if ki is not None and ki[0] == IDENTIFIED_KEY and ki[1] == KEY_ID_GLOBAL_BROADCAST:
        ki = (IDENTIFIED_KEY, KEY_ID_GLOBAL_UNICAST, None)  # answers are unicast
        key = sec.ek
    return Unprotected(plain, sc, ic, m), m.originator, (m.transaction_id, ki, key)


def server_protect(sec, apdu, sc, how):
    """The answer in kind: same transaction id, our title as originator, the
    same key (wrapped again under the master key), or one agreed anew by the
    same scheme with us as party U."""
    recipient, tid, ki, key = how
    if ki is None:
        info = None
    elif ki[0] == WRAPPED_KEY:
        info = wrapped_key(sec.master_key, key, ki[1])
    elif ki[0] == AGREED_KEY:
        key, info = _agreed_send(sec, sc & 0x0F, ki[1], ki[2], recipient, tid)
    else:
        info = identified_key(ki[1])
    return protect(apdu, tid, sec.system_title, recipient, sec._next_ic(), key, sec.ak, sc, info)


def client_protect(sec, client, apdu, ic):
    """ClientSecurity(general="ciphering"): under the global key with no
    key-info, or (sec.agreement: ONE_PASS_DH or STATIC_UNIFIED) under a key
    agreed with the server; the transaction id is the IC as 8 bytes (what
    gurux-dlms expects)."""
    title = sec._server_title(client)
    tid = ic.to_bytes(8, "big")
    scheme = sec.agreement
    if scheme is None:
        return protect(apdu, tid, sec.system_title, b"" if title is None else bytes(title), ic,
                       sec.ek, sec.ak, sec.sc)
    if title is None:
        raise SecurityError("key agreement needs the server's system title")
    title = bytes(title)
    qa = _peer(sec, title)[0]
    if qa is None:
        raise SecurityError("the server's key agreement key is unknown")
    key, info = _agreed_send(sec, sec.sc & 0x0F, scheme, qa, title, tid)
    out = protect(apdu, tid, sec.system_title, title, ic, key, sec.ak, sec.sc, info)
    sec.sent[client] = (scheme, tid)  # what its answer must match (client_unprotect)
    return out


def _client_agreed(sec, msg):
    qa, qs = _peer(sec, msg.originator)
    if msg.key_info[1] == ONE_PASS_DH and qs is None:
        raise SecurityError("the server's signing key is unknown")
    own = _own(sec, 1)
    from .ec import EcError

    try:
        return agreed_key_for(msg, _suite(msg), s_v=own, qsign_u=qs, s_own=own, qs_peer=qa)
    except EcError as e:
        raise SecurityError("key agreement: %s" % e)


def client_unprotect(sec, client, apdu, sent=None):
    """sent: (scheme, transaction id) of the agreed-key request awaiting its
    answer, or None.  The server answers by the request's scheme with the
    request's transaction id (server_protect, as gurux-dlms does), so an
    answer agreed otherwise, or with another transaction id, is not the
    answer to this request: refused, unless it is a push (its plain APDU
    tells, so it is opened first: authentic, but unasked)."""
    m = decode(apdu)
    title = sec._server_title(client)
    if title is not None and bytes(title) != m.originator:
        raise SecurityError("system title differs from the association's")
    if m.recipient and m.recipient != sec.system_title:
        raise SecurityError("general-ciphering APDU for another recipient")
    bad = None
    if sent is not None:
        ki = m.key_info
        if ki is None or ki[0] != AGREED_KEY or ki[1] != sent[0]:
            bad = "the answer to an agreed-key request (scheme %d) is not agreed by it" % sent[0]
        elif m.transaction_id != sent[1]:
            bad = "the answer's transaction id is not the request's"
    key = content_key(m, sec.ek, sec.broadcast_key, None, lambda msg: _client_agreed(sec, msg))
    sc, ic, plain = open_message(m, key, sec.ak)
    if bad is not None:
        from .ciphering import unsolicited

        if not unsolicited(plain):
            raise SecurityError(bad)
    return Unprotected(plain, sc, ic, m)

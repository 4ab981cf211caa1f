"""Protected xDLMS APDUs between a third party and a server through a client
(IEC 62056-5-3 9.2.2 and its informative Annex J, "exchanging protected
xDLMS APDUs between a third party and a server").

A third party (a head end, a DSO's key service) that has no association
with the server builds a request protected end to end for the server: its
own system title as originator, the server's as recipient.  The client,
associated with the server, forwards the bytes unchanged; the server opens
them with the third party's keys, serves the request within the client's
association, and answers protected the same way for the third party; the
client passes the answer back.  The client has no key for either APDU.

The protection, per request (the answer takes the request's):
    ciphered  general-ciphering (0xDD) under a key agreed with the Static
              Unified Model C(0e,2s) (both parties' static key agreement
              keys, the transaction-id in the KDF: a new key per APDU), so
              nothing but the third party and the server can open it; the
              additional data's AK is `ak` (empty unless the two share one)
    signed    general-signing (0xDF) with the sender's signing key
    both      general-signing whose content is the general-ciphering APDU:
              ciphered first, then signed (the signature is checked before
              anything is deciphered)
The transaction-id is the sender's invocation counter as 8 bytes; the
answer repeats the request's.  Security suites 1 (P-256, AES-GCM-128) and
2 (P-384, AES-GCM-256).

    Peer(system_title, signing_key, agreement_key)   the other side's public keys
    ThirdParty(system_title, signing_key, agreement_key, suite=1, ic=1, ak=b"")
        .protect(apdu, server, sign=True, cipher=True) -> bytes   (a Peer)
        .unprotect(data) -> the plain answer APDU (SecurityError if it is not
                            the answer to the last request, protected as it was)
    relay(session, data) -> the server's answer bytes: the client's part
    ThirdPartyServerSecurity(inner, parties, signing_key, agreement_key, suite=1, ak=b"")
        `config.security` for the server: APDUs whose originator is one of
        `parties` (system title -> Peer) are handled here; everything else,
        and every attribute, is the inner ServerSecurity's

What this was checked against, and what could not be:
- Annex J is informative (examples) in IEC 62056-5-3:2023 ("Annex J
  (informative) provides examples of exchanging protected xDLMS APDUs
  between a third party and a server", the catalogue entry at
  standards.iteh.ai/catalog/standards/iec/5b2da4f3-df1e-42f6-bbc4-23b9939c0257/
  iec-62056-5-3-2023); its text is not public, so the nesting above
  (ciphered, then signed; the client relaying the bytes as they are, not
  inside an ACCESS request or under its own protection; no use of the Data
  protection class 30, which protects attribute values and method
  parameters, not APDUs) is our reading and was not checked against it.
- The two APDUs' fields are the DLMS UA ASN.1's (DLMS-UA-20180821
  ASN1-and-XML-Schema, dlms.com; its text as public DLMS libraries quote
  it): General-Ciphering is transaction-id, originator-system-title,
  recipient-system-title, date-time, other-information, key-info OPTIONAL,
  ciphered-content; General-Signing is transaction-id,
  originator-system-title, recipient-system-title, date-time,
  other-information, content, signature, all OCTET STRINGs but key-info.
  So both open with the transaction-id then the originator, which is what
  ThirdPartyServerSecurity reads to tell a third party's APDU; and the
  originator is the sender (the third party on the request, the server on
  the answer), the recipient the other end: the client's title is in
  neither.
- Gurux.DLMS.Net, Development/Secure/GXDLMSChippering.cs (DecryptAesGcm):
  a general-signing APDU's content may be unciphered (taken as it is, the
  signature still checked), which is our signed-only form; and the key of
  a general-ciphering APDU under the Static Unified Model comes from a KDF
  over the originator's title, the transaction-id and the recipient's
  title, as here (security.general_ciphering).
- A refusal is an ExceptionResponse in the clear (the engine's):
  D8 01 05, state-error service-not-allowed (1), service-error
  deciphering-error [5] NULL, for what cannot be opened (a suite other
  than the server's too: no public source names another answer for that,
  and Gurux does not check the suite, it deciphers under the SC's);
  D8 01 06 + 4 octets for a replayed counter,
  invocation-counter-error [6] IMPLICIT Unsigned32, the lowest counter the
  server takes (the ASN.1's ExceptionResponse; Gurux's servers send the
  same, e.g. Gurux.DLMS.Delphi TGXDLMSServer.ReportExceptionResponse:
  service-not-allowed, the service error, then the expected counter as
  a UInt32 for invocation-counter-error).

Sans-IO: bytes in, bytes out; the keys are X||Y / scalar bytes (security.ec).
"""

from . import SecurityError
from .general_ciphering import GENERAL_CIPHERING
from .signing import GENERAL_SIGNING

_SC = 0x30  # authenticated and encrypted; | suite


class Peer:
    """The public keys of the other side: signing (ECDSA) and key agreement
    (ECDH), X||Y bytes, as its certificates carry them."""

    def __init__(self, system_title, signing_key=None, agreement_key=None):
        self.system_title = bytes(system_title)
        self.signing_key = signing_key
        self.agreement_key = agreement_key


def _seal(apdu, tid, own, peer, ic, suite, signing_key, agreement_key, ak, sign, cipher):
    # general-ciphering under the C(0e,2s) key (U = originator = us), then
    # general-signing over it
    out = apdu
    if cipher:
        from . import general_ciphering as gc

        if agreement_key is None or peer.agreement_key is None:
            raise SecurityError("no key agreement keys for the third party's ciphering")
        key, info = gc.agree_static(suite, agreement_key, peer.agreement_key, own,
                                    peer.system_title, tid)
        out = gc.protect(out, tid, own, peer.system_title, ic, key, ak, _SC | suite, info)
    if sign:
        from . import signing

        if signing_key is None:
            raise SecurityError("no signing key")
        out = signing.sign(out, tid, own, peer.system_title, signing_key, suite)
    if not sign and not cipher:
        raise SecurityError("a third party's APDU is signed, ciphered or both")
    return out


class _Opened:
    """What _open found: the plain APDU and how it came."""

    def __init__(self, apdu, originator, recipient, tid, ic, signed, ciphered):
        self.apdu = apdu
        self.originator = originator
        self.recipient = recipient
        self.transaction_id = tid
        self.ic = ic
        self.signed = signed
        self.ciphered = ciphered


def _open(data, own, parties, suite, agreement_key, ak):
    """Open a general-signing / general-ciphering APDU addressed to `own`
    from one of `parties` (title -> Peer, or a single Peer)."""
    data = bytes(data)
    if not data:
        raise SecurityError("empty APDU")
    signed = data[0] == GENERAL_SIGNING
    originator = recipient = tid = None
    if signed:
        from . import signing

        m = signing.decode(data)
        peer = _peer(parties, m.originator)
        if peer.signing_key is None:
            raise SecurityError("no signing key for %s" % m.originator.hex())
        m = signing.verify(data, peer.signing_key, suite)
        originator, recipient, tid = m.originator, m.recipient, m.transaction_id
        data = m.content
        if not data:
            raise SecurityError("general-signing with no content")
    ciphered = data[0] == GENERAL_CIPHERING
    ic = None
    if ciphered:
        from . import general_ciphering as gc

        msg = gc.decode(data)
        if signed and (msg.originator != originator or msg.recipient != recipient
                       or msg.transaction_id != tid):
            raise SecurityError("the signed and the ciphered headers differ")
        originator, recipient, tid = msg.originator, msg.recipient, msg.transaction_id
        peer = _peer(parties, originator)
        ki = msg.key_info
        if ki is None or ki[0] != gc.AGREED_KEY or ki[1] != gc.STATIC_UNIFIED:
            raise SecurityError("a third party's ciphering takes a key agreed with C(0e,2s)")
        if msg.content and msg.content[0] & 0x0F != suite:
            raise SecurityError("security suite %d, not %d" % (msg.content[0] & 0x0F, suite))
        key = gc.agreed_key_for(msg, suite, s_own=agreement_key, qs_peer=peer.agreement_key)
        sc, ic, data = gc.open_message(msg, key, ak)
        if sc & 0x30 != 0x30:
            raise SecurityError("a third party's ciphering is authenticated and encrypted")
    elif not signed:
        raise SecurityError("not a general-signing or general-ciphering APDU (tag 0x%02X)"
                            % data[0])
    if recipient != own:
        raise SecurityError("APDU for another recipient")
    if len(tid) != 8:
        raise SecurityError("transaction-id must be 8 bytes")
    return _Opened(bytes(data), originator, recipient, tid, ic, signed, ciphered)


def _peer(parties, title):
    if isinstance(parties, Peer):
        if parties.system_title == title:
            return parties
    else:
        p = parties.get(bytes(title))
        if p is not None:
            return p
    raise SecurityError("originator %s unknown" % bytes(title).hex())


class ThirdParty:
    """The third party's side.  signing_key and agreement_key are its
    private keys (scalars), ic its invocation counter (the next one used)."""

    def __init__(self, system_title, signing_key, agreement_key, suite=1, ic=1, ak=b""):
        if suite != 1 and suite != 2:
            raise SecurityError("third-party protection needs security suite 1 or 2")
        self.system_title = bytes(system_title)
        self.signing_key = signing_key
        self.agreement_key = agreement_key
        self.suite = suite
        self.ic = ic
        self.ak = ak
        self.pending = None  # (server Peer, transaction-id, signed, ciphered)

    def protect(self, apdu, server, sign=True, cipher=True):
        """The request `apdu` protected for `server` (a Peer)."""
        ic = self.ic
        if ic > 0xFFFFFFFF:
            raise SecurityError("invocation counter exhausted")
        self.ic = ic + 1
        tid = ic.to_bytes(8, "big")
        out = _seal(bytes(apdu), tid, self.system_title, server, ic, self.suite, self.signing_key,
                    self.agreement_key, self.ak, sign, cipher)
        self.pending = (server, tid, sign, cipher)
        return out

    def unprotect(self, data):
        """The plain answer to the last request: from that server, for us,
        with its transaction-id and its protection."""
        if self.pending is None:
            raise SecurityError("no request pending")
        server, tid, sign, cipher = self.pending
        o = _open(data, self.system_title, server, self.suite, self.agreement_key, self.ak)
        if o.transaction_id != tid or o.signed != sign or o.ciphered != cipher:
            raise SecurityError("not the answer to the request, or not protected as it was")
        self.pending = None
        return o.apdu


def relay(session, data):
    """The client's part: send the third party's APDU unchanged within the
    session's association and return the server's answer as it came (the
    client cannot open either; a refusal, ExceptionResponse in the clear,
    comes back too, for the third party to read)."""
    if not session.client.associated:
        raise SecurityError("no association to relay in")
    data = bytes(data)
    if not data or data[0] != GENERAL_SIGNING and data[0] != GENERAL_CIPHERING:
        raise SecurityError("a third party's APDU is general-signing or general-ciphering")
    return session.transport(data)


class ThirdPartyServerSecurity:
    """The server's `config.security`: the third parties' APDUs here, the
    rest (and every other attribute: system_title, ic...) the inner
    ServerSecurity's.  signing_key, agreement_key: the server's private keys;
    parties: third party system title -> Peer.  A third party's invocation
    counter must go up, as a client's does; its answer takes the server's
    next invocation counter."""

    def __init__(self, inner, parties, signing_key, agreement_key, suite=1, ak=b""):
        self.inner = inner
        self.parties = parties
        self.signing_key = signing_key
        self.agreement_key = agreement_key
        self.suite = suite
        self.ak = ak
        self.last_party_ic = {}  # third party title -> last IC (or transaction id) accepted
        self._answer = None  # how to answer the request being served, when a third party's

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def _theirs(self, apdu):
        # a general-signing / general-ciphering APDU whose originator is a third party
        if not apdu or apdu[0] != GENERAL_SIGNING and apdu[0] != GENERAL_CIPHERING:
            return False
        # both start: tag, transaction-id (octets), originator (octets)
        n = apdu[1] if len(apdu) > 1 else 0x80
        if n >= 0x80 or len(apdu) < 12 + n or apdu[2 + n] != 8:
            return False
        return bytes(apdu[3 + n:11 + n]) in self.parties

    def unprotect(self, ctx, apdu):
        self._answer = None
        if not self._theirs(apdu):
            return self.inner.unprotect(ctx, apdu)
        o = _open(apdu, self.inner.system_title, self.parties, self.suite, self.agreement_key,
                  self.ak)
        # replay: the IC when ciphered, else the transaction-id (the sender's IC too)
        count = o.ic if o.ic is not None else int.from_bytes(o.transaction_id, "big")
        last = self.last_party_ic.get(o.originator)
        if last is not None and count <= last:
            from ..errors import ServiceError

            answer = b"\xd8\x01\x06" + ((last + 1) & 0xFFFFFFFF).to_bytes(4, "big")
            raise ServiceError("third party counter %d not above %d" % (count, last), answer)
        self.last_party_ic[o.originator] = count
        self._answer = o
        return o.apdu

    def protect(self, ctx, apdu):
        o = self._answer
        if o is None:
            return self.inner.protect(ctx, apdu)
        self._answer = None
        peer = self.parties[o.originator]
        ic = self.inner._next_ic()
        return _seal(bytes(apdu), o.transaction_id, self.inner.system_title, peer, ic, self.suite,
                     self.signing_key, self.agreement_key, self.ak, o.signed, o.ciphered)

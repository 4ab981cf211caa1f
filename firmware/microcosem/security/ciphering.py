"""DLMS ciphered APDUs (IEC 62056-5-3 9.2.7, the Green Book's "ciphering").

A protected xDLMS APDU carries, after its own tag and A-XDR length,

    SC || IC || information || T

SC, the security control byte: bits 0-3 the security suite (0: AES-GCM-128,
1: ECDH-ECDSA-AES-GCM-128-SHA-256, 2: ...-AES-GCM-256-SHA-384), bit 4
authentication, bit 5 encryption, bit 6 the key set (0 unicast, 1
broadcast), bit 7 compression (not supported by anyone in practice; refused
here).  IC, the sender's invocation counter, 4 bytes big-endian.  The
information is the plain APDU, encrypted when bit 5 is set; T, the 12-byte
GCM tag, is there when bit 4 is set.  IV = sender's system title || IC; the
additional authenticated data is SC || AK, followed by the plain APDU when
it is authenticated only:

    SC 0x1n  authenticated:  T = GMAC(EK, IV, SC || AK || P),  information = P
    SC 0x2n  encrypted:      information = C (CTR), no T
    SC 0x3n  both:           C, T = GCM(EK, IV, P, aad = SC || AK)

The tags (the Green Book's XDLMS-APDU CHOICE):
    glo-: initiate-request 0x21, read-request 0x25, write-request 0x26,
          initiate-response 0x28, read-response 0x2C, write-response 0x2D,
          confirmed-service-error 0x2E, unconfirmed-write-request 0x36,
          information-report-request 0x38, get-request 0xC8, set-request
          0xC9, event-notification-request 0xCA, action-request 0xCB,
          get-response 0xCC, set-response 0xCD, action-response 0xCF
    ded-: glo- + 0x20 below 0x40 (0x41 ...), glo- + 0x08 from 0xC8 (0xD0 ...)
    general-glo-ciphering 0xDB, general-ded-ciphering 0xDC: any APDU, with
          the sender's system title in the APDU:
          tag || 08 || system title || length || SC || IC || information || T

    protect(apdu, system_title, ic, ek, ak, sc=0x30, dedicated=False) -> bytes
    protect_general(apdu, system_title, ic, ek, ak, sc=0x30, dedicated=False) -> bytes
    unprotect(data, system_title, ek, ak, dedicated_key=None, broadcast_key=None)
        -> Unprotected (.apdu, .sc, .ic, .system_title, .dedicated, .general)

Keys and titles are bytes; EK may also be a ready Gcm (byte keys are cached,
so a key's Gcm is built once).  Everything raises SecurityError (a wrong tag
or key, a refused SC) or DecodeError (framing), both DlmsError.  At the end,
the engines' hooks built from these functions: ServerSecurity (the server's
`config.security`) and ClientSecurity (the client's `settings.security`).
On a host with the `cryptography` backend, SC 0x30 under a suite-0 key takes
a fast path: one OpenSSL call to protect, two to open, the same bytes.
"""

from ..compat import const
from ..errors import DecodeError, IncompleteData
from . import SecurityError, ct_equal
from .gcm import Gcm

SC_AUTHENTICATED = const(0x10)
SC_ENCRYPTED = const(0x20)
SC_BROADCAST = const(0x40)
SC_COMPRESSED = const(0x80)
TAG_LEN = const(12)

GENERAL_GLO_CIPHERING = const(0xDB)
GENERAL_DED_CIPHERING = const(0xDC)

# (plain tag, glo- tag, ded- tag): the service-specific ciphered APDUs.
CIPHERED_TAGS = (
    (0x01, 0x21, 0x41),  # initiate-request
    (0x05, 0x25, 0x45),  # read-request
    (0x06, 0x26, 0x46),  # write-request
    (0x08, 0x28, 0x48),  # initiate-response
    (0x0C, 0x2C, 0x4C),  # read-response
    (0x0D, 0x2D, 0x4D),  # write-response
    (0x0E, 0x2E, 0x4E),  # confirmed-service-error
    (0x16, 0x36, 0x56),  # unconfirmed-write-request
    (0x18, 0x38, 0x58),  # information-report-request
    (0xC0, 0xC8, 0xD0),  # get-request
    (0xC1, 0xC9, 0xD1),  # set-request
    (0xC2, 0xCA, 0xD2),  # event-notification-request
    (0xC3, 0xCB, 0xD3),  # action-request
    (0xC4, 0xCC, 0xD4),  # get-response
    (0xC5, 0xCD, 0xD5),  # set-response
    (0xC7, 0xCF, 0xD7),  # action-response
)


# A-XDR lengths, written here rather than imported: microcosem.axdr is the
# whole Data codec, several KiB of heap that ciphering does not need.


def encode_length(out, n):
    if n < 0x80:
        out.append(n)
    elif n < 0x100:
        out.append(0x81)
        out.append(n)
    elif n < 0x10000:
        out.append(0x82)
        out += n.to_bytes(2, "big")
    else:
        out.append(0x84)
        out += n.to_bytes(4, "big")


def decode_length(buf, pos, end):
    if pos >= end:
        raise IncompleteData("length expected", pos)
    n = buf[pos]
    if n < 0x80:
        return n, pos + 1
    n &= 0x7F
    if n == 0 or n > 4:
        raise DecodeError("bad length field 0x%02X" % buf[pos], pos)
    if pos + 1 + n > end:
        raise IncompleteData("length field truncated", pos)
    return int.from_bytes(bytes(buf[pos + 1:pos + 1 + n]), "big"), pos + 1 + n


def _tables():
    # tag -> glo- tag, tag -> ded- tag, ciphered tag -> plain tag (0: none),
    # ciphered tag -> 1 if ded-: four 256-byte lookups instead of a scan of
    # the table on every APDU.
    glo = bytearray(256)
    ded = bytearray(256)
    plain = bytearray(256)
    is_ded = bytearray(256)
    for p, g, d in CIPHERED_TAGS:
        glo[p] = g
        ded[p] = d
        plain[g] = p
        plain[d] = p
        is_ded[d] = 1
    return bytes(glo), bytes(ded), bytes(plain), bytes(is_ded)


_GLO, _DED, _PLAIN, _IS_DED = _tables()


def ciphered_tag(plain, dedicated=False):
    """The glo- (or ded-) tag that carries an APDU whose tag is `plain`."""
    t = (_DED if dedicated else _GLO)[plain & 0xFF]
    if not t:
        raise SecurityError("APDU 0x%02X has no service-specific ciphered form" % plain)
    return t


def plain_tag(tag):
    """(plain tag, dedicated) for a glo-/ded- tag, None for any other."""
    p = _PLAIN[tag & 0xFF]
    if not p:
        return None
    return p, _IS_DED[tag] == 1


def is_ciphered(tag):
    """True for the tags this module opens: glo-, ded-, general-glo/ded-ciphering."""
    return tag == GENERAL_GLO_CIPHERING or tag == GENERAL_DED_CIPHERING or _PLAIN[tag & 0xFF] != 0


# -- the security control byte ------------------------------------------------


def security_control(suite=0, authenticated=True, encrypted=True, broadcast=False):
    sc = suite
    if authenticated:
        sc |= SC_AUTHENTICATED
    if encrypted:
        sc |= SC_ENCRYPTED
    if broadcast:
        sc |= SC_BROADCAST
    return check_security_control(sc)


def check_security_control(sc):
    """The suite of a usable SC; SecurityError for compression, an unknown
    suite, or neither authentication nor encryption."""
    if sc & SC_COMPRESSED:
        raise SecurityError("compressed APDUs are not supported (SC 0x%02X)" % sc)
    if sc & 0x0F > 2:
        raise SecurityError("unknown security suite %d" % (sc & 0x0F))
    if not sc & (SC_AUTHENTICATED | SC_ENCRYPTED):
        raise SecurityError("SC 0x%02X protects nothing" % sc)
    return sc


_cache = {}  # key bytes -> Gcm, for the few keys a meter or a client uses
# 16-byte key -> the native seal (AESGCM.encrypt) of a backend that also
# offers `compare` (a constant-time comparison): the host's fast paths.
_seal = {}
_compare = None
_CACHE_SIZE = const(4)


def _key_for(sc, key, what):
    # The Gcm for a key, checked against the suite: AES-256 in suite 2,
    # AES-128 in 0 and 1.
    g = _cache.get(key) if type(key) is bytes else None
    if g is None:
        if isinstance(key, Gcm):
            return key
        if key is None:
            raise SecurityError("no %s" % what)
        key = bytes(key)
    if len(key) != (32 if sc & 0x0F == 2 else 16):
        raise SecurityError("suite %d needs a %d-byte %s" % (sc & 0x0F, 32 if sc & 0x0F == 2 else 16,
                                                             what))
    if g is None:
        if len(_cache) >= _CACHE_SIZE:
            _cache.clear()
            _seal.clear()
        g = _cache[key] = Gcm(key)
        if g.native is not None and len(key) == 16 and getattr(g.native, "compare", None):
            global _compare
            _compare = g.native.compare
            _seal[key] = g.native.seal
    return g


def iv_for(system_title, ic):
    if len(system_title) != 8:
        raise SecurityError("a system title has 8 bytes, not %d" % len(system_title))
    if not 0 <= ic <= 0xFFFFFFFF:
        raise SecurityError("invocation counter out of range")
    return bytes(system_title) + ic.to_bytes(4, "big")


# -- SC || IC || information || T ----------------------------------------------
#
# These run once per APDU on a host at a few microseconds of Python around
# OpenSSL, so the common path (SC 0x3n) does its checks inline and copies
# the APDU as few times as it can.


def protect_content(plain, system_title, ic, ek, ak, sc=0x30, aad_extra=b""):
    """SC || IC || information || T for the plain APDU bytes.  aad_extra
    follows SC || AK in the authenticated data (general-ciphering's header
    fields, security.general_ciphering)."""
    if sc & 0x80 or sc & 0x0F > 2 or not sc & 0x30:
        check_security_control(sc)
    g = _key_for(sc, ek, "encryption key")
    iv = iv_for(system_title, ic)
    head = bytes((sc,)) + iv[8:12]
    if sc & SC_AUTHENTICATED:
        if ak is None:
            raise SecurityError("no authentication key")
        aad = head[0:1] + bytes(ak) + aad_extra
        if sc & SC_ENCRYPTED:
            return head + g.encrypt(iv, plain, aad, TAG_LEN)
        return head + bytes(plain) + g.gmac(iv, aad + bytes(plain), TAG_LEN)
    return head + g.crypt(iv, plain)


def unprotect_content(content, system_title, ek, ak, pos=0, end=None, aad_extra=b""):
    """(sc, ic, plain APDU bytes) from SC || IC || information || T."""
    if end is None:
        end = len(content)
    if end - pos < 5:
        raise IncompleteData("security header truncated", pos)
    sc = content[pos]
    if sc & 0x80 or sc & 0x0F > 2 or not sc & 0x30:
        check_security_control(sc)
    g = _key_for(sc, ek, "encryption key")
    icb = bytes(content[pos + 1:pos + 5])
    if len(system_title) != 8:
        iv_for(system_title, 0)  # raises
    iv = bytes(system_title) + icb
    ic = int.from_bytes(icb, "big")
    body = memoryview(content)[pos + 5:end]
    if sc & SC_AUTHENTICATED:
        if ak is None:
            raise SecurityError("no authentication key")
        if len(body) < TAG_LEN:
            raise SecurityError("authentication tag truncated")
        aad = bytes((sc,)) + bytes(ak) + aad_extra
        if sc & SC_ENCRYPTED:
            return sc, ic, g.decrypt(iv, body, aad, TAG_LEN)
        n = len(body) - TAG_LEN
        plain = bytes(body[0:n])
        if not ct_equal(g.gmac(iv, aad + plain, TAG_LEN), body[n:]):
            raise SecurityError("authentication failed")
        return sc, ic, plain
    return sc, ic, g.crypt(iv, body)


# -- whole APDUs -----------------------------------------------------------------


def _length_bytes(n):
    if n < 0x80:
        return bytes((n,))
    out = bytearray()
    encode_length(out, n)
    return bytes(out)


def protect(apdu, system_title, ic, ek, ak, sc=0x30, dedicated=False):
    """The glo- (ded- with dedicated=True) APDU that carries `apdu`; the
    system title and IC are the sender's, ek the global (or dedicated) key."""
    if not apdu:
        raise SecurityError("nothing to protect")
    tag = (_DED if dedicated else _GLO)[apdu[0]]
    if not tag:
        ciphered_tag(apdu[0], dedicated)  # raises
    if sc == 0x30 and type(ek) is bytes and type(ak) is bytes:
        # The fast path of a host: suite 0, authenticated and encrypted, a
        # cached 16-byte key with a native GCM: one OpenSSL call and two
        # copies (the sealed text less the tag's last 4 bytes, then behind
        # the head).  The result is the general path's, byte for byte (the
        # tests run both, at every length form's edges).
        seal = _seal.get(ek)
        if (seal is not None and type(system_title) is bytes and len(system_title) == 8
                and 0 <= ic <= 0xFFFFFFFF):
            icb = ic.to_bytes(4, "big")
            n = len(apdu) + 17  # SC || IC || C || T
            if n < 0x80:
                head = bytes((tag, n, 0x30))
            elif n < 0x100:
                head = bytes((tag, 0x81, n, 0x30))
            elif n < 0x10000:
                head = bytes((tag, 0x82, n >> 8, n & 0xFF, 0x30))
            else:
                head = bytes((tag,)) + _length_bytes(n) + b"\x30"
            return head + icb + seal(system_title + icb, apdu, b"\x30" + ak)[:-4]
    content = protect_content(apdu, system_title, ic, ek, ak, sc)
    n = len(content)
    if n < 0x80:
        return bytes((tag, n)) + content
    return bytes((tag,)) + _length_bytes(n) + content


def protect_general(apdu, system_title, ic, ek, ak, sc=0x30, dedicated=False):
    """general-glo-ciphering (general-ded-ciphering) of any APDU."""
    content = protect_content(apdu, system_title, ic, ek, ak, sc)
    head = bytes((GENERAL_DED_CIPHERING if dedicated else GENERAL_GLO_CIPHERING, len(system_title)))
    return head + bytes(system_title) + _length_bytes(len(content)) + content


class Unprotected:
    """What unprotect found: the plain `apdu`, `sc`, `ic`, the sender's
    `system_title`, whether it was `dedicated` and `general`."""

    __slots__ = ("apdu", "sc", "ic", "system_title", "dedicated", "general")  # CPython: faster

    def __init__(self, apdu, sc, ic, system_title, dedicated, general):
        self.apdu = apdu
        self.sc = sc
        self.ic = ic
        self.system_title = system_title
        self.dedicated = dedicated
        self.general = general


def parse_header(data):
    """(tag, sender system title or None, content start, content end) of a
    ciphered APDU, without any key; DecodeError if it is not one."""
    n = len(data)
    if not n:
        raise IncompleteData("empty APDU", 0)
    tag = data[0]
    title = None
    pos = 1
    if tag == GENERAL_GLO_CIPHERING or tag == GENERAL_DED_CIPHERING:
        tn, pos = decode_length(data, 1, n)
        if pos + tn > n:
            raise IncompleteData("system title truncated", pos)
        title = bytes(data[pos:pos + tn])
        pos += tn
    elif not _PLAIN[tag]:
        raise DecodeError("not a ciphered APDU (tag 0x%02X)" % tag, 0)
    length, pos = decode_length(data, pos, n)
    if pos + length > n:
        raise IncompleteData("ciphered APDU truncated", pos)
    if pos + length < n:
        raise DecodeError("bytes after the ciphered APDU", pos + length)
    return tag, title, pos, pos + length


def unprotect(data, system_title, ek, ak, dedicated_key=None, broadcast_key=None):
    """Open a glo-/ded-/general-glo/ded-ciphering APDU: an Unprotected.

    system_title is the sender's, needed for the service-specific forms (it
    came in the AARQ / AARE); a general-*-ciphering APDU names its own, and
    then `system_title` (if given) must agree.  The key is the dedicated one
    for ded- tags, the broadcast one when SC says so, else ek.  The plain
    APDU's tag must be the one the glo-/ded- tag stands for.
    """
    if _seal and type(ek) is bytes and type(ak) is bytes and type(system_title) is bytes:
        # The host's fast path for a glo- APDU under SC 0x30 and a cached
        # 16-byte key with a native GCM: two OpenSSL calls (AESGCM checks
        # only 16-byte tags, so CTR first, by sealing the ciphertext, then
        # the tag of that plaintext sealed again) and the checks inline.
        # Anything else takes the general path, which gives the same answer
        # or the same error (the tests run both).
        seal = _seal.get(ek)
        n = len(data)
        if seal is not None and n > 20 and len(system_title) == 8:
            tag = data[0]
            m = data[1]  # the A-XDR length, then the plaintext's
            if m < 0x80:
                pos = 2
            elif m == 0x82:
                m = (data[2] << 8) | data[3]
                pos = 4
            elif m == 0x81:
                m = data[2]
                pos = 3
            else:
                pos = n
            m = n - pos - 17 if pos + m == n else 0
            if m > 0 and data[pos] == 0x30 and _PLAIN[tag] and not _IS_DED[tag]:
                # Slices rather than memoryviews: OpenSSL's buffer protocol on
                # a memoryview costs more than copying 1 KiB.
                icb = data[pos + 1:pos + 5]
                iv = system_title + icb
                pt = seal(iv, data[pos + 5:n - 12], None)[:m]
                if not _compare(seal(iv, pt, b"\x30" + ak)[m:m + 12], data[n - 12:]):
                    raise SecurityError("authentication failed")
                if pt[0] != _PLAIN[tag]:
                    raise SecurityError("ciphered APDU 0x%02X does not hold the APDU its tag names"
                                        % tag)
                return Unprotected(pt, 0x30, int.from_bytes(icb, "big"), system_title, False,
                                   False)
    tag, title, pos, end = parse_header(data)
    general = title is not None
    if general:
        dedicated = tag == GENERAL_DED_CIPHERING
        if system_title is not None and bytes(system_title) != title:
            raise SecurityError("system title differs from the association's")
    else:
        dedicated = _IS_DED[tag] == 1
        title = system_title
        if title is None:
            raise SecurityError("no system title for the sender")
    if end - pos < 1:
        raise IncompleteData("security header truncated", pos)
    key = ek
    if dedicated:
        key = dedicated_key
        what = "dedicated key"
    elif data[pos] & SC_BROADCAST:
        key = broadcast_key
        what = "broadcast key"
    else:
        what = "encryption key"
    if key is None:
        raise SecurityError("no %s" % what)
    sc, ic, plain = unprotect_content(data, title, key, ak, pos, end)
    if not general and (not plain or plain[0] != _PLAIN[tag]):
        raise SecurityError("ciphered APDU 0x%02X does not hold the APDU its tag names" % tag)
    return Unprotected(plain, sc, ic, bytes(title), dedicated, general)


# -- the server engine's hook ------------------------------------------------------


class ServerSecurity:
    """`config.security` for microcosem.server: protect(ctx, apdu) and
    unprotect(ctx, apdu) with the meter's system title and keys.

    ic is the server's next invocation counter; `reserve(ic)` (if given) is
    called with a new high-water mark before the counter passes it, so that
    a reset never reuses one (invocation counters are persisted ahead in
    steps of `step`).  A request whose IC is not above the last one from
    that client raises errors.ServiceError with no answer bytes: the engine
    answers it as a deciphering error (Green Book 9.2.7.2.4: a replayed
    counter is refused), as an ExceptionResponse invocation-counter-error
    naming the lowest counter it would take.  Answers use the request's protection (SC, glo-
    or ded-, general or not).  suite (0, 1 or 2; None: any the key fits) is the
    Security setup's security_suite: an APDU whose SC names another is refused,
    as a deciphering error (the AARQ's InitiateRequest too: the AARE rejects).
    """

    def __init__(self, system_title, ek, ak, ic=0, broadcast_key=None, reserve=None, step=32,
                 sc=0x30, suite=None):
        self.system_title = bytes(system_title)
        self.ek = ek
        self.ak = ak
        self.broadcast_key = broadcast_key
        self.ic = ic
        self.sc = sc
        self._reserve = reserve
        self._step = step
        self._limit = ic
        self.last_client_ic = {}  # client system title -> last IC accepted
        self.last = None  # how the last request came: (sc, dedicated, general)
        self.suite = suite

    def _next_ic(self):
        ic = self.ic
        if ic > 0xFFFFFFFF:
            raise SecurityError("invocation counter exhausted: new keys needed")
        if ic >= self._limit:
            self._limit = ic + self._step
            if self._reserve is not None:
                self._reserve(self._limit)
        self.ic = ic + 1
        return ic

    master_key = None  # the KEK of general-ciphering's wrapped-key (Security setup's too)
    # general-ciphering's agreed-key (security.general_ciphering, both schemes):
    # the meter's static key agreement and signing private keys, the clients'
    # public keys ({system title: (key agreement, signing)} or a function of
    # the title), and a Security setup whose key_pairs and imported
    # certificates stand in for whichever of those is None
    agreement_key = None
    signing_key = None
    peer_keys = None
    setup = None

    def unprotect(self, ctx, apdu):
        title = getattr(ctx, "client_system_title", None)
        general = None
        if apdu and apdu[0] == 0xDD:  # general-ciphering: its module, loaded only then
            from .general_ciphering import server_unprotect

            u, key, general = server_unprotect(self, apdu, title)
        else:
            u = unprotect(apdu, title, self.ek, self.ak, getattr(ctx, "dedicated_key", None),
                          self.broadcast_key)
            key = u.system_title
        if self.suite is not None and u.sc & 0x0F != self.suite:
            raise SecurityError("security suite %d, not %d" % (u.sc & 0x0F, self.suite))
        last = self.last_client_ic.get(key)
        if last is not None and u.ic <= last:
            from ..errors import ServiceError

            # ExceptionResponse: service-not-allowed, invocation-counter-error, expected IC
            answer = b"\xd8\x01\x06" + ((last + 1) & 0xFFFFFFFF).to_bytes(4, "big")
            raise ServiceError("invocation counter %d not above %d" % (u.ic, last), answer)
        self.last_client_ic[key] = u.ic
        if general is not None:
            self.last = (u.sc, False, (key,) + general)
        else:
            self.last = (u.sc, u.dedicated, u.general)
        return u.apdu

    def protect(self, ctx, apdu):
        sc, dedicated, general = self.last if self.last is not None else (self.sc, False, False)
        if type(general) is tuple:  # the request was a general-ciphering APDU
            from .general_ciphering import server_protect

            return server_protect(self, apdu, sc & ~SC_BROADCAST, general)
        if apdu and (apdu[0] == 0x08 or apdu[0] == 0x0E):
            dedicated = False  # the InitiateResponse goes under the global key
        key = getattr(ctx, "dedicated_key", None) if dedicated else self.ek
        if sc & SC_BROADCAST:
            sc &= ~SC_BROADCAST  # answers are unicast
        ic = self._next_ic()
        if general:
            return protect_general(apdu, self.system_title, ic, key, self.ak, sc, dedicated)
        return protect(apdu, self.system_title, ic, key, self.ak, sc, dedicated)


class ClientSecurity:
    """`settings.security` for microcosem.client: protect(client, apdu) and
    unprotect(client, apdu) with the client's system title and keys.

    Requests go as glo- APDUs under ek, or as ded- ones under dedicated_key
    when one is given (general=True: general-glo/ded-ciphering instead;
    general="ciphering": general-ciphering under ek, security.general_ciphering); the
    InitiateRequest always goes as glo-initiate-request under ek, and carries
    dedicated_key: the
    security layer owns the key, so it writes it into the InitiateRequest's
    first field (dedicated-key, absent as the client engine encodes it).
    Answers are opened with the server's system title from the AARE (its
    responding-AP-title) and must come with invocation counters that only go
    up; ic and reserve work as in ServerSecurity.

    With general="ciphering", `agreement` (general_ciphering.ONE_PASS_DH or
    STATIC_UNIFIED; None: the global key) sends the requests under a key
    agreed with the server, from agreement_key / signing_key (the client's
    static private keys) and peer_keys ({server system title: (key agreement,
    signing) public keys} or a function of the title); the answers, agreed
    the same way by the server, are opened with the same keys.  An answer to
    such a request (the last one sent for that client object, until its
    answer is accepted) must be agreed-key by the same scheme and carry the
    request's transaction id, else SecurityError; a push (data-notification,
    event-notification, information-report) is accepted in any form, so a
    meter's unsolicited general-ciphering APDUs still come through.
    """

    agreement = None
    agreement_key = None
    signing_key = None
    peer_keys = None

    def __init__(self, system_title, ek, ak, ic=0, sc=0x30, dedicated_key=None, broadcast_key=None,
                 general=False, reserve=None, step=32):
        self.system_title = bytes(system_title)
        self.ek = ek
        self.ak = ak
        self.sc = sc
        self.dedicated_key = dedicated_key
        self.broadcast_key = broadcast_key
        self.general = general
        self.ic = ic
        self._reserve = reserve
        self._step = step
        self._limit = ic
        self.last_server_ic = None
        # client object -> (scheme, transaction id) of its outstanding
        # agreed-key request (general_ciphering.client_protect writes it)
        self.sent = {}

    _next_ic = ServerSecurity._next_ic

    def _server_title(self, client):
        title = getattr(client, "server_system_title", None)
        if title is None:
            aare = getattr(client, "aare", None)
            title = getattr(aare, "responding_ap_title", None)
        return title

    def protect(self, client, apdu):
        apdu = bytes(apdu)
        if self.sent:
            self.sent.pop(client, None)  # a new request: the last one's answer is no longer awaited
        dedicated = self.dedicated_key is not None
        key = self.dedicated_key if dedicated else self.ek
        if apdu and apdu[0] == 0x01:  # the InitiateRequest: global key, and the dedicated key inside
            if dedicated and len(apdu) > 1 and apdu[1] == 0:
                k = bytes(self.dedicated_key)
                apdu = b"\x01\x01" + bytes((len(k),)) + k + apdu[2:]
            ic = self._next_ic()
            return protect(apdu, self.system_title, ic, self.ek, self.ak, self.sc, False)
        ic = self._next_ic()
        if self.general == "ciphering":
            from .general_ciphering import client_protect

            return client_protect(self, client, apdu, ic)
        if self.general:
            return protect_general(apdu, self.system_title, ic, key, self.ak, self.sc, dedicated)
        return protect(apdu, self.system_title, ic, key, self.ak, self.sc, dedicated)

    def unprotect(self, client, apdu):
        sent = self.sent.get(client) if self.sent else None
        if apdu and apdu[0] == 0xDD:
            from .general_ciphering import client_unprotect

            u = client_unprotect(self, client, apdu, sent)
        else:
            u = unprotect(apdu, self._server_title(client), self.ek, self.ak, self.dedicated_key,
                          self.broadcast_key)
            if sent is not None and not unsolicited(u.apdu):
                raise SecurityError("the answer to an agreed-key request is not general-ciphering")
        if self.last_server_ic is not None and u.ic <= self.last_server_ic:
            raise SecurityError("invocation counter %d not above %d" % (u.ic, self.last_server_ic))
        self.last_server_ic = u.ic
        if sent is not None and not unsolicited(u.apdu):
            del self.sent[client]  # answered
        return u.apdu


def unsolicited(apdu):
    """True for the plain APDUs a meter sends unasked (the client keeps
    them as notifications whatever it is waiting for): data-notification,
    event-notification-request, information-report-request."""
    t = apdu[0] if apdu else -1
    return t == 0x0F or t == 0xC2 or t == 0x18

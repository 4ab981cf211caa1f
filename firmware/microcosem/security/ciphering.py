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
    ded-: the same + 0x20 below 0x40 (0x41 ...) and + 0x08 from 0xC8 (0xD0 ...)
    general-glo-ciphering 0xDB, general-ded-ciphering 0xDC: any APDU, with
          the sender's system title in the APDU:
          tag || 08 || system title || length || SC || IC || information || T

Keys and titles are bytes; EK may also be a ready Gcm (saves rebuilding
its table per APDU; byte keys are cached too).  Everything raises
SecurityError (a wrong tag or key, a refused SC) or DecodeError (framing),
both DlmsError.  ServerSecurity at the end is the engine's `config.security`
hook built from these functions.
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


def ciphered_tag(plain, dedicated=False):
    """The glo- (or ded-) tag that carries an APDU whose tag is `plain`."""
    for p, g, d in CIPHERED_TAGS:
        if p == plain:
            return d if dedicated else g
    raise SecurityError("APDU 0x%02X has no service-specific ciphered form" % plain)


def plain_tag(tag):
    """(plain tag, dedicated) for a glo-/ded- tag, None for any other."""
    for p, g, d in CIPHERED_TAGS:
        if tag == g:
            return p, False
        if tag == d:
            return p, True
    return None


def is_ciphered(tag):
    """True for the tags this module opens: glo-, ded-, general-glo/ded-ciphering."""
    return tag == GENERAL_GLO_CIPHERING or tag == GENERAL_DED_CIPHERING or plain_tag(tag) is not None


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


def _key_for(sc, key, what):
    if isinstance(key, Gcm):
        return key
    if key is None:
        raise SecurityError("no %s" % what)
    n = 32 if sc & 0x0F == 2 else 16
    if len(key) != n:
        raise SecurityError("suite %d needs a %d-byte %s" % (sc & 0x0F, n, what))
    return _gcm(key)


_cache = []  # [(key bytes, Gcm)], the few keys a meter or client uses
_CACHE_SIZE = const(4)


def _gcm(key):
    key = bytes(key)
    for k, g in _cache:
        if k == key:
            return g
    g = Gcm(key)
    if len(_cache) >= _CACHE_SIZE:
        _cache.pop(0)
    _cache.append((key, g))
    return g


def iv_for(system_title, ic):
    if len(system_title) != 8:
        raise SecurityError("a system title has 8 bytes, not %d" % len(system_title))
    if not 0 <= ic <= 0xFFFFFFFF:
        raise SecurityError("invocation counter out of range")
    return bytes(system_title) + ic.to_bytes(4, "big")


# -- SC || IC || information || T ----------------------------------------------


def protect_content(plain, system_title, ic, ek, ak, sc=0x30):
    """SC || IC || information || T for the plain APDU bytes."""
    check_security_control(sc)
    g = _key_for(sc, ek, "encryption key")
    iv = iv_for(system_title, ic)
    head = bytes((sc,)) + ic.to_bytes(4, "big")
    if sc & SC_AUTHENTICATED:
        if ak is None:
            raise SecurityError("no authentication key")
        aad = head[0:1] + bytes(ak)
        if sc & SC_ENCRYPTED:
            return head + g.encrypt(iv, plain, aad, TAG_LEN)
        return head + bytes(plain) + g.gmac(iv, aad + bytes(plain), TAG_LEN)
    return head + g.crypt(iv, plain)


def unprotect_content(content, system_title, ek, ak, pos=0, end=None):
    """(sc, ic, plain APDU bytes) from SC || IC || information || T."""
    if end is None:
        end = len(content)
    if end - pos < 5:
        raise IncompleteData("security header truncated", pos)
    mv = memoryview(content)
    sc = content[pos]
    check_security_control(sc)
    ic = int.from_bytes(mv[pos + 1:pos + 5], "big")
    g = _key_for(sc, ek, "encryption key")
    iv = iv_for(system_title, ic)
    body = mv[pos + 5:end]
    if sc & SC_AUTHENTICATED:
        if ak is None:
            raise SecurityError("no authentication key")
        if len(body) < TAG_LEN:
            raise SecurityError("authentication tag truncated")
        aad = bytes((sc,)) + bytes(ak)
        if sc & SC_ENCRYPTED:
            return sc, ic, g.decrypt(iv, body, aad, TAG_LEN)
        n = len(body) - TAG_LEN
        plain = bytes(body[0:n])
        if not ct_equal(g.gmac(iv, aad + plain, TAG_LEN), body[n:]):
            raise SecurityError("authentication failed")
        return sc, ic, plain
    return sc, ic, g.crypt(iv, body)


# -- whole APDUs -----------------------------------------------------------------


def protect(apdu, system_title, ic, ek, ak, sc=0x30, dedicated=False):
    """The glo- (ded- with dedicated=True) APDU that carries `apdu`; the
    system title and IC are the sender's, ek the global (or dedicated) key."""
    if not apdu:
        raise SecurityError("nothing to protect")
    tag = ciphered_tag(apdu[0], dedicated)
    content = protect_content(apdu, system_title, ic, ek, ak, sc)
    out = bytearray((tag,))
    encode_length(out, len(content))
    out += content
    return bytes(out)


def protect_general(apdu, system_title, ic, ek, ak, sc=0x30, dedicated=False):
    """general-glo-ciphering (general-ded-ciphering) of any APDU."""
    content = protect_content(apdu, system_title, ic, ek, ak, sc)
    out = bytearray((GENERAL_DED_CIPHERING if dedicated else GENERAL_GLO_CIPHERING,))
    out.append(len(system_title))
    out += system_title
    encode_length(out, len(content))
    out += content
    return bytes(out)


class Unprotected:
    """What unprotect found: the plain `apdu`, `sc`, `ic`, the sender's
    `system_title`, whether it was `dedicated` and `general`."""

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
    elif plain_tag(tag) is None:
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
    tag, title, pos, end = parse_header(data)
    general = title is not None
    if general:
        dedicated = tag == GENERAL_DED_CIPHERING
        if system_title is not None and bytes(system_title) != title:
            raise SecurityError("system title differs from the association's")
    else:
        dedicated = plain_tag(tag)[1]
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
    if not general and (not plain or plain[0] != plain_tag(tag)[0]):
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
    or ded-, general or not).
    """

    def __init__(self, system_title, ek, ak, ic=0, broadcast_key=None, reserve=None, step=32,
                 sc=0x30):
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

    def unprotect(self, ctx, apdu):
        title = getattr(ctx, "client_system_title", None)
        u = unprotect(apdu, title, self.ek, self.ak, getattr(ctx, "dedicated_key", None),
                      self.broadcast_key)
        key = u.system_title
        last = self.last_client_ic.get(key)
        if last is not None and u.ic <= last:
            from ..errors import ServiceError

            # ExceptionResponse: service-not-allowed, invocation-counter-error, expected IC
            answer = b"\xd8\x01\x06" + ((last + 1) & 0xFFFFFFFF).to_bytes(4, "big")
            raise ServiceError("invocation counter %d not above %d" % (u.ic, last), answer)
        self.last_client_ic[key] = u.ic
        self.last = (u.sc, u.dedicated, u.general)
        return u.apdu

    def protect(self, ctx, apdu):
        sc, dedicated, general = self.last if self.last is not None else (self.sc, False, False)
        if apdu and (apdu[0] == 0x08 or apdu[0] == 0x0E):
            dedicated = False  # the InitiateResponse goes under the global key
        key = getattr(ctx, "dedicated_key", None) if dedicated else self.ek
        if sc & SC_BROADCAST:
            sc &= ~SC_BROADCAST  # answers are unicast
        ic = self._next_ic()
        if general:
            return protect_general(apdu, self.system_title, ic, key, self.ak, sc, dedicated)
        return protect(apdu, self.system_title, ic, key, self.ak, sc, dedicated)

"""Ciphered xDLMS APDUs as JSON, opened when the keys are at hand.

A glo-, ded- or general-glo/ded-ciphering APDU (IEC 62056-5-3 9.2.7; the
layout is microcosem.security.ciphering's) is shown by its parts:

    {"apdu": "glo-get-request", "system_title": null,
     "security_control": {"byte": "30", "suite": 0, "authenticated": true,
                          "encrypted": true, "broadcast": false, "compressed": false},
     "invocation_counter": 1, "information": "<ciphertext>", "authentication_tag": "<T>",
     "plain": {"apdu": "GetRequestNormal", ...}}

"plain" is there when the keys open it ("plain_error" says why not when they
fail); `encode` builds the bytes from the parts and ignores it.  The sender's
system title is in a general-ciphering APDU; for the service-specific ones it
is the client's for a request and the server's for a response, given on the
command line or learnt from the AARQ (calling-AP-title) and AARE
(responding-AP-title) of the same capture, as the dedicated key is from an
InitiateRequest once opened.
"""

from microcosem.apdu import decode_apdu
from microcosem.apdu.acse import AARE, AARQ
from microcosem.apdu.initiate import InitiateRequest
from microcosem.errors import DecodeError, DlmsError, IncompleteData
from microcosem.security import ciphering

from .jsonview import _bool, _err, _hex, _int, _object, _str, apdu_to_json

# The services of the XDLMS-APDU CHOICE that have a glo- and a ded- form.
SERVICE_NAMES = (
    (0x01, "initiate-request"), (0x05, "read-request"), (0x06, "write-request"),
    (0x08, "initiate-response"), (0x0C, "read-response"), (0x0D, "write-response"),
    (0x0E, "confirmed-service-error"), (0x16, "unconfirmed-write-request"),
    (0x18, "information-report-request"), (0xC0, "get-request"), (0xC1, "set-request"),
    (0xC2, "event-notification-request"), (0xC3, "action-request"), (0xC4, "get-response"),
    (0xC5, "set-response"), (0xC7, "action-response"),
)
# ...and of those, the ones a client sends (protected with the client's title)
_FROM_CLIENT = (0x01, 0x05, 0x06, 0x16, 0xC0, 0xC1, 0xC3)
_GENERAL = ((ciphering.GENERAL_GLO_CIPHERING, "general-glo-ciphering"),
            (ciphering.GENERAL_DED_CIPHERING, "general-ded-ciphering"))
_SC_FLAGS = (("authenticated", ciphering.SC_AUTHENTICATED),
             ("encrypted", ciphering.SC_ENCRYPTED),
             ("broadcast", ciphering.SC_BROADCAST),
             ("compressed", ciphering.SC_COMPRESSED))


def _tohex(b):
    return bytes(b).hex().upper()


def ciphered_name(tag):
    """'glo-get-request', 'general-glo-ciphering', ...; None for a plain tag."""
    for t, name in _GENERAL:
        if t == tag:
            return name
    p = ciphering.plain_tag(tag)
    if p is None:
        return None
    plain, dedicated = p
    for t, name in SERVICE_NAMES:
        if t == plain:
            return ("ded-" if dedicated else "glo-") + name
    return None


def _tag_named(name, path):
    for t, n in _GENERAL:
        if n == name:
            return t
    for prefix, dedicated in (("glo-", False), ("ded-", True)):
        if name.startswith(prefix):
            for t, n in SERVICE_NAMES:
                if n == name[4:]:
                    return ciphering.ciphered_tag(t, dedicated)
    raise _err(path, "no ciphered APDU named %r" % (name,))


class Keys:
    """What opens ciphered APDUs.  Titles and the dedicated key left None are
    learnt from the capture (see the module's docstring), each association's
    replacing the last one's; the ones given stay."""

    def __init__(self, ek=None, ak=None, dedicated_key=None, broadcast_key=None,
                 client_title=None, server_title=None):
        self.ek = ek
        self.ak = ak
        self.dedicated_key = dedicated_key
        self.broadcast_key = broadcast_key
        self.client_title = client_title
        self.server_title = server_title
        self.given = tuple(n for n in ("dedicated_key", "client_title", "server_title")
                           if getattr(self, n) is not None)

    def learn(self, name, value):
        if value and name not in self.given:
            setattr(self, name, bytes(value))


class ApduView:
    """The JSON of APDUs, plain or ciphered, for a whole capture (it learns the
    titles as it goes)."""

    def __init__(self, guess=False, keys=None):
        self.guess = guess
        self.keys = keys

    def view(self, buf):
        """The JSON of the one APDU `buf` holds; DecodeError when it is none."""
        buf = bytes(buf)
        try:
            apdu = decode_apdu(buf)
        except DecodeError:
            if buf and ciphering.is_ciphered(buf[0]):
                return self.ciphered(buf)
            raise
        self._learn(apdu)
        return apdu_to_json(apdu, self.guess, self._open_inner)

    def _learn(self, apdu):
        k = self.keys
        if k is None:
            return
        if type(apdu) is AARQ:
            k.learn("client_title", apdu.calling_ap_title)
        elif type(apdu) is AARE:
            k.learn("server_title", apdu.responding_ap_title)
        elif type(apdu) is InitiateRequest:
            k.learn("dedicated_key", apdu.dedicated_key)

    def _open_inner(self, b):
        # an ACSE user-information that holds a ciphered xDLMS APDU
        if b and ciphering.is_ciphered(b[0]):
            try:
                return self.ciphered(bytes(b))
            except DlmsError:
                return None
        return None

    def ciphered(self, buf):
        tag, title, start, end = ciphering.parse_header(buf)
        if end - start < 5:
            raise IncompleteData("security header truncated", start)
        sc = buf[start]
        ic = int.from_bytes(buf[start + 1:start + 5], "big")
        stop = end
        auth_tag = None
        if sc & ciphering.SC_AUTHENTICATED:
            if end - start - 5 < ciphering.TAG_LEN:
                raise IncompleteData("authentication tag truncated", start + 5)
            stop = end - ciphering.TAG_LEN
            auth_tag = _tohex(buf[stop:end])
        v = {"apdu": ciphered_name(tag), "system_title": None if title is None else _tohex(title),
             "security_control": sc_to_json(sc), "invocation_counter": ic,
             "information": _tohex(buf[start + 5:stop]), "authentication_tag": auth_tag}
        if self.keys is not None and self.keys.ek is not None:
            self._open(buf, tag, title, v)
        return v

    def _open(self, buf, tag, title, v):
        k = self.keys
        try:
            if title is None:
                client = ciphering.plain_tag(tag)[0] in _FROM_CLIENT
                title = k.client_title if client else k.server_title
                if title is None:
                    raise DlmsError("no system title for the %s (--%s-title)"
                                    % (("client",) * 2 if client else ("server",) * 2))
            u = ciphering.unprotect(buf, title, k.ek, k.ak, k.dedicated_key, k.broadcast_key)
            v["plain"] = self.view(u.apdu)
        except DlmsError as e:
            v["plain_error"] = str(e)


def sc_to_json(sc):
    j = {"byte": "%02X" % sc, "suite": sc & 0x0F}
    for name, bit in _SC_FLAGS:
        j[name] = bool(sc & bit)
    return j


def _sc_from_json(j, path):
    if isinstance(j, str):
        b = _hex(j, path)
        if len(b) != 1:
            raise _err(path, "one byte")
        return b[0]
    names = tuple(n for n, _ in _SC_FLAGS)
    _object(j, path, (), ("byte", "suite") + names)
    if "byte" in j:
        return _sc_from_json(j["byte"], path + ".byte")
    sc = _int(j.get("suite", 0), path + ".suite", 0, 15)
    for name, bit in _SC_FLAGS:
        if _bool(j.get(name, False), path + "." + name):
            sc |= bit
    return sc


class RawApdu:
    """An APDU known by its bytes only (what ciphered_from_json gives)."""

    def __init__(self, data):
        self.data = data

    def to_bytes(self):
        return self.data


def ciphered_from_json(j, path=""):
    """The bytes of a ciphered APDU's view, from its parts ("plain" is ignored)."""
    name = j.get("apdu")
    path = path + "." + name if path else name
    tag = _tag_named(name, path)
    _object(j, path, ("apdu", "security_control", "invocation_counter", "information"),
            ("system_title", "authentication_tag", "plain", "plain_error"))
    sc = _sc_from_json(j["security_control"], path + ".security_control")
    content = bytearray((sc,))
    content += _int(j["invocation_counter"], path + ".invocation_counter",
                    0, 0xFFFFFFFF).to_bytes(4, "big")
    content += _hex(j["information"], path + ".information")
    t = j.get("authentication_tag")
    if (t is None) == bool(sc & ciphering.SC_AUTHENTICATED):
        raise _err(path + ".authentication_tag", "SC 0x%02X %s an authentication tag" % (
            sc, "needs" if t is None else "has no room for"))
    if t is not None:
        t = _hex(t, path + ".authentication_tag")
        if len(t) != ciphering.TAG_LEN:
            raise _err(path + ".authentication_tag", "%d bytes, not %d"
                       % (len(t), ciphering.TAG_LEN))
        content += t
    out = bytearray((tag,))
    title = j.get("system_title")
    general = tag in (ciphering.GENERAL_GLO_CIPHERING, ciphering.GENERAL_DED_CIPHERING)
    if general:
        if title is None:
            raise _err(path + ".system_title", "a general-ciphering APDU names its sender")
        title = _hex(_str(title, path + ".system_title"), path + ".system_title")
        ciphering.encode_length(out, len(title))
        out += title
    elif title is not None:
        raise _err(path + ".system_title", "only a general-ciphering APDU carries one")
    ciphering.encode_length(out, len(content))
    out += content
    return RawApdu(bytes(out))

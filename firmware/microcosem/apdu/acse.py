"""Association control: AARQ, AARE, RLRQ, RLRE (IEC 62056-5-3 8.2, ISO/IEC 8650-1 ACSE).

These four are BER, not A-XDR.  Each is an [APPLICATION n] IMPLICIT SEQUENCE
of context-tagged elements, all OPTIONAL as far as this codec is concerned:
the association engine, not the codec, decides what a missing
application-context-name means (an AARE diagnostic, not a DecodeError).

Python forms of the elements, chosen so that decode -> encode gives the same
bytes for any canonically encoded APDU:

    protocol_version, *acse_requirements   str of '0'/'1' ("1": version1 /
                                           authentication, i.e. 80|8A 02 07 80)
    application_context_name               int x of 2.16.756.5.8.1.x
                                           (CONTEXT_LN ...), any other OID
                                           as a tuple of arcs
    mechanism_name                         int x of 2.16.756.5.8.2.x
                                           (MECHANISM_NONE ... MECHANISM_HIGH_ECDSA),
                                           other OIDs as a tuple of arcs
    *_ap_title, *_ae_qualifier             bytes (the Green Book makes both an
                                           OCTET STRING: system title, certificate)
    *_invocation_id, result, reason        int
    result_source_diagnostic               (ACSE_SERVICE_USER | ACSE_SERVICE_PROVIDER, int)
    *_authentication_value                 bytes for charstring [0], the only
                                           alternative DLMS uses; (choice, raw
                                           contents) for bitstring [1],
                                           external [2], other [3]
    implementation_information             bytes (GraphicString)
    user_information                       bytes: the xDLMS APDU inside the
                                           OCTET STRING, plain or ciphered;
                                           see initiate_request() & co.

Elements are written in the order of the ASN.1; a decoder accepts them in any
order but refuses duplicates and tags the APDU does not have.
"""

from ..compat import const
from ..errors import DecodeError, EncodeError
from .. import ber
from .base import Apdu, Names
from .initiate import InitiateRequest, InitiateResponse

# The codes the engines use.  The rest (MECHANISM_HIGH_GMAC, USER_CALLED_*, RLRQ_*,
# PROTOCOL_VERSION_1, ...) and every *_NAMES table live in apdu/names.py, which
# this module serves them from (__getattr__ at the end): a meter does not pay
# heap for the names of codes it never sends.

# application-context-name: 2.16.756.5.8.1.x (Green Book 9.4.2.2.2)
CONTEXT_LN = const(1)
CONTEXT_SN = const(2)
CONTEXT_LN_CIPHERED = const(3)
CONTEXT_SN_CIPHERED = const(4)

# mechanism-name: 2.16.756.5.8.2.x (Green Book 9.4.2.2.3)
MECHANISM_NONE = const(0)
MECHANISM_LOW = const(1)

# Association-result
RESULT_ACCEPTED = const(0)
RESULT_REJECTED_PERMANENT = const(1)

# Associate-source-diagnostic: which CHOICE, then the value in its table
ACSE_SERVICE_USER = const(1)
ACSE_SERVICE_PROVIDER = const(2)

USER_NULL = const(0)
USER_NO_REASON_GIVEN = const(1)
USER_APPLICATION_CONTEXT_NAME_NOT_SUPPORTED = const(2)
USER_AUTHENTICATION_MECHANISM_NAME_NOT_RECOGNISED = const(11)
USER_AUTHENTICATION_MECHANISM_NAME_REQUIRED = const(12)
USER_AUTHENTICATION_FAILURE = const(13)
USER_AUTHENTICATION_REQUIRED = const(14)

PROVIDER_NO_COMMON_ACSE_VERSION = const(2)

# Release-response-reason
RLRE_NORMAL = const(0)
RLRE_NOT_FINISHED = const(1)


def name_of(table, value):
    """The name `value` has in one of the (value, name) tables of apdu.names, else None."""
    for v, n in table:
        if v == value:
            return n
    return None


def diagnostic_name(diagnostic):
    """'acse-service-user: authentication-failure' for a result_source_diagnostic."""
    if diagnostic is None:
        return None
    from . import names
    source, value = diagnostic
    table = (names.USER_DIAGNOSTIC_NAMES if source == ACSE_SERVICE_USER
             else names.PROVIDER_DIAGNOSTIC_NAMES)
    return "%s: %s" % (name_of(names.DIAGNOSTIC_SOURCE_NAMES, source) or source,
                       name_of(table, value) or value)


# How each element is carried (the kinds of the ELEMENTS tables)
_BITS = const(0)         # [n] IMPLICIT BIT STRING
_CONTEXT = const(1)      # [n] EXPLICIT OBJECT IDENTIFIER under 2.16.756.5.8.1
_MECHANISM = const(2)    # [n] IMPLICIT OBJECT IDENTIFIER under 2.16.756.5.8.2
_OCTETS = const(3)       # [n] EXPLICIT OCTET STRING
_INT = const(4)          # [n] EXPLICIT INTEGER
_INT_IMPLICIT = const(5)  # [n] IMPLICIT INTEGER
_AUTH = const(6)         # [n] EXPLICIT Authentication-value
_GRAPHIC = const(7)      # [n] IMPLICIT GraphicString
_DIAGNOSTIC = const(8)   # [n] EXPLICIT Associate-source-diagnostic

_CONTEXT_PREFIX = (2, 16, 756, 5, 8, 1)
_MECHANISM_PREFIX = (2, 16, 756, 5, 8, 2)


def _oid_value(arcs, prefix):
    if len(arcs) == 7 and arcs[:6] == prefix:
        return arcs[6]
    return arcs


def _oid_arcs(value, prefix):
    if isinstance(value, int) and not isinstance(value, bool):
        return prefix + (value,)
    if isinstance(value, tuple):
        return value
    raise EncodeError("OID must be an int or a tuple of arcs, not %r" % (value,))


def _bytes(value, what, text=False):
    if isinstance(value, (bytes, bytearray, memoryview)):
        return value
    if text and isinstance(value, str):  # a password typed as text
        return value.encode()
    raise EncodeError("%s must be bytes, not %r" % (what, value))


def _decode_element(buf, tag, start, stop, kind):
    if kind == _OCTETS:
        s, e = ber.read_inner(buf, start, stop, ber.OCTET_STRING)
        return bytes(buf[s:e])
    if kind == _INT:
        s, e = ber.read_inner(buf, start, stop, ber.INTEGER)
        return ber.read_integer(buf, s, e)
    if kind == _BITS:
        return ber.read_bit_string(buf, start, stop)
    if kind == _CONTEXT:
        s, e = ber.read_inner(buf, start, stop, ber.OBJECT_IDENTIFIER)
        return _oid_value(ber.read_oid(buf, s, e), _CONTEXT_PREFIX)
    if kind == _MECHANISM:
        return _oid_value(ber.read_oid(buf, start, stop), _MECHANISM_PREFIX)
    if kind == _INT_IMPLICIT:
        return ber.read_integer(buf, start, stop)
    if kind == _GRAPHIC:
        return bytes(buf[start:stop])
    if kind == _AUTH:
        t, s, e = ber.read_tlv(buf, start, stop, True)
        if e != stop:
            raise DecodeError("%d bytes after the authentication value" % (stop - e), e)
        if t == 0x80:  # charstring [0] IMPLICIT GraphicString
            return bytes(buf[s:e])
        if t in (0x81, 0xA2, 0xA3):  # bitstring, external, other: kept raw
            return (t & 0x1F, bytes(buf[s:e]))
        raise DecodeError("authentication value of tag 0x%X" % t, start)
    # _DIAGNOSTIC: CHOICE { acse-service-user [1], acse-service-provider [2] } of INTEGER
    t, s, e = ber.read_tlv(buf, start, stop, True)
    if e != stop:
        raise DecodeError("%d bytes after the diagnostic" % (stop - e), e)
    if t != 0xA1 and t != 0xA2:
        raise DecodeError("diagnostic of tag 0x%X" % t, start)
    s, e = ber.read_inner(buf, s, e, ber.INTEGER)
    return (t & 0x1F, ber.read_integer(buf, s, e))


def _encode_element(out, tag, kind, value):
    if kind == _BITS:
        mark = ber.open_tlv(out, tag)
        ber.write_bit_string(out, value)
        ber.close_tlv(out, mark)
        return
    if kind == _MECHANISM:
        mark = ber.open_tlv(out, tag)
        ber.write_oid(out, _oid_arcs(value, _MECHANISM_PREFIX))
        ber.close_tlv(out, mark)
        return
    if kind == _INT_IMPLICIT:
        mark = ber.open_tlv(out, tag)
        ber.write_integer(out, value)
        ber.close_tlv(out, mark)
        return
    if kind == _GRAPHIC:
        ber.write_tlv(out, tag, _bytes(value, "implementation-information"))
        return
    outer = ber.open_tlv(out, tag)
    if kind == _OCTETS:
        ber.write_tlv(out, ber.OCTET_STRING, _bytes(value, "octet string"))
    elif kind == _INT:
        inner = ber.open_tlv(out, ber.INTEGER)
        ber.write_integer(out, value)
        ber.close_tlv(out, inner)
    elif kind == _CONTEXT:
        inner = ber.open_tlv(out, ber.OBJECT_IDENTIFIER)
        ber.write_oid(out, _oid_arcs(value, _CONTEXT_PREFIX))
        ber.close_tlv(out, inner)
    elif kind == _AUTH:
        if isinstance(value, tuple):
            if len(value) != 2 or value[0] not in (1, 2, 3):
                raise EncodeError("authentication value choice %r" % (value,))
            choice = value[0] | (0xA0 if value[0] > 1 else 0x80)
            ber.write_tlv(out, choice, _bytes(value[1], "authentication value"))
        else:
            ber.write_tlv(out, 0x80, _bytes(value, "authentication value", True))
    else:  # _DIAGNOSTIC
        if not isinstance(value, tuple) or len(value) != 2 or value[0] not in (1, 2):
            raise EncodeError("result-source-diagnostic must be (1 | 2, int), not %r" % (value,))
        choice = ber.open_tlv(out, 0xA0 | value[0])
        inner = ber.open_tlv(out, ber.INTEGER)
        ber.write_integer(out, value[1])
        ber.close_tlv(out, inner)
        ber.close_tlv(out, choice)
    ber.close_tlv(out, outer)


class _AcseApdu(Apdu):
    """An [APPLICATION n] IMPLICIT SEQUENCE whose elements ELEMENTS lists as (tag, field, kind)."""

    ELEMENTS = ()

    def _encode(self, out):
        mark = ber.open_tlv(out, self.TAG)
        for tag, name, kind in self.ELEMENTS:
            value = getattr(self, name)
            if value is not None:
                _encode_element(out, tag, kind, value)
        ber.close_tlv(out, mark)

    @classmethod
    def decode(cls, buf, pos=0, end=None):
        if end is None or end > len(buf):
            end = len(buf)
        tag, start, stop = ber.read_tlv(buf, pos, end)
        if tag != cls.TAG:
            raise DecodeError("not a %s (tag 0x%X)" % (cls.__name__, tag), pos)
        apdu = cls()
        elements = cls.ELEMENTS
        p = start
        while p < stop:
            tag, s, e = ber.read_tlv(buf, p, stop, True)
            for t, name, kind in elements:
                if t == tag:
                    break
            else:
                raise DecodeError("%s has no element 0x%X" % (cls.__name__, tag), p)
            if getattr(apdu, name) is not None:
                raise DecodeError("%s element 0x%X twice" % (cls.__name__, tag), p)
            setattr(apdu, name, _decode_element(buf, tag, s, e, kind))
            p = e
        return apdu, stop

    def _user_apdu(self, cls):
        ui = self.user_information
        if ui is None:
            return None
        if not ui or ui[0] != cls.TAG:
            raise DecodeError("user-information holds no %s (tag 0x%02X)"
                              % (cls.__name__, ui[0] if ui else -1), 0)
        return cls.from_bytes(ui)

    def user_apdu(self):
        """Whatever plain xDLMS APDU user-information holds (InitiateRequest,
        InitiateResponse, ConfirmedServiceError), None without user-information.

        DecodeError for a ciphered one (glo-/ded-initiate 0x21, 0x28, 0x41, 0x48):
        the security layer opens those."""
        ui = self.user_information
        if ui is None:
            return None
        from . import decode_apdu
        return decode_apdu(ui)


def _fields(elements):
    return tuple(e[1] for e in elements)


class AARQ(_AcseApdu):
    """A-ASSOCIATE.request (Green Book 8.2, AARQ-apdu); field forms in the module docstring."""

    TAG = 0x60
    ELEMENTS = (
        (0x80, "protocol_version", _BITS),
        (0xA1, "application_context_name", _CONTEXT),
        (0xA2, "called_ap_title", _OCTETS),
        (0xA3, "called_ae_qualifier", _OCTETS),
        (0xA4, "called_ap_invocation_id", _INT),
        (0xA5, "called_ae_invocation_id", _INT),
        (0xA6, "calling_ap_title", _OCTETS),
        (0xA7, "calling_ae_qualifier", _OCTETS),
        (0xA8, "calling_ap_invocation_id", _INT),
        (0xA9, "calling_ae_invocation_id", _INT),
        (0x8A, "sender_acse_requirements", _BITS),
        (0x8B, "mechanism_name", _MECHANISM),
        (0xAC, "calling_authentication_value", _AUTH),
        (0x9D, "implementation_information", _GRAPHIC),
        (0xBE, "user_information", _OCTETS),
    )
    FIELDS = _fields(ELEMENTS)
    NAMES = Names(("application_context_name", "CONTEXT_NAMES"), ("mechanism_name", "MECHANISM_NAMES"))

    def initiate_request(self):
        """The plain InitiateRequest in user-information; None if there is no user-information.

        DecodeError if user-information holds something else (a ciphered
        glo-/ded-initiate-request is the security layer's to open).
        """
        return self._user_apdu(InitiateRequest)

    def set_initiate_request(self, request):
        self.user_information = request.to_bytes()


class AARE(_AcseApdu):
    """A-ASSOCIATE.response (Green Book 8.2, AARE-apdu); field forms in the module
    docstring, diagnostic_name() names a result_source_diagnostic."""

    TAG = 0x61
    ELEMENTS = (
        (0x80, "protocol_version", _BITS),
        (0xA1, "application_context_name", _CONTEXT),
        (0xA2, "result", _INT),
        (0xA3, "result_source_diagnostic", _DIAGNOSTIC),
        (0xA4, "responding_ap_title", _OCTETS),
        (0xA5, "responding_ae_qualifier", _OCTETS),
        (0xA6, "responding_ap_invocation_id", _INT),
        (0xA7, "responding_ae_invocation_id", _INT),
        (0x88, "responder_acse_requirements", _BITS),
        (0x89, "mechanism_name", _MECHANISM),
        (0xAA, "responding_authentication_value", _AUTH),
        (0x9D, "implementation_information", _GRAPHIC),
        (0xBE, "user_information", _OCTETS),
    )
    FIELDS = _fields(ELEMENTS)
    NAMES = Names(("application_context_name", "CONTEXT_NAMES"), ("result", "RESULT_NAMES"),
                  ("mechanism_name", "MECHANISM_NAMES"))

    def initiate_response(self):
        """The plain InitiateResponse in user-information; None if there is no user-information.

        DecodeError if user-information holds something else (a
        confirmed-service-error 0x0E, or a ciphered glo-/ded-initiate-response).
        """
        return self._user_apdu(InitiateResponse)

    def set_initiate_response(self, response):
        self.user_information = response.to_bytes()


class RLRQ(_AcseApdu):
    """A-RELEASE.request; `62 00` (no reason, no user-information) is valid.
    reason: int or None; user_information: bytes or None."""

    TAG = 0x62
    ELEMENTS = (
        (0x80, "reason", _INT_IMPLICIT),
        (0xBE, "user_information", _OCTETS),
    )
    FIELDS = _fields(ELEMENTS)
    NAMES = Names(("reason", "RLRQ_REASON_NAMES"))

    def initiate_request(self):
        return self._user_apdu(InitiateRequest)


class RLRE(_AcseApdu):
    """A-RELEASE.response: reason int or None; user_information bytes or None."""

    TAG = 0x63
    ELEMENTS = (
        (0x80, "reason", _INT_IMPLICIT),
        (0xBE, "user_information", _OCTETS),
    )
    FIELDS = _fields(ELEMENTS)
    NAMES = Names(("reason", "RLRE_REASON_NAMES"))

    def initiate_response(self):
        return self._user_apdu(InitiateResponse)


def __getattr__(name):
    # the *_NAMES tables and the constants only the CLI uses live in apdu/names.py
    # (not __path__ and the like, which CPython's import machinery asks for)
    if name[0] == "_":
        raise AttributeError(name)
    from . import names
    return getattr(names, name)

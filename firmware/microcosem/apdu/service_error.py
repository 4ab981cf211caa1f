"""The two APDUs that say a service failed as a whole (IEC 62056-5-3, 9.5).

ExceptionResponse [216]: a server that cannot even parse or accept an APDU.

    ExceptionResponse ::= SEQUENCE {
        state-error   [0] IMPLICIT ENUMERATED { service-not-allowed (1), service-unknown (2) },
        service-error [1] CHOICE { operation-not-possible [1], service-not-supported [2],
                                   other-reason [3], pdu-too-long [4], deciphering-error [5],
                                   invocation-counter-error [6] IMPLICIT Unsigned32 } }

  Only invocation-counter-error carries a value (the counter the server
  expects next); the other alternatives are bare.

ConfirmedServiceError [14]: the answer to a failed InitiateRequest (inside an
AARE) or to an SN Read/Write, as (service, error_type, error):

    ConfirmedServiceError ::= CHOICE { initiateError [1], getStatus [2], ...,
                                       read [5], write [6], ... } ServiceError
    ServiceError ::= CHOICE { application-reference [0] ENUMERATED, ...,
                              task [9], other [10] }

  `0E 01 06 01` is initiateError / initiate / dlms-version-too-low.  Tags and
  enumerations are those of the Green Book ASN.1; Gurux's ServiceError enum
  numbers task 8 and other 9, which the ASN.1 gives to change-scope and task.
"""

from ..compat import const
from ..errors import DecodeError, EncodeError
from .base import Names
from .common import ServiceApdu, decode_u8, decode_u32, encode_u8, encode_u32, name_of

_EXCEPTION_RESPONSE = const(0xD8)
_CONFIRMED_SERVICE_ERROR = const(0x0E)

# state-error
SERVICE_NOT_ALLOWED = const(1)
SERVICE_UNKNOWN = const(2)

# service-error
OPERATION_NOT_POSSIBLE = const(1)
SERVICE_NOT_SUPPORTED = const(2)
OTHER_REASON = const(3)
PDU_TOO_LONG = const(4)
DECIPHERING_ERROR = const(5)
_INVOCATION_COUNTER_ERROR = const(6)


def _code(table, name, what):
    """The code a (code, name) table gives `name`; an int passes through if the table has it."""
    for c, n in table:
        if n == name or (c == name and type(name) is int):
            return c
    raise EncodeError("no %s %r" % (what, name))


class ExceptionResponse(ServiceApdu):
    """state_error: 1 service-not-allowed, 2 service-unknown;
    service_error: 1..6 (SERVICE_ERROR_NAMES);
    invocation_counter: the int the server expects next when service_error is
    6 invocation-counter-error, else None.

        D8 01 02                 service-not-allowed, service-not-supported
        D8 01 06 00 00 00 2A     service-not-allowed, invocation-counter-error 42

    ExceptionResponse.named("service-unknown", "pdu-too-long") builds one from
    the names; `names()` gives them back.
    """

    TAG = _EXCEPTION_RESPONSE
    FIELDS = ("state_error", "service_error", "invocation_counter")
    NAMES = Names(("state_error", "STATE_ERROR_NAMES"), ("service_error", "SERVICE_ERROR_NAMES"))

    @classmethod
    def named(cls, state_error, service_error, invocation_counter=None):
        from . import names
        return cls(state_error=_code(names.STATE_ERROR_NAMES, state_error, "state-error"),
                   service_error=_code(names.SERVICE_ERROR_NAMES, service_error, "service-error"),
                   invocation_counter=invocation_counter)

    def names(self):
        from . import names
        return (name_of(names.STATE_ERROR_NAMES, self.state_error),
                name_of(names.SERVICE_ERROR_NAMES, self.service_error))

    def _encode_body(self, out):
        if self.state_error not in (SERVICE_NOT_ALLOWED, SERVICE_UNKNOWN):
            raise EncodeError("state-error has no value %r" % (self.state_error,))
        if self.service_error not in (1, 2, 3, 4, 5, 6):
            raise EncodeError("service-error has no alternative %r" % (self.service_error,))
        out.append(self.state_error)
        out.append(self.service_error)
        if self.service_error == _INVOCATION_COUNTER_ERROR:
            encode_u32(out, self.invocation_counter)
        elif self.invocation_counter is not None:
            raise EncodeError("only invocation-counter-error carries a counter")

    @classmethod
    def _decode_body(cls, buf, pos, end):
        state, pos = decode_u8(buf, pos, end)
        if state != SERVICE_NOT_ALLOWED and state != SERVICE_UNKNOWN:
            raise DecodeError("unknown exception-response state-error %d" % state, pos - 1)
        service, pos = decode_u8(buf, pos, end)
        if not 1 <= service <= 6:
            # a CHOICE alternative we cannot size: the rest would be guesswork
            raise DecodeError("unknown exception-response service-error %d" % service, pos - 1)
        counter = None
        if service == _INVOCATION_COUNTER_ERROR:
            counter, pos = decode_u32(buf, pos, end)
        return cls(state_error=state, service_error=service, invocation_counter=counter), pos


# ConfirmedServiceError alternatives (the service that failed)
INITIATE_ERROR = const(1)
READ = const(5)
WRITE = const(6)

# ServiceError alternatives (the kind of error) and their enumerations
SERVICE = const(3)
INITIATE = const(6)

# initiate alternative values, the ones an AARE carries



def confirmed_service_name(service):
    from .names import CONFIRMED_SERVICE_NAMES
    return name_of(CONFIRMED_SERVICE_NAMES, service)


def service_error_type_name(error_type):
    from .names import SERVICE_ERROR_TYPES
    for t, name, _ in SERVICE_ERROR_TYPES:
        if t == error_type:
            return name
    return None


def service_error_name(error_type, error):
    """The enumeration name of `error` within `error_type`, or None if unnamed."""
    from .names import SERVICE_ERROR_TYPES
    for t, _, names in SERVICE_ERROR_TYPES:
        if t == error_type:
            return names[error] if 0 <= error < len(names) else None
    return None


class ConfirmedServiceError(ServiceApdu):
    """service: which confirmed service failed (CONFIRMED_SERVICE_NAMES: 1
    initiateError, 5 read, 6 write, ...); error_type: the ServiceError
    alternative (0..10, SERVICE_ERROR_TYPES); error: its enumerated value, whose
    name depends on error_type (`names()`, `service_error_name`).

        0E 01 06 01     initiateError, initiate, dlms-version-too-low
        0E 05 05 02     read, access, object-access-violated

    ConfirmedServiceError.named("initiateError", "initiate", "pdu-size-too-short")
    builds one from the names.
    """

    TAG = _CONFIRMED_SERVICE_ERROR
    FIELDS = ("service", "error_type", "error")
    NAMES = Names(("service", "CONFIRMED_SERVICE_NAMES"), ("error_type", "SERVICE_ERROR_TYPE_NAMES"))

    @classmethod
    def named(cls, service, error_type, error):
        from .names import CONFIRMED_SERVICE_NAMES, SERVICE_ERROR_TYPES
        service = _code(CONFIRMED_SERVICE_NAMES, service, "confirmed service")
        for t, n, values in SERVICE_ERROR_TYPES:
            if n == error_type or (t == error_type and type(error_type) is int):
                break
        else:
            raise EncodeError("no ServiceError alternative %r" % (error_type,))
        if type(error) is not int:
            for i in range(len(values)):
                if values[i] == error:
                    error = i
                    break
            else:
                raise EncodeError("%s has no error %r" % (n, error))
        return cls(service=service, error_type=t, error=error)

    def names(self):
        """(service, error type, error) names; None where the tables have none."""
        return (confirmed_service_name(self.service), service_error_type_name(self.error_type),
                service_error_name(self.error_type, self.error))

    def _encode_body(self, out):
        if type(self.service) is not int or not 1 <= self.service <= 19:
            raise EncodeError("ConfirmedServiceError has no alternative %r" % (self.service,))
        if type(self.error_type) is not int or not 0 <= self.error_type <= 10:
            raise EncodeError("ServiceError has no alternative %r" % (self.error_type,))
        out.append(self.service)
        out.append(self.error_type)
        encode_u8(out, self.error)

    @classmethod
    def _decode_body(cls, buf, pos, end):
        service, pos = decode_u8(buf, pos, end)
        if not 1 <= service <= 19:
            raise DecodeError("unknown ConfirmedServiceError alternative %d" % service, pos - 1)
        error_type, pos = decode_u8(buf, pos, end)
        if error_type > 10:
            raise DecodeError("unknown ServiceError alternative %d" % error_type, pos - 1)
        error, pos = decode_u8(buf, pos, end)
        return cls(service=service, error_type=error_type, error=error), pos


def __getattr__(name):
    # the *_NAMES tables and the constants only the CLI uses live in apdu/names.py
    # (not __path__ and the like, which CPython's import machinery asks for)
    if name[0] == "_":
        raise AttributeError(name)
    from . import names
    return getattr(names, name)

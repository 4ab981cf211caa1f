# heapsize: 128k
# (measured need 112k on the 64-bit unix port, which keeps the loaded .mpy code of the
# APDU modules and the A-XDR codec in the heap; the rest is room for the shared codecs to grow)
"""ExceptionResponse and ConfirmedServiceError (Green Book 9.5): every
state-error, service-error and ServiceError alternative, with names, so that a
server can answer any malformed APDU."""

from apdu_check import check, malformed, refuses
from checks import raises, unhex
from microcosem.apdu import service_error as se
from microcosem.apdu.service_error import ConfirmedServiceError, ExceptionResponse
from microcosem.errors import DecodeError, EncodeError


def test_exception_response_every_alternative():
    # D8 <state-error> <service-error>: each alternative but the last is bare
    names = [n for _, n in se.SERVICE_ERROR_NAMES]
    assert names == ["operation-not-possible", "service-not-supported", "other-reason",
                     "pdu-too-long", "deciphering-error", "invocation-counter-error"]
    for state, state_name in ((1, "service-not-allowed"), (2, "service-unknown")):
        for service in range(1, 6):
            a = check(ExceptionResponse, "D8 %02X %02X" % (state, service),
                      ExceptionResponse(state_error=state, service_error=service))
            assert a.names() == (state_name, names[service - 1])
            assert ExceptionResponse.named(state_name, names[service - 1]) == a
            assert ExceptionResponse.named(state, service) == a
        # invocation-counter-error carries the counter the server expects next
        a = check(ExceptionResponse, "D8 %02X 06 00 00 01 2C" % state,
                  ExceptionResponse(state_error=state, service_error=6, invocation_counter=300))
        assert a.names() == (state_name, "invocation-counter-error")
        assert ExceptionResponse.named(state_name, "invocation-counter-error", 300) == a


def test_exception_response_bad():
    malformed(("D8 00 01", "D8 03 01", "D8 01 00", "D8 01 07", "D8 01 06 00 00 01"))
    refuses((
        ExceptionResponse(state_error=0, service_error=1),
        ExceptionResponse(state_error=1, service_error=7),
        ExceptionResponse(state_error=1, service_error=None),
        ExceptionResponse(state_error=1, service_error=2, invocation_counter=5),
        ExceptionResponse(state_error=1, service_error=6),
        ExceptionResponse(state_error=1, service_error=6, invocation_counter=1 << 32),
    ))
    raises(EncodeError, ExceptionResponse.named, "service-allowed", "other-reason")
    raises(EncodeError, ExceptionResponse.named, "service-unknown", "too-long")
    raises(EncodeError, ExceptionResponse.named, 3, 1)


def test_confirmed_service_error_initiate():
    # 0E 01 06 xx: the AARE's answer to an InitiateRequest it cannot accept
    for error, name in ((0, "other"), (1, "dlms-version-too-low"), (2, "incompatible-conformance"),
                        (3, "pdu-size-too-short"), (4, "refused-by-the-VDE-Handler")):
        a = check(ConfirmedServiceError, "0E 01 06 %02X" % error,
                  ConfirmedServiceError(service=1, error_type=6, error=error))
        assert a.names() == ("initiateError", "initiate", name)
        assert ConfirmedServiceError.named("initiateError", "initiate", name) == a


def test_confirmed_service_error_every_choice():
    # every ConfirmedServiceError alternative [1..19] with every ServiceError one [0..10]
    services = [n for _, n in se.CONFIRMED_SERVICE_NAMES]
    assert len(services) == 19 and services[4] == "read" and services[5] == "write"
    for service in range(1, 20):
        for t, type_name, values in se.SERVICE_ERROR_TYPES:
            for error in range(max(1, len(values))):
                a = check(ConfirmedServiceError, "0E %02X %02X %02X" % (service, t, error),
                          ConfirmedServiceError(service=service, error_type=t, error=error))
                n = a.names()
                assert n[0] == services[service - 1] and n[1] == type_name
                assert n[2] == (values[error] if values else None)
                if values:
                    assert ConfirmedServiceError.named(n[0], n[1], n[2]) == a
                assert ConfirmedServiceError.named(service, t, error) == a
    # the SN read / write errors a meter sends
    a = ConfirmedServiceError.from_bytes(unhex("0E 05 05 02"))
    assert a.names() == ("read", "access", "object-access-violated")
    a = ConfirmedServiceError.from_bytes(unhex("0E 06 04 01"))
    assert a.names() == ("write", "definition", "object-undefined")
    assert se.service_error_name(6, 99) is None and se.service_error_type_name(11) is None


def test_confirmed_service_error_bad():
    malformed(("0E 00 06 01", "0E 14 06 01", "0E 01 0B 01", "0E 01 06"))
    refuses((
        ConfirmedServiceError(service=0, error_type=6, error=1),
        ConfirmedServiceError(service=20, error_type=6, error=1),
        ConfirmedServiceError(service=1, error_type=11, error=1),
        ConfirmedServiceError(service=1, error_type=6, error=256),
        ConfirmedServiceError(service="read", error_type=6, error=1),
        ConfirmedServiceError(service=1, error_type=None, error=1),
    ))
    raises(EncodeError, ConfirmedServiceError.named, "initiate", "initiate", "other")
    raises(EncodeError, ConfirmedServiceError.named, "initiateError", "initiation", "other")
    raises(EncodeError, ConfirmedServiceError.named, "initiateError", "initiate", "too-low")

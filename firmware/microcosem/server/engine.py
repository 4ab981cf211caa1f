"""The server side of the IEC 62056-5-3 application layer, sans-IO.

    server = Server(model, (AssociationConfig(16), AssociationConfig(1, mechanism=1, secret=b"x")))
    reply = server.handle(apdu, client_sap, now_ms)   # bytes to send back, or None
    released = server.tick(now_ms)                    # idle associations ended (SAPs)

`now_ms` is any millisecond clock that wraps as ticks_ms does (compared with
ticks_diff); an association whose config has `inactivity_ms` is released
when that long passes between two of its APDUs, or when `tick` finds it so.

Whole APDUs in, whole APDUs out: the profile below (HDLC, wrapper) has
already put segments together and says which client SAP spoke.  `handle`
never raises: an APDU it cannot parse, a service the association did not
negotiate, an object that throws, all become the DLMS answer the Green Book
gives them, and the association carries on.

What the engine answers where the Green Book leaves a choice:

  * a request before the AARQ, or an xDLMS APDU of no known kind:
    ExceptionResponse (state-error service-not-allowed, service-error
    operation-not-possible; service-unknown / service-not-supported for an
    unknown tag or choice; service-unknown / other-reason for a known one
    whose body does not parse).  An SN Read / Write whose body does not
    parse: ConfirmedServiceError (read | write, service, other).
  * a service outside the negotiated conformance: ExceptionResponse
    (service-not-allowed, service-not-supported).
  * an APDU longer than the server's max-receive-pdu-size, or an answer
    longer than the negotiated PDU when block transfer was not negotiated:
    ExceptionResponse (service-not-allowed, pdu-too-long).
  * an unconfirmed request (UnconfirmedWrite, or service-class bit 0 in an
    LN request) is carried out and never answered.
  * a new GET / SET / ACTION / Read drops any long transfer in progress
    (the blocks of a long Read / Write request continue theirs: server/sn.py).
  * GET of attribute 0 (attribute0-supported-with-get): the structure of
    attributes 1..n, null-data for one this association may not read or
    that fails; with a selector, scope-of-access-violated.  Attribute 0
    with SET stays object-undefined (that bit is not offered).
  * inactivity (config.inactivity_ms): the association is released as by
    RLRQ, so the next APDU finds none (a pre-established one stays).

The hooks (`config.authenticator`, `config.security`), for HLS and ciphering:

  authenticator.challenge(ctx, ctos) -> stoc bytes
      called on an AARQ with mechanism 2..7 once ctx.ctos is set; the AARE
      is accepted with diagnostic authentication-required and the association
      stays pending until the client passes reply_to_HLS_authentication.
  authenticator.verify(ctx, f_stoc) -> f_ctos bytes, or None when f(StoC) is wrong
      called by server.hls_reply (Association LN method 1 / SN method 8) with
      the client's f(StoC); ctx.ctos and ctx.stoc hold the two challenges.
  security.unprotect(ctx, apdu) -> plain APDU bytes
      for any APDU whose tag is not a plain xDLMS / ACSE tag, and for the
      user-information of an AARQ in a ciphered context; raise
      errors.ServiceError(message, answer_bytes) to send `answer_bytes`
      (e.g. an ExceptionResponse invocation-counter-error), any other
      DlmsError to send ExceptionResponse deciphering-error.
  security.protect(ctx, apdu) -> protected APDU bytes
      for the answer to a protected request and the InitiateResponse of an
      AARE in a ciphered context.
  security.system_title (optional attribute): the AARE's responding-AP-title.
  ctx.client_system_title is set from the AARQ before either is called.
"""

from ..apdu import decode_apdu
from ..apdu.acse import (
    AARE, AARQ, ACSE_SERVICE_PROVIDER, ACSE_SERVICE_USER, CONTEXT_LN, CONTEXT_LN_CIPHERED,
    CONTEXT_SN, CONTEXT_SN_CIPHERED, MECHANISM_LOW, MECHANISM_NONE, PROVIDER_NO_COMMON_ACSE_VERSION,
    RESULT_ACCEPTED, RESULT_REJECTED_PERMANENT, RLRE, RLRE_NORMAL, RLRE_NOT_FINISHED, RLRQ,
    USER_APPLICATION_CONTEXT_NAME_NOT_SUPPORTED, USER_AUTHENTICATION_FAILURE,
    USER_AUTHENTICATION_MECHANISM_NAME_NOT_RECOGNISED, USER_AUTHENTICATION_MECHANISM_NAME_REQUIRED,
    USER_AUTHENTICATION_REQUIRED, USER_NO_REASON_GIVEN, USER_NULL,
)
from ..apdu.common import (
    DATA_BLOCK_NUMBER_INVALID, LONG_ACTION_ABORTED, LONG_GET_ABORTED, LONG_SET_ABORTED,
    NO_LONG_ACTION_IN_PROGRESS, NO_LONG_GET_IN_PROGRESS, NO_LONG_SET_IN_PROGRESS,
    OBJECT_CLASS_INCONSISTENT, OBJECT_UNDEFINED, OTHER_REASON, READ_WRITE_DENIED,
    SCOPE_OF_ACCESS_VIOLATED, SUCCESS, TYPE_UNMATCHED, encode_result_list,
)
from ..apdu.initiate import (
    CONFORMANCE_ACTION, CONFORMANCE_ATTRIBUTE0_SUPPORTED_WITH_GET,
    CONFORMANCE_BLOCK_TRANSFER_WITH_ACTION,
    CONFORMANCE_BLOCK_TRANSFER_WITH_GET_OR_READ, CONFORMANCE_BLOCK_TRANSFER_WITH_SET_OR_WRITE,
    CONFORMANCE_GET, CONFORMANCE_MULTIPLE_REFERENCES, CONFORMANCE_READ, CONFORMANCE_SET,
    CONFORMANCE_UNCONFIRMED_WRITE, CONFORMANCE_WRITE, DLMS_VERSION, VAA_NAME_LN, VAA_NAME_SN,
    InitiateRequest, InitiateResponse,
)
from ..axdr import EncodedData, decode_data, encode_data, encode_length
from ..blocks import BlockSink, BlockSource, block_room
from ..compat import const, ticks_diff
from ..errors import AccessError, DecodeError, DlmsError, ServiceError
from .association import ASSOCIATED, ASSOCIATION_PENDING, NON_ASSOCIATED, AssociationContext

# ExceptionResponse and ConfirmedServiceError values (apdu/service_error.py has
# them with their names; copied here so that a meter does not load those tables)
SERVICE_NOT_ALLOWED = const(1)     # state-error
SERVICE_UNKNOWN = const(2)
OPERATION_NOT_POSSIBLE = const(1)  # service-error
SERVICE_NOT_SUPPORTED = const(2)
SE_OTHER = const(3)
PDU_TOO_LONG = const(4)
DECIPHERING_ERROR = const(5)
INITIATE_ERROR = const(1)          # ConfirmedServiceError alternatives
READ = const(5)
WRITE = const(6)
SERVICE = const(3)                 # ServiceError alternatives
INITIATE = const(6)

# ConfirmedServiceError initiate values (Green Book 9.5, ServiceError initiate)
_INITIATE_OTHER = const(0)
_DLMS_VERSION_TOO_LOW = const(1)
_INCOMPATIBLE_CONFORMANCE = const(2)
_PDU_SIZE_TOO_SHORT = const(3)
_MIN_PDU = const(12)  # smallest client-max-receive-pdu-size a server accepts

# what is being sent (ctx._out) or gathered (ctx._in) across several APDUs
_OUT_GET = const(1)
_OUT_ACTION = const(2)
OUT_READ = const(3)  # public: server/sn.py uses it
_IN_SET = const(1)
_IN_SET_LIST = const(2)
_IN_ACTION = const(3)
_IN_ACTION_LIST = const(4)
# room in front of a long answer's data for the block header: C4 02 iip last
# block-number(4) choice and a length of up to 3 bytes
_HEADROOM = const(12)

# attribute_access_mode values that let a client read / write (IEC 62056-6-2:
# 1 read-only, 2 write-only, 3 read-and-write, 4..6 their authenticated forms)
_READABLE = (1, 3, 4, 6)
_WRITABLE = (2, 3, 5, 6)

# Tags of the plain APDUs this engine knows; anything else is protected
# (glo-, ded-, general-ciphering...) and goes to the security hook.
_PLAIN_TAGS = b"\x01\x05\x06\x08\x0c\x0d\x0e\x0f\x16\x18\x60\x61\x62\x63\xc0\xc1\xc2\xc3\xc4\xc5\xc7\xd8"
_REQUEST_TAGS = b"\x05\x06\x16\xc0\xc1\xc3"
_LAST_CHOICE = b"\x03\x05\x00\x06"  # of Get- (C0), Set- (C1), Action-Request (C3)


def exception_response(state_error, service_error):
    return bytes((0xD8, state_error, service_error))


def _code(result):
    """A data-access-result / action-result from an AccessError's result."""
    return result if type(result) is int and 0 <= result <= 255 else OTHER_REASON


def _hls_reply_method(obj, kind, index):
    # reply_to_HLS_authentication: Association LN method 1, Association SN method 8
    return kind == "m" and ((obj.class_id == 15 and index == 1) or (obj.class_id == 12 and index == 8))


class Server:
    """One logical device: its ObjectModel and the associations it grants."""

    def __init__(self, model, associations):
        self.model = model
        self._contexts = [AssociationContext(self, cfg) for cfg in associations]
        self.last_error = None  # the last exception an object (or the engine) raised, for a debugger
        self.engine_errors = 0  # exceptions the engine itself let through to handle(): bugs
        self.inactivity_releases = 0  # associations ended by config.inactivity_ms

    # ------------------------------------------------------------ public

    def context(self, client_sap):
        for ctx in self._contexts:
            if ctx.client_sap == client_sap:
                return ctx
        return None

    def associations(self):
        return self._contexts

    def abort(self, client_sap):
        """The lower layer went down (HDLC DISC, TCP close): the association ends."""
        ctx = self.context(client_sap)
        if ctx is not None:
            ctx.reset()

    def handle(self, apdu, client_sap, now_ms=0):
        """The answer to one APDU from `client_sap` (bytes), or None for no answer."""
        try:
            ctx = self.context(client_sap)
            if ctx is None:
                if apdu and apdu[0] == 0x60:
                    return self._aare(None, RESULT_REJECTED_PERMANENT,
                                      (ACSE_SERVICE_USER, USER_NO_REASON_GIVEN), CONTEXT_LN)
                return exception_response(SERVICE_NOT_ALLOWED, OPERATION_NOT_POSSIBLE)
            self._expire(ctx, now_ms)
            ctx.now_ms = now_ms
            ctx.last_ms = now_ms
            reply = self._dispatch(ctx, apdu)
            # a block answer is a view of its BlockSource's buffer (start_long),
            # good until the next block: the caller gets bytes of its own
            return bytes(reply) if type(reply) is memoryview else reply
        except Exception as e:  # the engine's own bug or a MemoryError: cost one APDU
            self.last_error = e
            self.engine_errors += 1
            try:
                return exception_response(SERVICE_NOT_ALLOWED, SE_OTHER)
            except Exception:
                return None

    def tick(self, now_ms):
        """Release every association idle longer than its config.inactivity_ms;
        returns the client SAPs released (a link layer may then disconnect)."""
        released = []
        for ctx in self._contexts:
            if self._expire(ctx, now_ms):
                released.append(ctx.client_sap)
        return released

    def _expire(self, ctx, now_ms):
        # the inactivity time-out: an association (or a pending HLS one) with no APDU
        # for inactivity_ms is released, as if the client had sent RLRQ; a
        # pre-established one cannot be released (Green Book 7.2.4)
        limit = ctx.config.inactivity_ms
        if not limit or ctx.last_ms is None or ctx.status == NON_ASSOCIATED \
                or ctx.config.pre_established:
            return False
        if ticks_diff(now_ms, ctx.last_ms) < limit:
            return False
        ctx.reset()
        self.inactivity_releases += 1
        return True

    def hls_reply(self, ctx, parameters):
        """Association LN reply_to_HLS_authentication: check the client's f(StoC),
        answer the server's f(CtoS)."""
        auth = ctx.config.authenticator
        if auth is None or ctx.status != ASSOCIATION_PENDING:
            raise AccessError("no HLS pending", READ_WRITE_DENIED)
        if parameters is None or parameters[0] != 9:
            raise AccessError("f(StoC) is an octet-string", TYPE_UNMATCHED)
        reply = auth.verify(ctx, parameters[1])
        if reply is None:
            raise AccessError("HLS authentication failed", OTHER_REASON)
        ctx.status = ASSOCIATED
        ctx.authenticated = True
        return (9, bytes(reply))

    # ------------------------------------------------------------ dispatch

    def _dispatch(self, ctx, apdu):
        if not apdu:
            return None
        tag = apdu[0]
        if tag == 0x60:
            return self._aarq(ctx, apdu)
        if tag == 0x62:
            return self._rlrq(ctx, apdu)
        if tag not in _PLAIN_TAGS:
            sec = ctx.security
            if sec is None or ctx.status == NON_ASSOCIATED:
                return exception_response(SERVICE_UNKNOWN, SERVICE_NOT_SUPPORTED)
            try:
                plain = sec.unprotect(ctx, apdu)
            except ServiceError as e:
                return e.apdu or exception_response(SERVICE_NOT_ALLOWED, DECIPHERING_ERROR)
            except DlmsError:
                return exception_response(SERVICE_NOT_ALLOWED, DECIPHERING_ERROR)
            reply = self._service(ctx, plain)
            if reply is None:
                return None
            try:
                return sec.protect(ctx, reply)
            except ServiceError as e:
                return e.apdu or exception_response(SERVICE_NOT_ALLOWED, SE_OTHER)
            except DlmsError:  # e.g. no invocation counter left: say so in the clear
                return exception_response(SERVICE_NOT_ALLOWED, SE_OTHER)
        if ctx.context == CONTEXT_LN_CIPHERED or ctx.context == CONTEXT_SN_CIPHERED:
            if ctx.status != NON_ASSOCIATED:
                # a ciphered context takes protected APDUs only
                return exception_response(SERVICE_NOT_ALLOWED, OPERATION_NOT_POSSIBLE)
        return self._service(ctx, apdu)

    def _service(self, ctx, apdu):
        reply = self._request(ctx, apdu)
        if reply is not None and (apdu[0] == 0x16 or len(apdu) >= 3 and apdu[0] in (0xC0, 0xC1, 0xC3)
                                  and not apdu[2] & 0x40):
            return None  # unconfirmed: carried out (if it could be), never answered, not even
                         # a pdu-too-long
        return reply

    def _request(self, ctx, apdu):
        if len(apdu) > ctx.config.max_pdu:
            return exception_response(SERVICE_NOT_ALLOWED, PDU_TOO_LONG)
        tag = apdu[0]
        if tag == 0xC0 and len(apdu) == 13 and apdu[1] == 1 and apdu[12] == 0 \
                and ctx.status != NON_ASSOCIATED and ctx.conformance & CONFORMANCE_GET:
            # the commonest request, GetRequestNormal without selection, read in place:
            # C0 01 iip class-id(2) instance-id(6) attribute-id 00 (decode_apdu is
            # about half of a GET round otherwise)
            ctx.abort_transfers()
            return self._get_normal(ctx, apdu[2], ((apdu[3] << 8) | apdu[4], bytes(apdu[5:11]),
                                                   apdu[11]), None)
        if tag not in _REQUEST_TAGS:
            return exception_response(SERVICE_UNKNOWN, SERVICE_NOT_SUPPORTED)
        try:
            req = decode_apdu(apdu)
        except DecodeError:
            if tag == 0x16:
                return None
            if tag == 0x05 or tag == 0x06:
                return bytes((0x0E, READ if tag == 0x05 else WRITE, SERVICE, 0))
            if len(apdu) >= 2 and tag >= 0xC0 and not 1 <= apdu[1] <= _LAST_CHOICE[tag & 3]:
                return exception_response(SERVICE_UNKNOWN, SERVICE_NOT_SUPPORTED)
            return exception_response(SERVICE_UNKNOWN, SE_OTHER)
        if ctx.status == NON_ASSOCIATED:
            if tag == 0x16:
                return None
            return exception_response(SERVICE_NOT_ALLOWED, OPERATION_NOT_POSSIBLE)
        if tag < 0xC0:
            from . import sn  # SN referencing is loaded only by a meter that speaks it

            if tag == 0x05:
                if not ctx.conformance & CONFORMANCE_READ:
                    return exception_response(SERVICE_NOT_ALLOWED, SERVICE_NOT_SUPPORTED)
                return sn.read(self, ctx, req)
            if tag == 0x06:
                if not ctx.conformance & CONFORMANCE_WRITE:
                    return exception_response(SERVICE_NOT_ALLOWED, SERVICE_NOT_SUPPORTED)
                return sn.write(self, ctx, req)
            if ctx.conformance & CONFORMANCE_UNCONFIRMED_WRITE:
                sn.write(self, ctx, req)
            return None
        choice = apdu[1]
        conf = ctx.conformance
        if tag == 0xC0:
            need = CONFORMANCE_GET | (CONFORMANCE_BLOCK_TRANSFER_WITH_GET_OR_READ if choice == 2 else 0)
            handler = self._get
        elif tag == 0xC1:
            need = CONFORMANCE_SET | (CONFORMANCE_BLOCK_TRANSFER_WITH_SET_OR_WRITE
                                      if choice in (2, 3, 5) else 0)
            handler = self._set
        else:
            need = CONFORMANCE_ACTION | (CONFORMANCE_BLOCK_TRANSFER_WITH_ACTION
                                         if choice in (2, 4, 5, 6) else 0)
            handler = self._action
        if choice == 3 if tag != 0xC1 else choice in (4, 5):
            need |= CONFORMANCE_MULTIPLE_REFERENCES
        if tag == 0xC3 and choice == 5:
            need |= CONFORMANCE_MULTIPLE_REFERENCES
        if conf & need != need:
            return exception_response(SERVICE_NOT_ALLOWED, SERVICE_NOT_SUPPORTED)
        return handler(ctx, choice, req)

    # ------------------------------------------------------------ association

    def _aarq(self, ctx, apdu):
        try:
            aarq = AARQ.from_bytes(apdu)
        except DecodeError:
            ctx.reset()
            return self._aare(ctx, RESULT_REJECTED_PERMANENT,
                              (ACSE_SERVICE_USER, USER_NO_REASON_GIVEN), ctx.config.context)
        ctx.reset()  # an AARQ starts afresh, whatever came before
        cfg = ctx.config
        user = None
        context = aarq.application_context_name
        mechanism = aarq.mechanism_name
        if mechanism is None:
            mechanism = MECHANISM_NONE
        diagnostic = None
        provider = False
        pv = aarq.protocol_version
        if pv is not None and (not pv or pv[0] != "1"):
            diagnostic, provider = PROVIDER_NO_COMMON_ACSE_VERSION, True
        elif context != cfg.context or (context in (CONTEXT_LN_CIPHERED, CONTEXT_SN_CIPHERED)
                                        and ctx.security is None):
            diagnostic = USER_APPLICATION_CONTEXT_NAME_NOT_SUPPORTED
        elif mechanism != cfg.mechanism:
            if aarq.mechanism_name is None:
                diagnostic = USER_AUTHENTICATION_MECHANISM_NAME_REQUIRED
            else:
                diagnostic = USER_AUTHENTICATION_MECHANISM_NAME_NOT_RECOGNISED
        elif mechanism > MECHANISM_LOW and cfg.authenticator is None:
            diagnostic = USER_AUTHENTICATION_MECHANISM_NAME_NOT_RECOGNISED
        elif mechanism != MECHANISM_NONE and aarq.calling_authentication_value is None:
            diagnostic = USER_AUTHENTICATION_REQUIRED
        elif mechanism == MECHANISM_LOW and not _same(aarq.calling_authentication_value, cfg.secret):
            diagnostic = USER_AUTHENTICATION_FAILURE
        ctx.client_system_title = aarq.calling_ap_title
        ctx.ctos = aarq.calling_authentication_value
        # xDLMS part: the InitiateRequest in user-information
        initiate, error = self._initiate(ctx, aarq)
        if initiate is not None and not initiate.responses_allowed:
            # Green Book 9.4.2.2: response-allowed FALSE asks for no AARE at all
            if diagnostic is None and error is None:
                self._accept(ctx, initiate, mechanism)
            return None
        if diagnostic is not None:
            source = ACSE_SERVICE_PROVIDER if provider else ACSE_SERVICE_USER
            if error is not None:
                user = error
            elif initiate is not None and cfg.context in (CONTEXT_LN, CONTEXT_SN):
                # as Gurux does: the InitiateResponse the server would have given
                # (a ciphered one only goes to a client that passed the ACSE checks)
                user = self._initiate_response(ctx, initiate)
            ctx.reset()
            return self._aare(ctx, RESULT_REJECTED_PERMANENT, (source, diagnostic),
                              cfg.context, user)
        if error is not None:
            ctx.reset()
            return self._aare(ctx, RESULT_REJECTED_PERMANENT,
                              (ACSE_SERVICE_USER, USER_NO_REASON_GIVEN), context, error)
        self._accept(ctx, initiate, mechanism)
        try:
            user = self._initiate_response(ctx, initiate)
        except DlmsError as e:  # the security hook cannot protect it
            self.last_error = e
            ctx.reset()
            return self._aare(ctx, RESULT_REJECTED_PERMANENT,
                              (ACSE_SERVICE_USER, USER_NO_REASON_GIVEN), context)
        if ctx.status == ASSOCIATION_PENDING:
            try:
                ctx.stoc = bytes(cfg.authenticator.challenge(ctx, ctx.ctos))
            except Exception as e:
                self.last_error = e
                ctx.reset()
                return self._aare(ctx, RESULT_REJECTED_PERMANENT,
                                  (ACSE_SERVICE_USER, USER_AUTHENTICATION_FAILURE), context)
            return self._aare(ctx, RESULT_ACCEPTED, (ACSE_SERVICE_USER, USER_AUTHENTICATION_REQUIRED),
                              context, user, mechanism, ctx.stoc)
        return self._aare(ctx, RESULT_ACCEPTED, (ACSE_SERVICE_USER, USER_NULL), context, user)

    def _initiate(self, ctx, aarq):
        """(InitiateRequest or None, ConfirmedServiceError bytes or None)."""
        ui = aarq.user_information
        err = _initiate_error
        if ui is None:
            return None, err(_INITIATE_OTHER)
        try:
            if ui and ui[0] != 0x01 and ctx.security is not None:
                ui = ctx.security.unprotect(ctx, ui)
            req = InitiateRequest.from_bytes(ui)
        except Exception:  # DecodeError, or the security hook refusing
            return None, err(_INITIATE_OTHER)
        if req.proposed_dlms_version_number < DLMS_VERSION:
            return req, err(_DLMS_VERSION_TOO_LOW)
        if not req.proposed_conformance & ctx.config.conformance:
            return req, err(_INCOMPATIBLE_CONFORMANCE)
        size = req.client_max_receive_pdu_size
        if 0 < size < _MIN_PDU:  # 0 stands for "no limit"
            return req, err(_PDU_SIZE_TOO_SHORT)
        return req, None

    def _accept(self, ctx, initiate, mechanism):
        cfg = ctx.config
        ctx.conformance = initiate.proposed_conformance & cfg.conformance
        size = initiate.client_max_receive_pdu_size or 0xFFFF
        ctx.client_max_pdu = size
        ctx.max_pdu = min(size, cfg.max_pdu)
        ctx.dedicated_key = initiate.dedicated_key
        ctx.context = cfg.context
        if mechanism > MECHANISM_LOW:
            ctx.status = ASSOCIATION_PENDING
            ctx.authenticated = False
        else:
            ctx.status = ASSOCIATED
            ctx.authenticated = mechanism == MECHANISM_LOW

    def _initiate_response(self, ctx, initiate):
        cfg = ctx.config
        sn = cfg.context in (CONTEXT_SN, CONTEXT_SN_CIPHERED)
        resp = InitiateResponse(
            negotiated_dlms_version_number=DLMS_VERSION,
            negotiated_conformance=initiate.proposed_conformance & cfg.conformance,
            server_max_receive_pdu_size=cfg.max_pdu,
            vaa_name=VAA_NAME_SN if sn else VAA_NAME_LN).to_bytes()
        if ctx.security is not None and cfg.context in (CONTEXT_LN_CIPHERED, CONTEXT_SN_CIPHERED):
            resp = ctx.security.protect(ctx, resp)
        return resp

    def _aare(self, ctx, result, diagnostic, context, user=None, mechanism=None, stoc=None):
        aare = AARE(application_context_name=context, result=result,
                    result_source_diagnostic=diagnostic, user_information=user)
        if stoc is not None:
            # HLS: responder-acse-requirements, mechanism-name, StoC (Green Book 9.4.2.2)
            aare.responder_acse_requirements = "1"
            aare.mechanism_name = mechanism
            aare.responding_authentication_value = stoc
        if ctx is not None and ctx.security is not None:
            title = getattr(ctx.security, "system_title", None)
            if title is not None:
                aare.responding_ap_title = title
        return aare.to_bytes()

    def _rlrq(self, ctx, apdu):
        try:
            RLRQ.from_bytes(apdu)
        except DecodeError:
            return exception_response(SERVICE_UNKNOWN, SE_OTHER)
        if ctx.config.pre_established:
            # a pre-established association cannot be released (Green Book 7.2.4)
            return RLRE(reason=RLRE_NOT_FINISHED).to_bytes()
        ctx.reset()
        return RLRE(reason=RLRE_NORMAL).to_bytes()

    # ------------------------------------------------------------ objects

    def attribute(self, ctx, descriptor, write):
        """(obj, SUCCESS) for an attribute this association may read (write), else
        (None, data-access-result)."""
        class_id, ln, attr = descriptor
        obj = ctx.model.find(class_id, ln)
        if obj is None:
            if ctx.model.find_ln(ln) is not None:
                return None, OBJECT_CLASS_INCONSISTENT
            return None, OBJECT_UNDEFINED
        return obj, self.check_attribute(ctx, obj, attr, write)

    def check_attribute(self, ctx, obj, attr, write):
        if attr == 0 or attr > obj.ATTRIBUTE_COUNT:
            return OBJECT_UNDEFINED
        if ctx.status != ASSOCIATED:
            return READ_WRITE_DENIED
        try:
            mode = ctx.config.attribute_access(obj, attr)
        except Exception as e:  # the meter's own access callable: deny, do not fail
            self.last_error = e
            return READ_WRITE_DENIED
        if mode not in (_WRITABLE if write else _READABLE):
            return READ_WRITE_DENIED
        return SUCCESS

    def method(self, ctx, descriptor):
        class_id, ln, m = descriptor
        obj = ctx.model.find(class_id, ln)
        if obj is None:
            if ctx.model.find_ln(ln) is not None:
                return None, OBJECT_CLASS_INCONSISTENT
            return None, OBJECT_UNDEFINED
        return obj, self.check_method(ctx, obj, m)

    def check_method(self, ctx, obj, m):
        if m == 0 or m > obj.METHOD_COUNT:
            return OBJECT_UNDEFINED
        if ctx.status != ASSOCIATED and not (ctx.status == ASSOCIATION_PENDING
                                             and _hls_reply_method(obj, "m", m)):
            return READ_WRITE_DENIED
        try:
            allowed = ctx.config.method_access(obj, m)
        except Exception as e:
            self.last_error = e
            return READ_WRITE_DENIED
        return SUCCESS if allowed else READ_WRITE_DENIED

    def read_value(self, ctx, obj, attr, selection):
        """obj.get: a Data, an EncodedData, or an int data-access-result."""
        try:
            return obj.get(attr, selection, ctx)
        except AccessError as e:
            return _code(e.result)
        except Exception as e:
            self.last_error = e
            return OTHER_REASON

    def write_value(self, ctx, obj, attr, value):
        try:
            obj.set(attr, value, ctx)
            return SUCCESS
        except AccessError as e:
            return _code(e.result)
        except Exception as e:
            self.last_error = e
            return OTHER_REASON

    def invoke(self, ctx, obj, m, parameters):
        """obj.action: (action-result, return Data or None)."""
        try:
            return SUCCESS, obj.action(m, parameters, ctx)
        except AccessError as e:
            return _code(e.result), None
        except Exception as e:
            self.last_error = e
            return OTHER_REASON, None

    def _get_value(self, ctx, descriptor, selection):
        if descriptor[2] == 0 and ctx.conformance & CONFORMANCE_ATTRIBUTE0_SUPPORTED_WITH_GET:
            return self._get_object(ctx, descriptor, selection)
        obj, code = self.attribute(ctx, descriptor, False)
        if code:
            return code
        return self.read_value(ctx, obj, descriptor[2], selection)

    def _get_object(self, ctx, descriptor, selection):
        """GET of attribute 0 (attribute0-supported-with-get): the whole object, a
        structure of its attributes 1..n in order, an attribute this association
        may not read (or that fails) as null-data.  Produced attribute by
        attribute, so that an object holding a profile buffer goes in blocks."""
        class_id, ln, _ = descriptor
        obj = ctx.model.find(class_id, ln)
        if obj is None:
            return OBJECT_CLASS_INCONSISTENT if ctx.model.find_ln(ln) is not None else OBJECT_UNDEFINED
        if ctx.status != ASSOCIATED:
            return READ_WRITE_DENIED
        if selection is not None:
            return SCOPE_OF_ACCESS_VIOLATED  # a selector belongs to one attribute, not to all
        return EncodedData(self._attributes(ctx, obj))

    def _attributes(self, ctx, obj):
        n = obj.ATTRIBUTE_COUNT
        head = bytearray((2,))
        encode_length(head, n)
        yield head
        for a in range(1, n + 1):
            v = READ_WRITE_DENIED
            if not self.check_attribute(ctx, obj, a, False):
                v = self.read_value(ctx, obj, a, None)
            if type(v) is EncodedData:
                for c in v.chunks:
                    yield c
                continue
            if type(v) is not int:
                try:
                    v = encode_data(bytearray(), v)
                except Exception as e:
                    self.last_error = e
                    v = 0
            yield b"\x00" if type(v) is int else v

    # ------------------------------------------------------------ long answers

    def start_long(self, ctx, kind, iip, head, value, bit):
        """The answer `head` + encoding of `value` as one APDU when it fits the
        negotiated PDU, else as the first block of a long answer (None when the
        answer does not fit and block transfer is not negotiated)."""
        try:
            if type(value) is EncodedData:
                src = BlockSource(value, _HEADROOM)
                if src.fits(ctx.max_pdu - len(head)):
                    src.rest()
                    return src.framed(bytes(head))
            else:
                out = bytearray(head)
                encode_data(out, value)
                if len(out) <= ctx.max_pdu:
                    return bytes(out)
                src = BlockSource(memoryview(out)[len(head):], _HEADROOM)
                out = None
        except Exception as e:
            self.last_error = e
            return False
        if not ctx.conformance & bit:
            return None
        ctx._out = (kind, iip, src)
        return self.next_block(ctx)

    def next_block(self, ctx):
        kind, iip, src = ctx._out
        if kind == _OUT_GET:
            head = 9  # C4 02 iip last block-number(4) choice
        elif kind == _OUT_ACTION:
            head = 8  # C7 02 iip last block-number(4)
        else:
            head = 6  # 0C 01 02 last block-number(2)
        try:
            data, last = src.next_block(block_room(ctx.max_pdu, head))
        except Exception as e:
            self.last_error = e
            ctx._out = None
            n = src.block_number
            if kind == _OUT_GET:
                return _datablock_g(iip, True, n, LONG_GET_ABORTED)
            if kind == _OUT_ACTION:
                return bytes((0xC7, 1, iip, LONG_ACTION_ABORTED, 0))
            return bytes((0x0C, 1, 1, OTHER_REASON))
        if last:
            ctx._out = None
        n = src.block_number
        if kind == _OUT_GET:
            out = bytearray((0xC4, 2, iip, 1 if last else 0, n >> 24, (n >> 16) & 0xFF,
                             (n >> 8) & 0xFF, n & 0xFF, 0))
        elif kind == _OUT_ACTION:
            out = bytearray((0xC7, 2, iip, 1 if last else 0, n >> 24, (n >> 16) & 0xFF,
                             (n >> 8) & 0xFF, n & 0xFF))
        else:
            out = bytearray((0x0C, 1, 2, 1 if last else 0, (n >> 8) & 0xFF, n & 0xFF))
        encode_length(out, len(data))
        data = None
        # the header goes in front of the data, in the source's buffer: the block
        # APDU is a view (handle() copies it once, or the security layer reads it)
        return src.framed(out)

    # ------------------------------------------------------------ GET

    def _get(self, ctx, choice, req):
        iip = req.invoke_id_and_priority
        if choice == 2:
            out = ctx._out
            n = req.block_number
            if out is None or out[0] != _OUT_GET:
                return _datablock_g(iip, True, n, NO_LONG_GET_IN_PROGRESS)
            if n != out[2].block_number or iip != out[1]:
                ctx._out = None
                return _datablock_g(iip, True, n, DATA_BLOCK_NUMBER_INVALID
                                    if n != out[2].block_number else LONG_GET_ABORTED)
            return self.next_block(ctx)
        ctx.abort_transfers()
        if choice == 1:
            return self._get_normal(ctx, iip, req.attribute_descriptor, req.access_selection)
        # with-list: the answer is the SEQUENCE OF Get-Data-Result, and in blocks
        # the raw-data is that same sequence
        values = []
        for d, sel in req.attribute_descriptors:
            v = self._get_value(ctx, d, sel)
            if type(v) is not int and type(v) is not EncodedData:
                try:
                    v = bytes(encode_data(bytearray(), v))
                except Exception as e:
                    self.last_error = e
                    v = OTHER_REASON
            values.append(v)
        reply = self.start_long(ctx, _OUT_GET, iip, (0xC4, 3, iip),
                                EncodedData(result_chunks(values)),
                                CONFORMANCE_BLOCK_TRANSFER_WITH_GET_OR_READ)
        if reply is False:
            return exception_response(SERVICE_NOT_ALLOWED, SE_OTHER)
        return reply or exception_response(SERVICE_NOT_ALLOWED, PDU_TOO_LONG)

    def _get_normal(self, ctx, iip, descriptor, selection):
        value = self._get_value(ctx, descriptor, selection)
        if type(value) is int:
            return bytes((0xC4, 1, iip, 1, value))
        reply = self.start_long(ctx, _OUT_GET, iip, (0xC4, 1, iip, 0), value,
                                CONFORMANCE_BLOCK_TRANSFER_WITH_GET_OR_READ)
        if reply is False:
            return bytes((0xC4, 1, iip, 1, OTHER_REASON))
        return reply or exception_response(SERVICE_NOT_ALLOWED, PDU_TOO_LONG)

    # ------------------------------------------------------------ SET

    def _set(self, ctx, choice, req):
        iip = req.invoke_id_and_priority
        if choice == 3:
            return self._set_block(ctx, req)
        ctx.abort_transfers()
        if choice == 1:
            d = req.attribute_descriptor
            obj, code = self.attribute(ctx, d, True)
            if not code:
                code = self.write_value(ctx, obj, d[2], req.value)
            return bytes((0xC5, 1, iip, code))
        if choice == 4:
            items = req.attribute_descriptors
            if len(items) != len(req.values):
                return exception_response(SERVICE_UNKNOWN, SE_OTHER)
            out = bytearray((0xC5, 5, iip))
            encode_result_list(out, [self._set_one(ctx, items[i][0], req.values[i])
                                     for i in range(len(items))])
            return bytes(out)
        # first datablock: choice 2 (one attribute) or 5 (a list)
        n = req.block_number
        if choice == 2:
            obj, code = self.attribute(ctx, req.attribute_descriptor, True)
            if code:
                return _set_last(iip, code, n)
            kind, target = _IN_SET, (obj, req.attribute_descriptor[2])
        else:
            kind, target = _IN_SET_LIST, [d for d, _ in req.attribute_descriptors]
        if n != 1:
            return _set_last(iip, DATA_BLOCK_NUMBER_INVALID, n)
        sink = BlockSink(ctx.config.block_limit)
        try:
            sink.add(n, req.raw_data, req.last_block)
        except DecodeError:
            return _set_last(iip, LONG_SET_ABORTED, n)
        ctx._in = (kind, iip, target, sink)
        if sink.done:
            return self._set_finish(ctx)
        return bytes((0xC5, 2, iip, 0, 0, 0, 1))

    def _set_one(self, ctx, d, value):
        obj, code = self.attribute(ctx, d, True)
        return code or self.write_value(ctx, obj, d[2], value)

    def _set_block(self, ctx, req):
        iip = req.invoke_id_and_priority
        n = req.block_number
        pending = ctx._in
        if pending is None or pending[0] not in (_IN_SET, _IN_SET_LIST):
            return _set_last(iip, NO_LONG_SET_IN_PROGRESS, n)
        sink = pending[3]
        try:
            sink.add(n, req.raw_data, req.last_block)
        except DecodeError:
            ctx._in = None
            return _set_last(iip, DATA_BLOCK_NUMBER_INVALID if n != sink.block_number + 1
                             else LONG_SET_ABORTED, n)
        if sink.done:
            return self._set_finish(ctx)
        return bytes((0xC5, 2, iip, n >> 24, (n >> 16) & 0xFF, (n >> 8) & 0xFF, n & 0xFF))

    def _set_finish(self, ctx):
        kind, iip, target, sink = ctx._in
        ctx._in = None
        data = sink.data
        n = sink.block_number
        if kind == _IN_SET:
            try:
                value, pos = decode_data(data, 0, len(data))
                if pos != len(data):
                    raise DecodeError("bytes after the value", pos)
            except DecodeError:
                return _set_last(iip, TYPE_UNMATCHED, n)
            return _set_last(iip, self.write_value(ctx, target[0], target[1], value), n)
        from ..apdu.common import decode_data_list

        try:
            values, pos = decode_data_list(data, 0, len(data))
            if pos != len(data) or len(values) != len(target):
                raise DecodeError("value list does not match the descriptors", pos)
        except DecodeError:
            results = [TYPE_UNMATCHED] * len(target)
        else:
            results = [self._set_one(ctx, target[i], values[i]) for i in range(len(target))]
        out = bytearray((0xC5, 4, iip))
        encode_result_list(out, results)
        out += bytes((n >> 24, (n >> 16) & 0xFF, (n >> 8) & 0xFF, n & 0xFF))
        return bytes(out)

    # ------------------------------------------------------------ ACTION

    def _action(self, ctx, choice, req):
        iip = req.invoke_id_and_priority
        if choice == 2:  # the next pblock of a long answer
            out = ctx._out
            if out is None or out[0] != _OUT_ACTION:
                return _action_normal(iip, NO_LONG_ACTION_IN_PROGRESS)
            if req.block_number != out[2].block_number or iip != out[1]:
                ctx._out = None
                return _action_normal(iip, LONG_ACTION_ABORTED)
            return self.next_block(ctx)
        if choice == 6:
            return self._action_block(ctx, req)
        ctx.abort_transfers()
        if choice == 1:
            obj, code = self.method(ctx, req.method_descriptor)
            if code:
                return _action_normal(iip, code)
            result, ret = self.invoke(ctx, obj, req.method_descriptor[2], req.parameters)
            return self._action_answer(ctx, iip, result, ret)
        if choice == 3:
            ds = req.method_descriptors
            if len(ds) != len(req.parameters):
                return exception_response(SERVICE_UNKNOWN, SE_OTHER)
            return self._action_list_answer(ctx, iip, [self._invoke_one(ctx, ds[i], req.parameters[i])
                                                       for i in range(len(ds))])
        # first pblock: choice 4 (one method) or 5 (a list)
        n = req.block_number
        if choice == 4:
            obj, code = self.method(ctx, req.method_descriptor)
            if code:
                return _action_normal(iip, code)
            kind, target = _IN_ACTION, (obj, req.method_descriptor[2])
        else:
            kind, target = _IN_ACTION_LIST, req.method_descriptors
        if n != 1:
            return _action_normal(iip, LONG_ACTION_ABORTED)
        sink = BlockSink(ctx.config.block_limit)
        try:
            sink.add(n, req.raw_data, req.last_block)
        except DecodeError:
            return _action_normal(iip, LONG_ACTION_ABORTED)
        ctx._in = (kind, iip, target, sink)
        if sink.done:
            return self._action_finish(ctx)
        return bytes((0xC7, 4, iip, 0, 0, 0, 1))

    def _invoke_one(self, ctx, d, params):
        obj, code = self.method(ctx, d)
        if code:
            return code, None
        return self.invoke(ctx, obj, d[2], params)

    def _action_answer(self, ctx, iip, result, ret):
        if ret is None:
            return _action_normal(iip, result)
        # with a long return value, the pblocks carry the Data alone (as Gurux reads them)
        reply = self.start_long(ctx, _OUT_ACTION, iip, (0xC7, 1, iip, result, 1, 0), ret,
                                CONFORMANCE_BLOCK_TRANSFER_WITH_ACTION)
        if reply is False:
            return _action_normal(iip, OTHER_REASON)
        return reply or exception_response(SERVICE_NOT_ALLOWED, PDU_TOO_LONG)

    def _action_list_answer(self, ctx, iip, results):
        out = bytearray((0xC7, 3, iip))
        encode_length(out, len(results))
        try:
            for result, ret in results:
                out.append(result)
                if ret is None:
                    out.append(0)
                else:
                    out.append(1)
                    out.append(0)
                    encode_data(out, ret)
        except Exception as e:
            self.last_error = e
            return exception_response(SERVICE_NOT_ALLOWED, SE_OTHER)
        if len(out) > ctx.max_pdu:
            return exception_response(SERVICE_NOT_ALLOWED, PDU_TOO_LONG)
        return bytes(out)

    def _action_block(self, ctx, req):
        iip = req.invoke_id_and_priority
        n = req.block_number
        pending = ctx._in
        if pending is None or pending[0] not in (_IN_ACTION, _IN_ACTION_LIST):
            return _action_normal(iip, NO_LONG_ACTION_IN_PROGRESS)
        try:
            pending[3].add(n, req.raw_data, req.last_block)
        except DecodeError:
            ctx._in = None
            return _action_normal(iip, LONG_ACTION_ABORTED)
        if pending[3].done:
            return self._action_finish(ctx)
        return bytes((0xC7, 4, iip, n >> 24, (n >> 16) & 0xFF, (n >> 8) & 0xFF, n & 0xFF))

    def _action_finish(self, ctx):
        kind, iip, target, sink = ctx._in
        ctx._in = None
        data = sink.data
        if kind == _IN_ACTION:
            try:
                params, pos = decode_data(data, 0, len(data))
                if pos != len(data):
                    raise DecodeError("bytes after the parameters", pos)
            except DecodeError:
                return _action_normal(iip, TYPE_UNMATCHED)
            result, ret = self.invoke(ctx, target[0], target[1], params)
            return self._action_answer(ctx, iip, result, ret)
        from ..apdu.common import decode_data_list

        try:
            params, pos = decode_data_list(data, 0, len(data))
            if pos != len(data) or len(params) != len(target):
                raise DecodeError("parameter list does not match the descriptors", pos)
        except DecodeError:
            return self._action_list_answer(ctx, iip, [(TYPE_UNMATCHED, None)] * len(target))
        return self._action_list_answer(ctx, iip, [self._invoke_one(ctx, target[i], params[i])
                                                   for i in range(len(target))])


def _same(a, b):
    """Password check that takes as long for a near miss as for a far one."""
    if a is None or b is None or not isinstance(a, (bytes, bytearray)) or len(a) != len(b):
        return False
    d = 0
    for i in range(len(a)):
        d |= a[i] ^ b[i]
    return d == 0


def _initiate_error(value):
    # ConfirmedServiceError: initiateError [1], ServiceError initiate [6], value
    return bytes((0x0E, INITIATE_ERROR, INITIATE, value))


def _datablock_g(iip, last, n, result):
    return bytes((0xC4, 2, iip, 1 if last else 0, (n >> 24) & 0xFF, (n >> 16) & 0xFF,
                  (n >> 8) & 0xFF, n & 0xFF, 1, result))


def _set_last(iip, result, n):
    return bytes((0xC5, 3, iip, result, (n >> 24) & 0xFF, (n >> 16) & 0xFF, (n >> 8) & 0xFF,
                  n & 0xFF))


def _action_normal(iip, result):
    return bytes((0xC7, 1, iip, result, 0))


def result_chunks(values):
    """A SEQUENCE OF Get-Data-Result (GET-with-list) or Read-Data-Result (SN
    Read): the same CHOICE, data [0] or an error code [1], piece by piece."""
    head = bytearray()
    encode_length(head, len(values))
    yield head
    for v in values:
        if type(v) is int:
            yield bytes((1, v))
        elif type(v) is EncodedData:
            yield b"\x00"
            for c in v.chunks:
                yield c
        else:
            yield b"\x00"
            yield v

"""The client side of the IEC 62056-5-3 application layer, sans-IO.

    client = Client(ClientSettings(client_sap=16, mechanism=1, password=b"00000001"))
    out = client.associate()                  # bytes to send (an AARQ)
    done, value = client.feed(reply)          # each APDU that comes back
    # done False: `value` is the next APDU to send (GetRequestNext, the next
    #             SET datablock...), or None: keep listening (a DataNotification
    #             arrived, it went to client.notifications)
    # done True:  `value` is the result of the request

Each request builder (`get_request`, `set_request`, `action_request`,
`read_request`, ...) returns the bytes of the first APDU and arms the
client for the answer; block transfer in either direction happens inside
`feed`.  A refused request raises the project's errors, named as the
standard names them: AccessError("read-write-denied", 3),
AssociationError("rejected-permanent: acse-service-user: authentication-failure"),
ServiceError("exception-response: service-not-allowed, pdu-too-long").

`run(client, request, transport)` drives one request through any
`transport(apdu) -> reply` callable (`transport(None)` means: only receive),
and Session(client, transport) wraps the builders in blocking calls.
"""

from .apdu import decode_apdu
from .apdu.acse import (
    AARE, AARQ, CONTEXT_LN, CONTEXT_SN, CONTEXT_SN_CIPHERED, MECHANISM_NONE,
    USER_AUTHENTICATION_REQUIRED, diagnostic_name, name_of,
)
from .apdu.common import (
    SUCCESS, action_result_name, data_access_result_name, decode_get_data_result,
    encode_descriptor, encode_selective_access,
)
from .apdu.initiate import InitiateRequest, InitiateResponse
from .axdr import decode_data, decode_length, encode_data, encode_length
from .blocks import BlockSink, block_room
from .compat import const
from .errors import AccessError, AssociationError, DecodeError, ServiceError

# conformance a client proposes unless told otherwise (Green Book: LN and SN sets)
LN_PROPOSED = const(0x00FE9F)   # attribute0 with set and get, priority, block transfer
                                # all ways, multiple references, data notification, get,
                                # set, selective access, event notification, action
SN_PROPOSED = const(0x1C1B20)   # read, write, unconfirmed write, block transfer with
                                # read and write, multiple references, information report,
                                # parameterized access

# tags of the plain APDUs a client receives; anything else goes to settings.security
_PLAIN_TAGS = b"\x08\x0c\x0d\x0e\x0f\x18\x61\x63\xc2\xc4\xc5\xc7\xd8"

_IDLE = const(0)
_AARQ = const(1)
_HLS = const(2)
_GET = const(3)
_GET_LIST = const(4)
_SET = const(5)
_SET_LIST = const(6)
_ACTION = const(7)
_ACTION_LIST = const(8)
_READ = const(9)
_WRITE = const(10)
_RLRQ = const(11)


class ClientSettings:
    """What the client asks for.

    client_sap, context (CONTEXT_LN / CONTEXT_SN), mechanism and password (LLS),
    conformance (proposed), max_receive_pdu (client-max-receive-pdu-size),
    invoke_id (0..15) and high_priority for the Invoke-Id-And-Priority byte,
    authenticator (the HLS hook, each method given the Client: ctos(client) -> the
    client's challenge; respond(client, stoc) -> f(StoC); check(client, f_ctos) ->
    bool; client.ctos, client.stoc, client.server_system_title (the AARE's
    responding-AP-title) and settings.calling_ap_title are set by then),
    calling_ap_title (the client's system title, for ciphering and HLS 5..7),
    block_limit (the most bytes a block-transferred answer may grow to; None: no bound),
    security (the ciphering hook for a ciphered context: protect(client, apdu) ->
    bytes for every xDLMS APDU sent, the InitiateRequest included; unprotect(client,
    apdu) -> plain bytes for every APDU received whose tag is not a plain one).
    """

    def __init__(self, client_sap=16, context=CONTEXT_LN, mechanism=MECHANISM_NONE, password=None,
                 conformance=None, max_receive_pdu=1024, invoke_id=1, high_priority=True,
                 authenticator=None, calling_ap_title=None, block_limit=None, security=None):
        self.client_sap = client_sap
        self.context = context
        self.mechanism = mechanism
        self.password = password.encode() if isinstance(password, str) else password
        if conformance is None:
            conformance = SN_PROPOSED if context in (CONTEXT_SN, CONTEXT_SN_CIPHERED) else LN_PROPOSED
        self.conformance = conformance
        self.max_receive_pdu = max_receive_pdu
        self.invoke_id = invoke_id
        self.high_priority = high_priority
        self.authenticator = authenticator
        self.calling_ap_title = calling_ap_title
        self.block_limit = block_limit
        self.security = security


def _obis(code):
    if isinstance(code, (bytes, bytearray)) and len(code) == 6:
        return bytes(code)
    from .obis import obis

    return obis(code)


def access_error(code, action=False):
    name = (action_result_name if action else data_access_result_name)(code)
    return AccessError(name or "result %d" % code, code)


def _service_error(apdu):
    names = apdu.names()
    kind = "exception-response" if apdu.TAG == 0xD8 else "confirmed-service-error"
    return ServiceError("%s: %s" % (kind, ", ".join(n or "?" for n in names)), apdu)


class Client:
    def __init__(self, settings):
        self.settings = settings
        self.associated = False
        self.conformance = 0
        self.server_max_pdu = 0xFFFF  # server-max-receive-pdu-size, from the AARE
        self.vaa_name = None
        self.aare = None
        self.ctos = self.stoc = self.server_system_title = None  # HLS
        self.notifications = []  # DataNotification / EventNotification / InformationReport
        self._state = _IDLE
        self._sink = None       # BlockSink of a long answer
        self._into = None       # a callable that takes each raw block instead of the sink
        self._source = None     # (raw bytes, position, block number) of a long request
        self._count = 0         # items of a with-list request
        self._sn_tag = None     # 0x05 / 0x06 while a long Read / Write request goes in blocks
        s = settings
        self.invoke_id_and_priority = (s.invoke_id & 0x0F) | 0x40 | (0x80 if s.high_priority else 0)

    # ------------------------------------------------------------ association

    def associate(self):
        s = self.settings
        ir = InitiateRequest(proposed_conformance=s.conformance,
                             client_max_receive_pdu_size=s.max_receive_pdu)
        ui = ir.to_bytes()
        if s.security is not None:
            ui = bytes(s.security.protect(self, ui))  # glo- / ded-initiate-request
        aarq = AARQ(application_context_name=s.context, calling_ap_title=s.calling_ap_title,
                    user_information=ui)
        if s.mechanism != MECHANISM_NONE:
            aarq.sender_acse_requirements = "1"
            aarq.mechanism_name = s.mechanism
            if s.authenticator is not None:
                self.ctos = bytes(s.authenticator.ctos(self))
                aarq.calling_authentication_value = self.ctos
            else:
                aarq.calling_authentication_value = s.password
        return self._arm(_AARQ, aarq.to_bytes())

    def release_request(self):
        return self._arm(_RLRQ, b"\x62\x03\x80\x01\x00")  # RLRQ reason normal

    # ------------------------------------------------------------ LN services

    def get_request(self, class_id, obis, attribute, selector=None, into=None):
        """selector: None or (access_selector, access_parameters Data).  into: a
        callable given each raw block of a long answer (nothing is gathered;
        the result is the number of bytes)."""
        out = bytearray((0xC0, 1, self.invoke_id_and_priority))
        encode_descriptor(out, (class_id, _obis(obis), attribute))
        encode_selective_access(out, selector)
        self._into = into
        return self._arm(_GET, out)

    def get_with_list_request(self, items):
        """items: [(class_id, obis, attribute) or (class_id, obis, attribute, selector)]."""
        out = bytearray((0xC0, 3, self.invoke_id_and_priority))
        encode_length(out, len(items))
        for it in items:
            encode_descriptor(out, (it[0], _obis(it[1]), it[2]))
            encode_selective_access(out, it[3] if len(it) > 3 else None)
        self._count = len(items)
        return self._arm(_GET_LIST, out)

    def set_request(self, class_id, obis, attribute, value, selector=None):
        iip = self.invoke_id_and_priority
        head = bytearray()
        encode_descriptor(head, (class_id, _obis(obis), attribute))
        encode_selective_access(head, selector)
        data = encode_data(bytearray(), value)
        if 3 + len(head) + len(data) <= self.server_max_pdu:
            return self._arm(_SET, bytes((0xC1, 1, iip)) + head + data)
        # SetRequestWithFirstDatablock: C1 02 iip descriptor access last(1) number(4) raw
        return self._arm(_SET, self._first_block(bytes((0xC1, 2, iip)) + head, data))

    def set_with_list_request(self, items):
        """items: [(class_id, obis, attribute, value)]."""
        iip = self.invoke_id_and_priority
        head = bytearray()
        encode_length(head, len(items))
        data = bytearray()
        encode_length(data, len(items))
        for it in items:
            encode_descriptor(head, (it[0], _obis(it[1]), it[2]))
            head.append(0)
            encode_data(data, it[3])
        self._count = len(items)
        if 3 + len(head) + len(data) <= self.server_max_pdu:
            return self._arm(_SET_LIST, bytes((0xC1, 4, iip)) + head + data)
        # with-list-and-first-datablock: raw data is the SEQUENCE OF Data
        return self._arm(_SET_LIST, self._first_block(bytes((0xC1, 5, iip)) + head, data))

    def action_request(self, class_id, obis, method, parameters=None, into=None):
        iip = self.invoke_id_and_priority
        head = bytearray()
        encode_descriptor(head, (class_id, _obis(obis), method))
        self._into = into
        if parameters is None:
            return self._arm(_ACTION, bytes((0xC3, 1, iip)) + head + b"\x00")
        data = encode_data(bytearray(), parameters)
        if 4 + len(head) + len(data) <= self.server_max_pdu:
            return self._arm(_ACTION, bytes((0xC3, 1, iip)) + head + b"\x01" + data)
        return self._arm(_ACTION, self._first_block(bytes((0xC3, 4, iip)) + head, data))

    def action_with_list_request(self, items):
        """items: [(class_id, obis, method, parameters Data or None)]."""
        out = bytearray((0xC3, 3, self.invoke_id_and_priority))
        encode_length(out, len(items))
        for it in items:
            encode_descriptor(out, (it[0], _obis(it[1]), it[2]))
        encode_length(out, len(items))
        for it in items:
            encode_data(out, it[3] if it[3] is not None else (0, None))
        self._count = len(items)
        return self._arm(_ACTION_LIST, out)

    # ------------------------------------------------------------ SN services

    def read_request(self, items):
        """items: short names (int), or (short_name, selector, parameter Data) for
        parameterized access (a method's parameters when the name is a method's).
        A request longer than the server's PDU goes in read-data-block-access blocks."""
        out = bytearray((0x05,))
        encode_length(out, len(items))
        for it in items:
            if type(it) is int:
                out += bytes((2, it >> 8, it & 0xFF))
            else:
                sn, selector, param = it
                out += bytes((4, sn >> 8, sn & 0xFF, selector))
                encode_data(out, param)
        self._count = len(items)
        if len(out) > self.server_max_pdu:
            return self._arm(_READ, self._first_sn_block(0x05, memoryview(out)[1:]))
        return self._arm(_READ, out)

    def write_request(self, items, confirmed=True):
        """items: [(short_name, value Data)]; unconfirmed: nothing comes back.  A
        confirmed request longer than the server's PDU goes in write-data-block-access
        blocks (an unconfirmed one cannot: no block would be acknowledged)."""
        out = bytearray((0x06 if confirmed else 0x16,))
        encode_length(out, len(items))
        for sn, _ in items:
            out += bytes((2, sn >> 8, sn & 0xFF))
        encode_length(out, len(items))
        for _, value in items:
            encode_data(out, value)
        self._count = len(items)
        if not confirmed:
            sec = self.settings.security
            return bytes(out) if sec is None else bytes(sec.protect(self, out))
        if len(out) > self.server_max_pdu:
            # write-data-block-access: the two lists in blocks, each an octet-string Data
            return self._arm(_WRITE, self._first_sn_block(0x06, memoryview(out)[1:]))
        return self._arm(_WRITE, out)

    # ------------------------------------------------------------ replies

    def feed(self, apdu):
        """One APDU from the server: (done, value); see the module docstring."""
        if not apdu:
            raise DecodeError("empty APDU", 0)
        sec = self.settings.security
        if sec is None:
            return self._feed(apdu)
        if apdu[0] not in _PLAIN_TAGS:
            apdu = sec.unprotect(self, apdu)
        done, value = self._feed(apdu)
        if not done and value is not None:
            value = bytes(sec.protect(self, value))
        return done, value

    def _feed(self, apdu):
        tag = apdu[0]
        if tag in (0x0F, 0xC2, 0x18):  # unsolicited: a push, kept for the caller
            self.notifications.append(decode_apdu(apdu))
            return False, None
        state = self._state
        if state == _IDLE:
            raise DecodeError("APDU 0x%02X while no request is pending" % tag, 0)
        try:
            if tag == 0xD8 or tag == 0x0E:
                raise _service_error(decode_apdu(apdu))
            if state == _HLS:
                return self._hls_reply(apdu)
            if state == _AARQ:
                return self._aare(apdu)
            if state == _RLRQ:
                if tag != 0x63:
                    raise DecodeError("RLRE expected, got 0x%02X" % tag, 0)
                decode_apdu(apdu)
                self.associated = False
                return self._done(None)
            if state == _READ or state == _WRITE:
                return self._sn_reply(apdu)
            if len(apdu) < 3 or apdu[2] != self.invoke_id_and_priority:
                raise DecodeError("answer to another invoke id", 2)
            if tag == 0xC4:
                return self._get_reply(apdu)
            if tag == 0xC5:
                return self._set_reply(apdu)
            if tag == 0xC7:
                return self._action_reply(apdu)
            raise DecodeError("unexpected APDU 0x%02X" % tag, 0)
        except Exception:
            self._state = _IDLE
            self._sink = self._source = self._into = None
            raise

    # ------------------------------------------------------------ internals

    def _arm(self, state, out):
        self._state = state
        self._sink = None
        sec = self.settings.security
        if sec is not None and state != _AARQ and state != _RLRQ:
            return bytes(sec.protect(self, out))
        return bytes(out)

    def _done(self, value):
        self._state = _IDLE
        self._sink = self._source = self._into = None
        return True, value

    def _first_sn_block(self, tag, body):
        # Green Book 9.4.4: 05 01 06 last number(2) raw, or 06 01 07 last number(2) 01 09 raw
        self._source = [bytes(body), 0, 0]
        self._sn_tag = tag
        return self._next_sn_block()

    def _next_sn_block(self):
        src = self._source
        tag = self._sn_tag
        head = 6 if tag == 0x05 else 8
        room = block_room(self.server_max_pdu, head)
        if room < 1:
            raise AccessError("the server's PDU is too small for a block", 250)
        data, pos, n = src
        chunk = data[pos:pos + room]
        src[1] = pos + len(chunk)
        src[2] = n = n + 1
        if n > 0xFFFF:
            raise AccessError("more than 65535 blocks", 250)
        last = 1 if src[1] >= len(data) else 0
        if tag == 0x05:
            out = bytearray((0x05, 1, 6, last, n >> 8, n & 0xFF))
        else:
            out = bytearray((0x06, 1, 7, last, n >> 8, n & 0xFF, 1, 9))
        encode_length(out, len(chunk))
        out += chunk
        return bytes(out)

    def _first_block(self, head, data):
        # head holds the APDU up to the DataBlock-SA; the block adds last, number, length
        room = block_room(self.server_max_pdu, len(head) + 5)
        if room < 1:
            raise AccessError("the server's PDU is too small for a block", 250)
        self._source = [data, 0, 0]
        return self._next_source_block(head, room)

    def _next_source_block(self, head, room=None):
        src = self._source
        if room is None:
            room = block_room(self.server_max_pdu, len(head) + 5)
        data, pos, n = src
        chunk = data[pos:pos + room]
        src[1] = pos + len(chunk)
        src[2] = n = n + 1
        last = src[1] >= len(data)
        out = bytearray(head)
        out += bytes((1 if last else 0, n >> 24, (n >> 16) & 0xFF, (n >> 8) & 0xFF, n & 0xFF))
        encode_length(out, len(chunk))
        out += chunk
        return bytes(out)

    def _gather(self, n, raw, last):
        """Adds a block of a long answer; True once the last one is in."""
        if self._into is not None:
            sink = self._sink
            if sink is None:
                sink = self._sink = BlockSink()  # numbering only; data goes to `into`
                sink.total = 0
            if n != sink.block_number + 1:
                raise DecodeError("block %d where %d was due" % (n, sink.block_number + 1), 0)
            sink.block_number = n
            sink.total += len(raw)
            self._into(raw)
            return bool(last)
        if self._sink is None:
            self._sink = BlockSink(self.settings.block_limit)
        self._sink.add(n, raw, last)
        return self._sink.done

    def _gathered(self):
        """The answer put together: (bytes-like, None) or (None, byte count) for `into`."""
        if self._into is not None:
            return None, self._sink.total
        return self._sink.data, None

    def _aare(self, apdu):
        aare = AARE.from_bytes(apdu)
        self.aare = aare
        diag = aare.result_source_diagnostic
        ui = aare.user_information
        if aare.result != 0:
            from .apdu.names import RESULT_NAMES  # loaded only to say why
            text = "%s: %s" % (name_of(RESULT_NAMES, aare.result) or aare.result,
                               diagnostic_name(diag))
            if ui and ui[0] == 0x0E:
                from .apdu.service_error import ConfirmedServiceError

                text += " (%s)" % ", ".join(n or "?" for n in ConfirmedServiceError.from_bytes(ui).names())
            self._state = _IDLE
            raise AssociationError(text, aare.result, diag)
        if ui and ui[0] != 0x08 and self.settings.security is not None:
            ui = self.settings.security.unprotect(self, ui)  # glo- / ded-initiate-response
        resp = InitiateResponse.from_bytes(ui) if ui else None
        if resp is None:
            raise AssociationError("accepted AARE without an InitiateResponse", aare.result, diag)
        self.conformance = resp.negotiated_conformance
        self.server_max_pdu = resp.server_max_receive_pdu_size or 0xFFFF
        self.vaa_name = resp.vaa_name
        auth = self.settings.authenticator
        if diag == (1, USER_AUTHENTICATION_REQUIRED) and auth is not None:
            # HLS pass 3: reply_to_HLS_authentication with f(StoC) (Association LN
            # method 1, Association SN method 8 through Read)
            self.stoc = aare.responding_authentication_value
            self.server_system_title = aare.responding_ap_title
            f_stoc = bytes(auth.respond(self, self.stoc))
            self._into = None
            if self.settings.context in (CONTEXT_SN, CONTEXT_SN_CIPHERED):
                self._count = 1
                out = bytearray((0x05, 1, 4, 0xFA, 0x58, 0))  # 0xFA00 + 0x20 + 7*8: method 8
                encode_data(out, (9, f_stoc))
                self._state = _HLS
                self._hls_sn = True
                return False, bytes(out)
            out = bytearray((0xC3, 1, self.invoke_id_and_priority))
            encode_descriptor(out, (15, b"\x00\x00\x28\x00\x00\xff", 1))
            out.append(1)
            encode_data(out, (9, f_stoc))
            self._state = _HLS
            self._hls_sn = False
            return False, bytes(out)
        self.associated = True
        return self._done(resp)

    def _get_reply(self, apdu):
        choice = apdu[1]
        end = len(apdu)
        if choice == 1:
            if self._state != _GET:
                raise DecodeError("GetResponseNormal to a with-list request", 1)
            value, pos = decode_get_data_result(apdu, 3, end)
            _end(pos, end)
            if type(value) is int:
                raise access_error(value)
            return self._done(value)
        if choice == 3:
            if self._state != _GET_LIST:
                raise DecodeError("GetResponseWithList to a normal request", 1)
            results, pos = _get_results(apdu, 3, end)
            _end(pos, end)
            return self._done(results)
        if choice != 2:
            raise DecodeError("unknown Get-Response choice %d" % choice, 1)
        # GetResponseWithDatablock: C4 02 iip last number(4) choice ...
        if end < 9:
            raise DecodeError("DataBlock-G truncated", end)
        last = apdu[3]
        n = int.from_bytes(apdu[4:8], "big")
        if apdu[8] == 1:
            if end < 10:
                raise DecodeError("data-access-result missing", 9)
            raise access_error(apdu[9])
        if apdu[8] != 0:
            raise DecodeError("bad DataBlock-G result choice", 8)
        length, pos = decode_length(apdu, 9, end)
        _end(pos + length, end)
        if not self._gather(n, memoryview(apdu)[pos:end], last):
            iip = self.invoke_id_and_priority
            return False, bytes((0xC0, 2, iip, n >> 24, (n >> 16) & 0xFF, (n >> 8) & 0xFF, n & 0xFF))
        data, count = self._gathered()
        if data is None:
            return self._done(count)
        if self._state == _GET:
            value, pos = decode_data(data, 0, len(data))
            _end(pos, len(data))
            return self._done(value)
        results, pos = _get_results(data, 0, len(data))
        _end(pos, len(data))
        return self._done(results)

    def _set_reply(self, apdu):
        choice = apdu[1]
        end = len(apdu)
        iip = self.invoke_id_and_priority
        if choice == 1 and end == 4:
            if apdu[3] != SUCCESS:
                raise access_error(apdu[3])
            return self._done(None)
        if choice == 2 and end == 7:  # SetResponseDatablock: the next block, please
            n = int.from_bytes(apdu[3:7], "big")
            if self._source is None or n != self._source[2]:
                raise DecodeError("SET block %d acknowledged out of turn" % n, 3)
            return False, self._next_source_block(bytes((0xC1, 3, iip)))
        if choice == 3 and end == 8:
            if apdu[3] != SUCCESS:
                raise access_error(apdu[3])
            return self._done(None)
        if choice == 4 or choice == 5:
            n, pos = decode_length(apdu, 3, end)
            if pos + n + (4 if choice == 4 else 0) != end:
                raise DecodeError("SetResponse list length", pos)
            return self._done([None if apdu[i] == SUCCESS else access_error(apdu[i])
                               for i in range(pos, pos + n)])
        raise DecodeError("unexpected Set-Response choice %d" % choice, 1)

    def _action_reply(self, apdu):
        choice = apdu[1]
        end = len(apdu)
        iip = self.invoke_id_and_priority
        if choice == 1:
            (result, ret), pos = _action_result(apdu, 3, end)
            _end(pos, end)
            if result != SUCCESS:
                raise access_error(result, True)
            if type(ret) is int:
                raise access_error(ret)
            return self._done(ret)
        if choice == 3:
            n, pos = decode_length(apdu, 3, end)
            results = []
            for _ in range(n):
                (result, ret), pos = _action_result(apdu, pos, end)
                if result != SUCCESS:
                    ret = access_error(result, True)
                elif type(ret) is int:
                    ret = access_error(ret)
                results.append(ret)
            _end(pos, end)
            return self._done(results)
        if end < (7 if choice == 4 else 9):
            raise DecodeError("Action-Response truncated", end)
        n = int.from_bytes(apdu[3:7] if choice == 4 else apdu[4:8], "big")
        if choice == 4:  # ActionResponseNextPblock: send the next pblock
            if self._source is None or n != self._source[2]:
                raise DecodeError("pblock %d acknowledged out of turn" % n, 3)
            return False, self._next_source_block(bytes((0xC3, 6, iip)))
        if choice != 2:
            raise DecodeError("unknown Action-Response choice %d" % choice, 1)
        length, pos = decode_length(apdu, 8, end)
        _end(pos + length, end)
        if not self._gather(n, memoryview(apdu)[pos:end], apdu[3]):
            return False, bytes((0xC3, 2, iip, n >> 24, (n >> 16) & 0xFF, (n >> 8) & 0xFF, n & 0xFF))
        data, count = self._gathered()
        if data is None:
            return self._done(count)
        value, pos = decode_data(data, 0, len(data))
        _end(pos, len(data))
        return self._done(value)

    def _hls_reply(self, apdu):
        # the answer to reply_to_HLS_authentication: f(CtoS), checked by the hook
        if self._hls_sn:
            if apdu[0] != 0x0C:
                raise DecodeError("ReadResponse expected", 0)
            resp = decode_apdu(apdu)
            if len(resp.results) != 1:
                raise DecodeError("one ReadResponse item expected", 0)
            choice, value = resp.results[0]
            if choice != 0:
                raise AssociationError("HLS refused: %s" % data_access_result_name(value), 1, None)
        else:
            if len(apdu) < 5 or apdu[0] != 0xC7 or apdu[1] != 1:
                raise DecodeError("ActionResponseNormal expected", 0)
            (result, value), pos = _action_result(apdu, 3, len(apdu))
            if result != SUCCESS or value is None or type(value) is int:
                raise AssociationError("HLS refused: %s" % action_result_name(result), 1, None)
        if value[0] != 9 or not self.settings.authenticator.check(self, value[1]):
            raise AssociationError("HLS: the server's f(CtoS) is wrong", 1, None)
        self.associated = True
        return self._done(None)

    def _sn_reply(self, apdu):
        tag = apdu[0]
        if self._source is not None and len(apdu) == 5 and apdu[1] == 1 \
                and apdu[2] == (3 if self._state == _READ else 2):
            # block-number: the server has block n of a long request, send the next one
            n = (apdu[3] << 8) | apdu[4]
            src = self._source
            if n != src[2] or src[1] >= len(src[0]):
                raise DecodeError("request block %d acknowledged out of turn" % n, 3)
            return False, self._next_sn_block()
        if self._state == _WRITE:
            if tag != 0x0D:
                raise DecodeError("WriteResponse expected, got 0x%02X" % tag, 0)
            resp = decode_apdu(apdu)
            return self._done([access_error(v) if c == 1 else None for c, v in resp.results])
        if tag != 0x0C:
            raise DecodeError("ReadResponse expected, got 0x%02X" % tag, 0)
        if len(apdu) > 2 and apdu[1] == 1 and apdu[2] == 2:
            # data-block-result: 0C 01 02 last number(2) raw
            if len(apdu) < 6:
                raise DecodeError("data-block-result truncated", len(apdu))
            n = (apdu[4] << 8) | apdu[5]
            length, pos = decode_length(apdu, 6, len(apdu))
            _end(pos + length, len(apdu))
            if not self._gather(n, memoryview(apdu)[pos:], apdu[3]):
                return False, bytes((0x05, 1, 5, n >> 8, n & 0xFF))
            data, count = self._gathered()
            if data is None:
                return self._done(count)
            if self._count == 1:
                value, pos = decode_data(data, 0, len(data))
                _end(pos, len(data))
                return self._done([value])
            return self._done(_read_results(data, 0, len(data)))
        return self._done(_read_results(apdu, 1, len(apdu)))


def _end(pos, end):
    if pos != end:
        raise DecodeError("%d bytes after the answer" % (end - pos), pos)


def _get_results(buf, pos, end):
    n, pos = decode_length(buf, pos, end)
    results = []
    for _ in range(n):
        v, pos = decode_get_data_result(buf, pos, end)
        results.append(access_error(v) if type(v) is int else v)
    return results, pos


def _action_result(buf, pos, end):
    if pos + 2 > end:
        raise DecodeError("Action-Response-With-Optional-Data truncated", pos)
    result = buf[pos]
    if buf[pos + 1] == 0:
        return (result, None), pos + 2
    if buf[pos + 1] != 1:
        raise DecodeError("bad OPTIONAL marker", pos + 1)
    ret, pos = decode_get_data_result(buf, pos + 2, end)
    return (result, ret), pos


def _read_results(buf, pos, end):
    n, pos = decode_length(buf, pos, end)
    results = []
    for _ in range(n):
        if pos >= end:
            raise DecodeError("ReadResponse truncated", pos)
        choice = buf[pos]
        if choice == 0:
            v, pos = decode_data(buf, pos + 1, end)
        elif choice == 1 and pos + 1 < end:
            v = access_error(buf[pos + 1])
            pos += 2
        else:
            raise DecodeError("ReadResponse choice %d here" % choice, pos)
        results.append(v)
    _end(pos, end)
    return results


def run(client, request, transport):
    """Send `request`, feed the client every answer, return the result."""
    out = request
    while True:
        reply = transport(out)
        done, value = client.feed(reply)
        if done:
            return value
        out = value


class Session:
    """Blocking calls over a transport: Session(client, send).get(3, obis, 2)."""

    def __init__(self, client, transport):
        self.client = client
        self.transport = transport

    def _run(self, request):
        return run(self.client, request, self.transport)

    def associate(self):
        return self._run(self.client.associate())

    def release(self):
        return self._run(self.client.release_request())

    def get(self, class_id, obis, attribute, selector=None, into=None):
        return self._run(self.client.get_request(class_id, obis, attribute, selector, into))

    def get_with_list(self, items):
        return self._run(self.client.get_with_list_request(items))

    def set(self, class_id, obis, attribute, value, selector=None):
        return self._run(self.client.set_request(class_id, obis, attribute, value, selector))

    def set_with_list(self, items):
        return self._run(self.client.set_with_list_request(items))

    def action(self, class_id, obis, method, parameters=None, into=None):
        return self._run(self.client.action_request(class_id, obis, method, parameters, into))

    def action_with_list(self, items):
        return self._run(self.client.action_with_list_request(items))

    def read(self, items):
        return self._run(self.client.read_request(items))

    def write(self, items):
        return self._run(self.client.write_request(items))

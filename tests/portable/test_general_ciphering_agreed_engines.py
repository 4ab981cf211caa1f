# workheap: 64k
# (the engines with every APDU codec, EC, ECDSA, the KDF and general-ciphering
#  are ~280k of code on the 64-bit unix port, counted apart, as in test_suites)
"""general-ciphering with agreed-key between our client and our server, in
security suite 1 (P-256): after an HLS-ECDSA association every APDU on the
wire is a general-ciphering one whose key-info is agreed-key, the requests'
keys agreed by the client (party U) and the answers' by the meter (party U
of its answer): One-Pass DH C(1e,1s) with a new signed ephemeral key each
way, or the Static Unified Model C(0e,2s) with the transaction id in the KDF.
GET and SET under each scheme; refused, as the engine's deciphering-error
answer: an ephemeral key signed by another key, an originator whose keys the
meter does not know, a key of another curve, truncated key data, an unknown
scheme, any one byte of a request changed, and a replayed invocation counter
(invocation-counter-error)."""

from checks import raises, unhex
from engine_fixtures import REGISTER_LN, Wire, register
# (imported here so that they count as code, as on a board with them frozen)
from microcosem.apdu import action, get, names, service_error, set as set_  # noqa: F401
from microcosem.apdu.acse import CONTEXT_LN_CIPHERED
from microcosem.axdr import DOUBLE_LONG_UNSIGNED
from microcosem.client import Client, ClientSettings, Session
from microcosem.cosem.association import AssociationLN
from microcosem.errors import ServiceError
from microcosem.security import SecurityError, agreement, ec, ecdsa, kdf, x509  # noqa: F401
from microcosem.security import general_ciphering as gc
from microcosem.security.ciphering import ClientSecurity, ServerSecurity
from microcosem.security.hls import MECHANISM_ECDSA, ClientAuthenticator, Hls, ServerAuthenticator
from microcosem.server.config import AssociationConfig
from microcosem.server.engine import Server
from microcosem.server.model import ObjectModel

ST_S = unhex("4D4D4D0000BC614E")
ST_C = unhex("4D4D4D0000000001")
EK = bytes(range(16))
AK = bytes(range(0xD0, 0xE0))
C = ec.P256
C_SIGN = b"\x11" * 32  # the client's signing key (HLS-ECDSA and ephemeral keys)
C_KA = b"\x12" * 32  # the client's static key agreement key
S_SIGN = b"\x22" * 32
S_KA = b"\x23" * 32
DECIPHERING_ERROR = b"\xd8\x01\x05"  # ExceptionResponse service-not-allowed, deciphering-error


def make(scheme, suite=1):
    """An associated session (HLS-ECDSA) whose client sends general-ciphering
    under `scheme`; suite 2 (P-384, 32-byte keys) for the host tests."""
    c = ec.P384 if suite == 2 else C
    n = 32 if suite == 2 else 16
    ek, ak = bytes(range(n)), bytes(range(0xD0, 0xD0 + n))
    c_sign, c_ka, s_sign, s_ka = (bytes((b,)) * c.size for b in (0x11, 0x12, 0x22, 0x23))
    pub = ec.public_key
    ssec = ServerSecurity(ST_S, ek, ak, ic=100, sc=0x30 | suite, suite=suite)
    ssec.agreement_key = s_ka
    ssec.signing_key = s_sign
    ssec.peer_keys = {ST_C: (pub(c, c_ka), pub(c, c_sign))}
    shls = Hls(MECHANISM_ECDSA, suite=suite, private_key=s_sign, peer_public_key=pub(c, c_sign))
    server = Server(ObjectModel((register(), AssociationLN())), (
        AssociationConfig(1, mechanism=MECHANISM_ECDSA, context=CONTEXT_LN_CIPHERED, security=ssec,
                          authenticator=ServerAuthenticator(shls, security=ssec)),))
    csec = ClientSecurity(ST_C, ek, ak, ic=1, sc=0x30 | suite, general="ciphering")
    csec.agreement = scheme
    csec.agreement_key = c_ka
    csec.signing_key = c_sign
    csec.peer_keys = {ST_S: (pub(c, s_ka), pub(c, s_sign))}
    chls = Hls(MECHANISM_ECDSA, suite=suite, private_key=c_sign, peer_public_key=pub(c, s_sign))
    settings = ClientSettings(client_sap=1, context=CONTEXT_LN_CIPHERED, mechanism=MECHANISM_ECDSA,
                              calling_ap_title=ST_C, security=csec,
                              authenticator=ClientAuthenticator(chls, csec))
    wire = Wire(server)
    s = Session(Client(settings), wire)
    s.associate()
    assert s.client.associated and server.context(1).authenticated
    return s, server, wire, csec, ssec


def _round(scheme):
    s, server, wire, csec, ssec = make(scheme)
    assert s.get(3, REGISTER_LN, 2) == (DOUBLE_LONG_UNSIGNED, 1234)
    s.set(3, REGISTER_LN, 2, (DOUBLE_LONG_UNSIGNED, 4321))
    assert s.get(3, REGISTER_LN, 2) == (DOUBLE_LONG_UNSIGNED, 4321)
    after = wire.apdus[2:]  # the HLS reply, GET, SET, GET and their answers
    assert len(after) == 8
    n = 4 * C.size  # One-Pass DH key data: Qe (X||Y) and its signature r||s
    for i, a in enumerate(after):
        m = gc.decode(a)
        assert m.key_info[0] == gc.AGREED_KEY and m.key_info[1] == scheme
        assert len(m.key_info[2]) == (n if scheme == gc.ONE_PASS_DH else 0)
        assert m.content[0] == 0x31  # suite 1, authenticated and encrypted
        if i & 1:  # an answer: from the meter, with the request's transaction id
            assert m.originator == ST_S and m.recipient == ST_C
            assert m.transaction_id == gc.decode(after[i - 1]).transaction_id
        else:
            assert m.originator == ST_C and m.recipient == ST_S
    return s, server, wire, csec, ssec, after


def test_one_pass_dh_get_and_set():
    s, server, wire, csec, ssec, after = _round(gc.ONE_PASS_DH)
    # a new ephemeral key in every APDU, the answers' signed by the meter
    qes = [gc.decode(a).key_info[2][:64] for a in after]
    assert len(set(qes)) == len(qes)
    m = gc.decode(after[3])
    assert ecdsa.verify(C, ec.public_key(C, S_SIGN), b"\x00" + m.key_info[2][:64],
                        m.key_info[2][64:])
    # the meter's answer key is the One-Pass DH key of its ephemeral key and
    # the client's static key, U = the meter: the client's side recomputes it
    key = agreement.one_pass_dh_v(1, C_KA, m.key_info[2][:64], ST_S, ST_C)
    assert gc.open_message(m, key, AK)[2][0] == 0xC4  # a get-response
    assert csec.last_server_ic == ssec.ic - 1


def test_static_unified_get_and_set():
    s, server, wire, csec, ssec, after = _round(gc.STATIC_UNIFIED)
    req, ans = gc.decode(after[2]), gc.decode(after[3])
    # the request: U = the client; the answer: U = the meter, V = the client,
    # the same transaction id in PartyVInfo, so another key
    k_req = agreement.static_unified(1, S_KA, ec.public_key(C, C_KA), ST_C, ST_S, None,
                                     req.transaction_id)
    k_ans = agreement.static_unified(1, C_KA, ec.public_key(C, S_KA), ST_S, ST_C, None,
                                     ans.transaction_id)
    assert k_req != k_ans
    assert gc.open_message(req, k_req, AK)[2][0] == 0xC0
    assert gc.open_message(ans, k_ans, AK)[2][0] == 0xC4
    raises(SecurityError, gc.open_message, ans, k_req, AK)
    # the transaction ids are the client's ICs: each request's key is new
    assert gc.decode(after[4]).transaction_id != req.transaction_id


def _refused(s, wire):
    n = len(wire.apdus)
    e = raises(ServiceError, s.get, 3, REGISTER_LN, 2)
    assert wire.apdus[n + 1] == DECIPHERING_ERROR, wire.apdus[n + 1]
    return e


def test_bad_signature_refused():
    s, server, wire, csec, ssec = make(gc.ONE_PASS_DH)
    csec.signing_key = b"\x33" * 32  # the ephemeral key signed by a key the meter does not know
    _refused(s, wire)
    csec.signing_key = C_SIGN
    assert s.get(3, REGISTER_LN, 2) == (DOUBLE_LONG_UNSIGNED, 1234)
    # and the meter's answer signed by another key: the client refuses it
    ssec.signing_key = b"\x33" * 32
    raises(SecurityError, s.get, 3, REGISTER_LN, 2)


def test_unknown_originator_refused():
    for scheme in (gc.ONE_PASS_DH, gc.STATIC_UNIFIED):
        s, server, wire, csec, ssec = make(scheme)
        ssec.peer_keys = lambda title: None  # a function of the title, knowing nobody
        _refused(s, wire)
        ssec.peer_keys = {ST_C: (ec.public_key(C, C_KA), None)}  # no signing key: no One-Pass DH
        if scheme == gc.ONE_PASS_DH:
            _refused(s, wire)
        else:
            assert s.get(3, REGISTER_LN, 2) == (DOUBLE_LONG_UNSIGNED, 1234)
        ssec.peer_keys = {ST_C: (None, ec.public_key(C, C_SIGN))}  # no agreement key: no answer
        _refused(s, wire)


def test_wrong_suite_keys_refused():
    p384 = ec.public_key(ec.P384, b"\x44" * 48)
    for scheme in (gc.ONE_PASS_DH, gc.STATIC_UNIFIED):
        s, server, wire, csec, ssec = make(scheme)
        # the client's agreement key the meter holds is a P-384 one: suite 1 is P-256
        ssec.peer_keys = {ST_C: (p384, ec.public_key(C, C_SIGN))}
        _refused(s, wire)
        # the meter's own agreement key of another size
        ssec.peer_keys = {ST_C: (ec.public_key(C, C_KA), ec.public_key(C, C_SIGN))}
        ssec.agreement_key = b"\x23" * 48
        _refused(s, wire)
        ssec.agreement_key = S_KA
        assert s.get(3, REGISTER_LN, 2) == (DOUBLE_LONG_UNSIGNED, 1234)
        # the client holding a P-384 key for the server: it refuses to send
        csec.peer_keys = {ST_S: (p384, ec.public_key(C, S_SIGN))}
        raises(SecurityError, s.get, 3, REGISTER_LN, 2)


def _request(csec, ki, ic, key=EK, sc=0x31, tid=None):
    tid = ic.to_bytes(8, "big") if tid is None else tid
    return gc.protect(b"\xc0\x01\xc1\x00\x03" + REGISTER_LN + b"\x02\x00", tid, ST_C, ST_S, ic,
                      key, AK, sc, ki)


def test_truncated_key_data_and_unknown_scheme_refused():
    s, server, wire, csec, ssec = make(gc.ONE_PASS_DH)
    key, ki = gc.agree_one_pass(1, ec.public_key(C, S_KA), C_SIGN, ST_C, ST_S)
    good = _request(csec, ki, 50, key)
    # the key data cut short (its length byte says so), then the whole APDU cut short
    assert ki[3:5] == b"\x81\x80"  # key-ciphered-data: 128 bytes
    short = gc.agreed_key(1, ki[5:-1])
    for bad in (_request(csec, short, 51, key), good[:40], good[:-1]):
        assert server.handle(bad, 1) == DECIPHERING_ERROR
    # One-Pass DH key data in a Static Unified Model request, and scheme 03
    for bad in (gc.agreed_key(2, ki[5:]), b"\x02\x01\x03\x00"):
        assert server.handle(_request(csec, bad, 52, key), 1) == DECIPHERING_ERROR
    # suite 0 has no key agreement: an agreed key with SC 0x30 is refused
    ssec.suite = None
    assert server.handle(_request(csec, ki, 53, key, sc=0x30), 1) == DECIPHERING_ERROR
    ssec.suite = 1
    # nothing above was accepted: the good request still goes
    answer = server.handle(good, 1)
    assert gc.decode(answer).key_info[0] == gc.AGREED_KEY


def test_replayed_invocation_counter_refused():
    for scheme in (gc.ONE_PASS_DH, gc.STATIC_UNIFIED):
        s, server, wire, csec, ssec = make(scheme)
        assert s.get(3, REGISTER_LN, 2) == (DOUBLE_LONG_UNSIGNED, 1234)
        last = wire.apdus[-2]  # the GET as it went on the wire
        ic = int.from_bytes(gc.decode(last).content[1:5], "big")
        answer = server.handle(last, 1)  # the same APDU again: the key agrees, the IC is old
        # ExceptionResponse service-not-allowed, invocation-counter-error, the IC it would take
        assert answer == b"\xd8\x01\x06" + (ic + 1).to_bytes(4, "big"), answer
        assert s.get(3, REGISTER_LN, 2) == (DOUBLE_LONG_UNSIGNED, 1234)


def test_a_changed_byte_anywhere_is_a_deciphering_error():
    # Every field of an agreed-key request is bound to its key or its tag
    # (the key-info too: another ephemeral key or scheme is another key), so
    # any byte changed is refused, never a crash and never an answer.
    for scheme in (gc.ONE_PASS_DH, gc.STATIC_UNIFIED):
        s, server, wire, csec, ssec = make(scheme)
        assert s.get(3, REGISTER_LN, 2) == (DOUBLE_LONG_UNSIGNED, 1234)
        req = csec.protect(s.client, b"\xc0\x01\xc1\x00\x03" + REGISTER_LN + b"\x02\x00")
        for at in range(1, len(req), 3 if scheme == gc.STATIC_UNIFIED else 11):
            bad = bytearray(req)
            bad[at] ^= 0x41
            assert server.handle(bytes(bad), 1) == DECIPHERING_ERROR, at
        assert gc.decode(server.handle(req, 1)).originator == ST_S  # the request itself goes


def _get_response(client, value):
    # a get-response-normal to the client's GET: its invoke id, data, double-long-unsigned
    return (b"\xc4\x01" + bytes((client.invoke_id_and_priority,)) + b"\x00\x06"
            + value.to_bytes(4, "big"))


def _from_meter(ssec, plain, tid, ki, key=None):
    # an APDU the meter itself sends (its keys, its next IC), with that
    # transaction id and key-info (agreed-key: agreed anew, the meter as U)
    return gc.server_protect(ssec, plain, 0x31, (ST_C, tid, ki, key))


def test_an_answer_that_is_not_the_requests_refused():
    # the client remembers the scheme and transaction id of the request it
    # sent and refuses an answer, authentic as it may be, that is not its answer
    from microcosem.security import ciphering

    qa = ec.public_key(C, C_KA)
    for scheme in (gc.ONE_PASS_DH, gc.STATIC_UNIFIED):
        other = gc.STATIC_UNIFIED if scheme == gc.ONE_PASS_DH else gc.ONE_PASS_DH
        s, server, wire, csec, ssec = make(scheme)
        client = s.client
        req = client.get_request(3, REGISTER_LN, 2)
        tid = gc.decode(req).transaction_id
        assert csec.sent[client] == (scheme, tid)
        forged = _get_response(client, 7)
        other_tid = (int.from_bytes(tid, "big") + 1).to_bytes(8, "big")
        for bad, why in (
                (_from_meter(ssec, forged, other_tid, (gc.AGREED_KEY, scheme, qa)),
                 "transaction id"),
                (_from_meter(ssec, forged, tid, (gc.AGREED_KEY, other, qa)), "not agreed by it"),
                (_from_meter(ssec, forged, tid, None, EK), "not agreed by it"),  # the global key
                (_from_meter(ssec, forged, tid, (gc.IDENTIFIED_KEY, 0, None), EK), "not agreed"),
                (ciphering.protect(forged, ST_S, ssec._next_ic(), EK, AK, 0x31), "not general")):
            e = raises(SecurityError, client.feed, bad)
            assert why in str(e), (scheme, str(e))
        assert csec.sent[client] == (scheme, tid)  # still awaited
        assert client.feed(server.handle(req, 1)) == (True, (DOUBLE_LONG_UNSIGNED, 1234))
        assert client not in csec.sent
        # the forgeries were the meter's own APDUs, refused for what they
        # answered only: with the request's scheme and transaction id it is taken
        req = client.get_request(3, REGISTER_LN, 2)
        tid = gc.decode(req).transaction_id
        ok = _from_meter(ssec, forged, tid, (gc.AGREED_KEY, scheme, qa))
        assert client.feed(ok) == (True, (DOUBLE_LONG_UNSIGNED, 7))
        assert s.get(3, REGISTER_LN, 2) == (DOUBLE_LONG_UNSIGNED, 1234)  # and on it goes


def test_pushes_come_through_while_an_answer_is_awaited():
    # a data-notification under general-ciphering, in any key-info and with
    # the meter's own transaction id, is no answer: kept, whether a request
    # is outstanding or not, and the request's answer still taken after it
    qa = ec.public_key(C, C_KA)
    push = unhex("0F 00000001 00 06 00000007")  # long-invoke-id 1, no date-time, 7
    s, server, wire, csec, ssec = make(gc.ONE_PASS_DH)
    client = s.client
    assert client.feed(_from_meter(ssec, push, b"\x00" * 8, None, EK)) == (False, None)
    req = client.get_request(3, REGISTER_LN, 2)
    for tid, ki, key in ((b"push-1", None, EK), (b"push-2", (gc.AGREED_KEY, gc.STATIC_UNIFIED, qa),
                                                 None),
                         (b"push-3", (gc.AGREED_KEY, gc.ONE_PASS_DH, qa), None)):
        assert client.feed(_from_meter(ssec, push, tid, ki, key)) == (False, None)
    assert len(client.notifications) == 4
    assert client.feed(server.handle(req, 1)) == (True, (DOUBLE_LONG_UNSIGNED, 1234))

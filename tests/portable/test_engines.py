# heapsize: 256k
# (code, not work: the client, the server, axdr, ber and every APDU codec are about 200k of heap
#  as .mpy on the 64-bit unix port; test_engines_heap measures the work alone)
"""Client and server engines joined by a byte pipe, logical-name referencing."""

from checks import raises, unhex
from engine_fixtures import (DATA_LN, NULL, PROFILE_LN, REGISTER_LN, data_object, entry_selector,
                             profile, profile_rows, register, row)
from microcosem.apdu.acse import CONTEXT_SN, MECHANISM_HIGH_SHA256
from microcosem.axdr import ARRAY, DOUBLE_LONG_UNSIGNED, OCTET_STRING, STRUCTURE, UNSIGNED
from microcosem.client import Client, ClientSettings, Session
from microcosem.errors import AccessError, AssociationError, ServiceError
from microcosem.server.config import AssociationConfig, READ_ONLY, READ_WRITE
from microcosem.server.engine import Server
from microcosem.server.model import ObjectModel

CLOCK_LN = bytes((0, 0, 1, 0, 0, 255))


def access(obj, kind, index):
    # the Data object is read-only and its method closed; everything else open
    if obj.class_id == 1:
        return READ_ONLY if kind == "a" else 0
    return READ_WRITE if kind == "a" else 1


def make_server(max_pdu=1024, rows=1000, **kw):
    model = ObjectModel((register(), profile(rows), data_object()))
    cfgs = (AssociationConfig(16, max_pdu=max_pdu, access=access),
            AssociationConfig(17, mechanism=1, secret=b"secret", max_pdu=max_pdu),
            AssociationConfig(2, context=CONTEXT_SN))
    return Server(model, cfgs), model


class Pipe:
    """The byte pipe: every APDU the client sends goes through server.handle."""

    def __init__(self, server, sap):
        self.server = server
        self.sap = sap
        self.sent = 0

    def __call__(self, apdu):
        self.sent += 1
        reply = self.server.handle(apdu, self.sap)
        assert reply is not None, "no answer to %s" % apdu.hex()
        return reply


def session(server, sap=16, **kw):
    return Session(Client(ClientSettings(client_sap=sap, **kw)), Pipe(server, sap))


def test_associate_get_release():
    server, _ = make_server()
    s = session(server, max_receive_pdu=512)
    resp = s.associate()
    assert s.client.associated and resp.vaa_name == 7
    assert s.client.server_max_pdu == 1024
    assert server.context(16).max_pdu == 512  # the smaller of the two
    assert s.get(3, REGISTER_LN, 2) == (DOUBLE_LONG_UNSIGNED, 1234)
    assert s.get(3, "1.0.1.8.0.255", 3) == (STRUCTURE, [(15, -1), (22, 30)])
    assert s.get(3, REGISTER_LN, 1) == (OCTET_STRING, REGISTER_LN)
    s.release()
    assert not s.client.associated and not server.context(16).associated
    e = raises(ServiceError, s.get, 3, REGISTER_LN, 2)
    assert "service-not-allowed" in str(e) and "operation-not-possible" in str(e)


def test_association_refused():
    server, _ = make_server()
    e = raises(AssociationError, session(server, 17, mechanism=1, password=b"wrong").associate)
    assert "authentication-failure" in str(e) and e.result == 1 and e.diagnostic == (1, 13)
    s = session(server, 17, mechanism=1, password="secret")
    s.associate()
    assert server.context(17).authenticated
    e = raises(AssociationError, session(server, 16, context=CONTEXT_SN).associate)
    assert "application-context-name-not-supported" in str(e)
    e = raises(AssociationError, session(server, 5).associate)
    assert "rejected-permanent" in str(e) and "no-reason-given" in str(e)
    e = raises(AssociationError, session(server, 16, max_receive_pdu=11).associate)
    assert "pdu-size-too-short" in str(e)


def test_errors_named():
    server, _ = make_server()
    s = session(server)
    s.associate()
    e = raises(AccessError, s.get, 3, bytes((1, 0, 2, 8, 0, 255)), 2)
    assert e.message == "object-undefined" and e.result == 4
    e = raises(AccessError, s.set, 1, DATA_LN, 2, (18, 5))
    assert e.message == "read-write-denied" and e.result == 3
    e = raises(AccessError, s.action, 1, DATA_LN, 1)
    assert e.message == "read-write-denied"
    e = raises(AccessError, s.get, 7, PROFILE_LN, 2, (9, NULL))  # selector the object refuses
    assert e.message == "scope-of-access-violated"
    # the client is ready for the next request after each refusal
    assert s.get(1, DATA_LN, 2) == (18, 7)


def test_with_list():
    server, model = make_server()
    s = session(server)
    s.associate()
    got = s.get_with_list([(3, REGISTER_LN, 2), (1, DATA_LN, 2), (3, DATA_LN, 2),
                           (7, PROFILE_LN, 2, entry_selector(3, 4))])
    assert got[0] == (DOUBLE_LONG_UNSIGNED, 1234) and got[1] == (18, 7)
    assert isinstance(got[2], AccessError) and got[2].message == "object-class-inconsistent"
    assert got[3] == (ARRAY, [row(3), row(4)])
    res = s.set_with_list([(3, REGISTER_LN, 2, (DOUBLE_LONG_UNSIGNED, 9)), (1, DATA_LN, 2, (18, 1))])
    assert res[0] is None and res[1].message == "read-write-denied"
    assert model.find(3, REGISTER_LN).values[0] == (DOUBLE_LONG_UNSIGNED, 9)
    res = s.action_with_list([(3, REGISTER_LN, 1, (15, 0)), (7, PROFILE_LN, 1, (UNSIGNED, 5))])
    assert res == [None, (UNSIGNED, 5)]
    assert model.find(3, REGISTER_LN).values[0] == (DOUBLE_LONG_UNSIGNED, 0)


def test_set_and_action():
    server, model = make_server()
    s = session(server)
    s.associate()
    assert s.set(3, REGISTER_LN, 2, (DOUBLE_LONG_UNSIGNED, 77)) is None
    assert s.get(3, REGISTER_LN, 2) == (DOUBLE_LONG_UNSIGNED, 77)
    assert s.action(3, REGISTER_LN, 1, (15, 0)) is None
    assert s.get(3, REGISTER_LN, 2) == (DOUBLE_LONG_UNSIGNED, 0)
    assert s.action(7, PROFILE_LN, 1, (UNSIGNED, 3)) == (UNSIGNED, 3)


class Expect:
    """Compares each raw block with the next bytes of the expected encoding."""

    def __init__(self, encoded):
        self.chunks = iter(encoded.chunks)
        self.buf = bytearray()
        self.blocks = 0
        self.total = 0

    def __call__(self, raw):
        while len(self.buf) < len(raw):
            self.buf += next(self.chunks)
        assert bytes(self.buf[:len(raw)]) == bytes(raw)
        self.buf[:len(raw)] = b""
        self.blocks += 1
        self.total += len(raw)


def test_long_get_1000_rows_pdu_128():
    server, _ = make_server(max_pdu=128)
    s = session(server, max_receive_pdu=128)
    s.associate()
    expect = Expect(profile_rows(1, 1000))
    assert s.get(7, PROFILE_LN, 2, into=expect) == expect.total == 4 + 1000 * 24
    assert expect.blocks > 50 and s.transport.sent == expect.blocks + 1
    # a shorter one, put together and decoded by the client
    value = s.get(7, PROFILE_LN, 2, entry_selector(10, 60))
    assert value == (ARRAY, [row(i) for i in range(10, 61)])


def test_selective_access_passed_through():
    server, model = make_server()
    s = session(server)
    s.associate()
    prof = model.find(7, PROFILE_LN)
    sel = entry_selector(5, 6)
    assert s.get(7, PROFILE_LN, 2, sel) == (ARRAY, [row(5), row(6)])
    assert prof.selection == sel and prof.ctx is server.context(16)


def test_set_with_blocks():
    server, model = make_server(max_pdu=128)
    s = session(server, max_receive_pdu=128)
    s.associate()
    rows = (ARRAY, [row(i) for i in range(40)])  # about 960 bytes: 9 blocks of 128
    assert s.set(7, PROFILE_LN, 3, rows) is None
    assert model.find(7, PROFILE_LN).values[1] == rows
    assert s.transport.sent >= 1 + 8


def test_action_with_pblocks_both_ways():
    server, model = make_server(max_pdu=128)
    s = session(server, max_receive_pdu=128)
    s.associate()
    params = (OCTET_STRING, bytes(range(256)) * 4)  # echo: 1k in, 1k out, pblocks both ways
    before = s.transport.sent
    assert s.action(7, PROFILE_LN, 1, params) == params
    assert s.transport.sent - before >= 16
    assert s.action(7, PROFILE_LN, 2, (UNSIGNED, 3)) == (OCTET_STRING, bytes(range(256)) * 3)


def test_garbage_then_serving():
    server, _ = make_server()
    s = session(server)
    s.associate()
    for junk in (b"\x00", b"\xff" * 40, unhex("C001"), unhex("C301C100"), unhex("601F"), unhex("C102C1"),
                 unhex("C002C100000007"), unhex("C302C100000001"), unhex("C103C1000000000200")):
        reply = server.handle(junk, 16)
        assert reply is not None and reply[0] in (0xD8, 0xC4, 0xC5, 0xC7, 0x61)
    # the AARQ junk reset the association (an AARQ starts afresh): associate again
    s.associate()
    assert s.get(3, REGISTER_LN, 2) == (DOUBLE_LONG_UNSIGNED, 1234)


def test_data_notification_collected():
    server, _ = make_server()
    s = session(server)
    s.associate()
    client = s.client
    client.get_request(3, REGISTER_LN, 2)
    push = unhex("0F00000001000600000005")  # long-invoke-id 1, no time, double-long-unsigned 5
    assert client.feed(push) == (False, None)
    assert client.notifications[0].body == (DOUBLE_LONG_UNSIGNED, 5)
    done, value = client.feed(server.handle(unhex("C001C100030100010800FF0200"), 16))
    assert done and value == (DOUBLE_LONG_UNSIGNED, 1234)


class ToyHls:
    """Both ends of a made-up HLS: f(x) = x reversed + secret (the real ones are the
    security engineer's; this one only drives the engines' four passes)."""

    def __init__(self, secret):
        self.secret = secret

    def ctos(self, client):
        return b"client-challenge"

    def respond(self, client, stoc):
        assert client.ctos == b"client-challenge" and client.stoc == stoc
        return bytes(reversed(stoc)) + self.secret

    def check(self, client, f_ctos):
        return f_ctos == bytes(reversed(client.ctos)) + self.secret

    # server side
    def challenge(self, ctx, ctos):
        assert ctx.ctos == ctos
        return b"server-challenge"

    def verify(self, ctx, f_stoc):
        if f_stoc != bytes(reversed(ctx.stoc)) + self.secret:
            return None
        return bytes(reversed(ctx.ctos)) + self.secret


class AssociationLN:
    """The bit of Association LN the HLS pass needs: method 1 goes to server.hls_reply."""
    class_id = 15
    version = 2
    logical_name = bytes((0, 0, 40, 0, 0, 255))
    short_name = None
    ATTRIBUTE_COUNT = 11
    METHOD_COUNT = 2
    SN_METHOD_OFFSET = None

    def get(self, attribute_id, selection, ctx):
        return (OCTET_STRING, self.logical_name)

    def action(self, method_id, parameters, ctx):
        return ctx.server.hls_reply(ctx, parameters)


def test_hls_four_passes_through_the_hook():
    model = ObjectModel((register(), AssociationLN()))
    server = Server(model, (AssociationConfig(48, mechanism=MECHANISM_HIGH_SHA256,
                                              authenticator=ToyHls(b"k")),))
    s = session(server, 48, mechanism=MECHANISM_HIGH_SHA256, authenticator=ToyHls(b"k"))
    s.associate()
    assert s.client.associated and server.context(48).authenticated
    assert s.get(3, REGISTER_LN, 2) == (DOUBLE_LONG_UNSIGNED, 1234)
    # a client with the wrong secret stays pending, and pending reads nothing
    s = session(server, 48, mechanism=MECHANISM_HIGH_SHA256, authenticator=ToyHls(b"x"))
    e = raises(AssociationError, s.associate)
    assert "HLS" in str(e) and server.context(48).status == 1
    s.client._state = 0
    e = raises(AccessError, s.get, 3, REGISTER_LN, 2)
    assert e.message == "read-write-denied"


class ToyCipher:
    """Both ends of a made-up protection (XOR under a glo- tag) that only drives the
    engines' security hooks; the real one is security/ciphering.py's."""

    def protect(self, party, apdu):
        return bytes((0xC8 if apdu[0] != 0x01 and apdu[0] != 0x08 else 0x21, len(apdu))) + bytes(
            b ^ 0x5A for b in apdu)

    def unprotect(self, party, apdu):
        if apdu[0] not in (0xC8, 0x21) or apdu[1] != len(apdu) - 2:
            from microcosem.errors import DecodeError
            raise DecodeError("not toy-protected", 0)
        return bytes(b ^ 0x5A for b in apdu[2:])


def test_ciphered_context_through_the_hooks():
    from microcosem.apdu.acse import AARQ, CONTEXT_LN_CIPHERED
    model = ObjectModel((register(),))
    server = Server(model, (AssociationConfig(1, context=CONTEXT_LN_CIPHERED, security=ToyCipher()),))
    pipe = Pipe(server, 1)
    seen = []

    def tap(apdu):
        seen.append(apdu)
        return pipe(apdu)

    s = Session(Client(ClientSettings(client_sap=1, context=CONTEXT_LN_CIPHERED, security=ToyCipher())), tap)
    s.associate()
    assert AARQ.from_bytes(seen[0]).user_information[0] == 0x21  # the InitiateRequest went protected
    assert s.get(3, REGISTER_LN, 2) == (DOUBLE_LONG_UNSIGNED, 1234)
    assert seen[-1][0] == 0xC8
    # a plain GET in a ciphered context is refused
    assert server.handle(unhex("C001C100030100010800FF0200"), 1) == unhex("D80101")
    # what the hook cannot open: deciphering-error, and the association goes on
    assert server.handle(unhex("C80300"), 1) == unhex("D80105")
    assert s.get(3, REGISTER_LN, 2) == (DOUBLE_LONG_UNSIGNED, 1234)
    # without a hook the ciphered context is refused at the AARQ
    plain = Server(model, (AssociationConfig(1, context=CONTEXT_LN_CIPHERED),))
    e = raises(AssociationError, Session(Client(ClientSettings(client_sap=1, context=CONTEXT_LN_CIPHERED,
                                                               security=ToyCipher())), Pipe(plain, 1)).associate)
    assert "application-context-name-not-supported" in str(e)


def test_with_list_in_blocks_both_ways():
    server, model = make_server(max_pdu=128)
    s = session(server, max_receive_pdu=128)
    s.associate()
    # the answer: SEQUENCE OF Get-Data-Result cut into DataBlock-G blocks
    before = s.transport.sent
    got = s.get_with_list([(7, PROFILE_LN, 2, entry_selector(1, 20)), (3, REGISTER_LN, 2),
                           (3, DATA_LN, 2)])
    assert got[0] == (ARRAY, [row(i) for i in range(1, 21)])
    assert got[1] == (DOUBLE_LONG_UNSIGNED, 1234) and got[2].message == "object-class-inconsistent"
    assert s.transport.sent - before > 3
    # the request: SetRequestWithListAndFirstDatablock, then SetRequestWithDatablock
    rows = (ARRAY, [row(i) for i in range(12)])
    res = s.set_with_list([(7, PROFILE_LN, 3, rows), (3, REGISTER_LN, 2, (DOUBLE_LONG_UNSIGNED, 3)),
                           (1, DATA_LN, 2, (18, 1))])
    assert res[0] is None and res[1] is None and res[2].message == "read-write-denied"
    assert model.find(7, PROFILE_LN).values[1] == rows
    assert model.find(3, REGISTER_LN).values[0] == (DOUBLE_LONG_UNSIGNED, 3)


def test_get_attribute_0_whole_object():
    def deny_scaler(obj, kind, index):
        return 0 if (kind == "a" and obj.class_id == 3 and index == 3) else access(obj, kind, index)

    model = ObjectModel((register(), profile(40), data_object()))
    server = Server(model, (AssociationConfig(16, max_pdu=128, access=deny_scaler),
                            AssociationConfig(18, conformance=0x00001F)))
    s = session(server, max_receive_pdu=128)
    s.associate()
    assert s.client.conformance & 0x002000  # attribute0-supported-with-get granted
    # an attribute this association may not read is null-data
    assert s.get(3, REGISTER_LN, 0) == (STRUCTURE, [(OCTET_STRING, REGISTER_LN),
                                                    (DOUBLE_LONG_UNSIGNED, 1234), NULL])
    # a profile's buffer inside the structure, produced as it goes, in blocks
    got = s.get(7, PROFILE_LN, 0)
    assert got == (STRUCTURE, [(OCTET_STRING, PROFILE_LN), (ARRAY, [row(i) for i in range(1, 41)]),
                               (ARRAY, [])])
    assert s.get_with_list([(1, DATA_LN, 0), (3, REGISTER_LN, 2)]) == [
        (STRUCTURE, [(OCTET_STRING, DATA_LN), (18, 7)]), (DOUBLE_LONG_UNSIGNED, 1234)]
    e = raises(AccessError, s.get, 7, PROFILE_LN, 0, entry_selector(1, 2))
    assert e.result == 13  # scope-of-access-violated: a selector names one attribute
    assert raises(AccessError, s.get, 3, PROFILE_LN, 0).result == 9  # object-class-inconsistent
    assert raises(AccessError, s.get, 3, CLOCK_LN, 0).result == 4
    assert raises(AccessError, s.set, 3, REGISTER_LN, 0, (STRUCTURE, [])).result == 4  # not with SET
    # not negotiated: attribute 0 is no attribute
    s2 = session(server, sap=18)
    s2.associate()
    assert not s2.client.conformance & 0x002000
    assert raises(AccessError, s2.get, 3, REGISTER_LN, 0).result == 4


def test_inactivity_releases_the_association():
    model = ObjectModel((register(),))
    server = Server(model, (AssociationConfig(16, inactivity_ms=1000),
                            AssociationConfig(17, pre_established=True, inactivity_ms=1000),
                            AssociationConfig(18)))
    clock = [0]
    s = Session(Client(ClientSettings(client_sap=16)), lambda a: server.handle(a, 16, clock[0]))
    s.associate()
    clock[0] = 900
    assert s.get(3, REGISTER_LN, 2) == (DOUBLE_LONG_UNSIGNED, 1234)
    clock[0] = 1899  # 999 ms since the last APDU: still there
    assert s.get(3, REGISTER_LN, 2) == (DOUBLE_LONG_UNSIGNED, 1234)
    clock[0] = 2899  # 1000 ms: released before this APDU is served
    e = raises(ServiceError, s.get, 3, REGISTER_LN, 2)
    assert "operation-not-possible" in str(e)
    assert server.context(16).status == 0 and server.inactivity_releases == 1
    # a new AARQ is served at once; tick() ends an idle one without traffic
    clock[0] = 5000
    s.associate()
    other = Session(Client(ClientSettings(client_sap=18)), lambda a: server.handle(a, 18, 5000))
    other.associate()  # no inactivity_ms: never released
    assert server.tick(5999) == [] and server.context(16).associated
    assert server.tick(6000) == [16] and not server.context(16).associated
    assert server.tick(60000) == [] and server.context(18).associated
    # a pre-established association cannot be released by time either
    assert server.handle(s.client.get_request(3, REGISTER_LN, 2), 17, 7000)[:4] == unhex("C401C100")
    assert server.tick(90000) == [] and server.context(17).associated
    assert server.inactivity_releases == 2

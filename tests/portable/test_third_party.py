# workheap: 64k
# (the engines, EC, ECDSA, general-ciphering, general-signing and the KDF are
#  ~280k of code on the 64-bit unix port, counted apart, as in test_suites)
"""Protected APDUs between a third party and a server through a client
(security.third_party): our client, associated with our server (suite 1,
HLS-ECDSA), relays a third party's signed and ciphered GET that it cannot
read itself; the server answers signed and ciphered for the third party,
whose answer the client cannot read either.  Forged, misaddressed, unknown
and replayed third-party APDUs are refused; the client's own GETs go on."""

from checks import raises
from engine_fixtures import REGISTER_LN
# (imported here so that they count as code, as on a board with them frozen)
from microcosem.apdu import action, get, names, service_error  # noqa: F401
from microcosem.axdr import DOUBLE_LONG_UNSIGNED
from microcosem.errors import DlmsError
from microcosem.security import SecurityError, agreement, ec, general_ciphering, kdf  # noqa: F401
from microcosem.security import signing
from microcosem.security.third_party import Peer, ThirdParty, ThirdPartyServerSecurity, relay
from test_suites import ST_S, keys, make

ST_T = bytes.fromhex("5450000000000007")  # the third party's system title
CURVE = ec.P256


def key(byte):
    priv = bytes((byte,)) * CURVE.size
    return priv, ec.public_key(CURVE, priv)


T_SIGN, T_SIGN_PUB = key(0x31)
T_AGREE, T_AGREE_PUB = key(0x32)
S_SIGN, S_SIGN_PUB = key(0x41)
S_AGREE, S_AGREE_PUB = key(0x42)
# GetRequestNormal, invoke-id-and-priority 0xC2 (confirmed, high, id 2: the
# third party's own), register 1.0.1.8.0.255 attribute 2
GET = bytes((0xC0, 0x01, 0xC2, 0x00, 0x03)) + REGISTER_LN + b"\x02\x00"
ANSWER = b"\xc4\x01\xc2\x00\x06\x00\x00\x04\xd2"  # double-long-unsigned 1234


def setup():
    """(session, server, wire, third party, the server as the third party knows it)."""
    s, server, wire, csec, ssec = make(1)
    parties = {ST_T: Peer(ST_T, T_SIGN_PUB, T_AGREE_PUB)}
    sec = ThirdPartyServerSecurity(ssec, parties, S_SIGN, S_AGREE, suite=1)
    ctx = server.context(1)
    ctx.config.security = ctx.security = sec  # the server's hook, wrapping its ServerSecurity
    s.associate()
    assert s.client.associated
    return s, server, wire, ThirdParty(ST_T, T_SIGN, T_AGREE, suite=1), Peer(ST_S, S_SIGN_PUB,
                                                                              S_AGREE_PUB)


def client_cannot_open(data, csec):
    # the client's keys open neither layer: its own hook refuses the APDU and
    # the ciphered content is not the plain APDU under them
    inner = signing.decode(data).content if data[0] == 0xDF else data
    assert inner[0] == 0xDD
    ek, ak, _ = keys(1)
    raises(SecurityError, general_ciphering.unprotect, inner, ak, ek)
    raises(SecurityError, general_ciphering.unprotect, inner, ak, ek, None, None,
           lambda msg: ek)  # even guessing the client's key as the agreed one


def test_third_party_get_relayed_by_the_client():
    s, server, wire, tp, srv = setup()
    csec = s.client.settings.security
    req = tp.protect(GET, srv)
    assert req[0] == 0xDF and GET not in req  # signed, and ciphered inside
    client_cannot_open(req, csec)
    raises(DlmsError, csec.unprotect, s.client, req)
    answer = relay(s, req)
    assert answer[0] == 0xDF and ANSWER not in answer
    m = signing.verify(answer, S_SIGN_PUB)  # signed by the server, for the third party
    assert m.originator == ST_S and m.recipient == ST_T
    client_cannot_open(answer, csec)
    assert tp.unprotect(answer) == ANSWER
    # the bytes went over the wire unchanged, both ways
    assert wire.apdus[-2] == req and wire.apdus[-1] == answer
    # the client's own association goes on, its counters untouched by the relay
    assert s.get(3, REGISTER_LN, 2) == (DOUBLE_LONG_UNSIGNED, 1234)
    # a second request: a new transaction id, a new agreed key
    req2 = tp.protect(GET, srv)
    assert req2 != req and tp.unprotect(relay(s, req2)) == ANSWER


def test_signed_only_and_ciphered_only():
    s, _, _, tp, srv = setup()
    req = tp.protect(GET, srv, cipher=False)
    assert req[0] == 0xDF and GET in req  # signed only: readable, not forgeable
    answer = relay(s, req)
    assert ANSWER in answer and tp.unprotect(answer) == ANSWER
    req = tp.protect(GET, srv, sign=False)
    assert req[0] == 0xDD and GET not in req
    answer = relay(s, req)
    assert answer[0] == 0xDD and tp.unprotect(answer) == ANSWER
    raises(SecurityError, tp.protect, GET, srv, False, False)


def test_forged_misaddressed_unknown_and_replayed_refused():
    s, server, _, tp, srv = setup()
    deciphering_error = b"\xd8\x01\x05"
    # a flipped bit in the ciphered content: the signature fails first
    req = bytearray(tp.protect(GET, srv))
    req[-70] ^= 1
    assert relay(s, req) == deciphering_error
    # signed by another key than the third party's
    other = ThirdParty(ST_T, b"\x55" * 32, T_AGREE, ic=100)
    assert relay(s, other.protect(GET, srv)) == deciphering_error
    # addressed to another server
    elsewhere = Peer(b"MMM\x00\x00\x00\x00\x09", S_SIGN_PUB, S_AGREE_PUB)
    assert relay(s, tp.protect(GET, elsewhere)) == deciphering_error
    # an originator the server does not know is not the third party's hook's:
    # the inner ServerSecurity refuses it (another title than the client's)
    stranger = ThirdParty(b"XYZ\x00\x00\x00\x00\x01", T_SIGN, T_AGREE)
    assert relay(s, stranger.protect(GET, srv)) == deciphering_error
    # a replayed request: invocation-counter-error with the counter expected
    req = tp.protect(GET, srv)
    answer = relay(s, req)
    assert tp.unprotect(answer) == ANSWER
    again = relay(s, req)
    assert again[0:3] == b"\xd8\x01\x06", again
    # the third party takes only the answer to its pending request
    raises(SecurityError, tp.unprotect, answer)
    tp.protect(GET, srv)
    raises(SecurityError, tp.unprotect, answer)  # the previous transaction's
    raises(SecurityError, relay, s, GET)  # the client relays protected APDUs only
    # and the association is still the client's
    assert s.get(3, REGISTER_LN, 2) == (DOUBLE_LONG_UNSIGNED, 1234)
    assert server.context(1).authenticated


def test_other_security_suite_refused_as_deciphering_error():
    # a third party protecting under suite 2 (P-384, AES-GCM-256) for a server
    # whose Security setup says suite 1: ExceptionResponse service-not-allowed,
    # deciphering-error, in the clear, ciphered only or signed too
    s, server, _, _, _ = setup()
    p384 = []
    for byte in (0x51, 0x52, 0x61, 0x62):
        priv = bytes((byte,)) * ec.P384.size
        p384.append((priv, ec.public_key(ec.P384, priv)))
    tp2 = ThirdParty(ST_T, p384[0][0], p384[1][0], suite=2)
    srv2 = Peer(ST_S, p384[2][1], p384[3][1])
    assert relay(s, tp2.protect(GET, srv2, sign=False)) == b"\xd8\x01\x05"
    assert relay(s, tp2.protect(GET, srv2)) == b"\xd8\x01\x05"
    assert s.get(3, REGISTER_LN, 2) == (DOUBLE_LONG_UNSIGNED, 1234)


def test_truncated_and_mutated_raise_dlms_errors_only():
    # the server's hook and the third party take any bytes: a DlmsError
    # (SecurityError, DecodeError...), never an IndexError or a KeyError
    s, server, _, tp, srv = setup()
    sec = server.context(1).security
    ctx = server.context(1)
    req = tp.protect(GET, srv)
    answer = relay(s, tp.protect(GET, srv))
    cases = [req[:n] for n in (1, 2, 3, 10, 11, 12, 20, 40, len(req) - 1)]
    cases += [answer[:n] for n in (1, 5, 12, 30, len(answer) - 1)]
    for i in (1, 2, 10, 11, 12, 13, 22, 30, 31, 35):
        for data in (req, answer):
            m = bytearray(data)
            m[i] ^= 0xFF
            cases.append(bytes(m))
    for data in cases:
        for fn, arg in ((sec.unprotect, ctx), (None, None)):
            try:
                if fn is None:
                    tp.pending = (srv, answer[2:10], True, True)  # its transaction-id
                    tp.unprotect(data)
                else:
                    fn(arg, data)
            except DlmsError:
                continue
            raise AssertionError("accepted %s" % data.hex())
    # and the association survives all that
    assert s.get(3, REGISTER_LN, 2) == (DOUBLE_LONG_UNSIGNED, 1234)

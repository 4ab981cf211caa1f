# workheap: 64k
# (the client and server engines with every APDU codec are ~200k of code on the
#  64-bit unix port, counted apart, as in test_ciphering_engines)
"""HLS mechanism 2 (manufacturer-specific): the firmware's own f(StoC) and
f(CtoS), here a made-up pair (a secret-keyed mix of the challenges and
titles that is deliberately different each way), joined to Hls, then our
client and our server associating with it over the engines and reading."""

from checks import raises, unhex
from engine_fixtures import REGISTER_LN, register
from microcosem.apdu import names, service_error  # noqa: F401  (the refusals' texts: code)
from microcosem.apdu.acse import CONTEXT_LN
from microcosem.axdr import DOUBLE_LONG_UNSIGNED
from microcosem.client import Client, ClientSettings, Session
from microcosem.cosem.association import AssociationLN
from microcosem.errors import AssociationError
from microcosem.security import SecurityError
from microcosem.security.hls import (MECHANISM_MANUFACTURER, ClientAuthenticator, Hls,
                                     ServerAuthenticator)
from microcosem.server.config import AssociationConfig
from microcosem.server.engine import Server
from microcosem.server.model import ObjectModel

ST_S = unhex("4D4D4D0000BC614E")
ST_C = unhex("4D4D4D0000000001")
CTOS = b"K56iVagY"
STOC = b"P6wRJ21F"


def made_up(secret, tag, calls=None):
    """A manufacturer's f: not a standard hash, so nothing but this pair can
    produce it.  fn(peer challenge, own challenge, own title, peer title)."""

    def fn(peer_challenge, own_challenge, own_title, peer_title):
        if calls is not None:
            calls.append(tag)
        acc = bytearray(16)
        data = bytes((tag,)) + peer_challenge + own_challenge + bytes(own_title or b"") \
            + bytes(peer_title or b"")
        for i in range(len(data)):
            j = i & 15
            acc[j] = ((acc[j] * 31) + data[i] + secret[i % len(secret)]) & 0xFF
            acc[(j + 7) & 15] ^= acc[j]
        return bytes(acc)

    return fn


def pair(secret=b"manufacturer", calls=None):
    return made_up(secret, 0x53, calls), made_up(secret, 0x43, calls)  # f(StoC), f(CtoS)


def test_mechanism_2_both_ways():
    f_stoc, f_ctos = pair()
    client = Hls(MECHANISM_MANUFACTURER, f_stoc=f_stoc, f_ctos=f_ctos)
    server = Hls(MECHANISM_MANUFACTURER, f_stoc=f_stoc, f_ctos=f_ctos, server=True)
    fs = client.respond(CTOS, STOC, ST_C, ST_S)  # the client's f(StoC)
    assert fs == f_stoc(STOC, CTOS, ST_C, ST_S)
    assert server.check(fs, STOC, CTOS, ST_S, ST_C)
    fc = server.respond(STOC, CTOS, ST_S, ST_C)  # the server's f(CtoS)
    assert fc == f_ctos(CTOS, STOC, ST_S, ST_C) and fc != fs
    assert client.check(fc, CTOS, STOC, ST_C, ST_S)
    # each side refuses its own f sent back, a flipped bit, and another secret's f
    assert not server.check(fc, STOC, CTOS, ST_S, ST_C)
    assert not client.check(fs, CTOS, STOC, ST_C, ST_S)
    bad = bytearray(fs)
    bad[5] ^= 1
    assert not server.check(bad, STOC, CTOS, ST_S, ST_C)
    other = Hls(MECHANISM_MANUFACTURER, f_stoc=pair(b"other")[0], f_ctos=f_ctos)
    assert not server.check(other.respond(CTOS, STOC, ST_C, ST_S), STOC, CTOS, ST_S, ST_C)
    # a function that has nothing to say (None) fails the check, it does not raise
    quiet = Hls(MECHANISM_MANUFACTURER, f_stoc=lambda *a: None, f_ctos=f_ctos, server=True)
    assert not quiet.check(fs, STOC, CTOS, ST_S, ST_C)
    raises(SecurityError, Hls, MECHANISM_MANUFACTURER)
    raises(SecurityError, Hls, MECHANISM_MANUFACTURER, f_stoc=f_stoc)


# Without ciphering the AARE carries no responding-AP-title, so the functions
# see the client's title (the AARQ's calling-AP-title) and None for the server's.
def make(client_secret=b"manufacturer", server_secret=b"manufacturer", calls=None):
    sf = pair(server_secret, calls)
    server = Server(ObjectModel((register(), AssociationLN())), (
        AssociationConfig(1, mechanism=MECHANISM_MANUFACTURER, context=CONTEXT_LN,
                          authenticator=ServerAuthenticator(
                              Hls(MECHANISM_MANUFACTURER, f_stoc=sf[0], f_ctos=sf[1]))),))
    cf = pair(client_secret, calls)
    settings = ClientSettings(client_sap=1, context=CONTEXT_LN, mechanism=MECHANISM_MANUFACTURER,
                              calling_ap_title=ST_C, authenticator=ClientAuthenticator(
                                  Hls(MECHANISM_MANUFACTURER, f_stoc=cf[0], f_ctos=cf[1])))
    return Session(Client(settings), lambda apdu: server.handle(apdu, 1)), server


def test_mechanism_2_association_over_the_engines():
    calls = []
    s, server = make(calls=calls)
    s.associate()
    assert s.client.associated and server.context(1).authenticated
    # the client computed f(StoC), the server checked it with f(StoC), answered
    # with f(CtoS), which the client checked with f(CtoS)
    assert calls == [0x53, 0x53, 0x43, 0x43], calls
    assert s.get(3, REGISTER_LN, 2) == (DOUBLE_LONG_UNSIGNED, 1234)


def test_mechanism_2_wrong_function_refused():
    s, server = make(client_secret=b"guess")
    raises(AssociationError, s.associate)
    assert not s.client.associated and not server.context(1).authenticated
    # the server answers with a function the client's is not: the client refuses f(CtoS)
    s, server = make()
    auth = server.context(1).config.authenticator
    auth.hls.f_ctos = pair(b"impostor")[1]
    e = raises(AssociationError, s.associate)
    assert "f(CtoS)" in str(e) and not s.client.associated

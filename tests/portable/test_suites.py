# workheap: 64k
# (the engines with every APDU codec, EC and ECDSA are ~220k of code on the 64-bit
#  unix port, counted apart; the association, the GETs and the refusals work in 64k)
"""Security suite 1 (ECDH-ECDSA-AES-GCM-128-SHA-256, P-256) end to end: our
client and our server associate with HLS mechanism 7 (ECDSA) and read under
glo- APDUs whose SC carries suite id 1.  A request in another suite, a wrong
f(StoC) signature and a wrong f(CtoS) signature are refused.  Suite 2 (P-384,
AES-GCM-256) runs the same checks in test_suites_p384; the helpers here are
shared with it."""

from checks import raises, unhex
from engine_fixtures import REGISTER_LN, Wire, register
# (imported here so that they count as code, as on a board with them frozen, not
# as the work's heap: the refusals' error texts, the codecs loaded on first use)
from microcosem.apdu import action, get, names, service_error  # noqa: F401
from microcosem.apdu.acse import CONTEXT_LN_CIPHERED
from microcosem.axdr import DOUBLE_LONG_UNSIGNED
from microcosem.client import Client, ClientSettings, Session
from microcosem.cosem.association import AssociationLN
from microcosem.errors import AssociationError, ServiceError
from microcosem.security import SecurityError, ciphering, ec, ecdsa  # noqa: F401 (code)
from microcosem.security.ciphering import ClientSecurity, ServerSecurity
from microcosem.security.hls import MECHANISM_ECDSA, ClientAuthenticator, Hls, ServerAuthenticator
from microcosem.server.config import AssociationConfig
from microcosem.server.engine import Server
from microcosem.server.model import ObjectModel

ST_S = unhex("4D4D4D0000BC614E")
ST_C = unhex("4D4D4D0000000001")


def keys(suite):
    """(EK, AK, curve): 16-byte keys in suite 1, 32-byte ones in suite 2."""
    n = 32 if suite == 2 else 16
    return bytes(range(n)), bytes(range(0xD0, 0xD0 + n)), ec.P384 if suite == 2 else ec.P256


def make(suite, client_sc=None, client_priv=None, server_priv=None):
    ek, ak, curve = keys(suite)
    c_priv = b"\x11" * curve.size
    s_priv = b"\x22" * curve.size
    c_pub = ec.public_key(curve, c_priv)
    s_pub = ec.public_key(curve, s_priv)
    ssec = ServerSecurity(ST_S, ek, ak, ic=100, sc=0x30 | suite, suite=suite)
    shls = Hls(MECHANISM_ECDSA, suite=suite, private_key=server_priv or s_priv, peer_public_key=c_pub)
    server = Server(ObjectModel((register(), AssociationLN())), (
        AssociationConfig(1, mechanism=MECHANISM_ECDSA, context=CONTEXT_LN_CIPHERED, security=ssec,
                          authenticator=ServerAuthenticator(shls, security=ssec)),))
    csec = ClientSecurity(ST_C, ek, ak, ic=1, sc=0x30 | suite if client_sc is None else client_sc)
    chls = Hls(MECHANISM_ECDSA, suite=suite, private_key=client_priv or c_priv, peer_public_key=s_pub)
    settings = ClientSettings(client_sap=1, context=CONTEXT_LN_CIPHERED, mechanism=MECHANISM_ECDSA,
                              calling_ap_title=ST_C, security=csec,
                              authenticator=ClientAuthenticator(chls, csec))
    wire = Wire(server)
    return Session(Client(settings), wire), server, wire, csec, ssec


def security_controls(apdus):
    """The SC of every glo- APDU on the wire, and of the glo-initiate-request
    / -response inside the AARQ / AARE (found after their user-information
    tag: BE len 04 len <glo- tag> len SC)."""
    out = []
    for a in apdus:
        if a[0] in (0x60, 0x61):
            i = a.find(b"\x21" if a[0] == 0x60 else b"\x28")  # glo-initiate-request / -response
            while i > 0 and a[i - 2] != 0x04:
                i = a.find(a[i:i + 1], i + 1)
            assert i > 0, "no ciphered InitiateRequest/Response in the ACSE APDU"
            out.append(a[i + 2])
        else:
            assert ciphering.plain_tag(a[0]) is not None, "0x%02X is not a glo- APDU" % a[0]
            pos = ciphering.parse_header(a)[2]
            out.append(a[pos])
    return out


def check_suite(suite):
    s, server, wire, csec, ssec = make(suite)
    s.associate()
    assert s.client.associated and server.context(1).authenticated
    assert s.get(3, REGISTER_LN, 2) == (DOUBLE_LONG_UNSIGNED, 1234)
    assert s.get(3, REGISTER_LN, 2) == (DOUBLE_LONG_UNSIGNED, 1234)
    scs = security_controls(wire.apdus)
    # AARQ, AARE, the HLS reply and its answer, two GETs and their answers
    assert len(scs) == 8 and scs == [0x30 | suite] * 8, scs
    assert 0xC8 in [a[0] for a in wire.apdus] and 0xCC in [a[0] for a in wire.apdus]
    assert csec.last_server_ic == ssec.ic - 1
    # the suite's key length: the other length is refused by the ciphering layer
    ek, ak, _ = keys(suite)
    raises(SecurityError, ciphering.protect, b"\xc0\x01\xc1", ST_C, 1, ek[:16] if suite == 2 else
           ek + ek, ak, 0x30 | suite)
    return s, server, wire, csec


def check_mismatched_suite(suite):
    other = 1 if suite == 2 else 0
    ek, _, _ = keys(suite)
    # After the association: a GET in another suite (same keys where they fit,
    # so only the SC's suite id is wrong) is a deciphering error, answered in
    # the clear as ExceptionResponse service-not-allowed / deciphering-error.
    s, server, wire, csec = check_suite(suite)[0:4]
    n = len(wire.apdus)
    csec.sc = 0x30 | other
    if suite == 2:
        csec.ek = ek[:16]  # suite 1 takes 16-byte keys: a valid suite-1 APDU
    e = raises(ServiceError, s.get, 3, REGISTER_LN, 2)
    assert wire.apdus[n + 1] == b"\xd8\x01\x05", wire.apdus[n + 1]
    assert "deciphering" in str(e)
    # in the AARQ: its glo-initiate-request in another suite, the AARE rejects
    # (rejected-permanent) and no association is made
    s, server, wire, _, _ = make(suite, client_sc=0x30 | other)
    if suite == 2:
        s.client.settings.security.ek = ek[:16]
    raises(AssociationError, s.associate)
    assert not s.client.associated and not server.context(1).authenticated
    aare = wire.apdus[1]
    assert aare[0] == 0x61 and b"\xa2\x03\x02\x01\x01" in aare  # result rejected-permanent


def check_wrong_signatures(suite):
    _, _, curve = keys(suite)
    wrong = b"\x33" * curve.size
    # the client signs f(StoC) with a key the server does not know: HLS refused
    s, server, _, _, _ = make(suite, client_priv=wrong)
    raises(AssociationError, s.associate)
    assert not s.client.associated and not server.context(1).authenticated
    # the server's f(CtoS) under another key: the client refuses it
    s, server, _, _, _ = make(suite, server_priv=wrong)
    e = raises(AssociationError, s.associate)
    assert "f(CtoS)" in str(e) and not s.client.associated


def test_suite_1_ecdsa_association_and_gets():
    check_suite(1)


def test_suite_1_mismatched_suite_refused():
    check_mismatched_suite(1)


def test_suite_1_wrong_signature_refused():
    check_wrong_signatures(1)

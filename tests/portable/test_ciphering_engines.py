# heapsize: 288k
# (code, not work: the client and server engines with every APDU codec are
#  about 200k of heap as .mpy on the 64-bit unix port (see test_engines), and
#  the security modules another 30k; the work itself fits a meter's heap)
"""Our client and our server, each with its security hooks (ClientSecurity /
ClientAuthenticator, ServerSecurity / ServerAuthenticator), joined by a byte
pipe that checks every APDU on the wire is a ciphered one: HLS-GMAC, then
reads under SC 0x30, a dedicated key, authentication only,
general-glo-ciphering and general-ciphering."""

from checks import raises, unhex
from engine_fixtures import REGISTER_LN, register
from microcosem.apdu.acse import CONTEXT_LN_CIPHERED, MECHANISM_HIGH_GMAC
from microcosem.axdr import DOUBLE_LONG_UNSIGNED
from microcosem.client import Client, ClientSettings, Session
from microcosem.cosem.association import AssociationLN
from microcosem.errors import AssociationError
from microcosem.security import ciphering
from microcosem.security.ciphering import ClientSecurity, ServerSecurity
from microcosem.security.hls import ClientAuthenticator, Hls, ServerAuthenticator
from microcosem.server.config import AssociationConfig
from microcosem.server.engine import Server
from microcosem.server.model import ObjectModel

EK = unhex("000102030405060708090A0B0C0D0E0F")
AK = unhex("D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF")
ST_S = unhex("4D4D4D0000BC614E")
ST_C = unhex("4D4D4D0000000001")


class Wire:
    """server.handle, remembering the tags that went each way."""

    def __init__(self, server):
        self.server = server
        self.tags = []

    def __call__(self, apdu):
        self.tags.append(apdu[0])
        reply = self.server.handle(apdu, 1)
        self.tags.append(reply[0])
        return reply


def make(sc=0x30, dedicated_key=None, general=False, client_ek=EK):
    ssec = ServerSecurity(ST_S, EK, AK, ic=100)
    server = Server(ObjectModel((register(), AssociationLN())), (
        AssociationConfig(1, mechanism=MECHANISM_HIGH_GMAC, context=CONTEXT_LN_CIPHERED,
                          security=ssec, authenticator=ServerAuthenticator(Hls(5, ek=EK, ak=AK),
                                                                           security=ssec)),))
    csec = ClientSecurity(ST_C, client_ek, AK, ic=1, sc=sc, dedicated_key=dedicated_key,
                          general=general)
    settings = ClientSettings(client_sap=1, context=CONTEXT_LN_CIPHERED, mechanism=MECHANISM_HIGH_GMAC,
                              calling_ap_title=ST_C, security=csec,
                              authenticator=ClientAuthenticator(Hls(5, ek=client_ek, ak=AK), csec))
    wire = Wire(server)
    return Session(Client(settings), wire), server, wire, csec, ssec


def _all_ciphered(tags):
    # AARQ 0x60 / AARE 0x61 are ACSE (their user-information is ciphered);
    # everything else on the wire must be a glo-/ded-/general ciphered APDU
    return all(t in (0x60, 0x61) or ciphering.is_ciphered(t) for t in tags)


def test_hls_gmac_and_ciphered_get():
    s, server, wire, csec, ssec = make()
    s.associate()
    assert s.client.associated and server.context(1).authenticated
    assert s.get(3, REGISTER_LN, 2) == (DOUBLE_LONG_UNSIGNED, 1234)
    assert _all_ciphered(wire.tags) and 0xC8 in wire.tags and 0xCC in wire.tags
    assert csec.ic > 1 and ssec.ic > 100 and csec.last_server_ic == ssec.ic - 1


def test_dedicated_key_authentication_only_and_general():
    s, server, wire, _, _ = make(dedicated_key=bytes(range(16, 32)))
    s.associate()
    assert server.context(1).dedicated_key == bytes(range(16, 32))
    assert s.get(3, REGISTER_LN, 2) == (DOUBLE_LONG_UNSIGNED, 1234)
    assert 0xD0 in wire.tags and 0xD4 in wire.tags  # ded-get-request / -response
    for sc, tag in ((0x10, 0xC8), (0x20, 0xC8)):
        s, _, wire, _, _ = make(sc=sc)
        s.associate()
        assert s.get(3, REGISTER_LN, 2) == (DOUBLE_LONG_UNSIGNED, 1234)
        assert tag in wire.tags and _all_ciphered(wire.tags)
    s, _, wire, _, _ = make(general=True)
    s.associate()
    assert s.get(3, REGISTER_LN, 2) == (DOUBLE_LONG_UNSIGNED, 1234)
    assert 0xDB in wire.tags and _all_ciphered(wire.tags)


def test_general_ciphering_both_ways():
    # general-ciphering (0xDD) requests, answered in kind by ServerSecurity
    s, _, wire, csec, ssec = make(general="ciphering")
    s.associate()
    assert s.get(3, REGISTER_LN, 2) == (DOUBLE_LONG_UNSIGNED, 1234)
    after_aarq = wire.tags[2:]
    assert after_aarq and all(t == 0xDD for t in after_aarq)  # the HLS reply too
    assert csec.last_server_ic == ssec.ic - 1


def test_wrong_key_no_association():
    s, server, _, _, _ = make(client_ek=bytes(16))
    raises(AssociationError, s.associate)
    assert not server.context(1).authenticated

"""The security hooks in the server engine against a peer: gurux-dlms's client
with HLS-GMAC (mechanism 5) and ciphered APDUs (SC 0x30, and authentication
only), raw APDUs (PDU mode).  The meter's side is security.ciphering's
ServerSecurity and security.hls's ServerAuthenticator, as a board builds them."""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.join(HERE, "..", "..", "firmware"), os.path.join(HERE, "..", "portable")]

import pytest  # noqa: E402

pytest.importorskip("gurux_dlms")
from gurux_dlms import GXByteBuffer, GXDLMSClient, GXReplyData  # noqa: E402
from gurux_dlms.enums import Authentication, InterfaceType, Security  # noqa: E402
from gurux_dlms.objects import GXDLMSRegister  # noqa: E402

from engine_fixtures import register  # noqa: E402
from microcosem.apdu.acse import CONTEXT_LN_CIPHERED  # noqa: E402
from microcosem.cosem.association import AssociationLN  # noqa: E402
from microcosem.security.ciphering import ServerSecurity  # noqa: E402
from microcosem.security.hls import Hls, ServerAuthenticator  # noqa: E402
from microcosem.server.config import AssociationConfig  # noqa: E402
from microcosem.server.engine import Server  # noqa: E402
from microcosem.server.model import ObjectModel  # noqa: E402

EK = bytes.fromhex("000102030405060708090A0B0C0D0E0F")
AK = bytes.fromhex("D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF")
ST_S = bytes.fromhex("4D4D4D0000BC614E")
ST_C = bytes.fromhex("4D4D4D0000000001")


def make(ic=0x01234567):
    sec = ServerSecurity(ST_S, EK, AK, ic=ic)
    auth = ServerAuthenticator(Hls(5, ek=EK, ak=AK), security=sec)
    model = ObjectModel((register(), AssociationLN()))  # reply_to_HLS_authentication
    cfg = AssociationConfig(1, mechanism=5, context=CONTEXT_LN_CIPHERED, security=sec,
                            authenticator=auth, max_pdu=512)
    return Server(model, (cfg,)), sec


def client(security=Security.AUTHENTICATION_ENCRYPTION, ek=EK):
    c = GXDLMSClient(True, 1, 1, Authentication.HIGH_GMAC, None, InterfaceType.PDU)
    from gurux_dlms.GXCiphering import GXCiphering

    c.settings.cipher = cipher = GXCiphering(ST_C)
    cipher.security = security
    cipher.blockCipherKey = ek
    cipher.authenticationKey = AK
    cipher.invocationCounter = 1
    return c


def talk(server, c, msgs):
    reply = GXReplyData()
    data = None
    for m in msgs:
        data = server.handle(bytes(m), 1)
    c.getData(GXByteBuffer(data), reply)
    return reply


def associate(server, c):
    r = talk(server, c, c.aarqRequest())
    c.parseAareResponse(r.data)
    r = talk(server, c, c.getApplicationAssociationRequest())
    c.parseApplicationAssociationResponse(r.data)


@pytest.mark.parametrize("security", [Security.AUTHENTICATION_ENCRYPTION, Security.AUTHENTICATION])
def test_gurux_hls_gmac_ciphered_read(security, capsys):
    server, sec = make()
    c = client(security)
    associate(server, c)
    assert server.context(1).authenticated
    reg = GXDLMSRegister("1.0.1.8.0.255")
    msgs = c.read(reg, 2)
    assert msgs[0][0] == 0xC8  # glo-get-request went on the wire
    assert talk(server, c, msgs).value == 1234
    assert sec.last[0] == (security | 0)  # answered under the request's SC
    assert sec.ic > 0x01234567  # the server's counter moved for f(CtoS) and answers


def test_gurux_with_a_wrong_key_is_not_let_in(capsys):
    server, _ = make()
    c = client(ek=bytes(16))
    with pytest.raises(Exception):
        associate(server, c)
    assert not server.context(1).authenticated


def test_replayed_request_is_refused(capsys):
    server, _ = make()
    c = client()
    associate(server, c)
    reg = GXDLMSRegister("1.0.1.8.0.255")
    msgs = c.read(reg, 2)
    first = server.handle(bytes(msgs[0]), 1)
    again = server.handle(bytes(msgs[0]), 1)
    assert first[0] == 0xCC
    assert again[0] == 0xD8 and again[2] == 6  # ExceptionResponse invocation-counter-error


def test_gurux_dedicated_key(capsys):
    # The dedicated key travels in the ciphered InitiateRequest; gurux then
    # protects its requests with it (ded-get-request 0xD0), and the answer
    # comes back under it.
    server, sec = make()
    c = client()
    c.settings.cipher.dedicatedKey = bytes(range(0x40, 0x50))
    associate(server, c)
    assert server.context(1).dedicated_key == bytes(range(0x40, 0x50))
    reg = GXDLMSRegister("1.0.1.8.0.255")
    msgs = c.read(reg, 2)
    assert msgs[0][0] == 0xD0
    assert talk(server, c, msgs).value == 1234
    assert sec.last[1]  # dedicated

"""Security suites 1 and 2 against a peer: gurux-dlms's client with HLS
mechanism 7 (HIGH_ECDSA) and ciphered APDUs under the suite (SC 0x31 /
0x32) reads our server (ServerSecurity(suite=) and ServerAuthenticator over
Hls(7), as test_suites builds them), raw APDUs (PDU mode).  Suite 1 only:
gurux-dlms 1.0.203 cannot sign with P-384 (GXEcdsa.sign tests for P256
twice, so a P-384 key is "Invalid private key scheme"); suite 2 is checked
against `cryptography` in test_third_party_crypto instead."""

import pytest

pytest.importorskip("gurux_dlms")
from gurux_dlms import GXByteBuffer, GXDLMSClient, GXReplyData  # noqa: E402
from gurux_dlms.GXCiphering import GXCiphering  # noqa: E402
from gurux_dlms.ecdsa.GXPrivateKey import GXPrivateKey  # noqa: E402
from gurux_dlms.ecdsa.GXPublicKey import GXPublicKey  # noqa: E402
from gurux_dlms.enums import Authentication, InterfaceType, Security  # noqa: E402
from gurux_dlms.objects import GXDLMSRegister  # noqa: E402
from gurux_dlms.objects.enums import SecuritySuite  # noqa: E402

from microcosem.security import ec  # noqa: E402
import test_suites  # noqa: E402  (tests/portable)

SUITES = {1: SecuritySuite.SUITE_1, 2: SecuritySuite.SUITE_2}


def gurux_client(suite, client_priv=None):
    ek, ak, curve = test_suites.keys(suite)
    c = GXDLMSClient(True, 1, 1, Authentication.HIGH_ECDSA, None, InterfaceType.PDU)
    c.settings.cipher = cipher = GXCiphering(test_suites.ST_C)
    cipher.security = Security.AUTHENTICATION_ENCRYPTION
    cipher.securitySuite = SUITES[suite]
    cipher.blockCipherKey = ek
    cipher.authenticationKey = ak
    cipher.invocationCounter = 1
    priv = client_priv or b"\x11" * curve.size
    s_pub = ec.public_key(curve, b"\x22" * curve.size)
    # gurux's pair: (the server's public key, to check f(CtoS); our private key)
    cipher.signingKeyPair = (GXPublicKey.fromRawBytes(b"\x04" + s_pub),
                             GXPrivateKey.fromRawBytes(priv))
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


@pytest.mark.parametrize("suite", (1,))
def test_gurux_hls_ecdsa_and_ciphered_read(suite, capsys):
    _, server, _, _, ssec = test_suites.make(suite)
    c = gurux_client(suite)
    associate(server, c)
    assert server.context(1).authenticated
    msgs = c.read(GXDLMSRegister("1.0.1.8.0.255"), 2)
    assert msgs[0][0] == 0xC8 and msgs[0][2] == 0x30 | suite  # glo-get-request, SC with the suite
    assert talk(server, c, msgs).value == 1234
    assert ssec.last[0] == 0x30 | suite


@pytest.mark.parametrize("suite", (1,))
def test_gurux_wrong_signing_key_not_let_in(suite, capsys):
    _, server, _, _, _ = test_suites.make(suite)
    _, _, curve = test_suites.keys(suite)
    c = gurux_client(suite, b"\x33" * curve.size)
    with pytest.raises(Exception):
        associate(server, c)
    assert not server.context(1).authenticated

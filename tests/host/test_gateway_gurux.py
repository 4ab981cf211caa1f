"""Our gateway APDUs against gurux-dlms's: the request it builds with a
gateway set is byte for byte ours, and it reads our gateway-responses (an
answer, a push) and its translator names their fields."""

from gurux_dlms import GXByteBuffer, GXDLMSClient, GXDLMSGateway, GXDLMSTranslator, GXReplyData
from gurux_dlms.enums import Authentication, InterfaceType
from gurux_dlms.objects import GXDLMSRegister

from microcosem.client import Client, ClientSettings
from microcosem.profiles.gateway import decode_gateway, gateway_request, gateway_response, wrap_notification
from microcosem.profiles.wrapper import decode_datagram, wrap

ENERGY = bytes((1, 0, 1, 8, 0, 255))


def _gurux(address, network_id=0):
    c = GXDLMSClient(True, 16, 1, Authentication.NONE, None, InterfaceType.WRAPPER)
    gw = GXDLMSGateway()
    gw.networkId = network_id
    gw.physicalDeviceAddress = bytearray(address)
    c.gateway = gw
    return c


def _apdu(frame):
    return bytes(decode_datagram(bytes(frame))[2])


def test_gurux_request_is_ours():
    for net, addr in ((0, b"\x11"), (7, b"\x12"), (255, bytes(range(1, 9)))):
        g = _gurux(addr, net)
        ours = Client(ClientSettings())
        # Gurux invokes with id 1 and high priority (0xC1); ours defaults to 0xC1 too
        get = ours.get_request(3, ENERGY, 2)
        assert _apdu(g.read(GXDLMSRegister("1.0.1.8.0.255"), 2)[0]) == gateway_request(net, addr, get)
        # the AARQ too travels wrapped; its proposed conformance differs, so compare the head
        aarq = _apdu(g.aarqRequest()[0])
        tag, n, a, inner = decode_gateway(aarq)
        assert (tag, n, a, inner[0]) == (0xE6, net, addr, 0x60)


def test_gurux_reads_our_response():
    g = _gurux(b"\x11")
    g.read(GXDLMSRegister("1.0.1.8.0.255"), 2)
    answer = bytes.fromhex("C401C100060000" "1092")
    r = GXReplyData()
    assert g.getData(GXByteBuffer(wrap(1, 16, gateway_response(0, b"\x11", answer))), r, None)
    assert r.isComplete() and r.value == 4242


def test_gurux_translator_names_the_fields():
    t = GXDLMSTranslator()
    xml = t.pduToXml(GXByteBuffer(gateway_response(3, b"\x12\x34", bytes.fromhex("C401C100060000" "1092"))))
    assert "GatewayResponse" in xml
    assert 'NetworkId Value="3"' in xml
    assert 'PhysicalDeviceAddress Value="1234"' in xml
    assert "GetResponse" in xml


def test_gurux_reads_our_wrapped_notification():
    # DataNotification: long-invoke-id 7, no date-time, structure {unsigned 5, long-unsigned 42}
    push = bytes.fromhex("0F00000007" "00" "0202" "1105" "12002A")
    g = GXDLMSClient(True, 16, 1, Authentication.NONE, None, InterfaceType.WRAPPER)
    reply, notify = GXReplyData(), GXReplyData()
    g.getData(GXByteBuffer(wrap(1, 16, wrap_notification(0, b"\x11", push))), reply, notify)
    assert notify.isComplete() and notify.command == 0x0F and list(notify.value) == [5, 42]

"""HDLC link engines against gurux-dlms 1.0.203 as the peer (CPython only).

Gurux's client builds SNRM, segments requests over I frames and reassembles
segmented answers with its own code; ours must agree byte for byte where the
standard leaves no choice, and interwork where it does.
"""

import pytest

gurux = pytest.importorskip("gurux_dlms")

from gurux_dlms import GXByteBuffer, GXDLMSClient, GXReplyData  # noqa: E402
from gurux_dlms.enums import InterfaceType  # noqa: E402
from gurux_dlms.objects import GXDLMSData  # noqa: E402

from microcosem.profiles.hdlc import APDU, CONNECTED, HdlcClient, HdlcServer  # noqa: E402
from microcosem.profiles.hdlc_frame import RR, decode_frame  # noqa: E402


def _gurux(max_tx=128, max_rx=128, win_tx=1, win_rx=1, interface=InterfaceType.HDLC):
    c = GXDLMSClient(True, 0x10, 1, interfaceType=interface)
    c.hdlcSettings.maxInfoTX = max_tx
    c.hdlcSettings.maxInfoRX = max_rx
    c.hdlcSettings.windowSizeTX = win_tx
    c.hdlcSettings.windowSizeRX = win_rx
    return c


def _frames(data):
    pos = 0
    while pos < len(data):
        f = decode_frame(data, pos)
        yield data[pos:f.end + 1]
        pos = f.end + 1


def _connect(g, server):
    server.feed(g.snrmRequest())
    ua = server.data_to_send()
    assert server.next_event()[0] == CONNECTED
    f = decode_frame(ua)
    g.parseUAResponse(GXByteBuffer(bytes(f.info())))
    return ua


@pytest.mark.parametrize("params", [(128, 128, 1, 1), (64, 64, 1, 1), (512, 256, 1, 1),
                                    (128, 128, 7, 7), (2030, 1000, 3, 1)])
def test_snrm_same_bytes_as_gurux(params):
    ours = HdlcClient(max_info_tx=params[0], max_info_rx=params[1],
                      window_tx=params[2], window_rx=params[3])
    ours.connect()
    assert ours.data_to_send() == bytes(_gurux(*params).snrmRequest())


def test_gurux_reads_our_ua():
    g = _gurux(512, 512, 1, 1)
    server = HdlcServer(max_info_tx=256, max_info_rx=1024)
    _connect(g, server)
    # Gurux reads our UA from the server's side: our transmit is its receive.
    assert (g.settings.hdlc.maxInfoTX, g.settings.hdlc.maxInfoRX) == (512, 256)
    assert (server.max_info_tx, server.max_info_rx) == (256, 512)


def test_gurux_segmented_request_reassembled():
    g = _gurux(64, 64)
    server = HdlcServer(max_info_tx=64, max_info_rx=64)
    _connect(g, server)
    d = GXDLMSData("0.0.96.1.0.255")
    d.value = bytes(range(256)) + b"x" * 44
    msgs = g.write(d, 2)
    assert len(msgs) > 4  # segmented over I frames with the S bit
    for m in msgs:
        server.feed(m)
        out = server.data_to_send()
        if m is not msgs[-1]:
            f = decode_frame(out)  # RR F asking for the next segment
            assert f.kind == RR and f.pf
    e = server.next_event()
    # The very APDU Gurux sends over the wrapper, where nothing is segmented.
    w = _gurux(interface=InterfaceType.WRAPPER).write(d, 2)
    assert len(w) == 1
    assert e == (APDU, bytes(w[0][8:]))


@pytest.mark.parametrize("max_info", [32, 128, 1000])
def test_our_segmented_answer_reassembled_by_gurux(max_info):
    g = _gurux(max_info, max_info)
    server = HdlcServer(max_info_tx=max_info, max_info_rx=max_info)
    _connect(g, server)
    for m in g.read(GXDLMSData("0.0.96.1.0.255"), 2):
        server.feed(m)
    kind, request = server.next_event()
    assert kind == APDU and request[:2] == b"\xc0\x01"
    value = bytes((i * 7) & 0xFF for i in range(3000))
    # GET.response-normal, same invoke-id, data: octet-string(3000).
    server.send_apdu(bytes([0xC4, 0x01, request[2], 0x00, 0x09, 0x82, 0x0B, 0xB8]) + value)
    reply = GXReplyData()
    frames = 0
    while True:
        for fr in _frames(server.data_to_send()):
            frames += 1
            g.getData(GXByteBuffer(fr), reply, None)
        if not reply.isMoreData():
            break
        server.feed(g.receiverReady(reply))
    assert reply.isComplete() and bytes(reply.value) == value
    assert frames == -(-3011 // max_info)

"""Our HDLC server engine with dlms-cosem 25.1.0's HDLC client as the peer (CPython only).

dlms-cosem's HdlcTransport sends SNRM without parameters, I frames of at
most 128 bytes each with the final bit, asks for more with RR and strips
the LLC header itself: a second, independent reading of the standard.
"""

import pytest

pytest.importorskip("dlms_cosem")

from dlms_cosem.hdlc import frames  # noqa: E402
from dlms_cosem.io import HdlcTransport  # noqa: E402

from microcosem.profiles.hdlc import APDU, CONNECTED, DISCONNECTED, HdlcServer  # noqa: E402


class _LoopIO:
    """dlms-cosem's IO interface, wired straight to our server engine."""

    def __init__(self, server, answer):
        self.server = server
        self.answer = answer
        self.rx = bytearray()
        self.requests = []
        self.events = []

    def connect(self):
        pass

    def disconnect(self):
        pass

    def send(self, data):
        self.server.feed(bytes(data))
        e = self.server.next_event()
        while e is not None:
            self.events.append(e[0])
            if e[0] == APDU:
                self.requests.append(e[1])
                self.server.send_apdu(self.answer(e[1]))
            e = self.server.next_event()
        self.rx += self.server.data_to_send()

    def recv(self, amount=1):
        out = bytes(self.rx[:amount])
        self.rx[:amount] = b""
        return out

    def recv_until(self, end):
        i = self.rx.index(end) + len(end)
        out = bytes(self.rx[:i])
        self.rx[:i] = b""
        return out


@pytest.mark.parametrize("request_size,answer_size", [(10, 10), (300, 40), (20, 3000)])
def test_dlms_cosem_client_against_our_server(request_size, answer_size):
    server = HdlcServer(max_info_tx=128, max_info_rx=128)
    answer = bytes((i * 13 + 5) & 0xFF for i in range(answer_size))
    io = _LoopIO(server, lambda req: answer)
    t = HdlcTransport(client_logical_address=16, server_logical_address=1, io=io)
    ua = t.connect()
    assert isinstance(ua, frames.UnNumberedAcknowledgmentFrame)
    request = bytes((i * 3) & 0xFF for i in range(request_size))
    assert bytes(t.send_request(request)) == answer
    assert io.requests == [request]
    assert bytes(t.send_request(request[:5] or b"\x00")) == answer   # sequence numbers go on
    t.disconnect()
    assert io.events == [CONNECTED, APDU, APDU, DISCONNECTED]

# heapsize: 192k
# (the client and server engines and the APDU codecs loaded as .mpy: 160k fails)
"""Our client reads a meter over SMS: the short wrapper, answers longer than
one SMS concatenated and delivered in reverse order, a message for an
unknown SAP and a broken part dropped unanswered."""

from engine_fixtures import PROFILE_LN, REGISTER_LN, profile, register, row

from microcosem.axdr import DOUBLE_LONG_UNSIGNED
from microcosem.client import Client, ClientSettings, Session
from microcosem.profiles.sms import SmsEndpoint, SmsLink, SmsOutbox
from microcosem.server.config import AssociationConfig
from microcosem.server.engine import Server
from microcosem.server.model import ObjectModel

METER = "+41790000017"
HEAD_END = "+41790000001"


class Air:
    """Both ends' carriers; what the meter sends comes back last part first."""

    def __init__(self):
        server = Server(ObjectModel((register(4242), profile(30))), (AssociationConfig(0x10),))
        self.to_head = SmsOutbox()
        self.meter = SmsLink(((1, server),), self.to_head)
        self.to_meter = SmsOutbox()
        self.head = SmsEndpoint(self.to_meter)
        self.sms_up = 0

    def send(self, apdu):
        self.head.send_apdu(0x10, 0x01, apdu, METER)
        for payload, udhi, address in self.to_meter.sent:
            assert address == METER
            self.meter.receive(payload, udhi, HEAD_END)
        self.to_meter.sent = []
        sent = self.to_head.sent
        self.to_head.sent = []
        self.sms_up += len(sent)
        msg = None
        for payload, udhi, address in reversed(sent):
            assert address == HEAD_END
            got = self.head.receive(payload, udhi, METER)
            if got is not None:
                msg = got
        assert msg is not None and msg[:2] == (0x01, 0x10)
        return msg[2]


def test_client_over_sms():
    air = Air()
    s = Session(Client(ClientSettings()), air.send)
    s.associate()
    assert s.get(3, REGISTER_LN, 2) == (DOUBLE_LONG_UNSIGNED, 4242)
    assert air.sms_up == 2
    rows = s.get(7, PROFILE_LN, 2)[1]      # ~700 bytes in one GetResponse: 6 SMS
    assert len(rows) == 30 and rows[29] == row(30)
    assert air.sms_up >= 7
    s.release()


def test_dropped_unanswered():
    air = Air()
    aarq = Client(ClientSettings()).associate()
    end = SmsEndpoint(SmsOutbox())
    end.send_apdu(0x10, 0x05, aarq)            # no logical device 5
    for p, u, _ in end.carrier.sent:
        air.meter.receive(p, u, HEAD_END)
    air.meter.receive(b"\x05\x00\x03\x01\x02\x09x", True, HEAD_END)   # part 9 of 2
    assert air.to_head.sent == [] and air.meter.errors == 1

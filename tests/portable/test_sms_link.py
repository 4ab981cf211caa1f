# heapsize: 192k
# (the client and server engines and the APDU codecs loaded as .mpy: 160k fails)
"""Our client reads a meter over SMS: the short wrapper, answers longer than
one SMS concatenated and delivered in reverse order, or kept within one SMS
by the DLMS block transfer (as Gurux's SMS profile does), a message for an
unknown SAP and a broken part dropped unanswered."""

from engine_fixtures import PROFILE_LN, REGISTER_LN, profile, register, row

from microcosem.axdr import DOUBLE_LONG_UNSIGNED
from microcosem.client import Client, ClientSettings, Session
from microcosem.profiles.sms import MAX_APDU_ONE_SMS, SmsEndpoint, SmsLink, SmsOutbox
from microcosem.server.config import AssociationConfig
from microcosem.server.engine import Server
from microcosem.server.model import ObjectModel

METER = "+41790000017"
HEAD_END = "+41790000001"


class Air:
    """Both ends' carriers; what the meter sends comes back last part first."""

    def __init__(self, **config):
        server = Server(ObjectModel((register(4242), profile(30))),
                        (AssociationConfig(0x10, **config),))
        self.to_head = SmsOutbox()
        self.meter = SmsLink(((1, server),), self.to_head)
        self.to_meter = SmsOutbox()
        self.head = SmsEndpoint(self.to_meter)
        self.sms_up = 0
        self.headers = 0  # SMS sent with a user data header, both ways

    def send(self, apdu):
        self.head.send_apdu(0x10, 0x01, apdu, METER)
        for payload, udhi, address in self.to_meter.sent:
            assert address == METER
            self.headers += udhi
            self.meter.receive(payload, udhi, HEAD_END)
        self.to_meter.sent = []
        sent = self.to_head.sent
        self.to_head.sent = []
        self.sms_up += len(sent)
        msg = None
        for payload, udhi, address in reversed(sent):
            assert address == HEAD_END
            self.headers += udhi
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


def test_within_one_sms_by_block_transfer():
    # both ends' PDU sizes at 138 octets (140 less the short wrapper): the
    # profile comes back as GET-with-datablock answers, each one SMS with no
    # user data header, which a peer that knows no SMS concatenation reads
    air = Air(max_pdu=MAX_APDU_ONE_SMS)
    s = Session(Client(ClientSettings(max_receive_pdu=MAX_APDU_ONE_SMS)), air.send)
    s.associate()
    rows = s.get(7, PROFILE_LN, 2)[1]
    assert len(rows) == 30 and rows[29] == row(30)
    assert air.headers == 0 and air.sms_up >= 7
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

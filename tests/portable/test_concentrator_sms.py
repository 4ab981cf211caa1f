# heapsize: 256k
# (as test_concentrator, with the SMS profile: mostly loaded .mpy code; 240k fails)
"""A head-end that reaches the concentrator by SMS: gateway-requests in the
short wrapper, the meters' answers (a profile of several SMS) sent back by
SmsLink.poll as they come from the HDLC lines."""

from engine_fixtures import PROFILE_LN, REGISTER_LN, profile, register, row

from microcosem.axdr import DOUBLE_LONG_UNSIGNED
from microcosem.client import Client, ClientSettings, Session
from microcosem.io.concentrator import Concentrator
from microcosem.io.hdlc_link import HdlcLink
from microcosem.profiles.gateway import GatewayTransport
from microcosem.profiles.sms import SmsEndpoint, SmsLink, SmsOutbox
from microcosem.server.config import AssociationConfig
from microcosem.server.engine import Server
from microcosem.server.model import ObjectModel

CONCENTRATOR = "+41790000100"
HEAD_END = "+41790000001"


def test_head_end_by_sms():
    lines = {}
    for p, value in ((17, 4242), (18, 1818)):
        server = Server(ObjectModel((register(value), profile(12))), (AssociationConfig(0x10),))
        lines[p] = HdlcLink(((1, server),), physical_address=p)
    conc = Concentrator(((17, 1), (18, 1)))
    to_head = SmsOutbox()
    link = SmsLink(((1, conc),), to_head)
    to_conc = SmsOutbox()
    head = SmsEndpoint(to_conc)
    counts = []

    def send(apdu):
        if apdu is not None:
            head.send_apdu(0x10, 0x01, apdu, CONCENTRATOR)
            for payload, udhi, _ in to_conc.sent:
                link.receive(payload, udhi, HEAD_END, 0)
            to_conc.sent = []
        for _ in range(50):
            for p in (17, 18):
                out = conc.data_for(p)
                if out:
                    back = lines[p].receive(out, 0)
                    if back:
                        conc.feed(p, back, 0)
            link.poll(0)
            if to_head.sent:
                break
        sent = to_head.sent
        to_head.sent = []
        counts.append(len(sent))
        msg = None
        for payload, udhi, number in sent:
            assert number == HEAD_END
            msg = head.receive(payload, udhi, CONCENTRATOR) or msg
        assert msg is not None and msg[:2] == (0x01, 0x10)
        return msg[2]

    a = Session(Client(ClientSettings()), GatewayTransport(send, 0, b"\x11"))
    b = Session(Client(ClientSettings()), GatewayTransport(send, 0, b"\x12"))
    a.associate()
    b.associate()
    assert a.get(3, REGISTER_LN, 2) == (DOUBLE_LONG_UNSIGNED, 4242)
    assert b.get(3, REGISTER_LN, 2) == (DOUBLE_LONG_UNSIGNED, 1818)
    rows = a.get(7, PROFILE_LN, 2)[1]
    assert len(rows) == 12 and rows[11] == row(12)
    assert max(counts) >= 2   # the profile came back in several SMS

"""The host's blocking HDLC link (microcosem_host.link.Hdlc) against our
server's HdlcLink through an in-memory stream: closing it sends DISC and
waits for the UA, so the meter's link and association end at once (before,
close() only queued the DISC and returned: a meter on a serial line stayed
in NRM until its inactivity time-out)."""

from microcosem.client import Client, ClientSettings, Session
from microcosem.io.hdlc_link import HdlcLink
from microcosem.server.config import AssociationConfig
from microcosem.server.engine import Server
from microcosem.server.model import ObjectModel
from microcosem_host import link


class PipeStream:
    """A stream whose far end is a server HdlcLink, answering at once."""

    where = "pipe"

    def __init__(self, server_link):
        self.server_link = server_link
        self.pending = b""
        self.closed = False

    def write(self, data):
        self.pending += self.server_link.receive(data, 0) or b""

    def read(self, wait_s):
        data, self.pending = self.pending, b""
        return data

    def close(self):
        self.closed = True


def test_close_sends_disc_and_waits_for_the_ua():
    server = Server(ObjectModel(()), (AssociationConfig(0x10),))
    server_link = HdlcLink(((1, server),))
    stream = PipeStream(server_link)
    h = link.Hdlc(stream, server_upper=1, client_sap=0x10, timeout=2.0)
    assert server_link.hdlc.connected
    Session(Client(ClientSettings(client_sap=0x10)), h).associate()
    assert server.context(0x10).associated
    h.close()
    assert not server_link.hdlc.connected
    assert not server.context(0x10).associated
    assert stream.closed

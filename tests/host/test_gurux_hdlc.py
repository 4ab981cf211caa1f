"""gurux-dlms, as a client over HDLC on TCP (InterfaceType.HDLC), reads the demo
meter that `microcosem serve --transport hdlc` runs, on the MicroPython runtime
and on CPython: SNRM/UA, the association (public, and LLS as the reader), the
object list and a long profile read in segmented I frames, the release and
DISC, then the reader on a new connection; a wrong LLS password refused."""

import pytest

from gurux_dlms import GXReplyData
from gurux_dlms.GXDLMSException import GXDLMSException
from gurux_dlms.enums import Authentication, InterfaceType, ObjectType

from gurux_reader import GuruxReader
from meter_process import MeterProcess

RUNTIMES = ("micropython", "cpython")


class GuruxHdlc(GuruxReader):
    """The reader with HDLC frames on the connection: SNRM/UA before the
    association, DISC after the release."""

    def __init__(self, port, sap=16, auth=Authentication.NONE, password=None):
        GuruxReader.__init__(self, port, sap, auth, password, interface=InterfaceType.HDLC)

    def connect(self):
        self.client.parseUAResponse(self.exchange(self.client.snrmRequest()).data)
        self.associate()

    def close(self):
        self.exchange(self.client.releaseRequest())
        self.exchange(self.client.disconnectRequest())  # DISC, answered UA
        self.sock.close()


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_gurux_over_hdlc(runtime):
    with MeterProcess(runtime, "--transport", "hdlc") as port:
        g = GuruxHdlc(port)
        g.connect()
        assert g.client.limits.maxInfoTX == 128  # nothing proposed: the defaults
        objects = g.objects()  # an object list of ~2k: GET blocks, each in several I frames
        assert len(objects) >= 15
        energy = objects.findByLN(ObjectType.REGISTER, "1.0.1.8.0.255")
        g.read(energy, 3)
        assert g.read(energy, 2) > 12000000
        lp = objects.findByLN(ObjectType.PROFILE_GENERIC, "1.0.99.1.0.255")
        g.read(lp, 3)
        assert g.read(lp, 7) == 1000  # entries_in_use
        g.close()
        # the reader, LLS, on a new connection
        g = GuruxHdlc(port, 17, Authentication.LOW, b"12345678")
        g.connect()
        reply = GXReplyData()
        g.block(g.client.read(energy, 2), reply)
        assert reply.value > 12000000
        g.close()


def test_gurux_over_hdlc_wrong_password():
    with MeterProcess("cpython", "--transport", "hdlc") as port:
        g = GuruxHdlc(port, 17, Authentication.LOW, b"wrong")
        reply = GXReplyData()
        g.block(g.client.snrmRequest(), reply)
        g.client.parseUAResponse(reply.data)
        reply = GXReplyData()
        g.block(g.client.aarqRequest(), reply)
        with pytest.raises(GXDLMSException) as e:
            g.client.parseAareResponse(reply.data)
        assert "Authentication failure" in str(e.value)  # rejected-permanent, diagnostic 13
        reply = GXReplyData()
        g.block(g.client.disconnectRequest(), reply)  # the link still answers: UA
        g.sock.close()


def test_gurux_over_hdlc_negotiates_longer_frames():
    with MeterProcess("cpython", "--transport", "hdlc") as port:
        g = GuruxHdlc(port)
        g.client.hdlcSettings.maxInfoTX = 1000
        g.client.hdlcSettings.maxInfoRX = 400
        g.connect()
        # the listener takes up to 512 each way: the smaller figures hold
        assert (g.client.hdlcSettings.maxInfoTX, g.client.hdlcSettings.maxInfoRX) == (512, 400)
        assert len(g.objects()) >= 15
        g.close()

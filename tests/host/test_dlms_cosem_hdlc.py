"""dlms-cosem (PyPI), as a client over HDLC carried on TCP (its HdlcTransport on
a BlockingTcpIO), reads the demo meter that `microcosem serve --transport
hdlc` runs, on both runtimes: SNRM/UA, LLS association, GETs, the load
profile by range (an answer longer than one 128-byte I frame: segmented),
release and DISC, then a second connection."""

from datetime import datetime, timedelta, timezone

import pytest

from dlms_cosem import cosem, enumerations
from dlms_cosem.client import DlmsClient
from dlms_cosem.cosem.selective_access import CaptureObject, RangeDescriptor
from dlms_cosem.io import BlockingTcpIO, HdlcTransport
from dlms_cosem.security import LowLevelSecurityAuthentication, NoSecurityAuthentication
from dlms_cosem.utils import parse_as_dlms_data

from meter_process import MeterProcess

CLOCK = cosem.CosemAttribute(interface=enumerations.CosemInterface.CLOCK,
                             instance=cosem.Obis(0, 0, 1, 0, 0, 255), attribute=2)
ENERGY = cosem.CosemAttribute(interface=enumerations.CosemInterface.REGISTER,
                              instance=cosem.Obis(1, 0, 1, 8, 0, 255), attribute=2)
PROFILE = cosem.CosemAttribute(interface=enumerations.CosemInterface.PROFILE_GENERIC,
                               instance=cosem.Obis(1, 0, 99, 1, 0, 255), attribute=2)


def client(port, sap=16, password=None):
    io = BlockingTcpIO(host="127.0.0.1", port=port)
    transport = HdlcTransport(client_logical_address=sap, server_logical_address=1, io=io)
    auth = LowLevelSecurityAuthentication(password) if password else NoSecurityAuthentication()
    return DlmsClient(transport=transport, authentication=auth)


@pytest.mark.parametrize("runtime", ("micropython", "cpython"))
def test_dlms_cosem_over_hdlc(runtime):
    with MeterProcess(runtime, "--transport", "hdlc") as port:
        with client(port, 17, b"12345678").session() as c:
            assert parse_as_dlms_data(c.get(ENERGY)) > 12000000
            assert len(parse_as_dlms_data(c.get(CLOCK))) == 12
            now = datetime.now(timezone.utc)
            end = now.replace(minute=now.minute // 15 * 15, second=0, microsecond=0)
            rng = RangeDescriptor(
                restricting_object=CaptureObject(cosem_attribute=CLOCK, data_index=0),
                from_value=end - timedelta(hours=2), to_value=end)
            rows = parse_as_dlms_data(c.get(PROFILE, access_descriptor=rng))
            assert 8 <= len(rows) <= 9, rows
        # the public client on a second connection: the first one's DISC ended everything
        with client(port).session() as c:
            assert parse_as_dlms_data(c.get(ENERGY)) > 12000000

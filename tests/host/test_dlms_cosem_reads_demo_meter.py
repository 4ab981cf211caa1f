"""dlms-cosem (PyPI), as a client over the TCP wrapper, reads the demo meter
on both runtimes as far as that library goes: association with and without
LLS, GETs of registers and the clock, the load profile by range (which
it sends with block transfer), and as the management client with HLS-GMAC
and ciphered APDUs a SET, an ACTION, a release."""

from datetime import datetime, timedelta, timezone

import pytest

from dlms_cosem import cosem, enumerations
from dlms_cosem.client import DlmsClient
from dlms_cosem.cosem.selective_access import CaptureObject, RangeDescriptor
from dlms_cosem.io import BlockingTcpIO, TcpTransport
from dlms_cosem.security import (HighLevelSecurityGmacAuthentication,
                                 LowLevelSecurityAuthentication, NoSecurityAuthentication)
from dlms_cosem.utils import parse_as_dlms_data

from meter_process import MeterProcess

CLOCK = cosem.CosemAttribute(interface=enumerations.CosemInterface.CLOCK,
                             instance=cosem.Obis(0, 0, 1, 0, 0, 255), attribute=2)
ENERGY = cosem.CosemAttribute(interface=enumerations.CosemInterface.REGISTER,
                              instance=cosem.Obis(1, 0, 1, 8, 0, 255), attribute=2)
PROFILE = cosem.CosemAttribute(interface=enumerations.CosemInterface.PROFILE_GENERIC,
                               instance=cosem.Obis(1, 0, 99, 1, 0, 255), attribute=2)


EK = bytes.fromhex("000102030405060708090A0B0C0D0E0F")
AK = bytes.fromhex("D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF")


def client(port, sap=16, password=None, hls=False):
    io = BlockingTcpIO(host="127.0.0.1", port=port)
    transport = TcpTransport(client_logical_address=sap, server_logical_address=1, io=io)
    if hls:  # HLS-GMAC, APDUs authenticated and encrypted with the Green Book keys
        return DlmsClient(transport=transport, authentication=HighLevelSecurityGmacAuthentication(),
                          encryption_key=EK, authentication_key=AK,
                          client_system_title=bytes.fromhex("4D4D4D0000000001"),
                          client_initial_invocation_counter=1)
    auth = LowLevelSecurityAuthentication(password) if password else NoSecurityAuthentication()
    return DlmsClient(transport=transport, authentication=auth)


@pytest.mark.parametrize("runtime", ("micropython", "cpython"))
def test_dlms_cosem_reads(runtime):
    with MeterProcess(runtime) as port:
        with client(port, 17, b"12345678").session() as c:
            energy = parse_as_dlms_data(c.get(ENERGY))
            assert energy > 12000000
            clock = parse_as_dlms_data(c.get(CLOCK))
            assert len(clock) == 12
            now = datetime.now(timezone.utc)
            end = now.replace(minute=now.minute // 15 * 15, second=0, microsecond=0)
            rng = RangeDescriptor(
                restricting_object=CaptureObject(cosem_attribute=CLOCK, data_index=0),
                from_value=end - timedelta(hours=1), to_value=end)
            rows = parse_as_dlms_data(c.get(PROFILE, access_descriptor=rng))
            assert 4 <= len(rows) <= 5, rows
            stamps = [bytes(r[0]) for r in rows]
            assert stamps == sorted(stamps) and all(len(t) == 12 for t in stamps)
            energy = [r[1] for r in rows]
            assert energy == sorted(energy)


@pytest.mark.parametrize("runtime", ("micropython", "cpython"))
def test_dlms_cosem_sets_and_acts(runtime):
    with MeterProcess(runtime) as port:
        with client(port, 1, hls=True).session() as c:
            code = cosem.CosemAttribute(interface=enumerations.CosemInterface.DATA,
                                        instance=cosem.Obis(0, 0, 96, 11, 0, 255), attribute=2)
            c.set(code, bytes.fromhex("12 0042"))
            assert parse_as_dlms_data(c.get(code)) == 0x42
            reset = cosem.CosemMethod(interface=enumerations.CosemInterface.EXTENDED_REGISTER,
                                      instance=cosem.Obis(1, 0, 1, 6, 0, 255), method=1)
            c.action(reset, bytes.fromhex("0F00"))
            demand = cosem.CosemAttribute(interface=enumerations.CosemInterface.EXTENDED_REGISTER,
                                          instance=cosem.Obis(1, 0, 1, 6, 0, 255), attribute=2)
            assert parse_as_dlms_data(c.get(demand)) == 0

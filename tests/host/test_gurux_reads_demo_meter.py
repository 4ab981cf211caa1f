"""gurux-dlms, as a client over the TCP wrapper, reads the demo meter that
`microcosem serve` runs, on the MicroPython runtime and on CPython: the
association, the object list, every readable attribute of every object, the
clock, the load profile by range, the release; and as the management client
with HLS-GMAC and every APDU authenticated and encrypted (suite 0), a SET
and an ACTION."""

import datetime

import pytest

from gurux_dlms import GXDateTime, GXReplyData
from gurux_dlms.enums import Authentication, ObjectType
from gurux_dlms.objects import GXDLMSData, GXDLMSExtendedRegister

from gurux_reader import GuruxReader
from meter_process import MeterProcess

RUNTIMES = ("micropython", "cpython")
EK = bytes.fromhex("000102030405060708090A0B0C0D0E0F")
AK = bytes.fromhex("D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF")
CLIENT_TITLE = bytes.fromhex("4D4D4D0000000001")


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_gurux_reads_everything(runtime):
    with MeterProcess(runtime) as port:
        r = GuruxReader(port)
        r.associate()
        objects = r.objects()
        assert len(objects) >= 15
        names = {o.logicalName for o in objects}
        assert {"0.0.1.0.0.255", "1.0.1.8.0.255", "1.0.99.1.0.255", "0.0.40.0.0.255"} <= names
        read = 0
        for obj in objects:
            for index in range(2, obj.getAttributeCount() + 1):
                if not obj.getAccess(index) & 1:  # AccessMode.READ
                    continue
                if obj.objectType == ObjectType.PROFILE_GENERIC and index == 2:
                    continue  # the buffer: by range below, after its capture objects
                r.read(obj, index)
                read += 1
        assert read > 50, read
        energy = objects.findByLN(ObjectType.REGISTER, "1.0.1.8.0.255")
        assert energy.value > 12000000 and energy.scaler == 1.0
        clock = objects.findByLN(ObjectType.CLOCK, "0.0.1.0.0.255")
        now = datetime.datetime.now(datetime.timezone.utc)
        assert abs((clock.time.value - now).total_seconds()) < 60
        lp = objects.findByLN(ObjectType.PROFILE_GENERIC, "1.0.99.1.0.255")
        assert len(lp.captureObjects) == 4 and lp.entriesInUse == 1000
        end = now.replace(minute=now.minute // 15 * 15, second=0, microsecond=0)
        start = end - datetime.timedelta(hours=2)
        reply = GXReplyData()
        r.block(r.client.readRowsByRange(lp, GXDateTime(start), GXDateTime(end)), reply)
        rows = r.client.updateValue(lp, 2, reply.value)
        assert 8 <= len(rows) <= 9, len(rows)
        assert all(a[1] <= b[1] for a, b in zip(rows, rows[1:]))
        r.release()


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_gurux_sets_and_acts_as_management_with_hls_gmac_ciphered(runtime):
    with MeterProcess(runtime) as port:
        r = GuruxReader(port, 1, Authentication.HIGH_GMAC, keys=(EK, AK, CLIENT_TITLE))
        r.associate()
        event = GXDLMSData("0.0.96.11.0.255")
        r.read(event, 2)
        event.value = 77
        reply = GXReplyData()
        r.block(r.client.write(event, 2), reply)
        r.read(event, 2)
        assert event.value == 77
        demand = GXDLMSExtendedRegister("1.0.1.6.0.255")
        r.read(demand, 3)
        r.read(demand, 2)
        assert demand.value > 0
        reply = GXReplyData()
        r.block(demand.reset(r.client), reply)
        r.read(demand, 2)
        assert demand.value == 0
        r.release()
        # the public client may not write
        p = GuruxReader(port)
        p.associate()
        event.value = 5
        reply = GXReplyData()
        p.block(p.client.write(event, 2), reply)
        assert reply.getError() == 3, reply.getError()  # read-write-denied
        p.read(event, 2)
        assert event.value == 77
        p.release()


def test_gurux_wrong_password_is_refused():
    with MeterProcess("cpython") as port:
        r = GuruxReader(port, 17, Authentication.LOW, "nope")
        with pytest.raises(Exception):
            r.associate()
        r.sock.close()

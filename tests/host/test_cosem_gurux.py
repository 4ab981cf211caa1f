"""The COSEM objects behind the real server engine, read by a peer: gurux-dlms 1.0.203's
client in PDU mode.  The object list, a clock, a register's scaler_unit, a profile
read whole, by range and by entry, and a disconnect control's remote_disconnect."""

import datetime
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.join(HERE, "..", "..", "firmware")]

import pytest  # noqa: E402

gurux = pytest.importorskip("gurux_dlms")
from gurux_dlms import GXByteBuffer, GXDateTime, GXDLMSClient, GXReplyData  # noqa: E402
from gurux_dlms.enums import Authentication, DataType, InterfaceType, ObjectType  # noqa: E402
from gurux_dlms.objects import (GXDLMSClock, GXDLMSDisconnectControl, GXDLMSProfileGeneric,  # noqa: E402
                                GXDLMSRegister)

from microcosem.axdr import DOUBLE_LONG_UNSIGNED, LONG, OCTET_STRING  # noqa: E402
from microcosem.cosem.table import bind, build  # noqa: E402
from microcosem.cosemdate import days_from_civil  # noqa: E402
from microcosem.server.config import AssociationConfig  # noqa: E402
from microcosem.server.engine import Server  # noqa: E402

T0 = days_from_civil(2026, 1, 15) * 86400 + 12 * 3600   # 12:00 UTC


def meter():
    t = [T0]
    wh = [100000]
    table = (
        (8, "0.0.1.0.0.255", {"time_source": lambda: t[0], "time_zone": (LONG, -60)}),
        (1, "0.0.96.1.0.255", {"value": (OCTET_STRING, b"MCS0001")}),
        (3, "1.0.1.8.0.255", {"value": lambda: (DOUBLE_LONG_UNSIGNED, wh[0]), "scaler_unit": (-1, 30)}),
        (7, "1.0.99.1.0.255", {"capture_objects": (("0.0.1.0.0.255", 2), ("1.0.1.8.0.255", 2)),
                               "profile_entries": 500}),
        (70, "0.0.96.3.10.255", None),
        (15, "0.0.40.0.0.255", None),
    )
    objs = build(table)
    model = bind(objs)
    lp = objs[3]
    for _ in range(400):
        lp.capture()
        t[0] += 900
        wh[0] += 25
    t[0] = T0 + 400 * 900
    server = Server(model, (AssociationConfig(16, max_pdu=256),))
    return server, model, objs


class Peer:
    def __init__(self, server, sap=16, pdu=256):
        self.server = server
        self.sap = sap
        self.c = GXDLMSClient(True, sap, 1, Authentication.NONE, None, InterfaceType.PDU)
        self.c.maxReceivePDUSize = pdu

    def talk(self, msgs):
        reply = GXReplyData()
        data = None
        for m in msgs:
            data = self.server.handle(bytes(m), self.sap)
        self.c.getData(GXByteBuffer(data), reply)
        while reply.isMoreData():
            data = self.server.handle(bytes(self.c.receiverReady(reply)), self.sap)
            self.c.getData(GXByteBuffer(data), reply)
        return reply

    def associate(self):
        self.c.parseAareResponse(self.talk(self.c.aarqRequest()).data)


def test_gurux_parses_the_object_list():
    server, model, objs = meter()
    p = Peer(server)
    p.associate()
    r = p.talk([p.c.getObjectsRequest()])
    found = p.c.parseObjects(r.data, True)
    kinds = [(int(o.objectType), o.logicalName) for o in found]
    assert kinds == [(8, "0.0.1.0.0.255"), (1, "0.0.96.1.0.255"), (3, "1.0.1.8.0.255"),
                     (7, "1.0.99.1.0.255"), (70, "0.0.96.3.10.255"), (15, "0.0.40.0.0.255")]
    aln = found[5]
    assert aln.version == 2
    pg = found.findByLN(ObjectType.PROFILE_GENERIC, "1.0.99.1.0.255")
    assert pg is not None


def test_gurux_reads_clock_register_and_data():
    server, model, objs = meter()
    p = Peer(server)
    p.associate()
    clock = GXDLMSClock("0.0.1.0.0.255")
    v = p.talk(p.c.read(clock, 2)).value
    p.c.updateValue(clock, 2, v)
    tm = clock.time.value
    assert (tm.year, tm.month, tm.day, tm.hour) == (2026, 1, 19, 17)   # 400 * 15 min later, UTC+1
    reg = GXDLMSRegister("1.0.1.8.0.255")
    p.c.updateValue(reg, 3, p.talk(p.c.read(reg, 3)).value)
    assert reg.scaler == 0.1 and int(reg.unit) == 30
    assert p.talk(p.c.read(reg, 2)).value == 110000


def test_gurux_reads_the_profile_whole_by_range_and_by_entry():
    server, model, objs = meter()
    p = Peer(server)
    p.associate()
    pg = GXDLMSProfileGeneric("1.0.99.1.0.255")
    p.c.updateValue(pg, 3, p.talk(p.c.read(pg, 3)).value)
    assert len(pg.captureObjects) == 2
    rows = p.talk(p.c.read(pg, 2)).value
    assert len(rows) == 400 and rows[0][1] == 100000 and rows[-1][1] == 100000 + 399 * 25
    rows = p.talk(p.c.readRowsByEntry(pg, 11, 5)).value
    assert [r[1] for r in rows] == [100000 + 25 * k for k in range(10, 15)]
    utc = datetime.timezone.utc   # (GXDateTime.fromUnixTime overflows in 1.0.203)
    start = GXDateTime(datetime.datetime.fromtimestamp(T0 + 900 * 100, utc))
    end = GXDateTime(datetime.datetime.fromtimestamp(T0 + 900 * 103, utc))
    rows = p.talk(p.c.readRowsByRange(pg, start, end)).value
    assert [r[1] for r in rows] == [100000 + 25 * k for k in range(100, 104)]


def test_gurux_remote_disconnect():
    server, model, objs = meter()
    p = Peer(server)
    p.associate()
    dc = GXDLMSDisconnectControl("0.0.96.3.10.255")
    assert p.talk(p.c.method(dc, 1, 0, DataType.INT8)).error == 0
    assert objs[4].get(3, None, None)[1] == 0
    assert p.talk(p.c.read(dc, 2)).value is False


def sn_meter():
    t = [T0]
    table = (
        (8, "0.0.1.0.0.255", {"time_source": lambda: t[0]}, 0x2000),
        (3, "1.0.1.8.0.255", {"value": (DOUBLE_LONG_UNSIGNED, 4242), "scaler_unit": (-2, 30)}, 0x2100),
        (70, "0.0.96.3.10.255", None, 0x2200),
        (12, "0.0.40.0.0.255", None, 0xFA00),
    )
    objs = build(table)
    model = bind(objs)
    return Server(model, (AssociationConfig(16, context=2, max_pdu=256),)), objs


def test_gurux_sn_client_reads_objects_by_base_name():
    server, objs = sn_meter()
    p = Peer(server)
    p.c = GXDLMSClient(False, 16, 1, Authentication.NONE, None, InterfaceType.PDU)
    p.c.maxReceivePDUSize = 256
    p.associate()
    found = p.c.parseObjects(p.talk([p.c.getObjectsRequest()]).data, True)
    assert [(int(o.objectType), o.shortName) for o in found] == [(8, 0x2000), (3, 0x2100), (70, 0x2200),
                                                                 (12, 0xFA00)]  # a long on the wire
    reg = found.findBySN(0x2100)
    assert p.talk(p.c.read(reg, 2)).value == 4242
    p.c.updateValue(reg, 3, p.talk(p.c.read(reg, 3)).value)
    assert reg.scaler == 0.01
    dc = found.findBySN(0x2200)
    assert p.talk(p.c.method(dc, 1, 0, DataType.INT8)).error == 0   # a Write to base + 0x20
    assert objs[2].get(3, None, None)[1] == 0


def test_gurux_reads_the_association_attributes():
    from gurux_dlms.objects import GXDLMSAssociationLogicalName
    server, model, objs = meter()
    p = Peer(server)
    p.associate()
    a = GXDLMSAssociationLogicalName("0.0.40.0.0.255")
    for i in (3, 4, 5, 6, 8):
        p.c.updateValue(a, i, p.talk(p.c.read(a, i)).value)
    assert (a.clientSAP, a.serverSAP) == (16, 1)
    assert a.applicationContextName.contextId == 1 and a.applicationContextName.dlmsUA == 8
    assert int(a.authenticationMechanismName.mechanismId) == 0
    assert a.xDLMSContextInfo.maxReceivePduSize == 256 and a.xDLMSContextInfo.dlmsVersionNumber == 6
    assert int(a.associationStatus) == 2

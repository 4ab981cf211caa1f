# heapsize: 512k
"""The demo meter that `microcosem serve` runs, read through our own client:
its three associations, every readable attribute of every object, the load
profile by range, a SET and an ACTION where the rights allow them.
(512k: the engine, the client, the COSEM classes and the meter are all
loaded as code into the unix port's heap; a board has them frozen in flash.)"""

from checks import raises
from net_check import listen

from microcosem.axdr import ARRAY, ArrayReader, DOUBLE_LONG_UNSIGNED, OCTET_STRING, STRUCTURE
from microcosem.client import Client, ClientSettings, Session
from microcosem.cosemdate import DateTime
from microcosem.apdu.acse import CONTEXT_LN_CIPHERED
from microcosem.demo.meter import AK, EK, DemoMeter
from microcosem.security.ciphering import ClientSecurity
from microcosem.security.hls import ClientAuthenticator, Hls
from microcosem.errors import AccessError, AssociationError
from microcosem.obis import obis

NOW = 1796140800  # 2026-12-01 00:00 UTC


CLIENT_TITLE = bytes.fromhex("4D4D4D0000000001")


def session(meter, sap, password=None):
    mech = 1 if password else 0
    client = Client(ClientSettings(client_sap=sap, mechanism=mech, password=password))
    return Session(client, lambda apdu: meter.server.handle(apdu, sap, 0))


def management(meter, ek=EK, ic=1):
    """The management client: HLS-GMAC, every APDU authenticated and encrypted."""
    sec = ClientSecurity(CLIENT_TITLE, ek, AK, ic=ic)
    settings = ClientSettings(client_sap=1, context=CONTEXT_LN_CIPHERED, mechanism=5,
                              calling_ap_title=CLIENT_TITLE, security=sec,
                              authenticator=ClientAuthenticator(Hls(5, ek=ek, ak=AK), sec))
    wire = []

    def send(apdu):
        wire.append(apdu[0])
        return meter.server.handle(apdu, 1, 0)

    s = Session(Client(settings), send)
    s.wire = wire
    return s


def test_every_readable_attribute_of_every_object():
    meter = DemoMeter(NOW, profile_rows=100)
    s = session(meter, 16)
    s.associate()
    objects = s.get(15, obis("0.0.40.0.0.255"), 2)
    assert objects[0] == ARRAY and len(objects[1]) == len(list(meter.model.objects()))
    read = 0
    for entry in objects[1]:
        class_id, version, ln, rights = [v for _, v in entry[1]]
        for attr in rights[0][1]:
            index, mode = attr[1][0][1], attr[1][1][1]
            if mode & 1:  # read-only or read-write for this client
                value = s.get(class_id, ln, index)
                assert type(value) is tuple
                read += 1
    assert read > 60, read
    s.release()


def test_associations_and_passwords():
    meter = DemoMeter(NOW, profile_rows=10)
    raises(AssociationError, session(meter, 17, b"wrong").associate)
    raises(AssociationError, session(meter, 1, b"12345678").associate)  # LLS where HLS is due
    raises(AssociationError, management(meter, ek=bytes(16)).associate)  # a wrong key
    raises(AssociationError, session(meter, 99).associate)
    s = session(meter, 17, b"12345678")
    s.associate()
    assert s.get(3, obis("1.0.1.8.0.255"), 3) == (STRUCTURE, [(15, 0), (22, 30)])
    s.release()


def test_rights_public_reads_management_writes():
    meter = DemoMeter(NOW, profile_rows=10)
    public = session(meter, 16)
    public.associate()
    e = raises(AccessError, public.set, 1, obis("0.0.96.1.0.255"), 2, (10, "X"))
    assert e.result == 3  # read-write-denied
    manager = management(meter)
    manager.associate()
    manager.set(1, obis("0.0.96.11.0.255"), 2, (18, 7))
    # everything after the AARQ/AARE went ciphered (glo-/general ciphering tags)
    assert all(t not in (0xC0, 0xC1, 0xC3) for t in manager.wire), manager.wire
    assert public.get(1, obis("0.0.96.11.0.255"), 2) == (18, 7)
    # the maximum demand register: reset (method 1) clears it
    assert manager.get(4, obis("1.0.1.6.0.255"), 2)[1] > 0
    manager.action(4, obis("1.0.1.6.0.255"), 1, (15, 0))
    assert manager.get(4, obis("1.0.1.6.0.255"), 2) == (DOUBLE_LONG_UNSIGNED, 0)


def test_load_profile_by_range():
    meter = DemoMeter(NOW, profile_rows=1000)
    s = session(meter, 16)
    s.associate()
    assert s.get(7, obis("1.0.99.1.0.255"), 7) == (DOUBLE_LONG_UNSIGNED, 1000)
    # the whole buffer by block transfer, walked row by row as it is kept: bytes
    # into one buffer allocated up front, as a device does: a bytearray grown
    # block by block would need ever larger free runs of a fragmented heap
    raw = bytearray(32768)
    n = [0]

    def into(block):
        raw[n[0]:n[0] + len(block)] = block
        n[0] += len(block)

    s.get(7, obis("1.0.99.1.0.255"), 2, into=into)
    rows = ArrayReader(raw, 0, n[0])
    assert rows.count == 1000
    last = 0
    for row in rows:
        assert row[1][1][1] > last
        last = row[1][1][1]
    assert rows.end == n[0]
    # a range of clock values: the six rows from 2026-11-30 22:00 to 23:15 UTC
    clock_column = (STRUCTURE, [(18, 8), (OCTET_STRING, obis("0.0.1.0.0.255")), (15, 2), (18, 0)])
    frm = DateTime.from_timestamp(NOW - 7200, -60, 0).to_bytes()
    to = DateTime.from_timestamp(NOW - 2700, -60, 0).to_bytes()
    rows = s.get(7, obis("1.0.99.1.0.255"), 2, selector=(1, (STRUCTURE, [
        clock_column, (OCTET_STRING, frm), (OCTET_STRING, to), (ARRAY, [])])))
    assert len(rows[1]) == 6, len(rows[1])
    assert rows[1][0][1][0] == (OCTET_STRING, frm)
    energy = [r[1][1][1] for r in rows[1]]
    assert energy == sorted(energy) and energy[0] > 12000000


def test_disconnect_drops_the_load_and_push_queues_a_notification():
    from microcosem.apdu.notify import DataNotification
    meter = DemoMeter(NOW, profile_rows=10)
    manager = management(meter)
    manager.associate()
    assert manager.get(3, obis("1.0.1.7.0.255"), 2)[1] > 0
    manager.action(70, obis("0.0.96.3.10.255"), 1, (15, 0))  # remote_disconnect
    assert manager.get(70, obis("0.0.96.3.10.255"), 2) == (3, False)
    assert manager.get(3, obis("1.0.1.7.0.255"), 2) == (DOUBLE_LONG_UNSIGNED, 0)
    before = manager.get(3, obis("1.0.1.8.0.255"), 2)
    meter.tick(NOW + 3600)
    assert manager.get(3, obis("1.0.1.8.0.255"), 2) == before  # no load, no energy
    # a public client may not switch the relay
    public = session(meter, 16)
    public.associate()
    assert raises(AccessError, public.action, 70, obis("0.0.96.3.10.255"), 2, (15, 0)).result == 3
    manager.action(40, obis("0.0.25.9.0.255"), 1, (15, 0))
    assert len(meter.outbox) == 1
    note = DataNotification.from_bytes(meter.outbox[0])
    clock, energy = note.body[1]
    assert len(clock[1]) == 12 and energy == before


def test_push_is_delivered_to_its_destination_over_tcp():
    import asyncio
    from microcosem.demo.main import deliver_pushes
    from microcosem.profiles.wrapper import WrapperReassembler

    meter = DemoMeter(NOW, profile_rows=10)
    got = []

    async def listener(reader, writer):
        r = WrapperReassembler()
        while True:
            data = await reader.read(512)
            if not data:
                break
            r.feed(data)
            m = r.next_apdu()
            while m:
                got.append(m)
                m = r.next_apdu()
        writer.close()

    async def scenario():
        port, srv = await listen(lambda p: asyncio.start_server(listener, "127.0.0.1", p))
        manager = management(meter)
        manager.associate()
        dest = ("127.0.0.1:%d" % port).encode()
        manager.set(40, obis("0.0.25.9.0.255"), 3, (STRUCTURE, [(22, 0), (OCTET_STRING, dest), (22, 0)]))
        manager.action(40, obis("0.0.25.9.0.255"), 1, (15, 0))
        await deliver_pushes(meter, 0x66)
        for _ in range(50):
            if got:
                break
            await asyncio.sleep(0.02)
        srv.close()
        await srv.wait_closed()

    asyncio.run(scenario())
    assert len(got) == 1 and got[0][:2] == (1, 0x66)
    assert got[0][2][0] == 0x0F  # DataNotification
    assert meter.outbox == []


def test_invocation_counter_is_public_and_survives_a_restart():
    import os
    from microcosem.storage import FileStorage
    root = "/tmp/microcosem-test-ic-%d" % int.from_bytes(os.urandom(3), "big")
    meter = DemoMeter(NOW, profile_rows=10, storage=FileStorage(root))
    public = session(meter, 16)
    public.associate()
    ic0 = public.get(1, obis("0.0.43.1.0.255"), 2)[1]
    m = management(meter)
    m.associate()
    m.get(3, obis("1.0.1.8.0.255"), 2)
    ic1 = public.get(1, obis("0.0.43.1.0.255"), 2)[1]
    assert ic1 > ic0
    # a new meter on the same storage (a reset) starts at or above what was reserved
    again = DemoMeter(NOW, profile_rows=10, storage=FileStorage(root))
    assert again.security.ic >= ic1
    m2 = management(again, ic=100)
    m2.associate()
    assert m2.get(3, obis("1.0.1.8.0.255"), 2)[1] > 0

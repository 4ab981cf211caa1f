# heapsize: 384k
"""The board meter (microcosem/board.py): a meter built from a JSON
configuration, read through our own client in-process: its objects and
live sources, the three kinds of association (none, LLS, HLS-GMAC with
ciphered APDUs), the invocation counter kept across a restart, the serial
link's place (no adapter: reported, a given adapter: started on the
board's UART), and the configuration's errors.  (384k: the engine, the
client, the COSEM classes and suite 0 are all loaded as code into the
64-bit unix port's heap, where a board keeps them frozen in flash.)"""

import asyncio
import json

from checks import raises

from microcosem import board
from microcosem.apdu.acse import CONTEXT_LN_CIPHERED
from microcosem.axdr import (ARRAY, DOUBLE_LONG_UNSIGNED, OCTET_STRING, VISIBLE_STRING)
from microcosem.client import Client, ClientSettings, Session
from microcosem.compat import random_bytes
from microcosem.errors import AccessError, AssociationError
from microcosem.obis import obis
from microcosem.security import ciphering
from microcosem.security.hls import Hls

NOW = 1796140800  # 2026-12-01 00:00 UTC
ST_C = bytes.fromhex("4D4D4D0000000001")
ST_S = bytes.fromhex("4D43530000000042")
EK = bytes.fromhex("000102030405060708090A0B0C0D0E0F")
AK = bytes.fromhex("D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF")
# one folder per run: two runs at once (CPython and the unix port) never share it
STORAGE = "/tmp/microcosem_test_board_" + random_bytes(4).hex()


def fresh_storage():
    import os
    try:
        for f in os.listdir(STORAGE):
            os.remove(STORAGE + "/" + f)
    except OSError:
        pass
    return STORAGE


def conf(**over):
    c = {
        "serial": "MCS0000042",
        "storage": STORAGE,
        "security": {"system_title": ST_S.hex(), "ek": EK.hex(), "ak": AK.hex()},
        "associations": [
            {"client": 16, "name": "public"},
            {"client": 17, "auth": "lls", "password": "12345678"},
            {"client": 1, "auth": "hls-gmac", "access": "all"},
        ],
        "objects": [
            [1, "0.0.96.1.0.255", {"value": ["visible-string", "MCS0000042"]}],
            [8, "0.0.1.0.0.255", {"time_zone": -60}],
            [3, "1.0.1.8.0.255", {"source": "pulse_wh", "scaler_unit": [0, 30]}],
            [1, "0.0.96.50.0.255", {"value": ["octet-string", "CAFE"]}],
            [7, "1.0.99.1.0.255", {"capture_objects": [["0.0.1.0.0.255", 2], ["1.0.1.8.0.255", 2]],
                                   "capture_period": 900, "profile_entries": 4}],
        ],
    }
    for k in over:
        c[k] = over[k]
    return c


class Hardware:
    """The stand-in for pins.Hardware: an S0 counter and a clock that we move."""

    def __init__(self):
        self.t = NOW
        self.pulses = 1000
        self.leds = []
        self.uarts = []

    def time(self):
        return self.t

    def source(self, name):
        return (lambda: self.pulses * 1.5) if name == "pulse_wh" else None

    def network(self, conf):
        return False

    def led(self, on):
        self.leds.append(on)

    def feed(self):
        self.fed = getattr(self, "fed", 0) + 1

    def uart(self, name, baud):
        self.uarts.append((name, baud))
        if name == "spare":
            raise ValueError("no UART spare")
        return ("uart", name), ("de", name)


def session(meter, sap, **kw):
    return Session(Client(ClientSettings(client_sap=sap, **kw)),
                   lambda apdu: meter.server.handle(apdu, sap, 0))


def test_objects_and_live_source():
    hw = Hardware()
    m = board.Meter(conf(), hw)
    s = session(m, 16)
    s.associate()
    assert s.get(1, obis("0.0.96.1.0.255"), 2) == (VISIBLE_STRING, "MCS0000042")
    assert s.get(1, obis("0.0.96.50.0.255"), 2) == (OCTET_STRING, b"\xca\xfe")
    assert s.get(1, obis("0.0.42.0.0.255"), 2) == (OCTET_STRING, b"MCSMCS0000042")
    assert s.get(3, obis("1.0.1.8.0.255"), 2) == (DOUBLE_LONG_UNSIGNED, 1500)
    hw.pulses = 1001  # a pulse came in: the next GET sees it
    assert s.get(3, obis("1.0.1.8.0.255"), 2) == (DOUBLE_LONG_UNSIGNED, 1501)
    # the object list: the configured objects, then the device name and the associations
    lns = [row[1][2][1] for row in s.get(15, obis("0.0.40.0.0.255"), 2)[1]]
    assert lns[:5] == [obis(x) for x in ("0.0.96.1.0.255", "0.0.1.0.0.255", "1.0.1.8.0.255",
                                          "0.0.96.50.0.255", "1.0.99.1.0.255")]
    assert lns[5:] == [obis(x) for x in ("0.0.42.0.0.255", "0.0.40.0.0.255", "0.0.40.0.1.255",
                                          "0.0.40.0.2.255", "0.0.40.0.3.255")]
    # the public client reads, never writes
    e = raises(AccessError, s.set, 1, obis("0.0.96.50.0.255"), 2, (OCTET_STRING, b"x"))
    assert e.args[1] == 3  # read-write-denied


def test_profile_captures_on_the_tick():
    hw = Hardware()
    m = board.Meter(conf(), hw)
    m.tick(NOW)            # arms the period
    m.tick(NOW + 899)
    m.tick(NOW + 900)      # one row
    hw.pulses = 2000
    m.tick(NOW + 1800)     # and another
    s = session(m, 16)
    s.associate()
    rows = s.get(7, obis("1.0.99.1.0.255"), 2)
    assert rows[0] == ARRAY and len(rows[1]) == 2
    assert rows[1][0][1][1] == (DOUBLE_LONG_UNSIGNED, 1500)
    assert rows[1][1][1][1] == (DOUBLE_LONG_UNSIGNED, 3000)


def test_profile_rows_survive_a_restart():
    hw = Hardware()
    c = conf(storage=fresh_storage())
    c["objects"][4][2]["row_size"] = 19  # clock 2+12, double-long-unsigned 1+4
    m = board.Meter(c, hw)
    m.tick(NOW)
    m.tick(NOW + 900)
    hw.pulses = 3000
    m.tick(NOW + 1800)
    m = board.Meter(c, hw)  # a reset: the rows are read back from the ring file
    s = session(m, 16)
    s.associate()
    rows = s.get(7, obis("1.0.99.1.0.255"), 2)[1]
    assert [r[1][1] for r in rows] == [(DOUBLE_LONG_UNSIGNED, 1500), (DOUBLE_LONG_UNSIGNED, 4500)]
    c["objects"][4][2]["row_size"] = 0
    raises(board.ConfigError, board.Meter, c, hw)


def test_lls_password():
    m = board.Meter(conf(), Hardware())
    s = session(m, 17, mechanism=1, password=b"12345678")
    s.associate()
    assert s.get(3, obis("1.0.1.8.0.255"), 2) == (DOUBLE_LONG_UNSIGNED, 1500)
    e = raises(AssociationError, session(m, 17, mechanism=1, password=b"wrong").associate)
    assert "authentication-failure" in str(e)


class ClientSuite0:
    """The client's half of HLS-GMAC and glo- ciphering, from the security modules."""

    def __init__(self, ek=EK, server_title=ST_S):
        self.hls = Hls(5, ek=ek, ak=AK)
        self.ek = ek
        self.server_title = server_title
        self.ic = 100

    def ctos(self, client):
        return b"K56iVagY"

    def respond(self, client, stoc):
        self.ic += 1
        return self.hls.respond(client.ctos, stoc, ST_C, client.server_system_title, self.ic)

    def check(self, client, f_ctos):
        return self.hls.check(f_ctos, client.ctos, client.stoc, ST_C, client.server_system_title)

    def protect(self, client, apdu):
        self.ic += 1
        return ciphering.protect(apdu, ST_C, self.ic, self.ek, AK)

    def unprotect(self, client, apdu):
        # the client unprotects the AARE's InitiateResponse before it has read the
        # responding-AP-title, so the meter's title is known here beforehand
        return ciphering.unprotect(apdu, self.server_title, self.ek, AK).apdu


def _management(m, suite):
    return session(m, 1, context=CONTEXT_LN_CIPHERED, mechanism=5, authenticator=suite,
                   security=suite, calling_ap_title=ST_C)


def test_hls_gmac_management_and_ic_kept_across_restart():
    c = conf(storage=fresh_storage())
    m = board.Meter(c, Hardware())
    s = _management(m, ClientSuite0())
    s.associate()
    assert s.client.server_system_title == ST_S
    assert s.get(3, obis("1.0.1.8.0.255"), 2) == (DOUBLE_LONG_UNSIGNED, 1500)
    s.set(1, obis("0.0.96.50.0.255"), 2, (OCTET_STRING, b"\x01\x02"))
    assert s.get(1, obis("0.0.96.50.0.255"), 2) == (OCTET_STRING, b"\x01\x02")
    used = m.security.ic
    reserved = int.from_bytes(m.storage.get("ic"), "big")
    assert reserved >= used > 0  # reserved ahead before it was spent
    # a restart (the same file): the counter starts at the reservation, never below
    m2 = board.Meter(c, Hardware())
    assert m2.security.ic == reserved >= used
    # a client with the wrong keys cannot even say its InitiateRequest
    e = raises(AssociationError, _management(m2, ClientSuite0(ek=AK)).associate)
    assert "rejected-permanent" in str(e)
    # one that ciphers right but answers the challenge wrong: HLS refused
    e = raises(AssociationError, _management(m2, WrongAnswer()).associate)
    assert "HLS refused" in str(e)


class WrongAnswer(ClientSuite0):
    def respond(self, client, stoc):
        return b"\x10" + bytes(16)


def _exchange(link, client, now=0):
    """Our HDLC client and client engine against the line's HdlcLink, by hand."""
    from microcosem.profiles.hdlc import APDU

    def pump():
        for _ in range(200):
            out = client.data_to_send()
            if not out:
                return
            back = link.receive(out, now)
            if back:
                client.feed(back, now)

    def events():
        out = []
        e = client.next_event()
        while e is not None:
            out.append(e)
            e = client.next_event()
        return out

    def call(apdu):
        client.send_apdu(apdu)
        pump()
        return [v for k, v in events() if k == APDU][0]

    client.connect()
    pump()
    return events(), call


def test_serial_link_place():
    from microcosem.io.hdlc_link import HdlcLink
    from microcosem.profiles.hdlc import CONNECTED, HdlcClient

    hw = Hardware()
    c = conf(hdlc=[{"uart": "rs485", "baud": 9600, "physical": 17}])

    class Adapter:
        """Stands in for the UART loop: keeps the HdlcLink it would run the UART through."""
        calls = []
        links = []

        async def serve_hdlc(self, uart, devices, physical, de=None, baud=None):
            Adapter.calls.append((uart, devices[0][0], physical, de))
            Adapter.links.append(HdlcLink(devices, physical_address=physical))

    got = []

    async def start(adapter):
        task = asyncio.create_task(board.run(c, hw, lambda m, srv, links: got.append(links),
                                             adapter))
        await asyncio.sleep(0.05)
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            pass

    # without an adapter in the build (a module name no build has): said so, the UART
    # is left alone
    board.SERIAL_ADAPTER, kept = "microcosem.io.no_serial_adapter", board.SERIAL_ADAPTER
    asyncio.run(start(None))
    board.SERIAL_ADAPTER = kept
    assert got[0] == [("rs485", "not served: no serial adapter in this build")]
    assert hw.uarts == []
    # with one: started on the board's UART with its driver-enable pin; a UART the
    # board does not have is reported and the other link still served
    c["hdlc"].append({"uart": "spare"})
    c["hdlc"].append({"uart": "optical"})
    asyncio.run(start(Adapter()))
    assert got[1] == [("rs485", "HDLC, physical address 17"), ("spare", "not served: no UART spare"),
                      ("optical", "HDLC, point to point")]
    assert hw.uarts == [("rs485", 9600), ("spare", 9600), ("optical", 9600)]
    assert Adapter.calls == [(("uart", "rs485"), 1, 17, ("de", "rs485")),
                             (("uart", "optical"), 1, None, ("de", "optical"))]
    assert hw.leds[:1] == [True] and hw.fed >= 1  # the heartbeat ran, the watchdog was fed
    # what the adapter is handed answers HDLC: on the multi-drop line only at
    # physical address 17, logical device 1 (the wport); the reader's LLS works
    rs485 = Adapter.links[0]
    ev, _ = _exchange(rs485, HdlcClient(server_upper=1, server_lower=18, client_sap=17))
    assert ev == []  # another meter's address: silence
    ev, call = _exchange(rs485, HdlcClient(server_upper=1, server_lower=17, client_sap=17))
    assert ev[0][0] == CONNECTED
    client = Client(ClientSettings(client_sap=17, mechanism=1, password=b"12345678"))
    done, value = client.feed(call(client.associate()))
    assert done
    done, value = client.feed(call(client.get_request(3, obis("1.0.1.8.0.255"), 2)))
    assert done and value == (DOUBLE_LONG_UNSIGNED, 1500)


def test_config_errors():
    hw = Hardware()
    E = board.ConfigError
    raises(E, board.Meter, conf(objects=[[3, "1.0.1.8.0.255", {"source": "nothing"}]]), hw)
    raises(E, board.Meter, conf(objects=[[3, "1.0.1.8.0.255"]]), hw)
    raises(E, board.Meter, conf(objects=[[999, "1.0.1.8.0.255", {}]]), hw)
    raises(E, board.Meter, conf(objects=[[1, "0.0.96.1.0.255", {"value": ["float16", 1]}]]), hw)
    raises(E, board.Meter, conf(objects=[[1, "0.0.96.1.0.255", {"value": ["octet-string", "XY"]}]]), hw)
    raises(E, board.Meter, conf(associations=[{"client": 1, "auth": "hls-md5"}]), hw)
    raises(E, board.Meter, conf(associations=[{"client": 17, "auth": "lls"}]), hw)
    raises(E, board.Meter, conf(associations=[{"auth": "none"}]), hw)
    raises(E, board.Meter, conf(associations=[16]), hw)
    raises(E, board.Meter, conf(objects=[[1, "0.0.96.1.0", {}]]), hw)      # five groups
    raises(E, board.Meter, conf(objects=[["data", "0.0.96.1.0.255", {}]]), hw)
    raises(E, board.Meter, conf(security=None), hw)
    short = conf()
    short["security"]["ek"] = "0011"
    assert "16 bytes" in str(raises(E, board.Meter, short, hw))
    # HLS-GMAC without storage: the invocation counter would restart at 0
    e = raises(E, board.Meter, conf(storage=None), hw)
    assert "storage" in str(e)
    path = STORAGE + ".json"
    with open(path, "w") as f:
        f.write("[1, 2]")
    assert "JSON object" in str(raises(E, board.load, path))
    with open(path, "w") as f:
        f.write("{nope")
    raises(E, board.load, path)
    with open(path, "w") as f:
        json.dump(conf(), f)
    assert board.load(path)["serial"] == "MCS0000042"
    raises(E, board.load, "/tmp/microcosem_no_such_dir/config.json")

# heapsize: 90k
# (74k + 16k: with 74k it had under 8k to spare, `tools/mptest.py --margin 8k`;
#  a heap laid out a little otherwise, as on a fresh clone, could tip it)
# 74k, not 64k: the last test hands over to the HDLC engines, whose code takes
# ~35 KB of the 64-bit unix port's heap; the opening alone fits 64k.
"""IEC 62056-21 mode E opening: the messages byte for byte, both sides, then HDLC."""

from checks import raises, unhex
from hdlc_check import events as _events

from microcosem.profiles import iec21
from microcosem.profiles.iec21 import (
    ERROR, IDENTIFIED, LINE_OPENING, READY, SET_LINE, ModeEClient, ModeEServer, baud_char,
    baud_rate)

# Published optical-port traces: the sign-on request and the option select
# for HDLC at 9600 baud (ACK '2' '5' '2' CR LF) that precede SNRM.
SIGN_ON = unhex("2F 3F 21 0D 0A")
ACK_9600 = unhex("06 32 35 32 0D 0A")


def test_baud_characters():
    assert [baud_char(b) for b in (300, 2400, 9600, 19200)] == [0x30, 0x33, 0x35, 0x36]
    assert baud_rate(0x35) == 9600 and baud_rate(0x37) is None and baud_rate(0x41) is None
    raises(ValueError, baud_char, 115200)


def test_client_sign_on_identification_and_ack():
    c = ModeEClient()
    c.start()
    assert _events(c) == [(SET_LINE, LINE_OPENING)] and LINE_OPENING == (300, 7, "E", 1)
    assert c.data_to_send() == SIGN_ON
    c.feed(SIGN_ON)                        # the optical head's echo
    assert _events(c) == [] and c.data_to_send() == b""
    c.feed(b"/ISk5\\2MT174-1\r")
    c.feed(b"\n")
    assert _events(c) == [(IDENTIFIED, ("ISk", 9600, b"MT174-1")), (SET_LINE, (9600, 8, None, 1)),
                          (READY, 9600)]
    assert c.data_to_send() == ACK_9600
    assert c.fast_reaction and c.manufacturer == "ISk" and c.done
    c.feed(b"\x7e\xa0")                    # HDLC from here: not the opening's business
    assert _events(c) == []


def test_client_slower_port_and_address():
    c = ModeEClient(address=b"12345678", max_baud=2400)
    c.start()
    _events(c)
    assert c.data_to_send() == b"/?12345678!\r\n"
    c.feed(b"/LGZ6\\2ZMD3104100\r\n")
    ev = _events(c)
    assert ev[-1] == (READY, 2400) and not c.fast_reaction
    assert c.data_to_send() == unhex("06 32 33 32 0D 0A")


def test_client_reads_7e1_characters_on_an_8n1_port():
    # Even parity in bit 7, as an 8N1 UART hands 7E1 characters over.
    def parity(b):
        n = 0
        x = b
        while x:
            n += x & 1
            x >>= 1
        return b | 0x80 if n & 1 else b
    c = ModeEClient()
    c.start()
    c.feed(bytes(parity(b) for b in b"/ABC5\\2XYZ\r\n"))
    assert _events(c)[-1] == (READY, 9600)


def test_client_refuses_a_meter_without_binary_mode():
    c = ModeEClient()
    c.start()
    _events(c)
    c.feed(b"/ABC5XYZ\r\n")                 # mode C only
    ev = _events(c)
    assert ev[0][0] == IDENTIFIED and ev[1][0] == ERROR and ev[1][1].reason == "mode"
    assert c.data_to_send() == SIGN_ON and not c.done
    c = ModeEClient()
    c.start()
    c.feed(b"/ABCF\\2XYZ\r\n")              # 'F': a mode B character
    assert _events(c)[-1][1].reason == "baud"


def test_client_noise_then_timeout_and_retries():
    c = ModeEClient(timeout_ms=1000, retries=2)
    c.start()
    _events(c)
    assert c.data_to_send() == SIGN_ON
    c.tick(0)
    c.feed(b"\x00\xff garbage\r\n")
    c.tick(999)
    assert c.data_to_send() == b""
    c.tick(1000)
    assert c.data_to_send() == SIGN_ON       # second try
    c.tick(1001)
    c.tick(2001)
    assert c.data_to_send() == SIGN_ON       # third try
    c.tick(2002)
    c.tick(3002)
    ev = _events(c)
    assert len(ev) == 1 and ev[0][0] == ERROR and ev[0][1].reason == "timeout"


def test_server_identification_and_switch():
    s = ModeEServer(manufacturer="MCS", identification="mc-meter", baud=9600)
    s.feed(SIGN_ON)
    assert s.data_to_send() == b"/MCS5\\2mc-meter\r\n"
    s.feed(ACK_9600)
    assert _events(s) == [(SET_LINE, (9600, 8, None, 1)), (READY, 9600)]
    assert s.data_to_send() == b"" and s.done
    s.restart()
    s.feed(SIGN_ON)
    s.feed(unhex("06 32 33 32 0D 0A"))       # the client may choose slower
    assert _events(s)[-1] == (READY, 2400)


def test_server_addresses_modes_and_rates():
    s = ModeEServer(address=b"4711", confirm=True)
    s.feed(b"/?0815!\r\n")
    assert s.data_to_send() == b""           # another meter's request
    s.feed(b"/?4711!\r\n")
    assert s.data_to_send().startswith(b"/MCS5\\2")
    s.feed(unhex("06 30 35 30 0D 0A"))       # data readout (mode C): not offered
    ev = _events(s)
    assert len(ev) == 1 and ev[0][1].reason == "mode" and not s.done
    s.feed(SIGN_ON)
    s.data_to_send()
    s.feed(unhex("06 32 36 32 0D 0A"))       # 19200: more than offered
    assert _events(s)[0][1].reason == "baud"
    s.feed(SIGN_ON)
    s.data_to_send()
    s.feed(ACK_9600)
    assert s.data_to_send() == ACK_9600      # confirm=True: echoed before switching
    assert _events(s)[-1] == (READY, 9600)


def test_server_forgets_a_request_without_acknowledgement():
    s = ModeEServer(timeout_ms=1500)
    s.tick(0)
    s.feed(SIGN_ON)
    s.data_to_send()
    s.tick(10)
    s.tick(1600)
    s.feed(ACK_9600)                          # too late: no longer waiting
    assert _events(s) == [] and not s.done


def test_opening_then_hdlc():
    from microcosem.profiles.hdlc import APDU, CONNECTED, HdlcClient, HdlcServer
    c = ModeEClient()
    s = ModeEServer()
    lines = {}
    c.start()
    for _ in range(4):
        s.feed(c.data_to_send())
        c.feed(s.data_to_send())
    for o, name in ((c, "c"), (s, "s")):
        for kind, value in _events(o):
            if kind == SET_LINE:
                lines[name] = value
    assert lines == {"c": (9600, 8, None, 1), "s": (9600, 8, None, 1)}
    hc = HdlcClient()
    hs = HdlcServer()
    hc.connect()
    hs.feed(hc.data_to_send())
    hc.feed(hs.data_to_send())
    assert hc.next_event()[0] == CONNECTED
    hc.send_apdu(b"\xc0\x01\xc1\x00\x08\x00\x00\x01\x00\x00\xff\x02\x00")
    hs.feed(hc.data_to_send())
    assert hs.next_event()[0] == CONNECTED and hs.next_event()[0] == APDU
    assert iec21.Iec21Error("x", "timeout").reason == "timeout"


def test_any_bytes_never_raise():
    # Noise of every kind (with the message characters mixed in) in uneven
    # pieces: errors are events, never exceptions.
    seed = 7
    alphabet = b"/?!\r\n\x06\\2509ABCabc\x00\xff"
    for _ in range(30):
        noise = bytearray()
        for _ in range(120):
            seed = (seed * 1103515245 + 12345) & 0x7FFFFFFF
            noise.append(alphabet[(seed >> 8) % len(alphabet)])
        for o in (ModeEClient(), ModeEServer()):
            if isinstance(o, ModeEClient):
                o.start()
            for i in range(0, len(noise), 7):
                o.feed(noise[i:i + 7], i)
            o.tick(10 ** 6)
            o.data_to_send()
            _events(o)

# heapsize: 74k
# 74k, not 64k: the 64-bit unix port keeps loaded code in the heap, and hdlc
# and hdlc_client (19 KB there, in two modules since the client left hdlc.py),
# hdlc_frame/crc16/errors (16 KB) and the published frames of this module (~16 KB) fill
# 64k; the client and server engines themselves take about 2 KB each.
"""HDLC link engines (IEC 62056-46) against frames published from real exchanges.

Every frame here is copied byte for byte from a public trace: the Green Book's
bare SNRM, a Kamstrup UA, a Kamstrup Omnipower session (client 18, server
2064), a session with a four-byte server address (1/1230) and an optical
session where client and server addresses are both 0x03.
"""

from checks import raises, unhex
from hdlc_check import events as _events, frame as _frame

from microcosem.profiles.hdlc import (
    APDU, CONNECTED, DISCONNECTED, ERROR, UI_APDU, HdlcClient, HdlcError, HdlcServer)
from microcosem.profiles.hdlc_frame import (
    DISC, DM, FRMR, PF, SNRM, UA, UI, client_address, decode_frame, decode_parameters,
    server_address)

SNRM_FRAME = unhex("7E A0 07 03 21 93 0F 01 7E")
# Kamstrup UA to the public client: max info tx 512, rx 512, windows 1.
UA_512 = unhex("7E A0 20 21 03 73 73 98 81 80 14 05 02 02 00 06 02 02 00"
               " 07 04 00 00 00 01 08 04 00 00 00 01 6F EF 7E")
AARQ = unhex("60 1D A1 09 06 07 60 85 74 05 08 01 01 BE 10 04 0E 01 00 00 00 06 5F 1F"
             " 04 00 00 18 1D FF FF")
AARQ_FRAME = unhex(
    "7E A0 2B 03 21 10 FB AF E6 E6 00 60 1D A1 09 06 07 60 85 74 05 08 01 01"
    " BE 10 04 0E 01 00 00 00 06 5F 1F 04 00 00 18 1D FF FF 5F AF 7E")

# Kamstrup Omnipower 1P, client 18 (0x25), server 16/16 (20 21): max info 1010.
OMNI_UA = unhex("7e a0 21 25 20 21 73 50 85 81 80 14 05 02 03 f2 06 02 03 f2"
                " 07 04 00 00 00 01 08 04 00 00 00 01 0a 75 7e")
OMNI_AARE = unhex(
    "7e a0 43 25 20 21 30 f4 42 e6 e7 00 61 82 00 32 a1 09 06 07 60 85 74 05 08 01 01"
    " a2 03 02 01 00 a3 05 a1 03 02 01 00 89 07 60 85 74 05 08 02 01 be 10 04 0e 08 00"
    " 06 5f 1f 04 00 00 b0 1d 03 ef 00 07 84 53 7e")
OMNI_GET_RESPONSE = unhex("7e a0 16 25 20 21 52 d6 51 e6 e7 00 c4 01 c1 00 06 02 30 ff e3 f0 8d 7e")

# Low-level-security AARQ to server 1/1230 (four-byte address) from client 1.
LLS_AARQ = unhex(
    "60 36 a1 09 06 07 60 85 74 05 08 01 01 8a 02 07 80 8b 07 60 85 74 05 08 02 01"
    " ac 0a 80 08 78 52 77 50 62 45 78 46 be 10 04 0e 01 00 00 00 06 5f 1f 04 00 00"
    " 7e 1f 01 00")
LLS_AARQ_FRAME = unhex("7e a0 47 00 02 12 9d 03 10 cf 5e e6 e6 00") + LLS_AARQ + unhex("af df 7e")
LLS_AARE_FRAME = unhex(
    "7e a0 3a 03 00 02 12 9d 30 fc 5c e6 e7 00 61 29 a1 09 06 07 60 85 74 05 08 01 01"
    " a2 03 02 01 00 a3 05 a1 03 02 01 00 be 10 04 0e 08 00 06 5f 1f 04 00 00 18 1d"
    " 01 80 00 07 a1 dc 7e")

# Optical session, client SAP 1 and server 1: both addresses are 0x03.
OPT_AARE_FRAME = unhex(
    "7E A0 37 03 03 30 EF CA E6 E7 00 61 29 A1 09 06 07 60 85 74 05 08 01 01 A2 03 02"
    " 01 00 A3 05 A1 03 02 01 00 BE 10 04 0E 08 00 06 5F 1F 04 00 00 18 1D 01 80 00 07"
    " A1 DC 7E")
OPT_RR = unhex("7E A0 07 03 03 31 94 97 7E")   # RR, N(R)=1, P


def _info_apdu(frame):
    """The APDU a one-frame I/UI exchange carries (LLC header stripped)."""
    f = decode_frame(frame)
    return bytes(f.info())[3:]


# ------------------------------------------------------------------ client


def test_client_bare_snrm_is_the_published_frame():
    c = HdlcClient()
    c.connect()
    assert c.data_to_send() == SNRM_FRAME
    assert c.data_to_send() == b""
    assert c.bytes_to_send() == b""


def test_client_proposes_only_what_differs_from_the_defaults():
    c = HdlcClient(max_info_tx=512, max_info_rx=512, window_tx=1, window_rx=7)
    c.connect()
    f = decode_frame(c.data_to_send())
    assert f.kind == SNRM and f.pf
    assert bytes(f.info()) == unhex("81 80 0E 05 02 02 00 06 02 02 00 08 04 00 00 00 07")
    assert decode_parameters(f.buf, f.info_start, f.info_end) == (512, 512, 1, 7)


def test_client_ua_then_aarq_frame_byte_for_byte():
    c = HdlcClient()
    c.connect()
    c.data_to_send()
    c.feed(UA_512)
    assert _events(c) == [(CONNECTED, (0x10, 1))]
    # The server offers 512, the client proposed (and can take) 128.
    assert (c.max_info_tx, c.max_info_rx, c.window_tx, c.window_rx) == (128, 128, 1, 1)
    assert c.connected
    c.send_apdu(AARQ)
    assert c.data_to_send() == AARQ_FRAME


def test_client_omnipower_session_sequence_numbers():
    c = HdlcClient(server_upper=16, server_lower=16, client_sap=18,
                   max_info_tx=1010, max_info_rx=1010)
    c.connect()
    snrm = decode_frame(c.data_to_send())
    assert bytes(snrm.buf[3:6]) == unhex("20 21 25")
    c.feed(OMNI_UA)
    assert _events(c) == [(CONNECTED, (18, 2064))]
    assert (c.max_info_tx, c.max_info_rx) == (1010, 1010)
    c.send_apdu(AARQ)
    f = decode_frame(c.data_to_send())
    assert (f.control, f.dst, f.src) == (0x10, 2064, 18)   # I, N(S)=0 N(R)=0, P
    c.feed(OMNI_AARE)
    assert _events(c) == [(APDU, _info_apdu(OMNI_AARE))]
    get = unhex("C0 01 C1 00 01 00 00 60 01 00 FF 02 00")
    c.send_apdu(get)
    f = decode_frame(c.data_to_send())
    assert f.control == 0x32 and bytes(f.info()) == b"\xe6\xe6\x00" + get  # N(S)=1 N(R)=1
    c.feed(OMNI_GET_RESPONSE)
    assert _events(c) == [(APDU, unhex("c4 01 c1 00 06 02 30 ff e3"))]
    c.disconnect()
    f = decode_frame(c.data_to_send())
    assert f.kind == DISC and f.pf
    c.feed(_frame(UA | PF, client_address(18), server_address(16, 16)))
    assert _events(c) == [(DISCONNECTED, "disc")]
    assert not c.connected


def test_client_four_byte_server_address_aarq_byte_for_byte():
    c = HdlcClient(server_upper=1, server_lower=1230, client_sap=1, address_size=4)
    c.connect()
    f = decode_frame(c.data_to_send())
    assert bytes(f.buf[3:8]) == unhex("00 02 12 9d 03") and f.kind == SNRM
    c.feed(_frame(UA | PF, client_address(1), server_address(1, 1230, 4)))  # no parameters
    assert _events(c) == [(CONNECTED, (1, (1 << 14) | 1230))]
    c.send_apdu(LLS_AARQ)
    assert c.data_to_send() == LLS_AARQ_FRAME
    c.feed(LLS_AARE_FRAME)
    assert _events(c) == [(APDU, _info_apdu(LLS_AARE_FRAME))]


def test_client_optical_session_with_echo():
    # Client SAP 1 and server 1 both encode to 0x03: an echo carries the
    # addresses of a server frame, so echo=True skips each frame sent once.
    c = HdlcClient(client_sap=1, echo=True)
    c.connect()
    snrm = c.data_to_send()
    c.feed(snrm)                            # the echo
    assert _events(c) == [] and not c.connected
    c.feed(_frame(UA | PF, b"\x03", b"\x03"))
    assert _events(c) == [(CONNECTED, (1, 1))]
    c.send_apdu(AARQ)
    aarq = c.data_to_send()
    c.feed(aarq[:10])
    c.feed(aarq[10:] + OPT_AARE_FRAME)      # echo then answer in one read
    assert _events(c) == [(APDU, _info_apdu(OPT_AARE_FRAME))]
    # Without echo=True the echo of the AARQ would pass for a server frame
    # (and be refused as out of sequence); the published RR confirms the
    # numbering the client now uses: N(R)=1.
    c.send_apdu(b"\xc0\x01\xc1\x00\x08\x00\x00\x01\x00\x00\xff\x02\x00")
    f = decode_frame(c.data_to_send())
    assert (f.ns, f.nr) == (1, 1) and decode_frame(OPT_RR).nr == 1


def test_client_echo_dropped_by_address_alone():
    c = HdlcClient()
    c.connect()
    snrm = c.data_to_send()
    c.feed(snrm + UA_512[:5])
    c.feed(UA_512[5:])
    assert _events(c) == [(CONNECTED, (0x10, 1))]
    c.send_apdu(AARQ)
    c.feed(c.data_to_send())                # echo: server-bound, ignored
    assert _events(c) == [] and c.bad_frames == 0


def test_client_refused_by_dm():
    c = HdlcClient()
    c.connect()
    c.data_to_send()
    c.feed(_frame(DM | PF, b"\x21", b"\x03"))
    ev = _events(c)
    assert len(ev) == 1 and ev[0][0] == ERROR and ev[0][1].reason == "refused"
    assert not c.connected
    raises(HdlcError, c.send_apdu, b"x")


def test_client_frmr_is_fatal():
    c = HdlcClient()
    c.connect()
    c.data_to_send()
    c.feed(UA_512)
    _events(c)
    c.send_apdu(AARQ)
    c.data_to_send()
    c.feed(_frame(FRMR | PF, b"\x21", b"\x03", b"\x10\x00\x01"))
    ev = _events(c)
    assert [e[0] for e in ev] == [ERROR, DISCONNECTED] and ev[0][1].reason == "frmr"


def test_client_server_dm_while_connected():
    c = HdlcClient()
    c.connect()
    c.data_to_send()
    c.feed(UA_512)
    _events(c)
    c.feed(_frame(DM | PF, b"\x21", b"\x03"))
    assert _events(c) == [(DISCONNECTED, "dm")]


def test_client_ui_push_delivered():
    c = HdlcClient()
    push = unhex("0F 00 00 00 01 00 09 04 12 34 56 78")
    c.feed(_frame(UI | PF, b"\x21", b"\x03", b"\xe6\xe7\x00" + push))
    assert _events(c) == [(UI_APDU, push)]


def test_client_bad_llc_reported():
    c = HdlcClient()
    c.connect()
    c.data_to_send()
    c.feed(UA_512)
    _events(c)
    c.send_apdu(AARQ)
    c.data_to_send()
    c.feed(_frame(0x30, b"\x21", b"\x03", b"\x61\x03\x00\x00\x00"))
    ev = _events(c)
    assert len(ev) == 1 and ev[0][0] == ERROR and ev[0][1].reason == "llc"


def test_configuration_checked():
    raises(ValueError, HdlcClient, max_info_tx=0)
    raises(ValueError, HdlcClient, max_info_rx=2031)
    raises(ValueError, HdlcServer, window_tx=8)

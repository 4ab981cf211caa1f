# heapsize: 72k
# 72k, not 64k: the 64-bit unix port keeps loaded code in the heap, and hdlc
# (17 KB there), hdlc_frame/crc16/errors (16 KB) and this module's frames and tests (~16 KB) fill
# 64k; the client and server engines themselves take about 2 KB each.
"""HDLC server engine (IEC 62056-46): SNRM/UA negotiation, answering only when
polled, DISC/DM/FRMR, multi-drop addressing and broadcasts, with frames
published from real exchanges (see test_hdlc.py for their sources)."""

from checks import raises, unhex
from hdlc_check import events as _events, frame as _frame

from microcosem.profiles import hdlc as H
from microcosem.profiles.hdlc import (
    APDU, CONNECTED, DISCONNECTED, UI_APDU, HdlcClient, HdlcError, HdlcServer)
from microcosem.profiles.hdlc_frame import (
    DISC, DM, FRMR, PF, RR, SNRM, UA, UI, decode_frame, decode_parameters, server_address)

SNRM_FRAME = unhex("7E A0 07 03 21 93 0F 01 7E")
UA_512 = unhex("7E A0 20 21 03 73 73 98 81 80 14 05 02 02 00 06 02 02 00"
               " 07 04 00 00 00 01 08 04 00 00 00 01 6F EF 7E")
AARQ = unhex("60 1D A1 09 06 07 60 85 74 05 08 01 01 BE 10 04 0E 01 00 00 00 06 5F 1F"
             " 04 00 00 18 1D FF FF")
AARQ_FRAME = unhex(
    "7E A0 2B 03 21 10 FB AF E6 E6 00 60 1D A1 09 06 07 60 85 74 05 08 01 01"
    " BE 10 04 0E 01 00 00 00 06 5F 1F 04 00 00 18 1D FF FF 5F AF 7E")
AARE = unhex("61 29 A1 09 06 07 60 85 74 05 08 01 01 A2 03 02 01 00 A3 05 A1 03 02"
             " 01 00 BE 10 04 0E 08 00 06 5F 1F 04 00 00 18 1D 01 80 00 07")


def test_server_answers_snrm_with_ua_and_parameters():
    s = HdlcServer(max_info_tx=512, max_info_rx=512)
    c = HdlcClient(max_info_tx=512, max_info_rx=512)
    c.connect()
    s.feed(c.data_to_send())
    # ... the very UA the Kamstrup meter sends.
    assert s.data_to_send() == UA_512
    assert _events(s) == [(CONNECTED, (0x10, 1))]
    assert (s.client_sap, s.logical_device) == (0x10, 1)


def test_server_negotiates_down_to_the_smaller_figures():
    s = HdlcServer(max_info_tx=256, max_info_rx=100, window_tx=7, window_rx=2)
    s.feed(SNRM_FRAME)  # no parameters: 128 and 1 on the client's side
    f = decode_frame(s.data_to_send())
    assert f.kind == UA
    assert decode_parameters(f.buf, f.info_start, f.info_end) == (128, 100, 1, 1)
    c = HdlcClient(max_info_tx=1000, max_info_rx=64, window_tx=5, window_rx=7)
    c.connect()
    s.feed(c.data_to_send())
    ua = s.data_to_send()
    f = decode_frame(ua)
    assert decode_parameters(f.buf, f.info_start, f.info_end) == (64, 100, 7, 2)
    c.feed(ua)
    assert (c.max_info_tx, c.max_info_rx, c.window_tx, c.window_rx) == (100, 64, 2, 7)
    assert (s.max_info_tx, s.max_info_rx, s.window_tx, s.window_rx) == (64, 100, 7, 2)


def test_server_receives_published_aarq_and_answers():
    s = HdlcServer()
    s.feed(SNRM_FRAME)
    s.data_to_send()
    _events(s)
    s.feed(AARQ_FRAME)
    assert _events(s) == [(APDU, AARQ)]
    assert s.data_to_send() == b""          # holding the poll for the answer
    aare = AARE
    s.send_apdu(aare)
    f = decode_frame(s.data_to_send())
    # I frame N(S)=0 N(R)=1 F, to the client 0x21 from 0x03, LLC E6 E7 00.
    assert (f.control, bytes(f.buf[3:5])) == (0x30, b"\x21\x03")
    assert bytes(f.info()) == b"\xe6\xe7\x00" + aare


def test_server_no_response_gives_the_poll_back():
    s = HdlcServer()
    s.feed(SNRM_FRAME)
    s.data_to_send()
    s.feed(AARQ_FRAME)
    s.no_response()
    f = decode_frame(s.data_to_send())
    assert (f.kind, f.nr, f.pf) == (RR, 1, True)


def test_server_disc_and_dm():
    s = HdlcServer()
    s.feed(_frame(DISC | PF, b"\x03", b"\x21"))       # not connected: DM
    f = decode_frame(s.data_to_send())
    assert f.kind == DM and f.pf
    s.feed(AARQ_FRAME)                                 # I frame, not connected: DM
    assert decode_frame(s.data_to_send()).kind == DM
    assert _events(s) == []
    s.feed(SNRM_FRAME)
    s.data_to_send()
    s.feed(_frame(DISC | PF, b"\x03", b"\x21"))
    assert decode_frame(s.data_to_send()).kind == UA
    assert [e[0] for e in _events(s)] == [CONNECTED, DISCONNECTED]


def test_server_busy_with_another_client():
    s = HdlcServer()
    s.feed(SNRM_FRAME)
    s.data_to_send()
    s.feed(_frame(SNRM | PF, b"\x03", b"\x03"))       # client SAP 1
    f = decode_frame(s.data_to_send())
    assert (f.kind, f.dst) == (DM, 1)
    assert s.client_sap == 0x10
    s.feed(SNRM_FRAME)                                 # the same client again: reset
    assert decode_frame(s.data_to_send()).kind == UA
    assert [e[0] for e in _events(s)] == [CONNECTED, DISCONNECTED, CONNECTED]


def test_server_frmr_on_undefined_control():
    s = HdlcServer()
    s.feed(SNRM_FRAME)
    s.data_to_send()
    s.feed(_frame(0x19, b"\x03", b"\x21"))            # REJ with P: not in 62056-46
    f = decode_frame(s.data_to_send())
    assert f.kind == FRMR and bytes(f.info()) == b"\x19\x00\x01"
    s.feed(AARQ_FRAME)                                 # FRMR condition until SNRM/DISC
    assert decode_frame(s.data_to_send()).kind == FRMR
    assert [e[0] for e in _events(s)] == [CONNECTED]


def test_server_multidrop_addresses():
    a = HdlcServer(logical_devices=(1, 2), physical_address=0x11)
    b = HdlcServer(logical_devices=(1,), physical_address=0x12)
    snrm_a = _frame(SNRM | PF, server_address(2, 0x11), b"\x21")
    for s in (a, b):
        s.feed(snrm_a)
    assert decode_frame(a.data_to_send()).kind == UA and b.data_to_send() == b""
    assert a.logical_device == 2
    # A one-byte address names no physical device: ignored on a bus.
    b.feed(SNRM_FRAME)
    assert b.data_to_send() == b""
    # Four-byte form of the same station.
    b.feed(_frame(SNRM | PF, server_address(1, 0x12, 4), b"\x21"))
    ua = decode_frame(b.data_to_send())
    assert ua.kind == UA and bytes(ua.buf[4:8]) == server_address(1, 0x12, 4)
    # Unknown logical device: not for us.
    c = HdlcServer(logical_devices=(1,), physical_address=0x13)
    c.feed(_frame(SNRM | PF, server_address(5, 0x13), b"\x21"))
    assert c.data_to_send() == b"" and _events(c) == []


def test_server_broadcast_never_answered():
    a = HdlcServer(physical_address=0x11)
    b = HdlcServer(physical_address=0x12)
    apdu = unhex("C2 00 00 08 00 00 01 00 00 FF 02 09 0C 07 EA 0C 01 02 12 00 00 00 80 00 00")
    bc = _frame(UI, server_address(1, 0x7F), b"\x21", b"\xe6\xe6\x00" + apdu)
    snrm = _frame(SNRM | PF, server_address(0x7F, 0x7F), b"\x21")
    bc4 = _frame(UI | PF, server_address(0x3FFF, 0x12, 4), b"\x21", b"\xe6\xe6\x00" + apdu)
    for s in (a, b):
        s.feed(bc + snrm + bc4)
        assert s.data_to_send() == b""
    assert _events(a) == [(UI_APDU, apdu)]
    assert _events(b) == [(UI_APDU, apdu), (UI_APDU, apdu)]
    assert not a.connected and not b.connected


def test_server_point_to_point_takes_any_lower_address():
    s = HdlcServer()
    s.feed(_frame(SNRM | PF, server_address(1, 0x45), b"\x21"))
    assert decode_frame(s.data_to_send()).kind == UA


def test_server_ui_push_and_segmented_ui():
    s = HdlcServer(max_info_tx=32, max_info_rx=32)
    c = HdlcClient(max_info_tx=32, max_info_rx=32)
    c.connect()
    s.feed(c.data_to_send())
    c.feed(s.data_to_send())
    _events(c)
    push = bytes(range(100))
    s.send_ui(push)
    frames = s.data_to_send()
    assert frames.count(b"\x7e") >= 8  # four frames of at most 32 bytes
    c.feed(frames)
    assert _events(c) == [(UI_APDU, push)]
    raises(HdlcError, HdlcServer().send_apdu, b"x")


def test_events_module_constants_distinct():
    assert len({H.CONNECTED, H.APDU, H.UI_APDU, H.DISCONNECTED, H.ERROR}) == 5
    assert H.LLC_REQUEST == b"\xe6\xe6\x00" and H.LLC_RESPONSE == b"\xe6\xe7\x00"
    assert isinstance(HdlcError("x", "timeout"), Exception)
    assert PF == 0x10


def test_small_station_still_takes_a_full_snrm():
    # A 16-byte information field limit, and a SNRM carrying all four
    # parameters (23 bytes of them): it comes before any limit is agreed.
    s = HdlcServer(max_info_tx=16, max_info_rx=16)
    c = HdlcClient(max_info_tx=256, max_info_rx=256, window_tx=2, window_rx=2)
    c.connect()
    snrm = c.data_to_send()
    assert decode_frame(snrm).info_end - decode_frame(snrm).info_start == 23
    s.feed(snrm)
    ua = s.data_to_send()
    assert decode_frame(ua).kind == UA and s.bad_frames == 0
    c.feed(ua)
    assert (c.max_info_tx, c.max_info_rx, c.window_tx) == (16, 16, 1)

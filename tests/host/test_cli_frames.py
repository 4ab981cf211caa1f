"""`microcosem decode --frame`: HDLC and wrapper frames shown field by field, and
`encode` taking the views back to the same bytes."""

import json
import os
import sys

import pytest

from microcosem.apdu.get import GetResponseNormal
from microcosem.profiles import hdlc_frame as hf
from microcosem.profiles import wrapper

sys.path.insert(0, os.path.dirname(__file__))
from cli_samples import EVERY_TYPE  # noqa: E402
from test_cli import decode_ok, encode_ok, fails  # noqa: E402

GET = bytes.fromhex("C001C100080000010000FF0200")
SERVER = hf.server_address(1, 17)      # logical device 1, physical 17: 02 23
CLIENT = hf.client_address(16)         # public client: 21


def frame(control, dst, src, info=None, segmented=False):
    out = bytearray()
    hf.encode_frame(out, control, dst, src, info, segmented=segmented)
    return out.hex().upper()


def views(*argv, stdin=""):
    return [json.loads(line) for line in decode_ok(*argv, stdin=stdin).splitlines()]


def round_trips(lines, mode="auto"):
    """decode --frame then encode gives the bytes back (one frame a line)."""
    text = "\n".join(lines) + "\n"
    out = decode_ok("--frame", mode, "-", stdin=text)
    assert encode_ok(out).replace("\n", "") == "".join(lines).replace(" ", "")


def test_snrm_from_the_green_book():
    # client 16 asks server 1 (one-byte address) for a connection, poll bit set
    v, = views("--frame", "hdlc", "7E A0 07 03 21 93 0F 01 7E")
    assert v == {"frame": "hdlc", "flag": "7E",
                 "format": {"type": 3, "segmented": False, "length": 7, "bytes": "A007"},
                 "destination": {"server_upper": 1, "server_lower": None, "size": 1},
                 "source": {"client_sap": 16, "size": 1},
                 "control": {"kind": "SNRM", "byte": "93", "pf": True}, "fcs": "0F01"}
    round_trips(["7EA0070321930F017E"], "hdlc")


def test_i_frame_with_get_request():
    line = frame(0x32 | hf.PF, SERVER, CLIENT, b"\xE6\xE6\x00" + GET)
    v, = views("--frame", "auto", line)
    assert v["destination"] == {"server_upper": 1, "server_lower": 17, "size": 2}
    assert v["source"] == {"client_sap": 16, "size": 1}
    assert v["control"] == {"kind": "I", "byte": "32", "ns": 1, "nr": 1, "pf": True}
    assert v["hcs"] == line[14:18] and v["fcs"] == line[-6:-2]
    assert v["llc"] == {"dsap": "E6", "ssap": "E6", "quality": "00"}
    assert v["apdu"]["apdu"] == "GetRequestNormal"
    assert v["apdu"]["attribute_descriptor"]["instance_id"] == "0.0.1.0.0.255"
    assert "information" not in v
    round_trips([line])


def test_response_direction_from_llc_and_kind():
    resp = GetResponseNormal(invoke_id_and_priority=0xC1, result=(17, 5)).to_bytes()
    i_resp = frame(0x30 | hf.PF, CLIENT, SERVER, b"\xE6\xE7\x00" + resp)
    params = hf.encode_parameters(bytearray(), 128, 128, 1, 1)
    ua = frame(hf.UA | hf.PF, CLIENT, SERVER, params)
    rr = frame(hf.RR | hf.PF | (3 << 5), SERVER, CLIENT)
    disc = frame(hf.DISC | hf.PF, hf.server_address(1), CLIENT)
    a, b, c, d = views("--frame", "hdlc", "-", stdin="\n".join([i_resp, ua, rr, disc]))
    assert a["source"] == {"server_upper": 1, "server_lower": 17, "size": 2}
    assert a["destination"] == {"client_sap": 16, "size": 1}
    assert a["llc"]["ssap"] == "E7" and a["apdu"]["result"] == {"data": {"unsigned": 5}}
    assert b["control"] == {"kind": "UA", "byte": "73", "pf": True}
    assert b["source"]["server_lower"] == 17
    assert b["parameters"] == {"max_info_field_length_transmit": 128,
                               "max_info_field_length_receive": 128,
                               "window_size_transmit": 1, "window_size_receive": 1}
    assert c["control"] == {"kind": "RR", "byte": "71", "nr": 3, "pf": True}
    assert c["destination"]["server_upper"] == 1  # the two-byte address is the server's
    assert d["control"]["kind"] == "DISC" and d["destination"]["server_lower"] is None
    round_trips([i_resp, ua, rr, disc])


def test_direction_unknown_shows_plain_addresses():
    v, = views("--frame", "hdlc", frame(hf.RR, hf.server_address(1), CLIENT))
    assert v["destination"] == {"address": 1, "size": 1}
    assert v["source"] == {"address": 16, "size": 1}
    # a DM sent to a two-byte address: the sizes win over the kind
    v, = views("--frame", "hdlc", frame(hf.DM, SERVER, CLIENT))
    assert v["destination"]["server_lower"] == 17 and v["source"] == {"client_sap": 16, "size": 1}
    # two long addresses: neither can be a client's
    v, = views("--frame", "hdlc", frame(hf.DM, SERVER, SERVER))
    assert v["destination"] == {"address": 0x91, "size": 2}


def test_segmented_apdu_over_three_frames_on_three_lines():
    apdu = GetResponseNormal(invoke_id_and_priority=0xC1, result=EVERY_TYPE).to_bytes()
    a, b = 60, 130
    lines = [frame(0x10, CLIENT, SERVER, b"\xE6\xE7\x00" + apdu[:a], segmented=True),
             frame(hf.RR | hf.PF | (1 << 5), SERVER, CLIENT),  # the client asks for more
             frame(0x12, CLIENT, SERVER, apdu[a:b], segmented=True),
             frame(0x14, CLIENT, SERVER, apdu[b:])]
    v1, rr, v2, v3 = views("--frame", "hdlc", "-", stdin="\n".join(lines))
    assert v1["format"]["segmented"] and v1["segment"] == 1 and "apdu" not in v1
    assert v1["llc"]["ssap"] == "E7" and v1["information"] == apdu[:a].hex().upper()
    assert rr["control"]["kind"] == "RR"
    assert v2["segment"] == 2 and "llc" not in v2
    assert not v3["format"]["segmented"] and v3["segment"] == 3
    assert v3["information"] == apdu[b:].hex().upper()
    assert v3["apdu"]["apdu"] == "GetResponseNormal"
    assert encode_ok(json.dumps(v3["apdu"])) == apdu.hex().upper() + "\n"
    round_trips(lines, "hdlc")


def test_several_frames_on_one_line():
    f1 = frame(0x10, SERVER, CLIENT, b"\xE6\xE6\x00" + GET)
    f2 = frame(hf.RR | (1 << 5), SERVER, CLIENT)
    # separate flags, inter-frame fill, and one flag shared by two frames
    for line in (f1 + f2, f1 + "7E7E" + f2, f1 + f2[2:], "7E" + f1 + f2 + "7E",
                 "7E7E" + f1 + f2 + "7E7E7E"):
        got = views("--frame", "hdlc", line)
        assert [v["control"]["kind"] for v in got] == ["I", "RR"], line


def test_an_unreadable_apdu_leaves_its_bytes():
    for apdu, why in ((bytes.fromhex("9901020304"), "unknown APDU tag 0x99 at offset 0"),
                      (bytes.fromhex("C81E3000000001"), "ciphered APDU truncated at offset 2")):
        line = frame(0x10, SERVER, CLIENT, b"\xE6\xE6\x00" + apdu)
        v, = views("--frame", "hdlc", line)
        assert v["information"] == apdu.hex().upper()
        assert v["apdu_error"] == why
        round_trips([line])


def test_frame_errors():
    good = frame(0x10, SERVER, CLIENT, b"\xE6\xE6\x00" + GET)
    bad_fcs = good[:-6] + "0000" + "7E"
    err = fails(["decode", "--frame", "hdlc", bad_fcs])
    assert err == ("microcosem: error: HDLC FCS mismatch: the frame carries 0000, its bytes "
                   "give %s at offset 25\n" % good[-6:-2])
    bad_hcs = good[:14] + "0000" + good[18:]
    assert "HDLC HCS mismatch: the frame carries 0000, its bytes give %s at offset 7" % (
        good[14:18]) in fails(["decode", "--frame", "hdlc", bad_hcs])
    err = fails(["decode", "--frame", "hdlc", good[:-8]])
    assert err.startswith("microcosem: error: frame ends early: HDLC frame of 26 bytes incomplete")
    err = fails(["decode", "--frame", "hdlc", "A0A0A0A0"])
    assert "HDLC opening flag expected at offset 0" in err
    err = fails(["decode", "--frame", "auto", "C0 01"])
    assert err.startswith("microcosem: error: APDU ends early: ")
    err = fails(["decode", "--frame", "auto", "7E 7E"])
    assert err == "microcosem: error: no frame, only flags\n"
    err = fails(["decode", "--frame", "hdlc", "-"], stdin=good + "\n" + good + "00\n")
    assert err.startswith("microcosem: error: line 2: ")


def test_wrapper_frames():
    w = wrapper.wrap(0x10, 0x01, GET).hex().upper()
    v, = views("--frame", "wrapper", w)
    assert v == {"frame": "wrapper", "version": 1, "source_wport": 16, "destination_wport": 1,
                 "length": len(GET), "apdu": json.loads(decode_ok(GET.hex()))}
    two = views("--frame", "auto", w + w)
    assert len(two) == 2
    err = fails(["decode", "--frame", "wrapper", w[:-2]])
    assert err.startswith("microcosem: error: frame ends early: wrapper frame of 13 APDU bytes")
    assert "wrapper version 0x0002" in fails(["decode", "--frame", "wrapper", "0002" + w[4:]])
    round_trips([w, w + w], "wrapper")


def test_auto_tells_frames_from_apdus():
    lines = [wrapper.wrap(1, 0x10, GET).hex(), frame(0x10, SERVER, CLIENT, b"\xE6\xE6\x00" + GET),
             GET.hex()]
    a, b, c = views("--frame", "auto", "-", stdin="\n".join(lines))
    assert a["frame"] == "wrapper" and b["frame"] == "hdlc" and c["apdu"] == "GetRequestNormal"
    assert a["apdu"] == b["apdu"] == c
    round_trips([x.upper() for x in lines])


def test_encode_hand_written_frames():
    # kinds and sequence numbers instead of the control byte, addresses by their parts
    j = {"frame": "hdlc", "destination": {"server_upper": 1, "server_lower": 17},
         "source": {"client_sap": 16}, "control": {"kind": "I", "ns": 1, "nr": 1, "pf": True},
         "llc": {"ssap": "E6"}, "apdu": json.loads(decode_ok(GET.hex()))}
    assert encode_ok(json.dumps(j)) == frame(0x32, SERVER, CLIENT, b"\xE6\xE6\x00" + GET) + "\n"
    j = {"frame": "hdlc", "destination": {"server_upper": 1}, "source": {"client_sap": 16},
         "control": {"kind": "SNRM", "pf": True}}
    assert encode_ok(json.dumps(j)) == "7EA0070321930F017E\n"
    j = {"frame": "wrapper", "source_wport": 16, "destination_wport": 1,
         "apdu": json.loads(decode_ok(GET.hex()))}
    assert encode_ok(json.dumps(j)) == wrapper.wrap(16, 1, GET).hex().upper() + "\n"
    err = fails(["encode"], stdin=json.dumps(dict(j, frame="mbus")))
    assert "frame: 'mbus' is neither hdlc nor wrapper" in err
    err = fails(["encode"], stdin=json.dumps(
        {"frame": "hdlc", "destination": {"server_upper": 1}, "source": {"client_sap": 16},
         "control": {"kind": "XID"}}))
    assert "frame.control.kind: 'XID' is none of I, RR" in err


def test_frames_from_gurux():
    # Frames another implementation builds (its CRCs, its LLC, its AARQ) read as they should.
    gurux = pytest.importorskip("gurux_dlms")
    from gurux_dlms.enums import Authentication, InterfaceType
    from gurux_dlms.objects import GXDLMSClock

    c = gurux.GXDLMSClient(True, 16, 1, Authentication.LOW, "12345678", InterfaceType.HDLC)
    snrm = c.snrmRequest().hex()
    aarq, = [bytes(f).hex() for f in c.aarqRequest()]
    read, = [bytes(f).hex() for f in c.read(GXDLMSClock("0.0.1.0.0.255"), 2)]
    w = gurux.GXDLMSClient(True, 16, 1, Authentication.NONE, None, InterfaceType.WRAPPER)
    w_aarq, = [bytes(f).hex() for f in w.aarqRequest()]
    lines = [snrm, aarq, read, w_aarq]
    a, b, r, d = views("--frame", "auto", "-", stdin="\n".join(lines))
    assert a["control"]["kind"] == "SNRM" and a["destination"]["server_upper"] == 1
    assert b["control"]["kind"] == "I" and b["source"] == {"client_sap": 16, "size": 1}
    assert b["llc"]["ssap"] == "E6"
    aarq_view = b["apdu"]
    assert aarq_view["apdu"] == "AARQ" and aarq_view["mechanism_name"] == "low"
    assert aarq_view["calling_authentication_value"] == "12345678"
    assert aarq_view["application_context_name"] == "logical-name"
    assert aarq_view["user_information"]["apdu"] == "InitiateRequest"
    assert r["apdu"]["attribute_descriptor"] == {"class_id": 8, "instance_id": "0.0.1.0.0.255",
                                                 "attribute_id": 2}
    assert d["frame"] == "wrapper" and d["source_wport"] == 16 and d["destination_wport"] == 1
    assert d["apdu"]["apdu"] == "AARQ" and d["apdu"]["mechanism_name"] is None
    round_trips([x.upper() for x in lines])


@pytest.mark.parametrize("control, info, want", [
    (0x00 | (5 << 1) | (6 << 5), b"\xE6\xE6\x00" + GET,
     {"kind": "I", "byte": "CA", "ns": 5, "nr": 6, "pf": False}),
    (hf.RR | (7 << 5) | hf.PF, None, {"kind": "RR", "byte": "F1", "nr": 7, "pf": True}),
    (hf.RNR | (2 << 5), None, {"kind": "RNR", "byte": "45", "nr": 2, "pf": False}),
    (hf.SNRM | hf.PF, None, {"kind": "SNRM", "byte": "93", "pf": True}),
    (hf.UA | hf.PF, None, {"kind": "UA", "byte": "73", "pf": True}),
    (hf.DISC | hf.PF, None, {"kind": "DISC", "byte": "53", "pf": True}),
    (hf.DM | hf.PF, None, {"kind": "DM", "byte": "1F", "pf": True}),
    (hf.FRMR | hf.PF, b"\x97\x00\x01", {"kind": "FRMR", "byte": "97", "pf": True}),
    (hf.UI, b"\xE6\xE7\x00" + bytes.fromhex("C2 00 0001 0000010000FF 02 11 05"),
     {"kind": "UI", "byte": "03", "pf": False}),
])
def test_control_field_kinds(control, info, want):
    if want["kind"] in ("UA", "DM", "FRMR", "UI"):  # the server's frames
        line = frame(control, CLIENT, SERVER, info)
    else:
        line = frame(control, SERVER, CLIENT, info)
    v, = views("--frame", "hdlc", line)
    assert v["control"] == want
    if want["kind"] == "FRMR":
        assert v["information"] == "970001"
    if want["kind"] == "UI":
        assert v["apdu"]["apdu"] == "EventNotificationRequest" and v["llc"]["ssap"] == "E7"
    if want["kind"] in ("DM", "FRMR"):
        assert v["source"]["server_lower"] == 17 and v["destination"]["client_sap"] == 16
    # by kind, sequence numbers and P/F alone (no control byte), encode gives the same frame
    j = dict(v, control={k: x for k, x in want.items() if k != "byte"})
    assert encode_ok(json.dumps(j)) == line + "\n"

# heapsize: 64k
"""SMS short wrapper across several SMS: the concatenation header of 3GPP TS
23.040 byte by byte, reassembly in any order, repeats, contradictions and
bounds; the endpoint over a carrier that keeps what it is given."""

from checks import raises, unhex

from microcosem.errors import DecodeError, EncodeError
from microcosem.profiles.sms import (
    MAX_APDU_ONE_SMS, SMS_PAYLOAD, SmsEndpoint, SmsOutbox, SmsReassembler, decode_sms, parse_udh,
    segment_sms, sms_parts, wrap_sms)

GET = unhex("C0 01 C1 00 08 00 00 01 00 00 FF 02 00")


def _apdu(n):
    return bytes((i * 13 + 5) & 0xFF for i in range(n))


def test_short_wrapper_as_gurux_frames_it():
    # gxdlms-go GXDLMS.go getSMSFrame: the client writes uint8(ClientAddress),
    # uint8(ServerAddress), the APDU; the server uint8(ServerAddress),
    # uint8(ClientAddress), the APDU.  The SAP numbers (public client 16,
    # management logical device 1), not the HDLC octets 21 and 03.
    request = unhex("10 01 C0 01 C1 00 08 00 00 01 00 00 FF 02 00")  # GET clock time
    assert wrap_sms(0x10, 0x01, GET) == request
    source, destination, apdu = decode_sms(request)
    assert (source, destination, bytes(apdu)) == (0x10, 0x01, GET)
    answer = unhex("01 10 C4 01 C1 00 06 00 00 10 92")  # double-long-unsigned 4242
    source, destination, apdu = decode_sms(answer)
    assert (source, destination, bytes(apdu)) == (0x01, 0x10, answer[2:])
    # checkSMSAddress reads one octet each: no SAP above 255; and getSmsData
    # waits for 3 octets, two SAPs and an APDU
    raises(EncodeError, wrap_sms, 0x100, 0x01, GET)
    raises(EncodeError, wrap_sms, 0x10, -1, GET)
    raises(DecodeError, decode_sms, b"\x10\x01")
    # the largest APDU that goes without a user data header
    assert MAX_APDU_ONE_SMS == SMS_PAYLOAD - 2
    assert segment_sms(0x01, 0x10, _apdu(MAX_APDU_ONE_SMS), 0)[0][1] is False
    assert len(segment_sms(0x01, 0x10, _apdu(MAX_APDU_ONE_SMS + 1), 0)) == 2


def test_one_sms_has_no_header():
    assert segment_sms(0x10, 0x01, GET, 0) == [(b"\x10\x01" + GET, False)]
    # 138 APDU bytes still fit one SMS: 2 + 138 = 140
    parts = segment_sms(0x10, 0x01, _apdu(138), 0)
    assert len(parts) == 1 and len(parts[0][0]) == SMS_PAYLOAD and not parts[0][1]


def test_three_parts_bytes():
    apdu = _apdu(300)   # 302 octets with the wrapper: 134 + 134 + 34
    parts = segment_sms(0x01, 0x10, apdu, 7)
    assert [len(p) for p, _ in parts] == [140, 140, 40]
    assert all(udhi for _, udhi in parts)
    assert parts[0][0] == unhex("05 00 03 07 03 01") + b"\x01\x10" + apdu[:132]
    assert parts[1][0] == unhex("05 00 03 07 03 02") + apdu[132:266]
    assert parts[2][0] == unhex("05 00 03 07 03 03") + apdu[266:]
    assert parse_udh(parts[1][0]) == (7, 3, 2, 6)
    # one octet a part (a 7-octet payload): the SAPs take the first two parts
    six = unhex("AA BB CC DD EE FF")   # 8 octets with the SAPs: over 7, so 8 parts
    parts = [p for p, _ in segment_sms(0x01, 0x10, six, 4, 7)]
    assert parts[:3] == [unhex("05 00 03 04 08 01 01"), unhex("05 00 03 04 08 02 10"),
                         unhex("05 00 03 04 08 03 AA")]
    assert len(parts) == 8 and parts[7] == unhex("05 00 03 04 08 08 FF")
    r = SmsReassembler()
    assert [r.feed(p, True) for p in parts][-1] == (0x01, 0x10, six)
    # 139 APDU bytes: 141 octets, two parts (134 + 7)
    parts = segment_sms(0x01, 0x10, _apdu(139), 0)
    assert [len(p) for p, _ in parts] == [140, 13]


def test_reassembly_in_any_order_with_repeats():
    apdu = _apdu(600)
    parts = [p for p, _ in segment_sms(0x01, 0x10, apdu, 200)]
    assert len(parts) == 5
    for order in ((0, 1, 2, 3, 4), (4, 3, 2, 1, 0), (2, 0, 4, 1, 3)):
        r = SmsReassembler()
        for k, i in enumerate(order):
            got = r.feed(parts[i], True, "+41790000001")
            if k < 4:
                assert got is None
                assert r.feed(parts[i], True, "+41790000001") is None  # a repeat is dropped
        assert got == (0x01, 0x10, apdu)
        assert r.pending() == 0 and r.duplicates == 4
    # a part delivered again after its message completed starts a new one, which never completes
    assert r.feed(parts[0], True, "+41790000001") is None and r.pending() == 1


def test_interleaved_senders_and_references():
    a, b = _apdu(200), bytes((i * 7) & 0xFF for i in range(250))
    pa = [p for p, _ in segment_sms(0x01, 0x10, a, 1)]
    pb = [p for p, _ in segment_sms(0x01, 0x11, b, 1)]   # same reference, another sender
    r = SmsReassembler()
    assert r.feed(pa[0], True, "A") is None
    assert r.feed(pb[1], True, "B") is None
    assert r.feed(pb[0], True, "B") == (0x01, 0x11, b)
    assert r.feed(pa[1], True, "A") == (0x01, 0x10, a)


def test_contradiction_and_bad_numbers():
    parts = [p for p, _ in segment_sms(0x01, 0x10, _apdu(300), 9)]
    r = SmsReassembler()
    r.feed(parts[0], True)
    forged = parts[0][:10] + b"\xEE" + parts[0][11:]
    e = raises(DecodeError, r.feed, forged, True)
    assert "differs" in str(e) and r.pending() == 0     # the message is given up
    raises(DecodeError, r.feed, unhex("05 00 03 09 03 00") + b"x", True)   # part 0
    raises(DecodeError, r.feed, unhex("05 00 03 09 03 04") + b"x", True)   # part 4 of 3
    raises(DecodeError, r.feed, unhex("05 00 03 09 00 00") + b"x", True)   # of 0 parts
    raises(DecodeError, r.feed, unhex("09 00 03 09 03 01") + b"x", True)   # header past the end
    raises(DecodeError, r.feed, unhex("05 00 04 09 03 01") + b"x", True)   # element past the header
    raises(DecodeError, r.feed, unhex("04 00 02 09 03") + b"x", True)      # concatenation of 2 octets
    raises(DecodeError, r.feed, b"", True)
    raises(DecodeError, r.feed, b"\x10\x01", False)                      # wrapper without an APDU


def test_other_header_elements_and_16_bit_reference():
    r = SmsReassembler()
    # a port-addressing element (IEI 05, 4 octets) before the 16-bit concatenation element
    head = unhex("0C 05 04 0B 84 23 F0 08 04 12 34 02 01")
    assert parse_udh(head + b"\x10\x01") == (0x1234, 2, 1, 13)
    assert r.feed(head + b"\x10\x01" + GET[:5], True) is None
    assert r.feed(unhex("06 08 04 12 34 02 02") + GET[5:], True) == (0x10, 0x01, GET)
    # a header without concatenation: the whole message is in this SMS
    assert r.feed(unhex("04 05 02 0B 84") + b"\x10\x01" + GET, True) == (0x10, 0x01, GET)


def test_bounds():
    r = SmsReassembler(max_apdu=200, max_pending=2)
    big = [p for p, _ in segment_sms(0x01, 0x10, _apdu(400), 3)]
    r.feed(big[0], True)
    raises(DecodeError, r.feed, big[1], True)   # 268 octets gathered, over 200 + 2
    raises(DecodeError, r.feed, b"\x10\x01" + _apdu(201), False)
    for ref in (10, 11, 12):                    # three messages half sent: the oldest goes
        r.feed([p for p, _ in segment_sms(1, 0x10, _apdu(150), ref)][0], True)
    assert r.pending() == 2 and r.dropped == 1
    # at most 255 parts: with 7-octet SMS (one octet beside the header) 2 + 253 octets is the most
    raises(EncodeError, sms_parts, 1, 0x10, _apdu(254), 0, 7)
    parts = sms_parts(1, 0x10, _apdu(253), 0, 7)   # one at a time: 255 at once need 16k
    assert sum(1 for _ in parts) == 255
    raises(EncodeError, segment_sms, 1, 0x10, GET, 256)
    raises(EncodeError, segment_sms, 1, 0x10, b"", 0)
    raises(EncodeError, segment_sms, 0x100, 0x10, GET, 0)
    raises(EncodeError, segment_sms, 1, 0x10, GET, 0, 6)             # no room beside the header


def test_endpoint_over_a_carrier():
    out = SmsOutbox()
    end = SmsEndpoint(out)
    assert end.send_apdu(0x01, 0x10, GET, "+4179") == 1
    assert out.sent == [(b"\x01\x10" + GET, False, "+4179")]
    apdu = _apdu(300)
    assert end.send_apdu(0x01, 0x10, apdu, "+4179") == 3
    assert end.send_apdu(0x01, 0x10, apdu, "+4179") == 3
    refs = [p[3] for p, udhi, _ in out.sent[1:]]
    assert refs == [0, 0, 0, 1, 1, 1]        # a new reference per concatenated message
    peer = SmsEndpoint(SmsOutbox())
    got = [peer.receive(p, u, a) for p, u, a in reversed(out.sent)]
    assert got == [None, None, (0x01, 0x10, apdu), None, None, (0x01, 0x10, apdu), (0x01, 0x10, GET)]
    # a smaller carrier payload (a network that keeps octets for its own header)
    small = SmsOutbox()
    assert SmsEndpoint(small, max_payload=70).send_apdu(1, 0x10, apdu) == 5
    assert max(len(p) for p, _, _ in small.sent) == 70

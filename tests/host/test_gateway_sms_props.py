"""Properties (hypothesis) of the gateway APDUs and of the SMS segmentation:
round trips for every field value, only DecodeError on any bytes, every
message back from its SMS in any order with repeats."""

from hypothesis import given, settings
from hypothesis import strategies as st

from microcosem.errors import DecodeError
from microcosem.profiles.gateway import (
    GatewayRequest, GatewayResponse, decode_gateway, gateway_request, gateway_response)
from microcosem.profiles.sms import SmsReassembler, parse_udh, segment_sms

apdus = st.binary(min_size=1, max_size=600)
addresses = st.binary(min_size=1, max_size=64)


@given(st.integers(0, 255), addresses, apdus, st.booleans())
def test_gateway_round_trip(net, address, apdu, request):
    m = (gateway_request if request else gateway_response)(net, address, apdu)
    assert len(m) == 3 + len(address) + len(apdu)
    tag, n, a, inner = decode_gateway(m)
    assert (tag, n, a, bytes(inner)) == (0xE6 if request else 0xE7, net, address, apdu)
    cls = GatewayRequest if request else GatewayResponse
    assert cls.from_bytes(m).to_bytes() == m


@given(st.binary(max_size=80))
def test_gateway_any_bytes(buf):
    try:
        decode_gateway(buf)
    except DecodeError:
        pass


@settings(max_examples=150, deadline=None)
@given(st.binary(min_size=1, max_size=3000), st.integers(7, 140), st.integers(0, 255),
       st.randoms(use_true_random=False), st.integers(0, 5))
def test_sms_segments_come_back_in_any_order(apdu, max_payload, ref, rnd, repeats):
    parts = segment_sms(0x01, 0x10, apdu, ref, max_payload)
    assert all(len(p) <= max_payload for p, _ in parts)
    n = len(apdu) + 2
    if n <= max_payload:
        assert parts == [(b"\x01\x10" + apdu, False)]
    else:
        assert len(parts) == -(-n // (max_payload - 6))
        assert [parse_udh(p)[2] for p, _ in parts] == list(range(1, len(parts) + 1))
    air = parts + [rnd.choice(parts) for _ in range(repeats)]
    rnd.shuffle(air)
    r = SmsReassembler(max_apdu=3000)
    got = [m for m in (r.feed(p, u, "x") for p, u in air) if m is not None]
    assert got[0] == (0x01, 0x10, apdu)
    # a repeat that comes after the message was whole starts a message that never completes
    assert len(got) == 1 or got[1:] == [(0x01, 0x10, apdu)] * (len(got) - 1)


@given(st.binary(max_size=160), st.booleans())
def test_sms_any_payload(payload, udhi):
    r = SmsReassembler()
    try:
        r.feed(payload, udhi, "x")
    except DecodeError:
        pass

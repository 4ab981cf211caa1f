# heapsize: 64k
"""The gateway protocol's two APDUs, byte by byte, and their round trips."""

from checks import raises, unhex

from microcosem.errors import DecodeError, EncodeError, IncompleteData
from microcosem.profiles.gateway import (
    GATEWAY_REQUEST, GatewayRequest, GatewayResponse, GatewayTransport,
    decode_gateway, encode_gateway, gateway_request, gateway_response, is_gateway,
    wrap_notification)

# GetRequestNormal, invoke-id 0x81 (priority high, id 1): Clock 0.0.1.0.0.255 attribute 2
GET = unhex("C0 01 81 00 08 00 00 01 00 00 FF 02 00")
# GetResponseNormal, invoke-id 0x81, data: double-long-unsigned 4242
ANSWER = unhex("C4 01 81 00 06 00 00 10 92")
# DataNotification, long-invoke-id 1, no date-time, an unsigned 5
PUSH = unhex("0F 00 00 00 01 00 11 05")


def test_request_bytes():
    # E6, network 0, address: length 1, 0x11 (physical address 17), then the GET as it is
    m = gateway_request(0, b"\x11", GET)
    assert m == unhex("E6 00 01 11") + GET
    tag, net, addr, apdu = decode_gateway(m)
    assert (tag, net, addr, bytes(apdu)) == (GATEWAY_REQUEST, 0, b"\x11", GET)
    r = GatewayRequest.from_bytes(m)
    assert (r.network_id, r.address, r.apdu) == (0, b"\x11", GET)
    assert r.to_bytes() == m
    assert r == GatewayRequest(network_id=0, address=b"\x11", apdu=GET)


def test_response_bytes():
    # an 8-byte address (an M-Bus or EUI-64 one) on network 3
    addr = unhex("01 02 03 04 05 06 07 08")
    m = gateway_response(3, addr, ANSWER)
    assert m == unhex("E7 03 08 01 02 03 04 05 06 07 08") + ANSWER
    r = GatewayResponse.from_bytes(m)
    assert (r.network_id, r.address, r.apdu) == (3, addr, ANSWER)
    assert not r.is_notification()
    raises(DecodeError, GatewayRequest.from_bytes, m)   # a response is not a request
    assert is_gateway(m) and not is_gateway(ANSWER) and not is_gateway(b"")


def test_long_address_length():
    # the longest address taken: 64 bytes, the length still one byte (0x40)
    addr = bytes(range(60)) + b"\xAA" * 4
    m = gateway_request(255, addr, GET)
    assert m[:3] == b"\xE6\xFF\x40" and m[3:67] == addr
    assert decode_gateway(m)[2] == addr
    # the 0x81-form of a length is read too (gurux reads an A-XDR length on responses)
    m = unhex("E7 00 81 02 12 34") + ANSWER
    assert decode_gateway(m)[2] == b"\x12\x34"


def test_notification():
    m = wrap_notification(0, b"\x12", PUSH)
    assert m == unhex("E7 00 01 12") + PUSH
    r = GatewayResponse.from_bytes(m)
    assert r.is_notification() and r.apdu == PUSH
    raises(EncodeError, wrap_notification, 0, b"\x12", ANSWER)


def test_encode_into_and_slices():
    out = bytearray(b"\x00\x01")
    encode_gateway(out, GATEWAY_REQUEST, 1, bytearray(b"\x11"), b"xx" + GET, 2)
    assert bytes(out) == b"\x00\x01" + unhex("E6 01 01 11") + GET
    tag, net, addr, apdu = decode_gateway(out, 2)
    assert (net, addr, bytes(apdu)) == (1, b"\x11", GET)
    # all or nothing: a bad field leaves out untouched
    out = bytearray(b"ab")
    raises(EncodeError, GatewayRequest(network_id=256, address=b"\x11", apdu=GET).encode_into, out)
    raises(EncodeError, GatewayRequest(network_id=0, address=b"", apdu=GET).encode_into, out)
    raises(EncodeError, GatewayRequest(network_id=0, address=b"\x11", apdu=b"").encode_into, out)
    raises(EncodeError, GatewayRequest(network_id=0, address=bytes(65), apdu=GET).encode_into, out)
    raises(EncodeError, GatewayRequest(network_id=0, address="17", apdu=GET).encode_into, out)
    assert out == b"ab"
    raises(EncodeError, encode_gateway, bytearray(), 0xC0, 0, b"\x11", GET)


def test_malformed():
    good = gateway_request(0, b"\x11", GET)
    for n in range(len(good) - len(GET) + 1):   # every cut before the wrapped APDU starts
        e = raises(DecodeError, decode_gateway, good[:n])
        assert isinstance(e, IncompleteData), n
    raises(DecodeError, decode_gateway, b"\xC0" + good[1:])          # not E6/E7
    e = raises(DecodeError, decode_gateway, unhex("E6 00 00") + GET)  # empty address
    assert e.offset == 2
    raises(DecodeError, decode_gateway, unhex("E6 00 41") + bytes(65) + GET)
    raises(DecodeError, decode_gateway, unhex("E6 00 85 00 00 00 00 01") + GET)
    raises(DecodeError, GatewayResponse.from_bytes, unhex("E7 00 05 11"))


def test_transport_wraps_and_skips_other_meters():
    sent = []
    replies = [gateway_response(0, b"\x12", PUSH), gateway_response(0, b"\x11", ANSWER)]

    def send(apdu):
        sent.append(apdu)
        return replies.pop(0)

    via = GatewayTransport(send, 0, b"\x11")
    assert via(GET) == ANSWER
    assert sent == [gateway_request(0, b"\x11", GET), None]   # listened on after the push
    assert len(via.others) == 1 and via.others[0].address == b"\x12" and via.others[0].is_notification()
    replies.append(gateway_request(0, b"\x11", GET))
    raises(DecodeError, via, GET)

# heapsize: 48k
"""IEC 62056-47 wrapper: header layout, TCP reassembly from any split, UDP datagrams."""

from checks import raises, unhex

from microcosem.errors import DecodeError, EncodeError
from microcosem.profiles.wrapper import (
    HEADER_SIZE, WrapperError, WrapperReassembler, decode_datagram, decode_header,
    encode_wrapper, wrap)

# GET.request-normal for the clock's time (0.0.1.0.0.255, attribute 2) from
# the public client (wPort 0x10) to the management logical device (wPort 1).
GET = unhex("C0 01 C1 00 08 00 00 01 00 00 FF 02 00")
GET_FRAME = unhex("00 01 00 10 00 01 00 0D") + GET


def test_encode():
    assert wrap(0x10, 0x01, GET) == GET_FRAME
    out = bytearray(b"..")
    assert encode_wrapper(out, 0x10, 0x01, b"xx" + GET, 2) == len(GET_FRAME)
    assert bytes(out) == b".." + GET_FRAME
    assert wrap(0x0001, 0x0010, b"") == unhex("00 01 00 01 00 10 00 00")
    raises(EncodeError, wrap, 0x10000, 1, b"")
    raises(EncodeError, wrap, 1, 1, _TooLong())


class _TooLong:
    # stands for a 64 KiB APDU without a 64 KiB heap: the length is refused first
    def __len__(self):
        return 0x10000


def test_header():
    assert decode_header(GET_FRAME) == (0x10, 0x01, 13)
    assert HEADER_SIZE == 8
    e = raises(WrapperError, decode_header, unhex("00 02 00 10 00 01 00 0D"))
    assert e.offset == 0 and isinstance(e, DecodeError)
    raises(WrapperError, decode_header, GET_FRAME, 0, None, 12)


def test_datagram():
    src, dst, apdu = decode_datagram(GET_FRAME)
    assert (src, dst, bytes(apdu)) == (0x10, 1, GET)
    raises(WrapperError, decode_datagram, GET_FRAME + b"\x00")
    raises(DecodeError, decode_datagram, GET_FRAME[:-1])
    raises(DecodeError, decode_datagram, GET_FRAME[:5])
    raises(WrapperError, decode_datagram, GET_FRAME, 0, None, 12)


def test_stream_every_split():
    two = GET_FRAME + wrap(1, 0x10, b"\xC4\x01\xC1\x00\x09\x00")
    for cut in range(len(two) + 1):
        r = WrapperReassembler()
        r.feed(two[:cut])
        got = []
        m = r.next_apdu()
        while m:
            got.append(m)
            m = r.next_apdu()
        r.feed(two[cut:])
        m = r.next_apdu()
        while m:
            got.append(m)
            m = r.next_apdu()
        assert got == [(0x10, 1, GET), (1, 0x10, b"\xC4\x01\xC1\x00\x09\x00")], cut
        assert r.pending() == 0


def test_stream_byte_by_byte_many_frames():
    r = WrapperReassembler()
    stream = b"".join(wrap(0x10, 1, bytes([i]) * i) for i in range(40))
    got = []
    for i in range(len(stream)):
        r.feed(stream[i:i + 1])
        m = r.next_apdu()
        while m:
            got.append(m[2])
            m = r.next_apdu()
    assert got == [bytes([i]) * i for i in range(40)]


def test_stream_refuses_and_stays_failed():
    r = WrapperReassembler(max_length=100)
    r.feed(wrap(0x10, 1, b"ok") + unhex("00 01 00 10 00 01 00 65"))  # 101 > 100
    assert r.next_apdu() == (0x10, 1, b"ok")
    e = raises(WrapperError, r.next_apdu)
    assert "101" in str(e)
    raises(WrapperError, r.next_apdu)
    raises(WrapperError, r.feed, b"more")
    r = WrapperReassembler()
    r.feed(unhex("00 00 00 10 00 01 00 01 00"))
    assert "version" in str(raises(WrapperError, r.next_apdu))

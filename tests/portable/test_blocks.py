"""Block transfer's two halves: BlockSource cuts an encoding into blocks
(numbered from 1, the last one flagged), BlockSink puts them back; with
headroom, framed() puts an APDU header in front of a block in the same
buffer, so that a block APDU is one view and no copy."""

from microcosem.axdr import EncodedData
from microcosem.blocks import BlockSink, BlockSource, block_room
from microcosem.errors import DecodeError


def chunks(n, size):
    # n bytes 0, 1, 2 ... in chunks of `size`, one reused bytearray (as a profile's rows come)
    buf = bytearray(size)
    i = 0
    while i < n:
        k = min(size, n - i)
        for j in range(k):
            buf[j] = (i + j) & 0xFF
        yield memoryview(buf)[0:k]
        i += k


def expected(n):
    return bytes(i & 0xFF for i in range(n))


def blocks_of(src, size):
    out = []
    while True:
        data, last = src.next_block(size)
        out.append(bytes(data))
        if last:
            return out


def test_block_room_leaves_space_for_the_length():
    assert block_room(1024, 9) == 1024 - 9 - 3  # 82 hi lo
    assert block_room(200, 9) == 200 - 9 - 2    # 81 n
    assert block_room(100, 9) == 100 - 9 - 1


def test_source_cuts_chunks_into_blocks_the_last_flagged():
    src = BlockSource(EncodedData(chunks(1000, 23)))
    got = blocks_of(src, 300)
    assert [len(b) for b in got] == [300, 300, 300, 100]
    assert b"".join(got) == expected(1000)
    assert src.block_number == 4


def test_source_of_bytes_ending_on_a_block_boundary():
    src = BlockSource(expected(600))
    got = blocks_of(src, 300)
    assert got == [expected(600)[0:300], expected(600)[300:600]]


def test_headroom_frames_each_block_in_place():
    plain = blocks_of(BlockSource(EncodedData(chunks(1000, 23))), 250)
    src = BlockSource(EncodedData(chunks(1000, 23)), 12)
    for i, want in enumerate(plain):
        data, last = src.next_block(250)
        assert bytes(data) == want
        head = bytes((0xC4, 2, 0xC1, 1 if last else 0, 0, 0, 0, i + 1, 0, 0x81, len(data)))
        apdu = src.framed(head)
        assert type(apdu) is memoryview
        assert bytes(apdu) == head + want
        assert last == (i == len(plain) - 1)


def test_framed_after_fits_and_rest():
    src = BlockSource(EncodedData(chunks(40, 7)), 12)
    assert src.fits(100)
    assert bytes(src.rest()) == expected(40)
    assert bytes(src.framed(b"\xc4\x01\xc1\x00")) == b"\xc4\x01\xc1\x00" + expected(40)


def test_head_longer_than_the_headroom_is_refused():
    src = BlockSource(expected(50), 4)
    src.next_block(20)
    try:
        src.framed(bytes(5))
    except ValueError:
        return
    raise AssertionError("a 5-byte head in 4 bytes of headroom")


def test_sink_gathers_and_refuses_gaps_and_repeats():
    sink = BlockSink()
    sink.add(1, b"ab", False)
    for bad in (3, 1):
        try:
            sink.add(bad, b"x", False)
        except DecodeError:
            continue
        raise AssertionError("block %d accepted" % bad)
    sink.add(2, b"cd" * 100, True)
    assert bytes(sink.data) == b"ab" + b"cd" * 100 and sink.done
    try:
        sink.add(3, b"", True)
    except DecodeError:
        return
    raise AssertionError("a block after the last")

"""Block transfer: cutting an encoding into blocks, and putting it back.

Used by both engines, for GET and ACTION answers (server side) and SET and
ACTION requests (client side).  The sender holds a BlockSource that encodes
lazily, so a 10 000-row profile is never in memory whole; the receiver
holds a BlockSink that checks the numbering and gathers the raw data.
"""

from .axdr import EncodedData, encode_data
from .errors import DecodeError


def block_room(max_pdu, header):
    """The most raw-data bytes a block APDU may carry: `header` bytes come
    before the octet-string length, which takes 1, 2 or 3 bytes itself."""
    room = max_pdu - header
    n = room - 1
    if n > 0x7F:
        n = room - 2
        if n > 0xFF:
            n = room - 3
    return n


class BlockSource:
    """The encoding of one value (a Data tuple, an EncodedData, or bytes), served
    in blocks of at most `size` bytes; block numbers start at 1."""

    def __init__(self, value):
        self._buf = bytearray()
        self._pos = 0
        if type(value) is EncodedData:
            self._chunks = iter(value.chunks)
        elif isinstance(value, (bytes, bytearray, memoryview)):
            self._buf += value
            self._chunks = None
        else:
            encode_data(self._buf, value)
            self._chunks = None
        self.block_number = 0

    def _fill(self, want):
        # pull chunks until `want` bytes wait beyond the read position, or none are left
        buf = self._buf
        if self._pos and self._pos >= 4096:
            buf[:self._pos] = b""  # drop what was sent, now and then
            self._pos = 0
        while self._chunks is not None and len(buf) - self._pos < want:
            try:
                buf += next(self._chunks)
            except StopIteration:
                self._chunks = None

    def next_block(self, size):
        """(raw_data, last_block) for the next block."""
        self._fill(size + 1)  # one more byte tells whether this block is the last
        start = self._pos
        stop = min(start + size, len(self._buf))
        data = bytes(self._buf[start:stop])
        self._pos = stop
        self.block_number += 1
        return data, self._chunks is None and stop == len(self._buf)

    def fits(self, size):
        """True when the whole encoding is at most `size` bytes (pulls that much)."""
        self._fill(size + 1)
        return self._chunks is None and len(self._buf) - self._pos <= size

    def rest(self):
        """Everything not yet sent, as bytes."""
        self._fill(1 << 30)
        data = bytes(self._buf[self._pos:])
        self._pos = len(self._buf)
        return data


class BlockSink:
    """Gathers numbered blocks; refuses a gap, a repeat or data after the last block."""

    def __init__(self, limit=None):
        self.data = bytearray()
        self.block_number = 0
        self.done = False
        self.limit = limit

    def add(self, block_number, raw_data, last_block):
        if self.done:
            raise DecodeError("block %d after the last block" % block_number)
        if block_number != self.block_number + 1:
            raise DecodeError("block %d where %d was due" % (block_number, self.block_number + 1))
        if self.limit is not None and len(self.data) + len(raw_data) > self.limit:
            raise DecodeError("blocks exceed %d bytes" % self.limit)
        self.data += raw_data
        self.block_number = block_number
        self.done = bool(last_block)

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
    in blocks of at most `size` bytes; block numbers start at 1.

    The bytes go through one buffer of block size, allocated once: on a
    MicroPython heap a buffer that grows chunk by chunk needs ever larger
    free runs and fails on a fragmented heap long before the heap is full.
    A block is returned as a memoryview into that buffer, good until the
    next call.  With `headroom`, that many bytes are kept free in front of
    the data, so that framed() puts the APDU's header there and the whole
    APDU is a view of the same buffer: a block costs no copy of its own.
    """

    def __init__(self, value, headroom=0):
        self._h = headroom  # the buffered bytes are _buf[_h + _start:_h + _n]
        self._buf = None
        self._start = 0   # buffered bytes are _buf[_start:_n]
        self._n = 0
        self._chunks = None
        self._pending = None  # memoryview of what a chunk still holds
        if type(value) is EncodedData:
            self._chunks = iter(value.chunks)
        elif isinstance(value, (bytes, bytearray, memoryview)):
            self._pending = memoryview(value) if len(value) else None
        else:
            self._pending = memoryview(encode_data(bytearray(), value))
        self.block_number = 0

    def _fill(self, want):
        """Buffer up to `want` bytes; True when the buffer holds all that is left."""
        buf = self._buf
        h = self._h
        n = self._n - self._start
        if self._start:
            buf[h:h + n] = buf[h + self._start:h + self._n]  # the few bytes a block left behind
            self._start = 0
        if buf is None or len(buf) < h + want:
            nb = bytearray(h + want)
            if n:
                nb[h:h + n] = buf[h:h + n]
            self._buf = buf = nb
        while n < want:
            if self._pending is None:
                # no view of the last chunk may be alive here: a generator that
                # reuses its bytearray resizes it on this next() (CPython refuses
                # to resize a buffer with exports)
                if self._chunks is None:
                    break
                try:
                    self._pending = memoryview(next(self._chunks))
                except StopIteration:
                    self._chunks = None
                    break
            p = self._pending
            k = len(p)
            if k > want - n:
                k = want - n
            buf[h + n:h + n + k] = p[0:k]
            n += k
            self._pending = p[k:] if k < len(p) else None
            p = None
        self._n = n
        # look ahead, so that the last block says it is the last
        while self._pending is None and self._chunks is not None:
            try:
                c = next(self._chunks)
            except StopIteration:
                self._chunks = None
                break
            if len(c):
                self._pending = memoryview(c)
            c = None
        return self._pending is None and self._chunks is None

    def next_block(self, size):
        """(raw_data, last_block) for the next block; raw_data is a memoryview."""
        done = self._fill(size)
        k = self._n if self._n < size else size
        self._start = k
        self.block_number += 1
        h = self._h
        return memoryview(self._buf)[h:h + k], done and k == self._n

    def fits(self, size):
        """True when all that is left is at most `size` bytes (buffers that much)."""
        return self._fill(size) and self._n - self._start <= size

    def rest(self):
        """Everything not yet sent, after fits() said it fits; a memoryview."""
        h = self._h
        data = memoryview(self._buf)[h + self._start:h + self._n]
        self._start = self._n
        return data

    def framed(self, head):
        """head || the data next_block() (or rest()) just gave, as one memoryview
        of the buffer: the head (at most `headroom` bytes) is written in front
        of the data.  Good until the next call, like the data."""
        buf = self._buf
        a = self._h - len(head)
        if a < 0 or buf is None:
            raise ValueError("head longer than the headroom")
        # the data last given ends where the buffered bytes now start
        buf[a:self._h] = head
        return memoryview(buf)[a:self._h + self._start]


class BlockSink:
    """Gathers numbered blocks; refuses a gap, a repeat or data after the last block.

    `data` is a memoryview of what came so far.  The buffer doubles when it
    is full, so that a long transfer reallocates a few times rather than once
    a block (each reallocation needs a larger free run of a non-moving heap).
    """

    def __init__(self, limit=None):
        self._buf = bytearray(64)
        self._n = 0
        self.block_number = 0
        self.done = False
        self.limit = limit

    @property
    def data(self):
        return memoryview(self._buf)[0:self._n]

    def __len__(self):
        return self._n

    def add(self, block_number, raw_data, last_block):
        if self.done:
            raise DecodeError("block %d after the last block" % block_number)
        if block_number != self.block_number + 1:
            raise DecodeError("block %d where %d was due" % (block_number, self.block_number + 1))
        n = self._n
        k = len(raw_data)
        if self.limit is not None and n + k > self.limit:
            raise DecodeError("blocks exceed %d bytes" % self.limit)
        if n + k > len(self._buf):
            size = len(self._buf) * 2
            while size < n + k:
                size *= 2
            if self.limit is not None and size > self.limit:
                size = max(self.limit, n + k)
            buf = bytearray(size)
            buf[0:n] = memoryview(self._buf)[0:n]
            self._buf = buf
        self._buf[n:n + k] = raw_data
        self._n = n + k
        self.block_number = block_number
        self.done = bool(last_block)

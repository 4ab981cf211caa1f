"""IEC 62056-47 TCP/UDP wrapper (Green Book 7.3.3.4).

Every APDU travels behind an 8-byte header, all fields big-endian:

    version (0x0001) | source wPort | destination wPort | length of the APDU

wPorts play the role of the HDLC SAPs: 0x0001 the management logical device,
0x0010 the public client, and so on.  TCP is a byte stream, so
`WrapperReassembler` takes reads split anywhere and hands back whole APDUs;
UDP keeps datagram boundaries, so `decode_datagram` reads exactly one.

A bad version or a length over the bound the caller set raises WrapperError.
On TCP the stream cannot be resynchronised after that (there is no flag to
hunt for), so the reassembler stays failed and the caller closes the
connection.
"""

from ..compat import const
from ..errors import DecodeError, EncodeError, IncompleteData

VERSION = const(0x0001)
HEADER_SIZE = const(8)
DEFAULT_MAX_LENGTH = const(4096)


class WrapperError(DecodeError):
    """A wrapper header that no valid peer sends: close the connection."""


def encode_wrapper(out, source, destination, apdu, start=0, end=None):
    """Append header + apdu[start:end] to bytearray `out`; returns bytes added."""
    if end is None:
        end = len(apdu)
    n = end - start
    if n < 0 or n > 0xFFFF:
        raise EncodeError("APDU of %d bytes does not fit a wrapper frame" % n)
    if not (0 <= source <= 0xFFFF and 0 <= destination <= 0xFFFF):
        raise EncodeError("wPort out of range")
    p = len(out)
    out.append(0)
    out.append(VERSION)
    out.append(source >> 8)
    out.append(source & 0xFF)
    out.append(destination >> 8)
    out.append(destination & 0xFF)
    out.append(n >> 8)
    out.append(n & 0xFF)
    out += memoryview(apdu)[start:end]
    return len(out) - p


def wrap(source, destination, apdu):
    """One wrapper frame as bytes."""
    out = bytearray()
    encode_wrapper(out, source, destination, apdu)
    return bytes(out)


def decode_header(buf, pos=0, end=None, max_length=0xFFFF):
    """(source, destination, length) of the header at buf[pos:pos+8]."""
    if end is None:
        end = len(buf)
    if end - pos < HEADER_SIZE:
        raise IncompleteData("wrapper header expected", pos)
    version = (buf[pos] << 8) | buf[pos + 1]
    if version != VERSION:
        raise WrapperError("wrapper version 0x%04X, 0x0001 expected" % version, pos)
    length = (buf[pos + 6] << 8) | buf[pos + 7]
    if length > max_length:
        raise WrapperError("wrapper length %d over the limit %d" % (length, max_length), pos + 6)
    return ((buf[pos + 2] << 8) | buf[pos + 3], (buf[pos + 4] << 8) | buf[pos + 5], length)


def decode_datagram(buf, start=0, end=None, max_length=0xFFFF):
    """(source, destination, apdu memoryview) from one UDP datagram.

    The datagram must hold exactly the header and the length it announces."""
    if end is None:
        end = len(buf)
    source, destination, length = decode_header(buf, start, end, max_length)
    have = end - start - HEADER_SIZE
    if have != length:
        raise WrapperError("wrapper length %d but datagram carries %d" % (length, have), start + 6)
    p = start + HEADER_SIZE
    return source, destination, memoryview(buf)[p:p + length]


class WrapperReassembler:
    """Whole wrapper frames out of a TCP byte stream.

        r = WrapperReassembler(max_length=2048)
        r.feed(sock_bytes)              # any split, any number of frames
        while (msg := r.next_apdu()):   # (source, destination, apdu bytes)
            ...

    `max_length` bounds the APDU (and so the buffer): a length above it
    raises WrapperError, as does a bad version; after that every call raises
    again, since the stream has lost its framing."""

    def __init__(self, max_length=DEFAULT_MAX_LENGTH):
        self.max_length = max_length
        self._buf = bytearray()
        self._pos = 0
        self._error = None

    def feed(self, data):
        if self._error is not None:
            raise self._error
        if self._pos and self._pos >= len(self._buf) // 2:
            self._buf[:self._pos] = b""  # compact: MicroPython has no del on bytearray
            self._pos = 0
        self._buf += data

    def pending(self):
        """Bytes received but not yet handed out as a whole frame."""
        return len(self._buf) - self._pos

    def next_apdu(self):
        """(source, destination, apdu) for the next whole frame, else None."""
        if self._error is not None:
            raise self._error
        buf = self._buf
        pos = self._pos
        end = len(buf)
        if end - pos < HEADER_SIZE:
            return None
        try:
            source, destination, length = decode_header(buf, pos, end, self.max_length)
        except WrapperError as e:
            self._error = e
            raise
        stop = pos + HEADER_SIZE + length
        if stop > end:
            return None
        apdu = bytes(memoryview(buf)[pos + HEADER_SIZE:stop])
        if stop == end:
            buf[:] = b""
            self._pos = 0
        else:
            self._pos = stop
        return source, destination, apdu

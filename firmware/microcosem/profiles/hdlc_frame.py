"""HDLC frame format type 3, as IEC 62056-46 uses it (clause 6.4, ISO/IEC 13239).

    7E | format (2) | destination (1,2,4) | source (1,2,4) | control |
         [HCS (2) | information] | FCS (2) | 7E

The format field is 1010 S LLL LLLLLLLL: type 3, the segmentation bit S (more
segments of this APDU follow) and an 11-bit length counting every byte between
the flags.  There is no byte stuffing: the length field delimits the frame, so
7E may appear inside it.  HCS covers format..control and is present only when
an information field is; FCS covers format..information.  Both are CRC-16/X.25,
low byte first.

Addresses end at the first byte whose bit 0 (the extension bit) is 1; the
other seven bits of each byte carry the value, most significant group first.
A client address is one byte (its SAP).  A server address is the upper HDLC
address (logical device) alone in one byte, or upper + lower (physical device)
as 7+7 bits in two bytes or 14+14 bits in four.  This module keeps an address
as (value, size), value being the bit groups concatenated: upper << 7 | lower
for two bytes, upper << 14 | lower for four (the same numbering Gurux uses).

Decoding fills a reusable `HdlcFrame` with offsets into the caller's buffer
(nothing is copied); encoding appends a whole frame to a caller's bytearray.
"""

from ..compat import const
from ..errors import DecodeError, EncodeError, IncompleteData
from .crc16 import GOOD_RESIDUE, INITIAL, crc16_update

FLAG = const(0x7E)

# Control field, P/F bit clear (clause 6.4.3).  I frames carry N(S) in bits
# 1-3 and N(R) in bits 5-7; S frames (RR, RNR) carry N(R).
I = const(0x00)
RR = const(0x01)
RNR = const(0x05)
REJ = const(0x09)
SREJ = const(0x0D)
SNRM = const(0x83)
DISC = const(0x43)
UA = const(0x63)
DM = const(0x0F)
FRMR = const(0x87)
UI = const(0x03)
PF = const(0x10)

SEGMENTED = const(0x0800)  # the S bit of the format field
MAX_FRAME_LENGTH = const(0x7FF)
# format + two 4-byte addresses + control + HCS + FCS: what a frame adds to
# its information field at most.
OVERHEAD = const(15)

# Reserved addresses (clause 6.4.2.2, Green Book 8.4.2.2).
NO_STATION = const(0x00)
MANAGEMENT_LOGICAL_DEVICE = const(0x01)  # upper address of the management LD
CLIENT_MANAGEMENT_PROCESS = const(0x01)
PUBLIC_CLIENT = const(0x10)
ALL_STATION = const(0x7F)          # one-byte fields and 7-bit halves
ALL_STATION_14 = const(0x3FFF)     # 14-bit halves of a four-byte address
CALLING_PHYSICAL = const(0x7E)     # lower address a server uses when it calls
CALLING_PHYSICAL_14 = const(0x3FFE)

_NAMES = ((I, "I"), (RR, "RR"), (RNR, "RNR"), (REJ, "REJ"), (SREJ, "SREJ"),
          (SNRM, "SNRM"), (DISC, "DISC"), (UA, "UA"), (DM, "DM"), (FRMR, "FRMR"),
          (UI, "UI"))


def frame_kind(control):
    """The frame type of a control byte: I, RR, RNR, REJ, SREJ or a U code."""
    if not control & 1:
        return I
    if control & 3 == 1:
        return control & 0x0F
    return control & 0xEF


def kind_name(kind):
    for k, name in _NAMES:
        if k == kind:
            return name
    return "0x%02X" % kind


# ------------------------------------------------------------------ addresses


def encode_address(value, size):
    """Address field bytes for `value` in `size` (1, 2 or 4) bytes."""
    if size not in (1, 2, 4) or value < 0 or value >> (7 * size):
        raise EncodeError("HDLC address %r does not fit %r bytes" % (value, size))
    out = bytearray(size)
    for i in range(size - 1, -1, -1):
        out[i] = (value & 0x7F) << 1
        value >>= 7
    out[size - 1] |= 1
    return bytes(out)


def client_address(sap):
    """The one-byte address field of a client SAP (0x10 public client -> 21)."""
    return encode_address(sap, 1)


def server_address(upper, lower=None, size=None):
    """The address field of a server: upper (logical device) and lower
    (physical device) HDLC addresses.  Without `lower`, one byte; otherwise
    two bytes when both fit in 7 bits, else four (or `size` if given)."""
    if lower is None:
        return encode_address(upper, size or 1)
    if size is None:
        size = 2 if upper <= 0x7F and lower <= 0x7F else 4
    if size == 2:
        if upper > 0x7F or lower > 0x7F:
            raise EncodeError("7-bit halves expected in a two-byte address")
        return encode_address((upper << 7) | lower, 2)
    if size == 4:
        if upper > 0x3FFF or lower > 0x3FFF:
            raise EncodeError("14-bit halves expected in a four-byte address")
        return encode_address((upper << 14) | lower, 4)
    raise EncodeError("a server address with a lower part has 2 or 4 bytes")


def split_server_address(value, size):
    """(upper, lower) from a decoded server address; lower is None for one byte."""
    if size == 1:
        return value, None
    if size == 2:
        return value >> 7, value & 0x7F
    return value >> 14, value & 0x3FFF


def decode_address_field(data):
    """(value, size) of a whole address field given as bytes."""
    v = 0
    n = len(data)
    for i in range(n):
        b = data[i]
        v = (v << 7) | (b >> 1)
        if b & 1:
            if i + 1 != n or n == 3:
                break
            return v, n
    raise DecodeError("bad HDLC address field", 0)


# --------------------------------------------------------------------- frames


class HdlcFrame:
    """One decoded frame: offsets into the buffer it was decoded from.

    A link keeps one and decodes every frame into it, so receiving a frame
    allocates nothing that outlives it.  `info()` slices the information field
    as a memoryview (valid until the buffer changes)."""

    def __init__(self):
        self.buf = None
        self.start = 0          # offset of the opening flag
        self.end = 0            # offset of the closing flag
        self.segmented = False
        self.dst = 0
        self.dst_size = 0
        self.src = 0
        self.src_size = 0
        self.control = 0
        self.has_info = False
        self.info_start = 0
        self.info_end = 0

    @property
    def kind(self):
        return frame_kind(self.control)

    @property
    def pf(self):
        return bool(self.control & PF)

    @property
    def ns(self):
        return (self.control >> 1) & 7

    @property
    def nr(self):
        return self.control >> 5

    def info(self):
        return memoryview(self.buf)[self.info_start:self.info_end]

    def __repr__(self):
        return "HdlcFrame(%s%s ctrl=0x%02X dst=0x%X/%d src=0x%X/%d info=%d)" % (
            kind_name(self.kind), " S" if self.segmented else "", self.control,
            self.dst, self.dst_size, self.src, self.src_size,
            self.info_end - self.info_start)


def decode_frame(buf, pos=0, end=None, frame=None, max_length=MAX_FRAME_LENGTH):
    """Decode the frame whose opening flag is buf[pos] into `frame` (a new
    HdlcFrame if None) and return it; the closing flag is at frame.end.

    IncompleteData when buf[pos:end] holds only the start of a frame;
    DecodeError for anything that is not a good frame (format, length over
    `max_length`, missing closing flag, address, HCS, FCS)."""
    if end is None:
        end = len(buf)
    if pos + 3 > end:
        raise IncompleteData("HDLC frame header expected", pos)
    if buf[pos] != FLAG:
        raise DecodeError("HDLC opening flag expected", pos)
    fmt = (buf[pos + 1] << 8) | buf[pos + 2]
    if fmt & 0xF000 != 0xA000:
        raise DecodeError("not an HDLC frame format type 3", pos + 1)
    n = fmt & MAX_FRAME_LENGTH
    if n < 7 or n > max_length:
        raise DecodeError("HDLC frame length %d out of range" % n, pos + 1)
    last = pos + 1 + n
    if last >= end:
        raise IncompleteData("HDLC frame of %d bytes incomplete" % n, pos)
    if buf[last] != FLAG:
        raise DecodeError("HDLC closing flag expected", last)
    # Two address fields, inline: this is the receive hot path.
    q = pos + 3
    dst = 0
    i = 0
    while True:
        b = buf[q + i]
        dst = (dst << 7) | (b >> 1)
        i += 1
        if b & 1:
            break
        if i == 4:
            raise DecodeError("HDLC destination address too long", q)
    if i == 3:
        raise DecodeError("three-byte HDLC address", q)
    dst_size = i
    q += i
    src = 0
    i = 0
    while True:
        if q + i >= last:
            raise DecodeError("HDLC source address runs past the frame", q)
        b = buf[q + i]
        src = (src << 7) | (b >> 1)
        i += 1
        if b & 1:
            break
        if i == 4:
            raise DecodeError("HDLC source address too long", q)
    if i == 3:
        raise DecodeError("three-byte HDLC address", q)
    q += i
    rest = last - q - 1  # bytes after the control field
    if rest < 2 or rest == 3:
        raise DecodeError("HDLC frame too short for its fields", q)
    if rest == 2:
        if crc16_update(INITIAL, buf, pos + 1, last) != GOOD_RESIDUE:
            raise DecodeError("HDLC FCS mismatch", last - 2)
        has_info = False
        info_start = info_end = last - 2
    else:
        info_start = q + 3
        info_end = last - 2
        crc = crc16_update(INITIAL, buf, pos + 1, info_start)
        if crc != GOOD_RESIDUE:
            raise DecodeError("HDLC HCS mismatch", q + 1)
        if crc16_update(crc, buf, info_start, last) != GOOD_RESIDUE:
            raise DecodeError("HDLC FCS mismatch", info_end)
        has_info = True
    if frame is None:
        frame = HdlcFrame()
    frame.buf = buf
    frame.start = pos
    frame.end = last
    frame.segmented = bool(fmt & SEGMENTED)
    frame.dst = dst
    frame.dst_size = dst_size
    frame.src = src
    frame.src_size = i
    frame.control = buf[q]
    frame.has_info = has_info
    frame.info_start = info_start
    frame.info_end = info_end
    return frame


def encode_frame(out, control, dst, src, info=None, start=0, end=None, segmented=False):
    """Append one frame to bytearray `out`.

    `dst` and `src` are address field bytes (encode_address, client_address,
    server_address).  With `info` (bytes-like; info[start:end] is sent) the
    frame has HCS and an information field; with info=None it has neither.
    Returns the number of bytes appended."""
    p = len(out)
    n = 5 + len(dst) + len(src)
    if info is not None:
        if end is None:
            end = len(info)
        n += 2 + end - start
    if n > MAX_FRAME_LENGTH:
        raise EncodeError("HDLC frame of %d bytes exceeds the 11-bit length" % n)
    if segmented:
        n |= SEGMENTED
    out.append(FLAG)
    out.append(0xA0 | (n >> 8))
    out.append(n & 0xFF)
    out += dst
    out += src
    out.append(control)
    crc = crc16_update(INITIAL, out, p + 1) ^ 0xFFFF
    out.append(crc & 0xFF)
    out.append(crc >> 8)
    if info is not None:
        out += memoryview(info)[start:end]
        # The register after the header and its own HCS is GOOD_RESIDUE,
        # so the FCS carries on from there over the information field.
        crc = crc16_update(GOOD_RESIDUE, info, start, end) ^ 0xFFFF
        out.append(crc & 0xFF)
        out.append(crc >> 8)
    out.append(FLAG)
    return len(out) - p


# ------------------------------------------- SNRM / UA parameter negotiation
# Information field of SNRM and UA (Green Book 8.4.5.3.2): format identifier
# 81, group identifier 80, group length, then parameters (id, length, value):
# 05 max_info_field_length_transmit, 06 ..._receive, 07 window_size_transmit,
# 08 window_size_receive.  Values are big-endian; absent ones default to 128
# and 1.  Each side states them from its own point of view.

DEFAULT_MAX_INFO = const(128)
DEFAULT_WINDOW = const(1)


def _put_param(out, pid, value, width):
    out.append(pid)
    out.append(width)
    for s in range((width - 1) * 8, -1, -8):
        out.append((value >> s) & 0xFF)


def encode_parameters(out, max_info_tx, max_info_rx, window_tx, window_rx):
    """Append the 81 80 parameter group to `out`.  Lengths take one byte up to
    255, two above; windows take four bytes as in the Green Book example."""
    p = len(out)
    out.append(0x81)
    out.append(0x80)
    out.append(0)
    _put_param(out, 0x05, max_info_tx, 1 if max_info_tx <= 0xFF else 2)
    _put_param(out, 0x06, max_info_rx, 1 if max_info_rx <= 0xFF else 2)
    _put_param(out, 0x07, window_tx, 4)
    _put_param(out, 0x08, window_rx, 4)
    out[p + 2] = len(out) - p - 3
    return out


def decode_parameters(buf, start=0, end=None):
    """(max_info_tx, max_info_rx, window_tx, window_rx) from an SNRM or UA
    information field, defaults filled in; an empty field gives all defaults.
    Unknown parameters are skipped."""
    if end is None:
        end = len(buf)
    v = [DEFAULT_MAX_INFO, DEFAULT_MAX_INFO, DEFAULT_WINDOW, DEFAULT_WINDOW]
    if start == end:
        return tuple(v)
    if end - start < 3 or buf[start] != 0x81 or buf[start + 1] != 0x80:
        raise DecodeError("HDLC parameter group 81 80 expected", start)
    q = start + 3
    stop = q + buf[start + 2]
    if stop > end:
        raise DecodeError("HDLC parameter group longer than the field", start + 2)
    while q < stop:
        if q + 2 > stop:
            raise DecodeError("HDLC parameter truncated", q)
        pid = buf[q]
        n = buf[q + 1]
        q += 2
        if q + n > stop:
            raise DecodeError("HDLC parameter value truncated", q)
        if 5 <= pid <= 8:
            if not 1 <= n <= 4:
                raise DecodeError("HDLC parameter of %d bytes" % n, q - 1)
            x = 0
            for k in range(q, q + n):
                x = (x << 8) | buf[k]
            v[pid - 5] = x
        q += n
    return tuple(v)

"""SHA-256, SHA-384 and SHA-512 (FIPS 180-4) for runtimes whose hashlib lacks them.

MicroPython's hashlib has sha256 only (and md5/sha1 where the port has SSL);
CircuitPython's has `hashlib.new('sha256')` and no constructor.  Security
suite 2 needs SHA-384 (ECDSA P-384, the KDF), so it is here in pure Python,
with SHA-512 (the same core) and a pure SHA-256 for a build with no hashlib.

    new(name, data=b"")   a hashlib-style object (update, digest): hashlib's
                          where it has `name`, the pure one otherwise
    constructor(name)     the class/function behind new()
    sha256(d), sha384(d), sha512(d)   one-shot digests, bytes

The pure objects keep one block buffer and one message-schedule list for
their life, read words with struct.unpack_from straight from the caller's
buffer, and digest() may be called more than once (CPython's semantics,
not MicroPython's).  SHA-512 words are 64-bit: on MicroPython they are big
ints, so a block costs a few thousand small allocations; SHA-256 words fit
a small int on a 64-bit port.
"""

import struct
from struct import unpack_from

try:
    import hashlib as _hashlib
except ImportError:  # a build with no hashlib at all
    _hashlib = None

_M64 = 0xFFFFFFFFFFFFFFFF  # not const(): beyond a small int on every port
_M32 = 0xFFFFFFFF

# FIPS 180-4 4.2.3: the first 64 bits of the fractional parts of the cube
# roots of the first 80 primes, as 80 big-endian words.  4.2.2's SHA-256
# constants are the top 32 bits of the first 64 of them, so the same bytes
# serve both.  Bytes, not a tuple of ints: a frozen module keeps them in
# flash, and an .mpy loads 640 bytes rather than 80 big-int objects.
_K = (
    b"\x42\x8a\x2f\x98\xd7\x28\xae\x22\x71\x37\x44\x91\x23\xef\x65\xcd"
    b"\xb5\xc0\xfb\xcf\xec\x4d\x3b\x2f\xe9\xb5\xdb\xa5\x81\x89\xdb\xbc"
    b"\x39\x56\xc2\x5b\xf3\x48\xb5\x38\x59\xf1\x11\xf1\xb6\x05\xd0\x19"
    b"\x92\x3f\x82\xa4\xaf\x19\x4f\x9b\xab\x1c\x5e\xd5\xda\x6d\x81\x18"
    b"\xd8\x07\xaa\x98\xa3\x03\x02\x42\x12\x83\x5b\x01\x45\x70\x6f\xbe"
    b"\x24\x31\x85\xbe\x4e\xe4\xb2\x8c\x55\x0c\x7d\xc3\xd5\xff\xb4\xe2"
    b"\x72\xbe\x5d\x74\xf2\x7b\x89\x6f\x80\xde\xb1\xfe\x3b\x16\x96\xb1"
    b"\x9b\xdc\x06\xa7\x25\xc7\x12\x35\xc1\x9b\xf1\x74\xcf\x69\x26\x94"
    b"\xe4\x9b\x69\xc1\x9e\xf1\x4a\xd2\xef\xbe\x47\x86\x38\x4f\x25\xe3"
    b"\x0f\xc1\x9d\xc6\x8b\x8c\xd5\xb5\x24\x0c\xa1\xcc\x77\xac\x9c\x65"
    b"\x2d\xe9\x2c\x6f\x59\x2b\x02\x75\x4a\x74\x84\xaa\x6e\xa6\xe4\x83"
    b"\x5c\xb0\xa9\xdc\xbd\x41\xfb\xd4\x76\xf9\x88\xda\x83\x11\x53\xb5"
    b"\x98\x3e\x51\x52\xee\x66\xdf\xab\xa8\x31\xc6\x6d\x2d\xb4\x32\x10"
    b"\xb0\x03\x27\xc8\x98\xfb\x21\x3f\xbf\x59\x7f\xc7\xbe\xef\x0e\xe4"
    b"\xc6\xe0\x0b\xf3\x3d\xa8\x8f\xc2\xd5\xa7\x91\x47\x93\x0a\xa7\x25"
    b"\x06\xca\x63\x51\xe0\x03\x82\x6f\x14\x29\x29\x67\x0a\x0e\x6e\x70"
    b"\x27\xb7\x0a\x85\x46\xd2\x2f\xfc\x2e\x1b\x21\x38\x5c\x26\xc9\x26"
    b"\x4d\x2c\x6d\xfc\x5a\xc4\x2a\xed\x53\x38\x0d\x13\x9d\x95\xb3\xdf"
    b"\x65\x0a\x73\x54\x8b\xaf\x63\xde\x76\x6a\x0a\xbb\x3c\x77\xb2\xa8"
    b"\x81\xc2\xc9\x2e\x47\xed\xae\xe6\x92\x72\x2c\x85\x14\x82\x35\x3b"
    b"\xa2\xbf\xe8\xa1\x4c\xf1\x03\x64\xa8\x1a\x66\x4b\xbc\x42\x30\x01"
    b"\xc2\x4b\x8b\x70\xd0\xf8\x97\x91\xc7\x6c\x51\xa3\x06\x54\xbe\x30"
    b"\xd1\x92\xe8\x19\xd6\xef\x52\x18\xd6\x99\x06\x24\x55\x65\xa9\x10"
    b"\xf4\x0e\x35\x85\x57\x71\x20\x2a\x10\x6a\xa0\x70\x32\xbb\xd1\xb8"
    b"\x19\xa4\xc1\x16\xb8\xd2\xd0\xc8\x1e\x37\x6c\x08\x51\x41\xab\x53"
    b"\x27\x48\x77\x4c\xdf\x8e\xeb\x99\x34\xb0\xbc\xb5\xe1\x9b\x48\xa8"
    b"\x39\x1c\x0c\xb3\xc5\xc9\x5a\x63\x4e\xd8\xaa\x4a\xe3\x41\x8a\xcb"
    b"\x5b\x9c\xca\x4f\x77\x63\xe3\x73\x68\x2e\x6f\xf3\xd6\xb2\xb8\xa3"
    b"\x74\x8f\x82\xee\x5d\xef\xb2\xfc\x78\xa5\x63\x6f\x43\x17\x2f\x60"
    b"\x84\xc8\x78\x14\xa1\xf0\xab\x72\x8c\xc7\x02\x08\x1a\x64\x39\xec"
    b"\x90\xbe\xff\xfa\x23\x63\x1e\x28\xa4\x50\x6c\xeb\xde\x82\xbd\xe9"
    b"\xbe\xf9\xa3\xf7\xb2\xc6\x79\x15\xc6\x71\x78\xf2\xe3\x72\x53\x2b"
    b"\xca\x27\x3e\xce\xea\x26\x61\x9c\xd1\x86\xb8\xc7\x21\xc0\xc2\x07"
    b"\xea\xda\x7d\xd6\xcd\xe0\xeb\x1e\xf5\x7d\x4f\x7f\xee\x6e\xd1\x78"
    b"\x06\xf0\x67\xaa\x72\x17\x6f\xba\x0a\x63\x7d\xc5\xa2\xc8\x98\xa6"
    b"\x11\x3f\x98\x04\xbe\xf9\x0d\xae\x1b\x71\x0b\x35\x13\x1c\x47\x1b"
    b"\x28\xdb\x77\xf5\x23\x04\x7d\x84\x32\xca\xab\x7b\x40\xc7\x24\x93"
    b"\x3c\x9e\xbe\x0a\x15\xc9\xbe\xbc\x43\x1d\x67\xc4\x9c\x10\x0d\x4c"
    b"\x4c\xc5\xd4\xbe\xcb\x3e\x42\xb6\x59\x7f\x29\x9c\xfc\x65\x7e\x2a"
    b"\x5f\xcb\x6f\xab\x3a\xd6\xfa\xec\x6c\x44\x19\x8c\x4a\x47\x58\x17"
)

# 5.3.5 / 5.3.4: fractional parts of the square roots of the first 8 primes
# (SHA-512; SHA-256 takes the top 32 bits of each) and of the 9th to 16th (SHA-384).
_IV512 = (
    b"\x6a\x09\xe6\x67\xf3\xbc\xc9\x08\xbb\x67\xae\x85\x84\xca\xa7\x3b"
    b"\x3c\x6e\xf3\x72\xfe\x94\xf8\x2b\xa5\x4f\xf5\x3a\x5f\x1d\x36\xf1"
    b"\x51\x0e\x52\x7f\xad\xe6\x82\xd1\x9b\x05\x68\x8c\x2b\x3e\x6c\x1f"
    b"\x1f\x83\xd9\xab\xfb\x41\xbd\x6b\x5b\xe0\xcd\x19\x13\x7e\x21\x79"
)

_IV384 = (
    b"\xcb\xbb\x9d\x5d\xc1\x05\x9e\xd8\x62\x9a\x29\x2a\x36\x7c\xd5\x07"
    b"\x91\x59\x01\x5a\x30\x70\xdd\x17\x15\x2f\xec\xd8\xf7\x0e\x59\x39"
    b"\x67\x33\x26\x67\xff\xc0\x0b\x31\x8e\xb4\x4a\x87\x68\x58\x15\x11"
    b"\xdb\x0c\x2e\x0d\x64\xf9\x8f\xa7\x47\xb5\x48\x1d\xbe\xfa\x4f\xa4"
)

def _compress512(h, w, block, off):
    # FIPS 180-4 6.4.2, with the message schedule kept in 16 words that roll
    # (W[t] replaces W[t-16] in place) rather than 80.  A rotation of a
    # 64-bit x is a shift of xx = x | x << 64, and shifts distribute over
    # XOR, so Sigma1(e) = ((ee ^ ee >> 4 ^ ee >> 27) >> 14) & M: seven
    # big-int operations instead of twelve (every 64-bit word is a big int
    # on MicroPython, and each operation allocates).
    M = _M64
    w[0:16] = struct.unpack_from(">16Q", block, off)
    a, b, c, d, e, f, g, hh = h
    for t in range(80):
        i = t & 15
        if t >= 16:
            x = w[(t + 1) & 15]
            y = w[(t + 14) & 15]
            xx = x | (x << 64)
            yy = y | (y << 64)
            w[i] = (w[i] + w[(t + 9) & 15]
                    + ((((xx ^ (xx >> 7)) >> 1) & M) ^ (x >> 7))      # sigma0: 1, 8, >>7
                    + ((((yy ^ (yy >> 42)) >> 19) & M) ^ (y >> 6))) & M  # sigma1: 19, 61, >>6
        ee = e | (e << 64)
        t1 = (hh + (((ee ^ (ee >> 4) ^ (ee >> 27)) >> 14) & M)  # Sigma1: 14, 18, 41
              + (g ^ (e & (f ^ g))) + unpack_from(">Q", _K, t << 3)[0] + w[i])
        aa = a | (a << 64)
        t2 = (((aa ^ (aa >> 6) ^ (aa >> 11)) >> 28) & M) + ((a & b) | (c & (a | b)))  # Sigma0: 28, 34, 39
        hh = g
        g = f
        f = e
        e = (d + t1) & M
        d = c
        c = b
        b = a
        a = (t1 + t2) & M
    h[0] = (h[0] + a) & M
    h[1] = (h[1] + b) & M
    h[2] = (h[2] + c) & M
    h[3] = (h[3] + d) & M
    h[4] = (h[4] + e) & M
    h[5] = (h[5] + f) & M
    h[6] = (h[6] + g) & M
    h[7] = (h[7] + hh) & M


def _compress256(h, w, block, off):
    # FIPS 180-4 6.2.2, the same shape on 32-bit words.
    M = _M32
    w[0:16] = struct.unpack_from(">16I", block, off)
    a, b, c, d, e, f, g, hh = h
    for t in range(64):
        i = t & 15
        if t >= 16:
            x = w[(t + 1) & 15]
            y = w[(t + 14) & 15]
            w[i] = (w[i] + w[(t + 9) & 15]
                    + ((((x >> 7) | (x << 25)) ^ ((x >> 18) | (x << 14)) ^ (x >> 3)) & M)
                    + ((((y >> 17) | (y << 15)) ^ ((y >> 19) | (y << 13)) ^ (y >> 10)) & M)) & M
        S1 = (((e >> 6) | (e << 26)) ^ ((e >> 11) | (e << 21)) ^ ((e >> 25) | (e << 7))) & M
        t1 = hh + S1 + (g ^ (e & (f ^ g))) + unpack_from(">I", _K, t << 3)[0] + w[i]
        S0 = (((a >> 2) | (a << 30)) ^ ((a >> 13) | (a << 19)) ^ ((a >> 22) | (a << 10))) & M
        t2 = S0 + ((a & b) | (c & (a | b)))
        hh = g
        g = f
        f = e
        e = (d + t1) & M
        d = c
        c = b
        b = a
        a = (t1 + t2) & M
    h[0] = (h[0] + a) & M
    h[1] = (h[1] + b) & M
    h[2] = (h[2] + c) & M
    h[3] = (h[3] + d) & M
    h[4] = (h[4] + e) & M
    h[5] = (h[5] + f) & M
    h[6] = (h[6] + g) & M
    h[7] = (h[7] + hh) & M


class _Sha2:
    """The pure core shared by the three; `wide` selects SHA-512's words."""

    def __init__(self, wide, iv, digest_size, data):
        self._wide = wide
        self.block_size = 128 if wide else 64
        self.digest_size = digest_size
        # an IV is 8 words of 64 bits; SHA-256 reads the top half of each
        if wide:
            self._h = list(struct.unpack(">8Q", iv))
        else:
            self._h = [unpack_from(">I", iv, i << 3)[0] for i in range(8)]
        self._w = [0] * 16  # the rolling message schedule
        self._buf = bytearray(self.block_size)
        self._n = 0  # bytes waiting in _buf
        self._len = 0  # message bytes so far
        if data:
            self.update(data)

    def _compress(self, h, block, off):
        if self._wide:
            _compress512(h, self._w, block, off)
        else:
            _compress256(h, self._w, block, off)

    def update(self, data):
        n = len(data)
        self._len += n
        bs = self.block_size
        buf = self._buf
        pos = 0
        if self._n:
            take = bs - self._n
            if take > n:
                take = n
            buf[self._n:self._n + take] = data[0:take]
            self._n += take
            pos = take
            if self._n < bs:
                return
            self._compress(self._h, buf, 0)
            self._n = 0
        while n - pos >= bs:  # whole blocks straight from the caller's buffer
            self._compress(self._h, data, pos)
            pos += bs
        if pos < n:
            buf[0:n - pos] = data[pos:n]
            self._n = n - pos

    def copy(self):
        """An independent hash of the same message so far (hashlib's copy)."""
        c = type(self)()  # (MicroPython has no object.__new__ for this)
        c._h = list(self._h)
        c._buf[:] = self._buf
        c._n = self._n
        c._len = self._len
        return c

    def digest(self):
        # Pad a copy (5.1.1 / 5.1.2): 0x80, zeros, the bit length in the
        # last 8 (SHA-256) or 16 (SHA-384/512) bytes of the last block.
        bs = self.block_size
        lenbytes = 16 if self._wide else 8
        h = list(self._h)
        tail = bytearray(2 * bs)
        n = self._n
        tail[0:n] = self._buf[0:n]
        tail[n] = 0x80
        end = bs if n + 1 + lenbytes <= bs else 2 * bs
        bits = self._len * 8
        tail[end - 8:end] = struct.pack(">Q", bits & 0xFFFFFFFFFFFFFFFF)
        if lenbytes == 16:
            tail[end - 16:end - 8] = struct.pack(">Q", bits >> 64)
        for off in range(0, end, bs):
            self._compress(h, tail, off)
        fmt = ">8Q" if self._wide else ">8I"
        return struct.pack(fmt, *h)[:self.digest_size]


class SHA256(_Sha2):
    def __init__(self, data=b""):
        _Sha2.__init__(self, False, _IV512, 32, data)


class SHA384(_Sha2):
    def __init__(self, data=b""):
        _Sha2.__init__(self, True, _IV384, 48, data)


class SHA512(_Sha2):
    def __init__(self, data=b""):
        _Sha2.__init__(self, True, _IV512, 64, data)


_PURE = (("sha256", SHA256), ("sha384", SHA384), ("sha512", SHA512))


def constructor(name, pure=False):
    """`name`(data=b"") -> object with update() and digest(): hashlib's when
    it has the name (and pure is false), else this module's pure class."""
    if not pure and _hashlib is not None:
        fn = getattr(_hashlib, name, None)
        if fn is not None:
            return fn
        if getattr(_hashlib, "new", None) is not None:  # CircuitPython: new() only
            try:
                _hashlib.new(name, b"")

                def fn(data=b""):
                    return _hashlib.new(name, data)

                return fn
            except (ValueError, TypeError, OSError):
                pass
    for n, cls in _PURE:
        if n == name:
            return cls
    raise ValueError("hash %s not supported" % name)


def new(name, data=b""):
    return constructor(name)(data)


def sha256(data):
    return constructor("sha256")(data).digest()


def sha384(data):
    return constructor("sha384")(data).digest()


def sha512(data):
    return constructor("sha512")(data).digest()

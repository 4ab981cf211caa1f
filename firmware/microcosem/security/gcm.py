"""AES-GCM and GMAC (NIST SP 800-38D) over the backend's AES-ECB.

DLMS security suites 0..2 protect APDUs with AES-GCM-128/256, a 96-bit IV
(system title || invocation counter) and a 12-byte tag (IEC 62056-5-3
9.2.4.8); GMAC is the same with nothing encrypted, for authentication only
and for HLS mechanism 5.  The DLMS framing is in security.ciphering; this
module knows only keys, IVs, data and tags.

    g = Gcm(key)
    g.encrypt(iv, plaintext, aad, tag_len=12) -> ciphertext || tag
    g.decrypt(iv, ciphertext_and_tag, aad, tag_len=12) -> plaintext
    g.gmac(iv, aad, tag_len=12) -> tag
    g.crypt(iv, data) -> data XOR keystream (encryption without a tag)
decrypt raises SecurityError on a wrong tag, and says nothing more.

Where the backend has a native AES-GCM (`cryptography` on CPython) a Gcm is
a thin shell around it.  Elsewhere it is computed here:

  * CTR: all counter blocks of a message, J0 first (its encryption masks
    the tag), are laid out in one buffer and encrypted by one backend call
    (cryptolib, pure AES), or the keystream comes from the backend's own
    CTR (CircuitPython's aesio); the XOR is one big-int operation.
  * GHASH: Shoup's 4-bit table, 16 multiples of H per key (about 0.8 KiB on
    a 64-bit port): 32 table steps per block, where the textbook loop takes
    128 bit steps, with the reduction deferred to once per block (see
    _table); or, for a board with heap to spare, the 8-bit table (16 steps).
  * the tag is compared in constant time, before any plaintext is released.

Blocks are big-endian ints in GCM's reflected bit order: bit 0 of the
polynomial is the most significant bit of the block, so multiplying by x
is a right shift, and the field polynomial x^128 + x^7 + x^2 + x + 1
reduces as 0xE1 << 120.
"""

from . import SecurityError, ct_equal  # noqa: F401  (ct_equal: also imported from here)
from . import backend

_R = 0xE1 << 120


def _mul_x4(z):
    # z * x^4 the slow way: four single shifts, each reducing what fell off.
    for _ in range(4):
        z = (z >> 1) ^ _R if z & 1 else z >> 1
    return z


def _multiples(h):
    # M[n] = n * H for each nibble n, where the nibble's most significant bit
    # is x^0: M[8] = H, M[4] = H*x, M[2] = H*x^2, M[1] = H*x^3, the rest sums.
    m = [0] * 16
    v = h
    i = 8
    while i:
        m[i] = v
        v = (v >> 1) ^ _R if v & 1 else v >> 1
        i >>= 1
    for i in (3, 5, 6, 7, 9, 10, 11, 12, 13, 14, 15):
        low = i & -i
        m[i] = m[low] ^ m[i ^ low]
    return m


# GHASH's Horner steps multiply the accumulator by x^4 (x^8) and add a table
# entry.  Multiplying by x is a right shift here, and what falls off the end
# wants reducing, which costs a third big-int operation per step.  Instead
# the accumulator W keeps 128 bits of headroom below the element: the table
# entries are stored shifted left by 128, a block's 31 (15) shifts by 4 (8)
# never reach bit 0, and the overflow is reduced once per block (_reduce):
# two operations per step where the textbook table method takes three.


def _table(h):
    """The 4-bit table of H: M[n] << 128 for the 16 nibbles (0.8 KiB)."""
    return tuple(v << 128 for v in _multiples(h))


# The 8-bit table is built so that each entry is the one allocation that
# survives: on MicroPython, garbage made between 256 kept ints leaves a heap
# of holes too small for anything bigger than a few hundred bytes.


def _table8(h):
    """The 8-bit table of H: M8[b] << 128 for the 256 bytes (about 18 KiB on
    a 64-bit port): a byte's high nibble's product, and its low nibble's
    carried one nibble further (times x^4)."""
    m = _multiples(h)
    lo = [0] * 16
    for n in range(16):
        lo[n] = _mul_x4(m[n]) << 128
    for n in range(16):
        m[n] <<= 128
    out = [0] * 256
    for b in range(256):
        out[b] = lo[b & 15] ^ m[b >> 4]
    return out


def _reduction_table():
    # x^8 * (the 8 bits a shift by 8 drops) reduced back in lands in the top
    # 16 bits of the element: 256 such 16-bit values, as 512 bytes, computed
    # with small ints (z * x^8 = (z >> 8) ^ _RED8W[z & 255] << 112).
    out = bytearray(512)
    for r in range(256):
        w = 0
        z = r
        for _ in range(8):
            w = (w >> 1) ^ 0xE100 if z & 1 else w >> 1
            z >>= 1
        out[2 * r] = w >> 8
        out[2 * r + 1] = w & 0xFF
    return bytes(out)


_RED8W = _reduction_table()
_M128 = (1 << 128) - 1


def _reduce(w):
    # W = hi * 2^128 + lo holds hi + x^128 * L, L the element whose bits are
    # lo's; x^128 = 1 + x + x^2 + x^7 mod the field polynomial, so add
    # L * (1 + x + x^2 + x^7), computed 8 bits above its place (s) so that
    # nothing falls off, and reduce those 8 bits by the table.
    lo = (w & _M128) << 8
    s = lo ^ (lo >> 1) ^ (lo >> 2) ^ (lo >> 7)
    r = (s & 0xFF) << 1
    return (w >> 128) ^ (s >> 8) ^ (((_RED8W[r] << 8) | _RED8W[r + 1]) << 112)


def ghash(m, y, data, n=None):
    """Fold `data` (zero-padded to whole blocks) into the GHASH state y with
    the table m of H (_table: 16 entries, _table8: 256); returns the new y.
    n: how many bytes of data to use (all by default)."""
    if n is None:
        n = len(data)
    wide = len(m) == 256
    mv = memoryview(data)
    full = n & ~15
    for o in range(0, n, 16):
        if o < full:
            x = y ^ int.from_bytes(mv[o:o + 16], "big")
        else:  # the last, partial block, zero-padded on the right
            tail = bytearray(16)
            tail[0:n - o] = mv[o:n]
            x = y ^ int.from_bytes(tail, "big")
        xb = x.to_bytes(16, "big")
        # Horner over the bytes (nibbles), least significant first.
        if wide:
            w = m[xb[15]]
            for i in range(14, -1, -1):
                w = (w >> 8) ^ m[xb[i]]
        else:
            b = xb[15]
            w = (m[b & 15] >> 4) ^ m[b >> 4]
            for i in range(14, -1, -1):
                b = xb[i]
                w = (w >> 4) ^ m[b & 15]
                w = (w >> 4) ^ m[b >> 4]
        y = _reduce(w)
    return y


def _check_tag_len(tag_len):
    # SP 800-38D 5.2.1.2: 128, 120, 112, 104 or 96 bits, and 64 or 32 for
    # special uses.  DLMS uses 96.
    if tag_len not in (16, 15, 14, 13, 12, 8, 4):
        raise SecurityError("GCM tag length %d not allowed" % tag_len)


class Gcm:
    """AES-GCM under one key.  native=False forces the computation here even
    where the backend has a native GCM (tests, benchmarks).  table_bits=8
    trades heap for speed: 256 multiples of H per key (about 18 KiB on a
    64-bit port) nearly halve the GHASH time; 4 (0.8 KiB) suits a
    meter.  `native` is the backend's own AES-GCM object (or None), which
    ciphering's fast path calls directly."""

    def __init__(self, key, native=True, table_bits=4):
        self.native = backend.aes_gcm(key) if native else None
        if self.native is not None:
            return
        self._ecb = backend.aes_ecb(key)
        self._ctr = backend.aes_ctr(key)
        h = bytearray(16)
        self._ecb.encrypt(h, h)
        if table_bits == 8:
            self._m = _table8(int.from_bytes(h, "big"))
        elif table_bits == 4:
            self._m = _table(int.from_bytes(h, "big"))
        else:
            raise SecurityError("GHASH table_bits is 4 or 8")

    # -- the pieces -----------------------------------------------------------

    def _j0(self, iv):
        if len(iv) == 12:
            return bytes(iv) + b"\x00\x00\x00\x01"
        if not iv:
            raise SecurityError("GCM IV must not be empty")
        # SP 800-38D 7.1 step 2: any other length is hashed.
        y = ghash(self._m, 0, iv)
        y = ghash(self._m, y, (len(iv) * 8).to_bytes(16, "big"))
        return y.to_bytes(16, "big")

    def _keystream(self, j0, n):
        # E(J0) || E(J0+1) || ... covering n bytes of data, in one call.
        nblocks = (n + 15) >> 4
        c0 = int.from_bytes(j0[12:16], "big")
        if self._ctr is not None and n:
            ks = bytearray(16 + (nblocks << 4))
            ks[0:16] = j0
            self._ecb.encrypt(memoryview(ks)[0:16], memoryview(ks)[0:16])
            start = bytearray(j0)
            start[12:16] = ((c0 + 1) & 0xFFFFFFFF).to_bytes(4, "big")
            if c0 + nblocks > 0xFFFFFFFF:  # inc32 wraps where a 128-bit counter would carry
                raise SecurityError("GCM counter would wrap")
            body = memoryview(ks)[16:]
            self._ctr.crypt(start, bytes(len(body)), body)
            return ks
        ks = bytearray((nblocks + 1) << 4)
        prefix = j0[0:12]
        ks[0:16] = j0
        for i in range(1, nblocks + 1):
            c = (c0 + i) & 0xFFFFFFFF  # inc32 (SP 800-38D 6.2)
            o = i << 4
            ks[o:o + 12] = prefix
            ks[o + 12] = c >> 24
            ks[o + 13] = (c >> 16) & 0xFF
            ks[o + 14] = (c >> 8) & 0xFF
            ks[o + 15] = c & 0xFF
        self._ecb.encrypt(ks, ks)
        return ks

    def _tag(self, ks, aad, ct, n, tag_len):
        m = self._m
        y = ghash(m, 0, aad) if aad else 0
        if n:
            y = ghash(m, y, ct, n)
        y = ghash(m, y, ((len(aad) * 8) << 64 | (n * 8)).to_bytes(16, "big"))
        t = (y ^ int.from_bytes(memoryview(ks)[0:16], "big")).to_bytes(16, "big")
        return t[:tag_len]

    @staticmethod
    def _xor(ks, data, n):
        if not n:
            return b""
        k = int.from_bytes(memoryview(ks)[16:16 + n], "big")
        return (k ^ int.from_bytes(data, "big")).to_bytes(n, "big")

    # -- the interface ----------------------------------------------------------

    def encrypt(self, iv, plaintext, aad=b"", tag_len=12):
        """ciphertext || tag (tag_len bytes)."""
        if tag_len != 12:
            _check_tag_len(tag_len)
        if self.native is not None:
            out = self.native.seal(iv, plaintext, aad)
            return out if tag_len == 16 else out[:len(plaintext) + tag_len]
        n = len(plaintext)
        ks = self._keystream(self._j0(iv), n)
        ct = self._xor(ks, plaintext, n)
        return ct + self._tag(ks, aad, ct, n, tag_len)

    def decrypt(self, iv, data, aad=b"", tag_len=12):
        """The plaintext of ciphertext || tag; SecurityError if the tag fails."""
        if tag_len != 12:
            _check_tag_len(tag_len)
        n = len(data) - tag_len
        if n < 0:
            raise SecurityError("GCM data shorter than its tag")
        mv = memoryview(data)
        if self.native is not None:
            pt = self.native.open(iv, mv[0:n], mv[n:], aad)
            if pt is None:
                raise SecurityError("authentication failed")
            return pt
        ks = self._keystream(self._j0(iv), n)
        if not ct_equal(self._tag(ks, aad, mv, n, tag_len), mv[n:]):
            raise SecurityError("authentication failed")
        return self._xor(ks, mv[0:n], n)

    def crypt(self, iv, data):
        """CTR alone (GCM's keystream, no tag): DLMS encryption-only
        protection (security control 0x2n).  Its own inverse."""
        n = len(data)
        if self.native is not None:
            return self.native.seal(bytes(iv), bytes(data), b"")[:n]
        return self._xor(self._keystream(self._j0(iv), n), data, n)

    def gmac(self, iv, aad, tag_len=12):
        """The GMAC of aad: GCM with nothing to encrypt."""
        _check_tag_len(tag_len)
        if self.native is not None:
            out = self.native.seal(bytes(iv), b"", bytes(aad))
            return out[:tag_len]
        ks = self._keystream(self._j0(iv), 0)
        return self._tag(ks, aad, b"", 0, tag_len)

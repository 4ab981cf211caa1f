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
a thin shell around it.  Elsewhere it is computed here, in one of two forms
chosen at import (LIMBS, from compat.BIGINT_GARBAGE):

  * in small ints (MicroPython, where every int past 2**30 on a 32-bit port
    is a heap object): GHASH on 8 limbs of 16 bits with per-limb 4-bit
    tables (1 KiB a key; _ghash4), CTR 8 counter blocks per backend call into
    a preallocated buffer, the XOR byte by byte into the result: a message
    allocates its result and two call frames the VM frees on return, nothing
    per block (1 KiB: ~1.9 KB allocated in all, where 128-bit ints made
    ~330 KB of garbage);
  * in 128-bit ints (CPython): all counter blocks of a message, J0 first
    (its encryption masks the tag), laid out in one buffer and encrypted by
    one backend call, or the keystream from the backend's own CTR
    (CircuitPython's aesio); the XOR one big-int operation; GHASH by Shoup's
    4-bit table, 16 multiples of H per key: 32 table steps per block, where
    the textbook loop takes 128 bit steps, with the reduction deferred to
    once per block (see _table).
  * table_bits=8, for a board with heap to spare, takes the 128-bit-int
    form with Shoup's 8-bit table (16 steps a block) on any runtime.
  * the tag is compared in constant time, before any plaintext is released.

Blocks are big-endian ints in GCM's reflected bit order: bit 0 of the
polynomial is the most significant bit of the block, so multiplying by x
is a right shift, and the field polynomial x^128 + x^7 + x^2 + x + 1
reduces as 0xE1 << 120.
"""

from array import array

from ..compat import BIGINT_GARBAGE
from . import SecurityError, ct_equal  # noqa: F401  (ct_equal: also imported from here)
from . import backend

# Where big ints are heap garbage (MicroPython), GHASH works in 16-bit limbs
# (_ghash4); elsewhere in 128-bit ints (ghash), which CPython does fastest.
# Chosen here once; LIMBS may be set before a Gcm is made (tests).
LIMBS = BIGINT_GARBAGE

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
    _reduction_table()
    return tuple(v << 128 for v in _multiples(h))


# The 8-bit table is built so that each entry is the one allocation that
# survives: on MicroPython, garbage made between 256 kept ints leaves a heap
# of holes too small for anything bigger than a few hundred bytes.


def _table8(h):
    """The 8-bit table of H: M8[b] << 128 for the 256 bytes (about 18 KiB on
    a 64-bit port): a byte's high nibble's product, and its low nibble's
    carried one nibble further (times x^4)."""
    _reduction_table()
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
    # with small ints (z * x^8 = (z >> 8) ^ _RED8W[z & 255] << 112); made
    # with the first big-int table (where GHASH is in limbs, never).
    global _RED8W
    if _RED8W is not None:
        return
    out = bytearray(512)
    for r in range(256):
        w = 0
        z = r
        for _ in range(8):
            w = (w >> 1) ^ 0xE100 if z & 1 else w >> 1
            z >>= 1
        out[2 * r] = w >> 8
        out[2 * r + 1] = w & 0xFF
    _RED8W = bytes(out)


_RED8W = None
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


def _ghash_big(m, a, na, c, nc, out, tag_len):
    # _ghash4's work with the big-int table m
    y = ghash(m, 0, a, na) if na else 0
    if nc:
        y = ghash(m, y, c, nc)
    y = ghash(m, y, ((na * 8) << 64 | (nc * 8)).to_bytes(16, "big"))
    _TAG[0:16] = y.to_bytes(16, "big")
    if not tag_len:
        return 0
    t = (y ^ int.from_bytes(_EK0, "big")).to_bytes(16, "big")
    if out is not None:
        out[nc:nc + tag_len] = t[0:tag_len]
        return 0
    return not ct_equal(t[0:tag_len], memoryview(c)[nc:nc + tag_len])


def _check_tag_len(tag_len):
    # SP 800-38D 5.2.1.2: 128, 120, 112, 104 or 96 bits, and 64 or 32 for
    # special uses.  DLMS uses 96.
    if tag_len not in (16, 15, 14, 13, 12, 8, 4):
        raise SecurityError("GCM tag length %d not allowed" % tag_len)


# -- GHASH in 16-bit limbs (MicroPython) ---------------------------------------
#
# On MicroPython an int at or above the small-int range (2**30 on a 32-bit
# port) is a heap object: the big-int GHASH above makes several per nibble,
# some 300 KiB of garbage per KiB of message, which fragments a meter's heap.
# Here an element is 8 limbs of 16 bits (limb 0 = bytes 0-1, its top bit x^0),
# every value below 2**16, so nothing is allocated per block.
#
# X * H = sum over limbs k of x^(16k) * (X_k * H), computed by Horner from the
# last limb: Z = Z * x^16 + X_k * H.  Z * x^16 moves each limb one place on,
# and the limb that falls off, r (x^128..x^143), comes back reduced:
# x^128 = 1 + x + x^2 + x^7, so r * (1 + x + x^2 + x^7) lands in limb 0 (r ^
# r>>1 ^ r>>2 ^ r>>7) and limb 1 (the bits shifted out: _RED1[r & 127]).
# X_k * H is the XOR of four table entries, one per nibble of X_k: T_q[n] =
# n * x^(4q) * H (q = the nibble's place in the limb), kept as one array per
# limb j (entry q*16 + n): 8 x 64 16-bit values, 1 KiB.


def _red1_table():
    out = array("H", bytes(256))
    for v in range(128):
        out[v] = ((v & 1) << 15) ^ ((v & 3) << 14) ^ (v << 9)
    return out


def _limb_tables(h):
    """The per-limb 4-bit tables of H (bytes, 16)."""
    # the tables first, side by side: what is built after them is garbage
    # (tables spread between holes of it would split a meter's free heap)
    z = bytes(128)
    out = [None] * 8
    for j in range(8):
        out[j] = array("H", z)
    out = tuple(out)
    v = [(h[2 * j] << 8) | h[2 * j + 1] for j in range(8)]
    powers = []  # H * x^i, i = 0..15
    for _ in range(16):
        powers.append(tuple(v))
        carry = v[7] & 1
        for j in range(7, 0, -1):
            v[j] = (v[j] >> 1) | ((v[j - 1] & 1) << 15)
        v[0] >>= 1
        if carry:
            v[0] ^= 0xE100
    for q in range(4):
        for e in range(1, 16):
            for b in range(4):  # the entry's top bit is x^(4q)
                if e & (8 >> b):
                    p = powers[4 * q + b]
                    for j in range(8):
                        out[j][q * 16 + e] ^= p[j]
    return out


def _ghash4(t, a, na, c, nc, out, tag_len):
    """S = GHASH(A || C || len(A) || len(C)), A and C zero-padded to whole
    blocks (na, nc their lengths), and the tag T = S ^ E(J0) cut to tag_len:
    written to out[nc:] if out is given, else compared with c[nc:nc +
    tag_len] (returns 0 where they agree); tag_len 0 leaves S in _TAG.
    t: the key's tables (_limb_tables).  One call a message: a function
    this size has its frame on the heap (freed on return), so the hash and
    the tag are one frame."""
    t0, t1, t2, t3, t4, t5, t6, t7 = t
    red = _RED1
    xs = _XS
    pad = _PAD
    z0 = z1 = z2 = z3 = z4 = z5 = z6 = z7 = 0
    seg = 0
    src = a
    end = na
    o = 0
    while True:
        if o >= end:  # on to C, then to the length block, then done
            seg += 1
            o = 0
            if seg == 1:
                src = c
                end = nc
            elif seg == 2:
                _bits64(pad, 0, na)
                _bits64(pad, 8, nc)
                src = pad
                end = 16
            else:
                break
            continue
        d = src
        p = o
        if end - o < 16:  # a last, partial block, zero-padded
            for i in range(16):
                pad[i] = src[o + i] if o + i < end else 0
            d = pad
            p = 0
        xs[0] = z0 ^ ((d[p] << 8) | d[p + 1])
        xs[1] = z1 ^ ((d[p + 2] << 8) | d[p + 3])
        xs[2] = z2 ^ ((d[p + 4] << 8) | d[p + 5])
        xs[3] = z3 ^ ((d[p + 6] << 8) | d[p + 7])
        xs[4] = z4 ^ ((d[p + 8] << 8) | d[p + 9])
        xs[5] = z5 ^ ((d[p + 10] << 8) | d[p + 11])
        xs[6] = z6 ^ ((d[p + 12] << 8) | d[p + 13])
        xs[7] = z7 ^ ((d[p + 14] << 8) | d[p + 15])
        z0 = z1 = z2 = z3 = z4 = z5 = z6 = z7 = 0
        for k in range(7, -1, -1):  # Horner from the last limb
            x = xs[k]
            u = x >> 12
            v = ((x >> 8) & 15) | 16
            f = ((x >> 4) & 15) | 32
            e = (x & 15) | 48
            r = z7
            z7 = z6 ^ t7[u] ^ t7[v] ^ t7[f] ^ t7[e]
            z6 = z5 ^ t6[u] ^ t6[v] ^ t6[f] ^ t6[e]
            z5 = z4 ^ t5[u] ^ t5[v] ^ t5[f] ^ t5[e]
            z4 = z3 ^ t4[u] ^ t4[v] ^ t4[f] ^ t4[e]
            z3 = z2 ^ t3[u] ^ t3[v] ^ t3[f] ^ t3[e]
            z2 = z1 ^ t2[u] ^ t2[v] ^ t2[f] ^ t2[e]
            z1 = z0 ^ red[r & 127] ^ t1[u] ^ t1[v] ^ t1[f] ^ t1[e]
            z0 = r ^ (r >> 1) ^ (r >> 2) ^ (r >> 7) ^ t0[u] ^ t0[v] ^ t0[f] ^ t0[e]
        o += 16
    t = _TAG
    t[0] = z0 >> 8
    t[1] = z0 & 255
    t[2] = z1 >> 8
    t[3] = z1 & 255
    t[4] = z2 >> 8
    t[5] = z2 & 255
    t[6] = z3 >> 8
    t[7] = z3 & 255
    t[8] = z4 >> 8
    t[9] = z4 & 255
    t[10] = z5 >> 8
    t[11] = z5 & 255
    t[12] = z6 >> 8
    t[13] = z6 & 255
    t[14] = z7 >> 8
    t[15] = z7 & 255
    if not tag_len:
        return 0
    e = _EK0
    if out is not None:
        for i in range(tag_len):
            out[nc + i] = t[i] ^ e[i]
        return 0
    diff = 0
    for i in range(tag_len):  # constant time: every byte is compared
        diff |= t[i] ^ e[i] ^ c[nc + i]
    return diff


def _bits64(b, o, v):
    # b[o:o+8] = v * 8 as 64 bits big-endian, with no int bigger than v
    b[o + 7] = (v & 31) << 3
    v >>= 5
    for i in range(6, -1, -1):
        b[o + i] = v & 255
        v >>= 8


_RED1 = _red1_table()
_CHUNK = 128  # bytes of counter blocks encrypted per backend call (8 blocks)


# The working buffers of a message, shared by every key (a message is done
# before the next begins: nothing here yields or calls back); made with the
# first key in limbs.
_XS = _PAD = _J0 = _EK0 = _TAG = _CB = _KS = _CBV = _KSV = None


def _scratch():
    global _XS, _PAD, _J0, _EK0, _TAG, _CB, _KS, _CBV, _KSV
    if _XS is None:
        _XS = array("H", bytes(16))  # the block being multiplied, in limbs
        _PAD = bytearray(16)         # a zero-padded last block, the length block
        _J0 = bytearray(16)
        _EK0 = bytearray(16)         # E(J0), which masks the tag
        _TAG = bytearray(16)         # GHASH's result
        _CB = bytearray(_CHUNK)      # counter blocks
        _KS = bytearray(_CHUNK)      # their encryption
        _CBV = memoryview(_CB)
        _KSV = memoryview(_KS)


def _start(g, iv):
    """J0 of iv and E(J0) for the Gcm g (SP 800-38D 7.1 steps 2 and 6).  Few
    locals and a shallow stack: the frame stays off the heap."""
    j = _J0
    if len(iv) == 12:
        for i in range(12):
            j[i] = iv[i]
        j[12] = j[13] = j[14] = 0
        j[15] = 1
    else:
        _hash_iv(g, iv)
    g._ecb.encrypt(j, _EK0)


def _hash_iv(g, iv):
    # any other length than 96 bits is hashed
    if not iv:
        raise SecurityError("GCM IV must not be empty")
    g._gh(g._tab, b"", 0, iv, len(iv), None, 0)
    _J0[0:16] = _TAG


def _ctr_xor(g, src, n, out):
    """out[0:n] = src[0:n] ^ the keystream from inc32(J0) (SP 800-38D 6.5),
    by the Gcm g's AES."""
    j = _J0
    cb = _CB
    hi = (j[12] << 8) | j[13]
    lo = (j[14] << 8) | j[15]
    if g._ctr is not None:  # the backend's CTR (aesio) does it in one call
        if n:
            _native_ctr(g._ctr, hi, lo, src, n, out)
        return
    ks = _KS
    ecb = g._ecb
    for q in range(0, min(n + 15, _CHUNK) & ~15, 16):
        cb[q:q + 16] = j  # the IV part stays; the counters are set below
    o = 0
    while o < n:
        m = n - o
        if m > _CHUNK:
            m = _CHUNK
        nb = (m + 15) >> 4
        for q in range(12, nb << 4, 16):
            lo += 1
            if lo == 0x10000:  # inc32: the low 32 bits wrap (SP 800-38D 6.2)
                lo = 0
                hi = (hi + 1) & 0xFFFF
            cb[q] = hi >> 8
            cb[q + 1] = hi & 255
            cb[q + 2] = lo >> 8
            cb[q + 3] = lo & 255
        if nb == _CHUNK >> 4:
            ecb.encrypt(cb, ks)
        else:
            ecb.encrypt(_CBV[0:nb << 4], _KSV[0:nb << 4])
        for i in range(m):
            out[o] = src[o] ^ ks[i]
            o += 1


def _native_ctr(ctr, hi, lo, src, n, out):
    # aesio's CTR carries into the upper 96 bits where inc32 wraps: a run
    # that would cross 2^32 is refused rather than computed differently.
    lo += 1
    if (hi << 16 | lo) + ((n + 15) >> 4) > 0x100000000:
        raise SecurityError("GCM counter would wrap")
    if lo == 0x10000:
        lo = 0
        hi += 1
    c = bytearray(_J0)
    c[12] = hi >> 8
    c[13] = hi & 255
    c[14] = lo >> 8
    c[15] = lo & 255
    ctr.crypt(c, memoryview(src)[0:n], memoryview(out)[0:n])


class Gcm:
    """AES-GCM under one key.  native=False forces the computation here even
    where the backend has a native GCM (tests, benchmarks).  table_bits=8
    trades heap for speed: 256 multiples of H per key as 128-bit ints (about
    18 KiB on a 64-bit port, and garbage per block on MicroPython) nearly
    halve the GHASH time; 4 (1 KiB in limbs) suits a meter.  `native` is the
    backend's own AES-GCM object (or None), which ciphering's fast path
    calls directly.  Computed here, encrypt, decrypt and crypt return a
    fresh bytearray (a bytes copy would double what a message allocates)."""

    def __init__(self, key, native=True, table_bits=4):
        self.native = backend.aes_gcm(key) if native else None
        self._t = self._m = None  # GHASH's tables: in limbs, in big ints
        if self.native is not None:
            return
        if table_bits != 4 and table_bits != 8:
            raise SecurityError("GHASH table_bits is 4 or 8")
        self._ecb = backend.aes_ecb(key)
        self._ctr = backend.aes_ctr(key)  # None but on CircuitPython
        _scratch()
        h = bytearray(16)
        self._ecb.encrypt(h, h)
        if LIMBS and table_bits == 4:
            self._tab = self._t = _limb_tables(h)
            self._gh = _ghash4
        else:
            h = int.from_bytes(h, "big")
            self._tab = self._m = _table8(h) if table_bits == 8 else _table(h)
            self._gh = _ghash_big

    def encrypt(self, iv, plaintext, aad=b"", tag_len=12, out=None, pos=0):
        """ciphertext || tag (tag_len bytes).  With `out` (a bytearray with room
        for them from `pos`), written there and `out` returned: a caller that
        frames the result (a ciphered APDU's header before it) builds it in one
        buffer instead of concatenating copies."""
        if tag_len != 12:
            _check_tag_len(tag_len)
        n = len(plaintext)
        if out is not None and len(out) < pos + n + tag_len:
            raise SecurityError("no room for the ciphertext and its tag")
        if self.native is not None:
            r = self.native.seal(iv, plaintext, aad)
            r = r if tag_len == 16 else r[:n + tag_len]
            if out is None:
                return r
            out[pos:pos + n + tag_len] = r
            return out
        _start(self, iv)
        if out is None:
            dst = out = bytearray(n + tag_len)
        else:
            dst = memoryview(out)[pos:pos + n + tag_len]
        _ctr_xor(self, plaintext, n, dst)
        self._gh(self._tab, aad, len(aad), dst, n, dst, tag_len)
        return out

    def decrypt(self, iv, data, aad=b"", tag_len=12):
        """The plaintext of ciphertext || tag; SecurityError if the tag fails."""
        if tag_len != 12:
            _check_tag_len(tag_len)
        n = len(data) - tag_len
        if n < 0:
            raise SecurityError("GCM data shorter than its tag")
        if self.native is not None:
            mv = memoryview(data)
            pt = self.native.open(iv, mv[0:n], mv[n:], aad)
            if pt is None:
                raise SecurityError("authentication failed")
            return pt
        _start(self, iv)
        # the tag is checked before any plaintext is made
        if self._gh(self._tab, aad, len(aad), data, n, None, tag_len):
            raise SecurityError("authentication failed")
        out = bytearray(n)
        _ctr_xor(self, data, n, out)
        return out

    def crypt(self, iv, data):
        """CTR alone (GCM's keystream, no tag): DLMS encryption-only
        protection (security control 0x2n).  Its own inverse."""
        n = len(data)
        if self.native is not None:
            return self.native.seal(bytes(iv), bytes(data), b"")[:n]
        _start(self, iv)
        out = bytearray(n)
        _ctr_xor(self, data, n, out)
        return out

    def gmac(self, iv, aad, tag_len=12):
        """The GMAC of aad: GCM with nothing to encrypt."""
        _check_tag_len(tag_len)
        if self.native is not None:
            out = self.native.seal(bytes(iv), b"", bytes(aad))
            return out[:tag_len]
        _start(self, iv)
        out = bytearray(tag_len)
        self._gh(self._tab, aad, len(aad), b"", 0, out, tag_len)
        return bytes(out)

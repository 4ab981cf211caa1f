"""Pure-Python AES-128/256 (FIPS-197): the fallback block cipher.

For boards whose firmware has no `cryptolib` (PYBV11, NUCLEO-F401/F411/F446,
black pill: MICROPY_PY_SSL is off there) and for CPython without the
`cryptography` package.  GCM, GMAC and key wrap sit on top of it through
security.backend, exactly as they sit on cryptolib.

The cipher is byte-oriented on purpose: every value is a byte, so nothing
becomes a heap-allocated big int on a 32-bit board (T-tables of 32-bit words
would, MicroPython small ints being 31-bit there).  The S-box is folded with
MixColumns into three tables (S, 2*S, 3*S), all `bytes` literals so that a
frozen build keeps them in flash.  Expect about 10 ms per block on an STM32F4:
good for a GMAC over a challenge or a key unwrap, slow for bulk traffic.

Decryption is only needed for key unwrap (RFC 3394), so it favours small code
over speed, and lives in aes_inv.py, loaded on the first decrypt().
"""

from . import SecurityError

_SBOX = (
    b"\x63\x7c\x77\x7b\xf2\x6b\x6f\xc5\x30\x01\x67\x2b\xfe\xd7\xab\x76"
    b"\xca\x82\xc9\x7d\xfa\x59\x47\xf0\xad\xd4\xa2\xaf\x9c\xa4\x72\xc0"
    b"\xb7\xfd\x93\x26\x36\x3f\xf7\xcc\x34\xa5\xe5\xf1\x71\xd8\x31\x15"
    b"\x04\xc7\x23\xc3\x18\x96\x05\x9a\x07\x12\x80\xe2\xeb\x27\xb2\x75"
    b"\x09\x83\x2c\x1a\x1b\x6e\x5a\xa0\x52\x3b\xd6\xb3\x29\xe3\x2f\x84"
    b"\x53\xd1\x00\xed\x20\xfc\xb1\x5b\x6a\xcb\xbe\x39\x4a\x4c\x58\xcf"
    b"\xd0\xef\xaa\xfb\x43\x4d\x33\x85\x45\xf9\x02\x7f\x50\x3c\x9f\xa8"
    b"\x51\xa3\x40\x8f\x92\x9d\x38\xf5\xbc\xb6\xda\x21\x10\xff\xf3\xd2"
    b"\xcd\x0c\x13\xec\x5f\x97\x44\x17\xc4\xa7\x7e\x3d\x64\x5d\x19\x73"
    b"\x60\x81\x4f\xdc\x22\x2a\x90\x88\x46\xee\xb8\x14\xde\x5e\x0b\xdb"
    b"\xe0\x32\x3a\x0a\x49\x06\x24\x5c\xc2\xd3\xac\x62\x91\x95\xe4\x79"
    b"\xe7\xc8\x37\x6d\x8d\xd5\x4e\xa9\x6c\x56\xf4\xea\x65\x7a\xae\x08"
    b"\xba\x78\x25\x2e\x1c\xa6\xb4\xc6\xe8\xdd\x74\x1f\x4b\xbd\x8b\x8a"
    b"\x70\x3e\xb5\x66\x48\x03\xf6\x0e\x61\x35\x57\xb9\x86\xc1\x1d\x9e"
    b"\xe1\xf8\x98\x11\x69\xd9\x8e\x94\x9b\x1e\x87\xe9\xce\x55\x28\xdf"
    b"\x8c\xa1\x89\x0d\xbf\xe6\x42\x68\x41\x99\x2d\x0f\xb0\x54\xbb\x16"
)

_SBOX2 = (
    b"\xc6\xf8\xee\xf6\xff\xd6\xde\x91\x60\x02\xce\x56\xe7\xb5\x4d\xec"
    b"\x8f\x1f\x89\xfa\xef\xb2\x8e\xfb\x41\xb3\x5f\x45\x23\x53\xe4\x9b"
    b"\x75\xe1\x3d\x4c\x6c\x7e\xf5\x83\x68\x51\xd1\xf9\xe2\xab\x62\x2a"
    b"\x08\x95\x46\x9d\x30\x37\x0a\x2f\x0e\x24\x1b\xdf\xcd\x4e\x7f\xea"
    b"\x12\x1d\x58\x34\x36\xdc\xb4\x5b\xa4\x76\xb7\x7d\x52\xdd\x5e\x13"
    b"\xa6\xb9\x00\xc1\x40\xe3\x79\xb6\xd4\x8d\x67\x72\x94\x98\xb0\x85"
    b"\xbb\xc5\x4f\xed\x86\x9a\x66\x11\x8a\xe9\x04\xfe\xa0\x78\x25\x4b"
    b"\xa2\x5d\x80\x05\x3f\x21\x70\xf1\x63\x77\xaf\x42\x20\xe5\xfd\xbf"
    b"\x81\x18\x26\xc3\xbe\x35\x88\x2e\x93\x55\xfc\x7a\xc8\xba\x32\xe6"
    b"\xc0\x19\x9e\xa3\x44\x54\x3b\x0b\x8c\xc7\x6b\x28\xa7\xbc\x16\xad"
    b"\xdb\x64\x74\x14\x92\x0c\x48\xb8\x9f\xbd\x43\xc4\x39\x31\xd3\xf2"
    b"\xd5\x8b\x6e\xda\x01\xb1\x9c\x49\xd8\xac\xf3\xcf\xca\xf4\x47\x10"
    b"\x6f\xf0\x4a\x5c\x38\x57\x73\x97\xcb\xa1\xe8\x3e\x96\x61\x0d\x0f"
    b"\xe0\x7c\x71\xcc\x90\x06\xf7\x1c\xc2\x6a\xae\x69\x17\x99\x3a\x27"
    b"\xd9\xeb\x2b\x22\xd2\xa9\x07\x33\x2d\x3c\x15\xc9\x87\xaa\x50\xa5"
    b"\x03\x59\x09\x1a\x65\xd7\x84\xd0\x82\x29\x5a\x1e\x7b\xa8\x6d\x2c"
)

_SBOX3 = (
    b"\xa5\x84\x99\x8d\x0d\xbd\xb1\x54\x50\x03\xa9\x7d\x19\x62\xe6\x9a"
    b"\x45\x9d\x40\x87\x15\xeb\xc9\x0b\xec\x67\xfd\xea\xbf\xf7\x96\x5b"
    b"\xc2\x1c\xae\x6a\x5a\x41\x02\x4f\x5c\xf4\x34\x08\x93\x73\x53\x3f"
    b"\x0c\x52\x65\x5e\x28\xa1\x0f\xb5\x09\x36\x9b\x3d\x26\x69\xcd\x9f"
    b"\x1b\x9e\x74\x2e\x2d\xb2\xee\xfb\xf6\x4d\x61\xce\x7b\x3e\x71\x97"
    b"\xf5\x68\x00\x2c\x60\x1f\xc8\xed\xbe\x46\xd9\x4b\xde\xd4\xe8\x4a"
    b"\x6b\x2a\xe5\x16\xc5\xd7\x55\x94\xcf\x10\x06\x81\xf0\x44\xba\xe3"
    b"\xf3\xfe\xc0\x8a\xad\xbc\x48\x04\xdf\xc1\x75\x63\x30\x1a\x0e\x6d"
    b"\x4c\x14\x35\x2f\xe1\xa2\xcc\x39\x57\xf2\x82\x47\xac\xe7\x2b\x95"
    b"\xa0\x98\xd1\x7f\x66\x7e\xab\x83\xca\x29\xd3\x3c\x79\xe2\x1d\x76"
    b"\x3b\x56\x4e\x1e\xdb\x0a\x6c\xe4\x5d\x6e\xef\xa6\xa8\xa4\x37\x8b"
    b"\x32\x43\x59\xb7\x8c\x64\xd2\xe0\xb4\xfa\x07\x25\xaf\x8e\xe9\x18"
    b"\xd5\x88\x6f\x72\x24\xf1\xc7\x51\x23\x7c\x9c\x21\xdd\xdc\x86\x85"
    b"\x90\x42\xc4\xaa\xd8\x05\x01\x12\xa3\x5f\xf9\xd0\x91\x58\x27\xb9"
    b"\x38\x13\xb3\x33\xbb\x70\x89\xa7\xb6\x22\x92\x20\x49\xff\x78\x7a"
    b"\x8f\xf8\x80\x17\xda\x31\xc6\xb8\xc3\xb0\x77\x11\xcb\xfc\xd6\x3a"
)


def _expand_key(key):
    """The round keys w[0..4*(nr+1)) as one bytes string (FIPS-197 5.2)."""
    nk = len(key) >> 2
    if nk not in (4, 6, 8):
        raise SecurityError("AES key must be 16, 24 or 32 bytes")
    nr = nk + 6
    S = _SBOX
    w = bytearray(16 * (nr + 1))
    w[0:len(key)] = key
    rcon = 1
    for i in range(nk, 4 * (nr + 1)):
        o = i << 2
        t0 = w[o - 4]
        t1 = w[o - 3]
        t2 = w[o - 2]
        t3 = w[o - 1]
        if i % nk == 0:
            t0, t1, t2, t3 = S[t1] ^ rcon, S[t2], S[t3], S[t0]
            rcon = (rcon << 1) ^ (0x11B if rcon & 0x80 else 0)  # xtime
        elif nk == 8 and i % nk == 4:
            t0, t1, t2, t3 = S[t0], S[t1], S[t2], S[t3]
        p = o - (nk << 2)
        w[o] = w[p] ^ t0
        w[o + 1] = w[p + 1] ^ t1
        w[o + 2] = w[p + 2] ^ t2
        w[o + 3] = w[p + 3] ^ t3
    return bytes(w), nr


class AES:
    """AES with the key schedule computed once.

    `encrypt(src, dst)` / `decrypt(src, dst)` run ECB over any multiple of 16
    bytes into a preallocated `dst` (which may be `src`), the shape of
    MicroPython's cryptolib, so that GCM can hand it all counter blocks at once.
    """

    def __init__(self, key):
        self._k, self._nr = _expand_key(key)

    def encrypt(self, src, dst):
        n = len(src)
        if n & 15 or len(dst) < n:
            raise SecurityError("AES-ECB data must be whole 16-byte blocks")
        S = _SBOX
        S2 = _SBOX2
        S3 = _SBOX3
        k = self._k
        pairs = (self._nr - 2) >> 1
        last = self._nr << 4
        for o in range(0, n, 16):
            x0 = src[o] ^ k[0]
            x1 = src[o + 1] ^ k[1]
            x2 = src[o + 2] ^ k[2]
            x3 = src[o + 3] ^ k[3]
            x4 = src[o + 4] ^ k[4]
            x5 = src[o + 5] ^ k[5]
            x6 = src[o + 6] ^ k[6]
            x7 = src[o + 7] ^ k[7]
            x8 = src[o + 8] ^ k[8]
            x9 = src[o + 9] ^ k[9]
            x10 = src[o + 10] ^ k[10]
            x11 = src[o + 11] ^ k[11]
            x12 = src[o + 12] ^ k[12]
            x13 = src[o + 13] ^ k[13]
            x14 = src[o + 14] ^ k[14]
            x15 = src[o + 15] ^ k[15]
            r = 16
            for _ in range(pairs):
                y0 = S2[x0] ^ S3[x5] ^ S[x10] ^ S[x15] ^ k[r]
                y1 = S[x0] ^ S2[x5] ^ S3[x10] ^ S[x15] ^ k[r + 1]
                y2 = S[x0] ^ S[x5] ^ S2[x10] ^ S3[x15] ^ k[r + 2]
                y3 = S3[x0] ^ S[x5] ^ S[x10] ^ S2[x15] ^ k[r + 3]
                y4 = S2[x4] ^ S3[x9] ^ S[x14] ^ S[x3] ^ k[r + 4]
                y5 = S[x4] ^ S2[x9] ^ S3[x14] ^ S[x3] ^ k[r + 5]
                y6 = S[x4] ^ S[x9] ^ S2[x14] ^ S3[x3] ^ k[r + 6]
                y7 = S3[x4] ^ S[x9] ^ S[x14] ^ S2[x3] ^ k[r + 7]
                y8 = S2[x8] ^ S3[x13] ^ S[x2] ^ S[x7] ^ k[r + 8]
                y9 = S[x8] ^ S2[x13] ^ S3[x2] ^ S[x7] ^ k[r + 9]
                y10 = S[x8] ^ S[x13] ^ S2[x2] ^ S3[x7] ^ k[r + 10]
                y11 = S3[x8] ^ S[x13] ^ S[x2] ^ S2[x7] ^ k[r + 11]
                y12 = S2[x12] ^ S3[x1] ^ S[x6] ^ S[x11] ^ k[r + 12]
                y13 = S[x12] ^ S2[x1] ^ S3[x6] ^ S[x11] ^ k[r + 13]
                y14 = S[x12] ^ S[x1] ^ S2[x6] ^ S3[x11] ^ k[r + 14]
                y15 = S3[x12] ^ S[x1] ^ S[x6] ^ S2[x11] ^ k[r + 15]
                x0 = S2[y0] ^ S3[y5] ^ S[y10] ^ S[y15] ^ k[r + 16]
                x1 = S[y0] ^ S2[y5] ^ S3[y10] ^ S[y15] ^ k[r + 17]
                x2 = S[y0] ^ S[y5] ^ S2[y10] ^ S3[y15] ^ k[r + 18]
                x3 = S3[y0] ^ S[y5] ^ S[y10] ^ S2[y15] ^ k[r + 19]
                x4 = S2[y4] ^ S3[y9] ^ S[y14] ^ S[y3] ^ k[r + 20]
                x5 = S[y4] ^ S2[y9] ^ S3[y14] ^ S[y3] ^ k[r + 21]
                x6 = S[y4] ^ S[y9] ^ S2[y14] ^ S3[y3] ^ k[r + 22]
                x7 = S3[y4] ^ S[y9] ^ S[y14] ^ S2[y3] ^ k[r + 23]
                x8 = S2[y8] ^ S3[y13] ^ S[y2] ^ S[y7] ^ k[r + 24]
                x9 = S[y8] ^ S2[y13] ^ S3[y2] ^ S[y7] ^ k[r + 25]
                x10 = S[y8] ^ S[y13] ^ S2[y2] ^ S3[y7] ^ k[r + 26]
                x11 = S3[y8] ^ S[y13] ^ S[y2] ^ S2[y7] ^ k[r + 27]
                x12 = S2[y12] ^ S3[y1] ^ S[y6] ^ S[y11] ^ k[r + 28]
                x13 = S[y12] ^ S2[y1] ^ S3[y6] ^ S[y11] ^ k[r + 29]
                x14 = S[y12] ^ S[y1] ^ S2[y6] ^ S3[y11] ^ k[r + 30]
                x15 = S3[y12] ^ S[y1] ^ S[y6] ^ S2[y11] ^ k[r + 31]
                r += 32
            y0 = S2[x0] ^ S3[x5] ^ S[x10] ^ S[x15] ^ k[r]
            y1 = S[x0] ^ S2[x5] ^ S3[x10] ^ S[x15] ^ k[r + 1]
            y2 = S[x0] ^ S[x5] ^ S2[x10] ^ S3[x15] ^ k[r + 2]
            y3 = S3[x0] ^ S[x5] ^ S[x10] ^ S2[x15] ^ k[r + 3]
            y4 = S2[x4] ^ S3[x9] ^ S[x14] ^ S[x3] ^ k[r + 4]
            y5 = S[x4] ^ S2[x9] ^ S3[x14] ^ S[x3] ^ k[r + 5]
            y6 = S[x4] ^ S[x9] ^ S2[x14] ^ S3[x3] ^ k[r + 6]
            y7 = S3[x4] ^ S[x9] ^ S[x14] ^ S2[x3] ^ k[r + 7]
            y8 = S2[x8] ^ S3[x13] ^ S[x2] ^ S[x7] ^ k[r + 8]
            y9 = S[x8] ^ S2[x13] ^ S3[x2] ^ S[x7] ^ k[r + 9]
            y10 = S[x8] ^ S[x13] ^ S2[x2] ^ S3[x7] ^ k[r + 10]
            y11 = S3[x8] ^ S[x13] ^ S[x2] ^ S2[x7] ^ k[r + 11]
            y12 = S2[x12] ^ S3[x1] ^ S[x6] ^ S[x11] ^ k[r + 12]
            y13 = S[x12] ^ S2[x1] ^ S3[x6] ^ S[x11] ^ k[r + 13]
            y14 = S[x12] ^ S[x1] ^ S2[x6] ^ S3[x11] ^ k[r + 14]
            y15 = S3[x12] ^ S[x1] ^ S[x6] ^ S2[x11] ^ k[r + 15]
            r = last
            dst[o] = S[y0] ^ k[r]
            dst[o + 1] = S[y5] ^ k[r + 1]
            dst[o + 2] = S[y10] ^ k[r + 2]
            dst[o + 3] = S[y15] ^ k[r + 3]
            dst[o + 4] = S[y4] ^ k[r + 4]
            dst[o + 5] = S[y9] ^ k[r + 5]
            dst[o + 6] = S[y14] ^ k[r + 6]
            dst[o + 7] = S[y3] ^ k[r + 7]
            dst[o + 8] = S[y8] ^ k[r + 8]
            dst[o + 9] = S[y13] ^ k[r + 9]
            dst[o + 10] = S[y2] ^ k[r + 10]
            dst[o + 11] = S[y7] ^ k[r + 11]
            dst[o + 12] = S[y12] ^ k[r + 12]
            dst[o + 13] = S[y1] ^ k[r + 13]
            dst[o + 14] = S[y6] ^ k[r + 14]
            dst[o + 15] = S[y11] ^ k[r + 15]

    def decrypt(self, src, dst):
        # the inverse cipher serves key unwrap only: a meter without it leaves aes_inv out
        from .aes_inv import decrypt
        decrypt(self, src, dst)

"""AES key wrap (RFC 3394, NIST SP 800-38F KW) for DLMS key transfer.

Security Setup's key_transfer and the global key change (IEC 62056-5-3 9.2.2.3,
IEC 62056-6-2 Security setup method 2) carry new keys wrapped under the
master key (KEK); suite 0/1 wrap 128-bit keys, suite 2 256-bit ones.

    wrap(kek, key) -> 8 bytes longer than key
    unwrap(kek, wrapped) -> key, or SecurityError

The 6n steps run on one 16-byte block buffer and one buffer of the n
64-bit registers, through the backend's AES-ECB (cryptolib, aesio, pure).
"""

from . import SecurityError
from . import backend

_IV = b"\xa6\xa6\xa6\xa6\xa6\xa6\xa6\xa6"  # RFC 3394 2.2.3.1, the default initial value


def _xor_t(buf, t):
    # A ^= t, with t as a 64-bit big-endian count (only the low 4 bytes are
    # ever non-zero for DLMS-sized keys, but the rule is the whole 64 bits).
    i = 7
    while t:
        buf[i] ^= t & 0xFF
        t >>= 8
        i -= 1


def wrap(kek, key):
    n = len(key) >> 3
    if len(key) & 7 or n < 2:
        raise SecurityError("key wrap needs a key of 16, 24, 32... bytes")
    aes = backend.aes_ecb(kek)
    r = bytearray(key)
    b = bytearray(16)
    b[0:8] = _IV
    mb = memoryview(b)
    for j in range(6):
        for i in range(n):
            o = i << 3
            b[8:16] = r[o:o + 8]
            aes.encrypt(mb, mb)  # B = AES(K, A | R[i])
            _xor_t(b, n * j + i + 1)  # A = MSB(64, B) ^ t
            r[o:o + 8] = b[8:16]  # R[i] = LSB(64, B)
    return bytes(b[0:8]) + bytes(r)


def unwrap(kek, wrapped):
    n = (len(wrapped) >> 3) - 1
    if len(wrapped) & 7 or n < 2:
        raise SecurityError("wrapped key has a wrong length")
    aes = backend.aes_ecb_decrypt(kek)
    r = bytearray(wrapped[8:])
    b = bytearray(16)
    b[0:8] = wrapped[0:8]
    mb = memoryview(b)
    for j in range(5, -1, -1):
        for i in range(n - 1, -1, -1):
            o = i << 3
            _xor_t(b, n * j + i + 1)
            b[8:16] = r[o:o + 8]
            aes.decrypt(mb, mb)  # B = AES-1(K, (A ^ t) | R[i])
            r[o:o + 8] = b[8:16]
    d = 0  # the integrity check (2.2.3), in constant time
    for i in range(8):
        d |= b[i] ^ _IV[i]
    if d:
        raise SecurityError("key unwrap failed")
    return bytes(r)

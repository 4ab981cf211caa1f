"""ECDSA for DLMS security suites 1 (P-256, SHA-256) and 2 (P-384, SHA-384).

IEC 62056-5-3 9.2.3.5: a DLMS signature is r||s, each a fixed-length
big-endian integer (64 bytes for P-256, 96 for P-384), with no ASN.1.

Signing draws k deterministically (RFC 6979 3.2) from the private key and
the digest, so a meter whose random source is weak still never reuses a k
for two messages (the failure that leaks the key).  RFC 6979 needs HMAC, and
MicroPython has no `hmac` module, so a small one is here.

SHA-384 comes from hashlib where it exists (CPython) and otherwise from the
pure-Python microcosem.security.sha2, imported only then: a P-256 meter on
MicroPython never loads it.
"""

import hashlib

from .ec import EcError, decode_point, decode_scalar, generate_keypair, inverse  # noqa: F401
from .ec import _mul_base_jacobian, mul_add_jacobian, validate_point

_BLOCK_SIZES = (("sha256", 64), ("sha384", 128))


def hash_function(name):
    """(constructor, block size) for 'sha256' or 'sha384'.

    The constructor takes the data and returns an object with digest(): the
    intersection of hashlib on every runtime.
    """
    for n, block in _BLOCK_SIZES:
        if n == name:
            fn = getattr(hashlib, name, None)
            if fn is None:
                from .sha2 import constructor

                fn = constructor(name)
            return fn, block
    raise EcError("hash %s not supported" % name)


def hmac_digest(hash_fn, block_size, key, msg):
    """HMAC (RFC 2104) with a hashlib-style constructor."""
    if len(key) > block_size:
        key = hash_fn(key).digest()
    k = int.from_bytes(key + bytes(block_size - len(key)), "big")
    ipad = (k ^ int.from_bytes(b"\x36" * block_size, "big")).to_bytes(block_size, "big")
    opad = (k ^ int.from_bytes(b"\x5c" * block_size, "big")).to_bytes(block_size, "big")
    return hash_fn(opad + hash_fn(ipad + msg).digest()).digest()


def hash_message(curve, message):
    fn = hash_function(curve.hash_name)[0]
    return fn(bytes(message)).digest()


def _bits2int(curve, data):
    # RFC 6979 2.3.2: the leftmost qlen bits of the digest.
    v = int.from_bytes(bytes(data), "big")
    excess = 8 * len(data) - curve.bits
    if excess > 0:
        v >>= excess
    return v


def deterministic_k(curve, d, digest, _skip=0):
    """RFC 6979 3.2 k for private scalar d and message digest (HMAC-hash of the suite).

    `_skip` draws that many candidates first and discards them; it is how the
    rare retry after r = 0 or s = 0 (3.4) continues the same generator.
    """
    fn, block = hash_function(curve.hash_name)
    n = curve.n
    size = curve.size
    x = d.to_bytes(size, "big")
    h = _bits2int(curve, digest) % n  # bits2octets: reduce once mod q
    h = h.to_bytes(size, "big")
    hlen = 32 if curve.hash_name == "sha256" else 48
    V = b"\x01" * hlen
    K = hmac_digest(fn, block, bytes(hlen), V + b"\x00" + x + h)
    V = hmac_digest(fn, block, K, V)
    K = hmac_digest(fn, block, K, V + b"\x01" + x + h)
    V = hmac_digest(fn, block, K, V)
    while True:
        T = b""
        while len(T) < size:
            V = hmac_digest(fn, block, K, V)
            T += V
        k = _bits2int(curve, T[:size])
        if 0 < k < n:
            if not _skip:
                return k
            _skip -= 1
        K = hmac_digest(fn, block, K, V + b"\x00")
        V = hmac_digest(fn, block, K, V)


def sign_digest(curve, private_key, digest):
    """r||s over a digest already computed with the suite's hash."""
    d = decode_scalar(curve, private_key)
    n = curve.n
    p = curve.p
    e = _bits2int(curve, digest) % n
    tries = 0
    while True:
        k = deterministic_k(curve, d, digest, tries)
        X, _, Z = _mul_base_jacobian(curve, k)  # k in [1, n-1]: never infinity
        zi = inverse(Z, p)
        r = X * zi * zi % p % n
        if r:
            s = inverse(k, n) * (e + r * d) % n
            if s:
                return r.to_bytes(curve.size, "big") + s.to_bytes(curve.size, "big")
        tries += 1


def sign(curve, private_key, message):
    """r||s: the DLMS signature of `message` (hashed with SHA-256 / SHA-384)."""
    return sign_digest(curve, private_key, hash_message(curve, message))


def verify_digest(curve, public_key, digest, signature):
    """True if r||s signs `digest` under `public_key`.

    The key is X||Y, 04||X||Y or an affine point; an invalid key raises
    EcError.  A signature of the wrong length or out of range is simply False.
    """
    Q = public_key
    if isinstance(Q, tuple):
        validate_point(curve, Q)
    else:
        Q = decode_point(curve, Q)
    size = curve.size
    if len(signature) != 2 * size:
        return False
    signature = bytes(signature)
    n = curve.n
    r = int.from_bytes(signature[:size], "big")
    s = int.from_bytes(signature[size:], "big")
    if not (0 < r < n and 0 < s < n):
        return False
    w = inverse(s, n)
    e = _bits2int(curve, digest) % n
    R = mul_add_jacobian(curve, e * w % n, r * w % n, Q)
    if R is None:
        return False
    # x(R) mod n == r without an inversion: X == x * Z^2 for x in {r, r + n}.
    p = curve.p
    X, _, Z = R
    zz = Z * Z % p
    x = r
    while x < p:
        if (x * zz - X) % p == 0:
            return True
        x += n
    return False


def verify(curve, public_key, message, signature):
    """True if `signature` (r||s) signs `message` under `public_key`."""
    return verify_digest(curve, public_key, hash_message(curve, message), signature)

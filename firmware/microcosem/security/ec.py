"""NIST P-256 and P-384 for DLMS security suites 1 and 2 (IEC 62056-5-3 9.2.3).

Suite 1 signs and agrees keys on P-256, suite 2 on P-384.  The curves are
y^2 = x^3 - 3x + b over GF(p), of prime order n (cofactor 1), so a point that
satisfies the equation is in the group and key validation is the equation
plus the coordinate ranges (SP 800-56A 5.6.2.3.4, full validation).

This pure-Python code is what a MicroPython meter runs: no runtime offers EC
in Python otherwise.  Points are plain tuples of ints: affine `(x, y)`,
Jacobian `(X, Y, Z)` inside the arithmetic, and None for the point at
infinity.  Every field product is reduced with one `%` (the C big-int divide
beats any hand-written Solinas reduction in an interpreter), and several
products are folded under one `%` where the formulas allow it.

Scalar multiplication:
  * k*G (key pairs, signing): a Lim-Lee comb over a table of 31 (P-256) or
    15 (P-384) affine points built on first use, about 2 KiB on a 32-bit port;
  * k*Q (ECDH): width-5 wNAF over 8 affine odd multiples of Q, per call;
  * u1*G + u2*Q (verify): the comb columns of u1 and the wNAF of u2 over one
    run of doublings, so G needs no table besides the comb.
None of this is constant-time (Python big ints are not): fine for a meter
whose attacker cannot time it finely, worth knowing for anything else.

Formats as DLMS carries them (IEC 62056-5-3 9.2.3.4, 9.2.7): public keys as
X||Y (64 / 96 bytes), also accepted as 04||X||Y (65 / 97) and in the
compressed SEC 1 form; private keys and shared secrets as fixed-length
big-endian integers.
"""

from ..compat import random_bytes
from ..errors import DlmsError


class EcError(DlmsError):
    """A key, point or scalar that is not valid for the curve: refused."""


class Curve:
    """Domain parameters of a short-Weierstrass curve with a = -3."""

    def __init__(self, name, size, p, b, n, gx, gy, hash_name, teeth):
        self.name = name
        self.size = size  # bytes in a field element and in a scalar
        self.p = p
        self.b = b
        self.n = n
        self.gx = gx
        self.gy = gy
        self.hash_name = hash_name  # the suite's hash (ECDSA, and the KDF)
        self.bits = size * 8
        self.teeth = teeth  # of the fixed-base comb: 2^teeth - 1 table entries
        self._comb = None  # built on first use: see _comb_table

    def __repr__(self):
        return "<Curve %s>" % self.name


# FIPS 186-4 D.1.2.3 and D.1.2.4.
P256 = Curve(
    "P-256", 32,
    0xFFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF,
    0x5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B,
    0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551,
    0x6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296,
    0x4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5,
    "sha256", 5)

P384 = Curve(
    "P-384", 48,
    0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFFFF0000000000000000FFFFFFFF,
    0xB3312FA7E23EE7E4988E056BE3F82D19181D9C6EFE8141120314088F5013875AC656398D8A2ED19D2A85C8EDD3EC2AEF,
    0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973,
    0xAA87CA22BE8B05378EB1C71EF320AD746E1D3B628BA79B9859F741E082542A385502F25DBF55296C3A545E3872760AB7,
    0x3617DE4A96262C6F5D9E98BF9292DC29F8F41DBD289A147CE9DA3113B5F0B8C00A60B1CE1D7E819D7A431D7C90EA0E5F,
    "sha384", 4)

CURVES = (P256, P384)

# Comb teeth: P-256 5 (31 table points, 52 columns), P-384 4 (15 points, 96
# columns): P-384's entries are half as big again, and its signatures spend
# most of their time in SHA-384 anyway, so it trades a little speed for heap.
_Q_WINDOW = 5  # Q's wNAF width: 8 affine odd multiples, built per call

try:  # CPython's modular inverse runs extended Euclid in C; MicroPython returns 0
    _FAST_INVERSE = pow(3, -1, 7) == 5
except (ValueError, TypeError):
    _FAST_INVERSE = False


def inverse(a, m):
    """a^-1 mod m for a prime m (p or n), a not a multiple of m."""
    if _FAST_INVERSE:
        return pow(a, -1, m)
    return pow(a, m - 2, m)


# -- field and group arithmetic (Jacobian: x = X/Z^2, y = Y/Z^3) ------------


def _double(P, p):
    # dbl-2001-b for a = -3: 3M + 5S.
    if P is None:
        return None
    X, Y, Z = P
    if not Y:
        return None
    d = Z * Z % p
    g = Y * Y % p
    be = X * g % p
    al = 3 * (X - d) * (X + d) % p
    X3 = (al * al - 8 * be) % p
    return (X3, (al * (4 * be - X3) - 8 * g * g) % p, 2 * Y * Z % p)


def _add_affine(P, x2, y2, p):
    # P + (x2, y2, 1), madd-2004-hmv: 8M + 3S.
    if P is None:
        return (x2, y2, 1)
    X1, Y1, Z1 = P
    zz = Z1 * Z1 % p
    H = (x2 * zz - X1) % p
    r = (y2 * zz * Z1 - Y1) % p
    if not H:
        if r:
            return None  # P = -(x2, y2)
        return _double(P, p)
    HH = H * H % p
    HHH = H * HH % p
    V = X1 * HH % p
    X3 = (r * r - HHH - 2 * V) % p
    return (X3, (r * (V - X3) - Y1 * HHH) % p, Z1 * H % p)


def _add(P, Q, p):
    # add-1998-cmo-2: 12M + 4S.
    if P is None:
        return Q
    if Q is None:
        return P
    X1, Y1, Z1 = P
    X2, Y2, Z2 = Q
    z1 = Z1 * Z1 % p
    z2 = Z2 * Z2 % p
    U1 = X1 * z2 % p
    S1 = Y1 * z2 * Z2 % p
    H = (X2 * z1 - U1) % p
    r = (Y2 * z1 * Z1 - S1) % p
    if not H:
        if r:
            return None
        return _double(P, p)
    HH = H * H % p
    HHH = H * HH % p
    V = U1 * HH % p
    X3 = (r * r - HHH - 2 * V) % p
    return (X3, (r * (V - X3) - S1 * HHH) % p, Z1 * Z2 * H % p)


def to_affine(curve, P):
    """Jacobian to affine (x, y); None stays None."""
    if P is None:
        return None
    p = curve.p
    X, Y, Z = P
    if Z == 1:
        return (X, Y)
    zi = inverse(Z, p)
    zi2 = zi * zi % p
    return (X * zi2 % p, Y * zi2 * zi % p)


def _normalize_all(points, p):
    # Many Jacobian points to affine for the price of one inversion
    # (Montgomery's trick); none may be infinity.  The results are kept in a
    # table, so each is trimmed with `| 0`: MicroPython's remainder keeps the
    # digit buffer of the double-length product, twice what the value needs.
    acc = []
    t = 1
    for P in points:
        t = t * P[2] % p
        acc.append(t)
    inv = inverse(t, p)
    out = [None] * len(points)
    for i in range(len(points) - 1, -1, -1):
        X, Y, Z = points[i]
        zi = inv * acc[i - 1] % p if i else inv
        inv = inv * Z % p
        zi2 = zi * zi % p
        out[i] = ((X * zi2 % p) | 0, (Y * zi2 * zi % p) | 0)
    return out


def _wnaf(k, w):
    # Width-w NAF digits of k, least significant first: odd digits in
    # (-2^(w-1), 2^(w-1)), at least w-1 zeros after each non-zero one;
    # negative digits stored as 256 + d.
    full = 1 << w
    half = full >> 1
    mask = full - 1
    out = bytearray()  # a byte per digit, two's complement: 257 bytes, not a 2 KiB list
    while k:
        if k & 1:
            d = k & mask
            if d >= half:
                d -= full
            k -= d
            out.append(d & 0xFF)
        else:
            out.append(0)
        k >>= 1
    return out


def _odd_multiples(point, count, p):
    # P, 3P, 5P, ... (2*count-1)P of an affine P, as affine points: one
    # inversion buys 8M+3S mixed additions in the loop instead of 12M+4S,
    # and affine entries take two thirds of the heap of Jacobian ones.
    P = (point[0], point[1], 1)
    out = [P]
    P2 = _double(P, p)
    for _ in range(count - 1):
        P = _add(P, P2, p)
        out.append(P)
    return _normalize_all(out, p)


# -- the fixed-base comb table, built once per curve on first use -------------
#
# Lim-Lee comb with w teeth d = ceil(bits / w) apart: entry v-1 (v = 1..2^w-1)
# is the sum of 2^(j*d) G over the set bits j of v, so that column i of the
# scalar (bits i, d+i, 2d+i, ...) costs one mixed addition, and k*G costs d
# doublings and at most d additions.  The entries are affine, x and y side by
# side in one flat list of trimmed ints (entry v at 2v, 2v+1): about 4.3 KiB
# for P-256 (5 teeth) and 3.2 KiB for P-384 (4 teeth) on a 64-bit port, in
# small blocks that a fragmented heap still has (one packed 3 KiB bytes
# object often cannot be found in a 64 KiB heap).  Building it costs (w-1)*d
# doublings and 2^w - 1 inversions, once, and never holds more than two
# points in flight.


def _comb_table(curve):
    t = curve._comb
    if t is not None:
        return t
    p = curve.p
    w = curve.teeth
    d = (curve.bits + w - 1) // w
    tab = [0] * (2 << w)  # 2^w - 1 entries and a spare pair, so that v indexes
    x, y = curve.gx, curve.gy
    tab[2] = x
    tab[3] = y
    for j in range(1, w):  # the teeth 2^(j*d) G, at v = 2^j
        P = (x, y, 1)
        for _ in range(d):
            P = _double(P, p)
        x, y = to_affine(curve, P)
        tab[2 << j] = x | 0
        tab[(2 << j) + 1] = y | 0
    for v in range(3, 1 << w):
        low = v & -v
        if low == v:
            continue  # a tooth
        r = 2 * (v - low)
        x, y = to_affine(curve, _add_affine((tab[r], tab[r + 1], 1), tab[2 * low], tab[2 * low + 1], p))
        tab[2 * v] = x | 0
        tab[2 * v + 1] = y | 0
    t = curve._comb = (d, tab)
    return t


def _column(kb, i, d, nbits, w):
    # Comb column i of the scalar bytes kb: bit i + j*d of k is bit j of v.
    top = len(kb) - 1
    v = 0
    t = i + (w - 1) * d
    for _ in range(w):
        v <<= 1
        if t < nbits:
            v |= (kb[top - (t >> 3)] >> (t & 7)) & 1
        t -= d
    return v


# -- scalar multiplication ----------------------------------------------------


def _mul_base_jacobian(curve, k):
    p = curve.p
    s = curve.size
    d, tab = _comb_table(curve)
    kb = k.to_bytes(s, "big")
    nbits = curve.bits
    w = curve.teeth
    R = None
    for i in range(d - 1, -1, -1):
        R = _double(R, p)
        v = _column(kb, i, d, nbits, w)
        if v:
            R = _add_affine(R, tab[2 * v], tab[2 * v + 1], p)
    return R


def mul_base(curve, k):
    """k*G as an affine point (None for infinity); k any integer >= 0."""
    return to_affine(curve, _mul_base_jacobian(curve, k % curve.n))


def mul_point(curve, k, point):
    """k*point for an affine point on the curve (None for infinity)."""
    k %= curve.n
    if point is None or not k:
        return None
    p = curve.p
    table = _odd_multiples(point, 1 << (_Q_WINDOW - 2), p)
    digits = _wnaf(k, _Q_WINDOW)
    R = None
    for i in range(len(digits) - 1, -1, -1):
        R = _double(R, p)
        c = digits[i]
        if c:
            if c < 128:
                x, y = table[c >> 1]
                R = _add_affine(R, x, y, p)
            else:
                x, y = table[(256 - c) >> 1]
                R = _add_affine(R, x, p - y, p)
    return to_affine(curve, R)


def mul_add_jacobian(curve, u1, u2, point):
    """u1*G + u2*point in Jacobian coordinates (None for infinity).

    One run of doublings serves both scalars (Shamir's trick): the wNAF of
    u2 over the bits of the whole scalar, and the comb columns of u1 over its
    last d steps, so a verify costs about one scalar multiplication plus d
    additions, and needs no second table for G.
    """
    p = curve.p
    s = curve.size
    d, tab = _comb_table(curve)
    kb = (u1 % curve.n).to_bytes(s, "big")
    nbits = curve.bits
    w = curve.teeth
    qtab = _odd_multiples(point, 1 << (_Q_WINDOW - 2), p)
    b = _wnaf(u2 % curve.n, _Q_WINDOW)
    lb = len(b)
    R = None
    for i in range((lb if lb > d else d) - 1, -1, -1):
        R = _double(R, p)
        if i < d:
            v = _column(kb, i, d, nbits, w)
            if v:
                R = _add_affine(R, tab[2 * v], tab[2 * v + 1], p)
        if i < lb:
            c = b[i]
            if c:
                if c < 128:
                    x, y = qtab[c >> 1]
                    R = _add_affine(R, x, y, p)
                else:
                    x, y = qtab[(256 - c) >> 1]
                    R = _add_affine(R, x, p - y, p)
    return R


# -- validation and encodings --------------------------------------------------


def is_on_curve(curve, x, y):
    p = curve.p
    if not (0 <= x < p and 0 <= y < p):
        return False
    return (y * y - (x * x * x - 3 * x + curve.b)) % p == 0


def validate_point(curve, point):
    """Raise EcError unless `point` is an affine point of the curve's group.

    Infinity and off-curve points are what invalid-curve and small-subgroup
    attacks feed an ECDH peer: DLMS key agreement must refuse them.
    """
    if point is None:
        raise EcError("%s: the point at infinity is not a public key" % curve.name)
    if not is_on_curve(curve, point[0], point[1]):
        raise EcError("%s: point not on the curve" % curve.name)
    return point


def decode_point(curve, data):
    """Affine point from X||Y, 04||X||Y, or compressed 02/03||X; validated."""
    size = curve.size
    n = len(data)
    data = bytes(data)
    if n == 2 * size:
        off = 0
    elif n == 2 * size + 1 and data[0] == 4:
        off = 1
    elif n == size + 1 and data[0] in (2, 3):
        return _decompress(curve, int.from_bytes(data[1:], "big"), data[0] & 1)
    else:
        raise EcError("%s: a public key has %d, %d or %d bytes, not %d"
                      % (curve.name, 2 * size, 2 * size + 1, size + 1, n))
    x = int.from_bytes(data[off:off + size], "big")
    y = int.from_bytes(data[off + size:], "big")
    return validate_point(curve, (x, y))


def _decompress(curve, x, odd):
    p = curve.p
    if x >= p:
        raise EcError("%s: x out of range" % curve.name)
    rhs = (x * x * x - 3 * x + curve.b) % p
    y = pow(rhs, (p + 1) >> 2, p)  # p = 3 mod 4 for both curves
    if y * y % p != rhs:
        raise EcError("%s: no point with this x" % curve.name)
    if (y & 1) != odd:
        y = p - y
    return (x, y)


def encode_point(curve, point, prefix=False):
    """X||Y as DLMS carries a public key; 04||X||Y (SEC 1 uncompressed) if prefix."""
    if point is None:
        raise EcError("%s: the point at infinity has no encoding" % curve.name)
    xy = point[0].to_bytes(curve.size, "big") + point[1].to_bytes(curve.size, "big")
    return b"\x04" + xy if prefix else xy


def decode_scalar(curve, data):
    """A private key: exactly `size` big-endian bytes, in [1, n-1]."""
    if len(data) != curve.size:
        raise EcError("%s: a private key has %d bytes, not %d" % (curve.name, curve.size, len(data)))
    d = int.from_bytes(bytes(data), "big")
    if not 0 < d < curve.n:
        raise EcError("%s: private key out of range" % curve.name)
    return d


def encode_scalar(curve, k):
    return k.to_bytes(curve.size, "big")


# -- keys and key agreement ------------------------------------------------------


def public_key(curve, private_key, prefix=False):
    """The public key (X||Y, or 04||X||Y) of a private key given as bytes."""
    return encode_point(curve, mul_base(curve, decode_scalar(curve, private_key)), prefix)


def generate_keypair(curve, random=random_bytes):
    """(private key, public key X||Y) from the platform's random source.

    Rejection sampling (FIPS 186-4 B.4.2 "testing candidates"): draws until
    the candidate lies in [1, n-1], which for P-256/P-384 is almost always the
    first draw.
    """
    n = curve.n
    while True:
        cand = random(curve.size)
        d = int.from_bytes(cand, "big")
        if 0 < d < n:
            return cand, encode_point(curve, mul_base(curve, d))


def ecdh(curve, private_key, peer_public_key):
    """The ECDH shared secret Z: the x-coordinate of d*Q, `size` bytes.

    This is the "Ephemeral Unified Model" / "One-Pass Diffie-Hellman"
    primitive of IEC 62056-5-3 9.2.3.4.6 (SP 800-56A 5.7.1.2 with cofactor 1);
    the KDF that turns Z into a key lives elsewhere.  The peer's key is fully
    validated first: an invalid point raises EcError.
    """
    d = decode_scalar(curve, private_key)
    Q = peer_public_key
    if not isinstance(Q, tuple):
        Q = decode_point(curve, Q)
    else:
        validate_point(curve, Q)
    Z = mul_point(curve, d, Q)
    if Z is None:  # impossible for a valid Q and 0 < d < n, kept as the standard asks
        raise EcError("%s: shared secret is the point at infinity" % curve.name)
    return Z[0].to_bytes(curve.size, "big")

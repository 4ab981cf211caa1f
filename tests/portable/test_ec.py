# heapsize: 64k
"""P-256 / P-384 arithmetic, key formats and ECDH (IEC 62056-5-3 9.2.3.4).

Known answers from NIST CAVS 14.1 "ECC CDH Primitive" (SP 800-56A) and the
RFC 6979 A.2.5 / A.2.6 key pairs; the rest checks the three scalar
multiplications (comb, wNAF, interleaved) against one another at the edges.
"""

from checks import raises, unhex
from microcosem.security import ec
from microcosem.security.ec import P256, P384, EcError

# (curve, dIUT, QIUTx, QIUTy, QCAVSx, QCAVSy, ZIUT): KAS ECC CDH, COUNT 0 and 1.
CDH = (
    (P256,
     "7d7dc5f71eb29ddaf80d6214632eeae03d9058af1fb6d22ed80badb62bc1a534",
     "ead218590119e8876b29146ff89ca61770c4edbbf97d38ce385ed281d8a6b230",
     "28af61281fd35e2fa7002523acc85a429cb06ee6648325389f59edfce1405141",
     "700c48f77f56584c5cc632ca65640db91b6bacce3a4df6b42ce7cc838833d287",
     "db71e509e3fd9b060ddb20ba5c51dcc5948d46fbf640dfe0441782cab85fa4ac",
     "46fc62106420ff012e54a434fbdd2d25ccc5852060561e68040dd7778997bd7b"),
    (P256,
     "38f65d6dce47676044d58ce5139582d568f64bb16098d179dbab07741dd5caf5",
     "119f2f047902782ab0c9e27a54aff5eb9b964829ca99c06b02ddba95b0a3f6d0",
     "8f52b726664cac366fc98ac7a012b2682cbd962e5acb544671d41b9445704d1d",
     "809f04289c64348c01515eb03d5ce7ac1a8cb9498f5caa50197e58d43a86a7ae",
     "b29d84e811197f25eba8f5194092cb6ff440e26d4421011372461f579271cda3",
     "057d636096cb80b67a8c038c890e887d1adfa4195e9b3ce241c8a778c59cda67"),
    (P384,
     "3cc3122a68f0d95027ad38c067916ba0eb8c38894d22e1b15618b6818a661774ad463b205da88cf699ab4d43c9cf98a1",
     "9803807f2f6d2fd966cdd0290bd410c0190352fbec7ff6247de1302df86f25d34fe4a97bef60cff548355c015dbb3e5f",
     "ba26ca69ec2f5b5d9dad20cc9da711383a9dbe34ea3fa5a2af75b46502629ad54dd8b7d73a8abb06a3a3be47d650cc99",
     "a7c76b970c3b5fe8b05d2838ae04ab47697b9eaf52e764592efda27fe7513272734466b400091adbf2d68c58e0c50066",
     "ac68f19f2e1cb879aed43a9969b91a0839c4c38a49749b661efedf243451915ed0905a32b060992b468c64766fc8437a",
     "5f9d29dc5e31a163060356213669c8ce132e22f57c9a04f40ba7fcead493b457e5621e766c40a2e3d4d6a04b25e533f1"),
    (P384,
     "92860c21bde06165f8e900c687f8ef0a05d14f290b3f07d8b3a8cc6404366e5d5119cd6d03fb12dc58e89f13df9cd783",
     "ea4018f5a307c379180bf6a62fd2ceceebeeb7d4df063a66fb838aa35243419791f7e2c9d4803c9319aa0eb03c416b66",
     "68835a91484f05ef028284df6436fb88ffebabcdd69ab0133e6735a1bcfb37203d10d340a8328a7b68770ca75878a1a6",
     "30f43fcf2b6b00de53f624f1543090681839717d53c7c955d1d69efaf0349b7363acb447240101cbb3af6641ce4b88e0",
     "25e46c0c54f0162a77efcc27b6ea792002ae2ba82714299c860857a68153ab62e525ec0530d81b5aa15897981e858757",
     "a23742a2c267d7425fda94b93f93bbcc24791ac51cd8fd501a238d40812f4cbfc59aac9520d758cf789c76300c69d2ff"),
)

# RFC 6979 A.2.5 / A.2.6: private key x and public key (Ux, Uy).
RFC6979_KEYS = (
    (P256,
     "C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721",
     "60FED4BA255A9D31C961EB74C6356D68C049B8923B61FA6CE669622E60F29FB6",
     "7903FE1008B8BC99A41AE9E95628BC64F2F1B20C2D7E9F5177A3C294D4462299"),
    (P384,
     "6B9D3DAD2E1B8C1C05B19875B6659F4DE23C3B667BF297BA9AA47740787137D896D5724E4C70A825F872C9EA60D2EDF5",
     "EC3A4E415B4E19A4568618029F427FA5DA9A8BC4AE92E02E06AAE5286B300C64DEF8F0EA9055866064A254515480BC13",
     "8015D9B72D7D57244EA8EF9AC0C621896708A59367F9DFB9F54CA84B3F1C9DB1288B231C3AE0D4FE7344FD2533264720"),
)


def _g(curve):
    return (curve.gx, curve.gy)


def test_generator_on_curve_and_of_order_n():
    for c in ec.CURVES:
        assert ec.is_on_curve(c, c.gx, c.gy)
        assert not ec.is_on_curve(c, c.gx, c.gy + 1)
        minus_g = (c.gx, c.p - c.gy)
        assert ec.mul_base(c, c.n - 1) == minus_g
        assert ec.mul_point(c, c.n - 1, _g(c)) == minus_g
        # (n-1)G + G = infinity, through the interleaved path too.
        assert ec.mul_add_jacobian(c, c.n - 1, 1, _g(c)) is None
        assert ec.mul_base(c, c.n) is None
        assert ec.mul_base(c, 0) is None
        assert ec.mul_point(c, 0, _g(c)) is None
        assert ec.mul_base(c, c.n + 1) == _g(c)


def test_cdh_public_keys_from_private():
    for c, d, qx, qy, _, _, _ in CDH:
        assert ec.public_key(c, unhex(d)) == unhex(qx + qy)
        assert ec.public_key(c, unhex(d), prefix=True) == unhex("04" + qx + qy)


def test_rfc6979_public_keys():
    for c, x, ux, uy in RFC6979_KEYS:
        assert ec.public_key(c, unhex(x)) == unhex(ux + uy)


def test_cdh_shared_secrets():
    for c, d, _, _, px, py, z in CDH:
        assert ec.ecdh(c, unhex(d), unhex(px + py)) == unhex(z)
        assert ec.ecdh(c, unhex(d), unhex("04" + px + py)) == unhex(z)


def test_ecdh_is_symmetric():
    for c, d, qx, qy, _, _, _ in CDH:
        other = unhex("0123456789abcdef" * (c.size // 8))
        assert ec.ecdh(c, unhex(d), ec.public_key(c, other)) == ec.ecdh(c, other, unhex(qx + qy))


def test_comb_wnaf_and_interleaved_agree_on_edge_scalars():
    for c in ec.CURVES:
        d = ec._comb_table(c)[0]
        ks = [1, 2, 3, 15, 16, 31, 32, 33, (1 << d) - 1, 1 << d, (1 << d) + 1, 1 << (4 * d),
              (1 << (c.bits - 1)), c.n - 2, c.n - 3, c.n >> 1, (c.n >> 1) + 1,
              int.from_bytes(b"\x55" * c.size, "big") % c.n,
              int.from_bytes(b"\xaa" * c.size, "big") % c.n]
        Q = ec.mul_base(c, 7)
        for k in ks:
            kg = ec.mul_base(c, k)
            assert ec.is_on_curve(c, kg[0], kg[1])
            assert ec.mul_point(c, k, _g(c)) == kg
            assert ec.to_affine(c, ec.mul_add_jacobian(c, k, 0, Q)) == kg
            assert ec.to_affine(c, ec.mul_add_jacobian(c, 0, k, _g(c))) == kg
            # k*G + k*(7G) = 8k*G
            assert ec.to_affine(c, ec.mul_add_jacobian(c, k, k, Q)) == ec.mul_base(c, 8 * k)
        # Doubling inside an addition: G + G and 7G + 7G hit the H = 0 branch.
        assert ec.to_affine(c, ec.mul_add_jacobian(c, 1, 1, _g(c))) == ec.mul_base(c, 2)
        assert ec.to_affine(c, ec.mul_add_jacobian(c, 7, 1, Q)) == ec.mul_base(c, 14)
        assert ec.mul_add_jacobian(c, 7, c.n - 1, Q) is None


def test_point_encodings_round_trip():
    for c in ec.CURVES:
        Q = ec.mul_base(c, 12345)
        xy = ec.encode_point(c, Q)
        assert len(xy) == 2 * c.size
        assert ec.encode_point(c, Q, prefix=True) == b"\x04" + xy
        assert ec.decode_point(c, xy) == Q
        assert ec.decode_point(c, b"\x04" + xy) == Q
        assert ec.decode_point(c, memoryview(bytearray(xy))) == Q
        for k in (12345, 12346):  # one odd y, one even y
            P = ec.mul_base(c, k)
            comp = bytes([2 + (P[1] & 1)]) + P[0].to_bytes(c.size, "big")
            assert ec.decode_point(c, comp) == P


def test_invalid_public_keys_refused():
    for c in ec.CURVES:
        s = c.size
        xy = ec.encode_point(c, ec.mul_base(c, 99))
        y_plus_1 = xy[:s] + (int.from_bytes(xy[s:], "big") + 1).to_bytes(s, "big")
        bad = (
            b"",
            b"\x04",
            xy[:-1],                        # short
            xy + b"\x00",                   # long, no prefix
            b"\x05" + xy,                   # wrong SEC 1 tag
            bytes(2 * s),                   # (0, 0): what some encode infinity as
            b"\x04" + bytes(2 * s),
            y_plus_1,                       # off the curve
            c.p.to_bytes(s, "big") + xy[s:],  # x = p
            xy[:s] + b"\xff" * s,           # y >= p
            b"\x00",                        # SEC 1 infinity
            b"\x02" + b"\xff" * s,          # compressed, x >= p
        )
        for data in bad:
            raises(EcError, ec.decode_point, c, data)
            raises(EcError, ec.ecdh, c, b"\x01" * s, data)
        # Compressed x with no square root (Euler's criterion says which).
        refused = 0
        for x in range(8):
            rhs = (x * x * x - 3 * x + c.b) % c.p
            comp = b"\x03" + x.to_bytes(s, "big")
            if pow(rhs, (c.p - 1) >> 1, c.p) == c.p - 1:
                raises(EcError, ec.decode_point, c, comp)
                refused += 1
            else:
                P = ec.decode_point(c, comp)
                assert P[0] == x and P[1] & 1 and ec.is_on_curve(c, P[0], P[1])
        assert 0 < refused < 8
        raises(EcError, ec.validate_point, c, None)
        raises(EcError, ec.validate_point, c, (c.gx, c.p - c.gy + 1))
        raises(EcError, ec.ecdh, c, b"\x01" * s, (c.gx, c.gy + 1))
        raises(EcError, ec.encode_point, c, None)


def test_invalid_private_keys_refused():
    for c in ec.CURVES:
        s = c.size
        for data in (b"", b"\x01", b"\x01" * (s - 1), b"\x01" * (s + 1), bytes(s),
                     c.n.to_bytes(s, "big"), (c.n + 1).to_bytes(s, "big"), b"\xff" * s):
            raises(EcError, ec.decode_scalar, c, data)
            raises(EcError, ec.public_key, c, data)
        assert ec.decode_scalar(c, (c.n - 1).to_bytes(s, "big")) == c.n - 1
        assert ec.public_key(c, (c.n - 1).to_bytes(s, "big")) == ec.encode_point(c, (c.gx, c.p - c.gy))


def test_generate_keypair_rejects_out_of_range_candidates():
    for c in ec.CURVES:
        draws = [b"\xff" * c.size, bytes(c.size), c.n.to_bytes(c.size, "big"), b"\x42" * c.size]

        def fake_random(n):
            assert n == c.size
            return draws.pop(0)

        priv, pub = ec.generate_keypair(c, fake_random)
        assert priv == b"\x42" * c.size and not draws
        assert pub == ec.public_key(c, priv)
        priv, pub = ec.generate_keypair(c)
        assert len(priv) == c.size and len(pub) == 2 * c.size
        assert ec.decode_point(c, pub) == ec.mul_base(c, int.from_bytes(priv, "big"))

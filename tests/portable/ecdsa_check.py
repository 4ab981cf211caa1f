"""Shared by the ECDSA tests (test_ecdsa, test_ecdsa_p384, test_hls_ecdsa*):
the RFC 6979 vectors and the checks run on each curve, in a module of their
own so that each test module loads only its curve's work."""

from checks import raises, unhex
from microcosem.security import ec, ecdsa
from microcosem.security.ec import P256, P384, EcError

# (curve, x, Ux, Uy, ((message, k, r, s), ...)) from RFC 6979 appendix A.2.5 / A.2.6.
RFC6979 = (
    (P256,
     "C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721",
     "60FED4BA255A9D31C961EB74C6356D68C049B8923B61FA6CE669622E60F29FB6",
     "7903FE1008B8BC99A41AE9E95628BC64F2F1B20C2D7E9F5177A3C294D4462299",
     ((b"sample",
       "A6E3C57DD01ABE90086538398355DD4C3B17AA873382B0F24D6129493D8AAD60",
       "EFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716",
       "F7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8"),
      (b"test",
       "D16B6AE827F17175E040871A1C7EC3500192C4C92677336EC2537ACAEE0008E0",
       "F1ABB023518351CD71D881567B1EA663ED3EFCF6C5132B354F28D3B0B7D38367",
       "019F4113742A2B14BD25926B49C649155F267E60D3814B4C0CC84250E46F0083"))),
    (P384,
     "6B9D3DAD2E1B8C1C05B19875B6659F4DE23C3B667BF297BA9AA47740787137D896D5724E4C70A825F872C9EA60D2EDF5",
     "EC3A4E415B4E19A4568618029F427FA5DA9A8BC4AE92E02E06AAE5286B300C64DEF8F0EA9055866064A254515480BC13",
     "8015D9B72D7D57244EA8EF9AC0C621896708A59367F9DFB9F54CA84B3F1C9DB1288B231C3AE0D4FE7344FD2533264720",
     ((b"sample",
       "94ED910D1A099DAD3254E9242AE85ABDE4BA15168EAF0CA87A555FD56D10FBCA2907E3E83BA95368623B8C4686915CF9",
       "94EDBB92A5ECB8AAD4736E56C691916B3F88140666CE9FA73D64C4EA95AD133C81A648152E44ACF96E36DD1E80FABE46",
       "99EF4AEB15F178CEA1FE40DB2603138F130E740A19624526203B6351D0A3A94FA329C145786E679E7B82C71A38628AC8"),
      (b"test",
       "015EE46A5BF88773ED9123A5AB0807962D193719503C527B031B4C2D225092ADA71F4A459BC0DA98ADB95837DB8312EA",
       "8203B63D3C853E8D77227FB377BCF7B7B772E97892A80F36AB775D509D7A5FEB0542A7F0812998DA8F1DD3CA3CF023DB",
       "DDD0760448D42D8A43AF45AF836FCE4DE8BE06B485E9B61B827C2F13173923E06A739F040649A667BF3B828246BAA5A5"))),
)


def check_rfc6979(vector):
    c, x, ux, uy, sigs = vector
    priv = unhex(x)
    pub = unhex(ux + uy)
    d = int.from_bytes(priv, "big")
    for msg, k, r, s in sigs:
        digest = ecdsa.hash_message(c, msg)
        assert ecdsa.deterministic_k(c, d, digest) == int.from_bytes(unhex(k), "big")
        sig = ecdsa.sign(c, priv, msg)
        assert len(sig) == 2 * c.size
        assert sig == unhex(r + s)
        assert ecdsa.sign_digest(c, priv, digest) == sig
        assert ecdsa.verify(c, pub, msg, sig)
        assert ecdsa.verify(c, b"\x04" + pub, msg, sig)
        assert ecdsa.verify_digest(c, pub, digest, sig)
        assert ecdsa.verify(c, ec.decode_point(c, pub), msg, bytearray(sig))


def check_rejections(vector):
    c, x, ux, uy, sigs = vector
    pub = unhex(ux + uy)
    msg = sigs[0][0]
    good = unhex(sigs[0][2] + sigs[0][3])
    s = c.size
    n = c.n.to_bytes(s, "big")
    one = (1).to_bytes(s, "big")
    assert ecdsa.verify(c, pub, msg, good)
    assert not ecdsa.verify(c, pub, msg + b".", good)
    assert not ecdsa.verify(c, pub, sigs[1][0], good)
    for i in (0, s - 1, s, 2 * s - 1):  # one flipped bit in r or in s
        bad = bytearray(good)
        bad[i] ^= 1
        assert not ecdsa.verify(c, pub, msg, bad)
    # r and s swapped; (r, n - s) is also valid ECDSA (no low-s rule in DLMS).
    assert not ecdsa.verify(c, pub, msg, good[s:] + good[:s])
    high_s = (c.n - int.from_bytes(good[s:], "big")).to_bytes(s, "big")
    assert ecdsa.verify(c, pub, msg, good[:s] + high_s)
    for bad in (b"", good[:-1], good + b"\x00", b"\x30" + good,   # lengths, DER-ish
                bytes(s) + good[s:], good[:s] + bytes(s),           # r = 0, s = 0
                n + good[s:], good[:s] + n, n + n, one + one):      # r = n, s = n
        assert not ecdsa.verify(c, pub, msg, bad)
    # Another key does not verify it; an invalid key is an error, not False.
    other = ec.public_key(c, b"\x01" * s)
    assert not ecdsa.verify(c, other, msg, good)
    off = pub[:s] + bytes(reversed(pub[s:]))
    raises(EcError, ecdsa.verify, c, off, msg, good)
    raises(EcError, ecdsa.verify, c, pub[1:], msg, good)


ST_C = unhex("4D4D4D0000000001")
ST_S = unhex("4D4D4D0000BC614E")
CTOS = b"K56iVagY"
STOC = b"P6wRJ21F"


def hls_exchange(curve, suite):
    """HLS mechanism 7 both ways on `curve` (suite 1: P-256, 2: P-384)."""
    from microcosem.security import SecurityError
    from microcosem.security.hls import Hls

    c_priv = b"\x11" * curve.size
    s_priv = b"\x22" * curve.size
    c_pub = ec.public_key(curve, c_priv)
    s_pub = ec.public_key(curve, s_priv)
    client = Hls(7, suite=suite, private_key=c_priv, peer_public_key=s_pub)
    server = Hls(7, suite=suite, private_key=s_priv, peer_public_key=c_pub)
    f_stoc = client.respond(CTOS, STOC, ST_C, ST_S)
    assert len(f_stoc) == 2 * curve.size
    assert ecdsa.verify(curve, c_pub, ST_C + ST_S + STOC + CTOS, f_stoc)
    assert server.check(f_stoc, STOC, CTOS, ST_S, ST_C)
    f_ctos = server.respond(STOC, CTOS, ST_S, ST_C)
    assert ecdsa.verify(curve, s_pub, ST_S + ST_C + CTOS + STOC, f_ctos)
    assert client.check(f_ctos, CTOS, STOC, ST_C, ST_S)
    assert not server.check(f_ctos, STOC, CTOS, ST_S, ST_C)
    raises(SecurityError, Hls(7, suite=0, private_key=c_priv).respond, CTOS, STOC, ST_C, ST_S)

# heapsize: 64k
"""The backend's CircuitPython binding (aesio: ECB 16 bytes a call, CTR for
the keystream) driven by a stand-in aesio built on the pure AES, so that GCM
and key wrap over it are checked on any runtime; and use() switching."""

from checks import raises, unhex
from microcosem.security import SecurityError, backend, gcm, keywrap
from microcosem.security.aes import AES
from microcosem.security.gcm import Gcm


class FakeAesio:
    """aesio's shape: AES(key, mode, IV), encrypt_into / decrypt_into,
    rekey(key, IV); ECB takes exactly one block, CTR any length with the
    whole 16-byte IV incremented big-endian."""

    MODE_ECB = 1
    MODE_CTR = 6

    class AES:
        def __init__(self, key, mode=1, IV=None):
            self.rekey(key, IV)
            self.mode = mode
            self.calls = 0

        def rekey(self, key, IV=None):
            self._a = AES(key)
            self._ctr = None if IV is None else int.from_bytes(IV, "big")

        def encrypt_into(self, src, dst):
            self.calls += 1
            if self.mode == 1:
                if len(src) != 16:
                    raise ValueError("ECB takes 16 bytes")
                self._a.encrypt(src, dst)
                return
            n = len(src)
            ks = bytearray((n + 15) & ~15)
            for o in range(0, len(ks), 16):
                ks[o:o + 16] = (self._ctr & ((1 << 128) - 1)).to_bytes(16, "big")
                self._ctr += 1
            self._a.encrypt(ks, ks)
            for i in range(n):
                dst[i] = src[i] ^ ks[i]

        def decrypt_into(self, src, dst):
            if len(src) != 16:
                raise ValueError("ECB takes 16 bytes")
            self._a.decrypt(src, dst)


KF = unhex("feffe9928665731c6d6a8f9467308308")
IV = unhex("cafebabefacedbaddecaf888")
P60 = unhex("d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
            "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39")
AAD = unhex("feedfacedeadbeeffeedfacedeadbeefabaddad2")
C60 = unhex("42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
            "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091")
T4 = unhex("5bc94fbc3221a5db94fae95ae7121a47")  # GCM spec test case 4


def test_gcm_and_keywrap_over_the_aesio_binding():
    old = backend.use(backend._Aesio(FakeAesio))
    try:
        assert backend.NAME == "aesio"
        g = Gcm(KF)
        assert g.native is None and g._ctr is not None  # the keystream comes from CTR
        assert g.encrypt(IV, P60, AAD, 16) == C60 + T4
        assert g.decrypt(IV, C60 + T4, AAD, 16) == P60
        assert g.gmac(IV, AAD, 16) == Gcm(KF, False).gmac(IV, AAD, 16)
        raises(SecurityError, g.decrypt, IV, C60 + T4[:-1] + b"\x00", AAD, 16)
        # ECB in 16-byte calls over several blocks, both directions
        e = backend.aes_ecb(KF)
        buf = bytearray(48)
        e.encrypt(bytes(48), buf)
        assert buf[0:16] == buf[16:32] == buf[32:48]
        back = bytearray(48)
        backend.aes_ecb_decrypt(KF).decrypt(buf, back)
        assert back == bytearray(48)
        raises(SecurityError, e.encrypt, bytes(15), bytearray(16))
        k = unhex("00112233445566778899AABBCCDDEEFF")
        kek = unhex("000102030405060708090A0B0C0D0E0F")
        assert keywrap.wrap(kek, k) == unhex("1FA68B0A8112B447AEF34BD8FB5A7B829D3E862371D2CFE5")
    finally:
        backend.use(old)
    assert backend.NAME == old.NAME


def test_counter_runs_that_would_wrap_are_refused_on_ctr():
    # aesio's CTR carries into the upper 96 bits where GCM's inc32 wraps:
    # the binding refuses a run that would cross 2^32 rather than differ.
    old = backend.use(backend._Aesio(FakeAesio))
    try:
        g = Gcm(KF)
        gcm._start(g, bytes(12))
        gcm._J0[12:16] = b"\xff\xff\xff\xfe"  # J0 of the run
        raises(SecurityError, gcm._ctr_xor, g, bytes(64), 64, bytearray(64))
        out = bytearray(16)
        gcm._ctr_xor(g, bytes(16), 16, out)  # one block: 0xFFFFFFFF, no wrap
        want = bytearray(b"\x00" * 12 + b"\xff\xff\xff\xff")
        AES(KF).encrypt(want, want)
        assert out == want
    finally:
        backend.use(old)


def test_use_names():
    old = backend.use("pure")
    try:
        assert backend.NAME == "pure" and Gcm(KF).native is None
        assert Gcm(KF).encrypt(IV, P60, AAD, 16) == C60 + T4
    finally:
        backend.use(old)
    backend.use("best")  # the import-time choice again
    assert backend.NAME == old.NAME
    backend.use(old)

"""The crypto backend: one small interface, one binding per runtime.

    aes_ecb(key)          -> object with encrypt(src, dst): AES-ECB over any
                             multiple of 16 bytes into a preallocated dst (may
                             be src).  The key schedule is computed once.
    aes_ecb_decrypt(key)  -> object with decrypt(src, dst), same shape (key unwrap)
    aes_ctr(key)          -> None, or an object with crypt(counter16, src, dst):
                             a native CTR keystream with a 128-bit big-endian
                             counter (CircuitPython's aesio; cryptography)
    aes_gcm(key)          -> None, or a native AES-GCM with
                             seal(iv, plaintext, aad) -> ciphertext || tag16 and
                             open(iv, ciphertext, tag, aad) -> plaintext or None
    sha256(d), sha384(d), sha512(d) -> digest bytes
    random_bytes(n)

The shape of aes_ecb is MicroPython cryptolib's own `aes(key, 1)`: on
MicroPython the binding *is* the cryptolib object, with no wrapper between GCM
and C, and GCM encrypts all counter blocks of an APDU in one call.

Bindings, best first, chosen when this module is imported:
    cryptolib      MicroPython with MICROPY_PY_SSL (ESP32, most big STM32 boards)
    aesio          CircuitPython (ECB is 16 bytes per call; CTR for the keystream)
    cryptography   CPython, from microcosem_host.crypto_backend
    pure           security.aes, everywhere else (STM32 boards without cryptolib)
`use(name)` switches binding (tests, benchmarks); NAME says which is active.
"""

from ..compat import MICROPYTHON
from ..compat import random_bytes  # noqa: F401  (part of the interface)
from . import SecurityError


def _check_key(key):
    # DLMS suites use AES-128 (suites 0, 1) and AES-256 (suite 2) only;
    # cryptolib has no AES-192 either.
    if len(key) != 16 and len(key) != 32:
        raise SecurityError("AES key must be 16 or 32 bytes")


class _Pure:
    NAME = "pure"

    def aes_ecb(self, key):
        from .aes import AES

        return AES(key)

    aes_ecb_decrypt = aes_ecb

    def aes_ctr(self, key):
        return None

    def aes_gcm(self, key):
        return None


class _Cryptolib:
    """MicroPython: cryptolib.aes(key, 1) is ECB.  An object turns encrypt-only
    or decrypt-only on first use, hence one object per direction."""

    NAME = "cryptolib"

    def __init__(self, mod):
        self._aes = mod.aes

    def aes_ecb(self, key):
        return self._aes(key, 1)

    aes_ecb_decrypt = aes_ecb

    def aes_ctr(self, key):
        return None  # MICROPY_PY_CRYPTOLIB_CTR is off in every stock port

    def aes_gcm(self, key):
        return None


class _AesioEcb:
    """CircuitPython aesio in ECB mode takes exactly 16 bytes per call."""

    def __init__(self, mod, key):
        self._a = mod.AES(key, mod.MODE_ECB)

    def encrypt(self, src, dst):
        n = len(src)
        if n & 15:
            raise SecurityError("AES-ECB data must be whole 16-byte blocks")
        a = self._a
        s = memoryview(src)
        d = memoryview(dst)
        for o in range(0, n, 16):
            a.encrypt_into(s[o:o + 16], d[o:o + 16])

    def decrypt(self, src, dst):
        n = len(src)
        if n & 15:
            raise SecurityError("AES-ECB data must be whole 16-byte blocks")
        a = self._a
        s = memoryview(src)
        d = memoryview(dst)
        for o in range(0, n, 16):
            a.decrypt_into(s[o:o + 16], d[o:o + 16])


class _AesioCtr:
    """aesio MODE_CTR increments the whole 16-byte IV big-endian; GCM only
    hands it counter runs whose low 32 bits do not wrap (then inc32 agrees)."""

    def __init__(self, mod, key):
        self._mod = mod
        self._key = key
        self._a = None

    def crypt(self, counter, src, dst):
        a = self._a
        if a is None:
            self._a = a = self._mod.AES(self._key, self._mod.MODE_CTR, counter)
        else:
            a.rekey(self._key, counter)
        a.encrypt_into(src, dst)


class _Aesio:
    NAME = "aesio"

    def __init__(self, mod):
        self._mod = mod

    def aes_ecb(self, key):
        return _AesioEcb(self._mod, key)

    aes_ecb_decrypt = aes_ecb

    def aes_ctr(self, key):
        return _AesioCtr(self._mod, key)

    def aes_gcm(self, key):
        return None


def _select():
    if MICROPYTHON:
        try:
            import cryptolib

            return _Cryptolib(cryptolib)
        except ImportError:
            pass
        try:
            import aesio

            return _Aesio(aesio)
        except ImportError:
            pass
    else:
        try:
            from microcosem_host.crypto_backend import BINDING

            return BINDING
        except ImportError:
            pass
    return _Pure()


_binding = _select()
NAME = _binding.NAME


def use(binding):
    """Switch binding: "pure", "best" (the import-time choice) or a binding
    object with NAME, aes_ecb, aes_ecb_decrypt, aes_ctr and aes_gcm.
    Returns the binding that was active, so a test can put it back."""
    global _binding, NAME
    old = _binding
    if binding == "pure":
        binding = _Pure()
    elif binding == "best":
        binding = _select()
    _binding = binding
    NAME = binding.NAME
    return old


def aes_ecb(key):
    _check_key(key)
    return _binding.aes_ecb(key)


def aes_ecb_decrypt(key):
    _check_key(key)
    return _binding.aes_ecb_decrypt(key)


def aes_ctr(key):
    _check_key(key)
    return _binding.aes_ctr(key)


def aes_gcm(key):
    _check_key(key)
    return _binding.aes_gcm(key)


# The hashes come from security.sha2: hashlib where it has them, pure Python
# otherwise (SHA-384/512 on MicroPython).
def sha256(data):
    from .sha2 import sha256 as f

    return f(data)


def sha384(data):
    from .sha2 import sha384 as f

    return f(data)


def sha512(data):
    from .sha2 import sha512 as f

    return f(data)

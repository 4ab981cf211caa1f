"""HLS authentication (IEC 62056-5-3 9.2.7.4): the f(StoC) / f(CtoS) exchange.

Pass 1, the AARQ, carries the client's challenge CtoS; pass 2, the AARE, the
server's StoC.  Pass 3: the client sends f(StoC) in reply_to_HLS_authentication
(Association LN method 1, SN method 8), and pass 4: the server, having checked
it, answers f(CtoS), which the client checks in turn.  Per mechanism:

  3 MD5      f(StoC) = MD5(StoC || secret)          f(CtoS) = MD5(CtoS || secret)
  4 SHA-1    f(StoC) = SHA-1(StoC || secret)        f(CtoS) = SHA-1(CtoS || secret)
  5 GMAC     f(StoC) = SC || IC || GMAC(EK; IV = ST-C || IC; SC || AK || StoC)
             f(CtoS) = SC || IC || GMAC(EK; IV = ST-S || IC; SC || AK || CtoS)
             SC = 0x10 | suite, IC the sender's invocation counter
  6 SHA-256  f(StoC) = SHA-256(secret || ST-C || ST-S || StoC || CtoS)
             f(CtoS) = SHA-256(secret || ST-S || ST-C || CtoS || StoC)
  7 ECDSA    f(StoC) = ECDSA-sign(client key; ST-C || ST-S || StoC || CtoS)
             f(CtoS) = ECDSA-sign(server key; ST-S || ST-C || CtoS || StoC)
             P-256 / SHA-256 in suite 1, P-384 / SHA-384 in suite 2

  2 manufacturer-specific: whatever the manufacturer says, so the firmware
             supplies it: Hls(2, f_stoc=fn, f_ctos=fn), each fn called from
             the sender's side as fn(peer challenge, own challenge, own
             title, peer title) -> bytes (f_stoc by the client, f_ctos by
             the server; a secret is the fn's own, e.g. a closure)

so every f is "the sender proves it knows the key over the other side's
challenge".  `respond(...)` computes the f a party sends, `check(...)` tests
the f it receives, in constant time (for mechanism 2 by computing it again
with the other function, so it suits functions both sides can compute).

ServerAuthenticator is the engine's `config.authenticator` hook.
"""

from ..compat import const, random_bytes
from . import SecurityError, ct_equal

MECHANISM_MANUFACTURER = const(2)
MECHANISM_MD5 = const(3)
MECHANISM_SHA1 = const(4)
MECHANISM_GMAC = const(5)
MECHANISM_SHA256 = const(6)
MECHANISM_ECDSA = const(7)


def _hash(name, data):
    import hashlib

    fn = getattr(hashlib, name, None)
    if fn is None:
        if name == "sha256":
            from .sha2 import sha256

            return sha256(data)
        raise SecurityError("HLS needs %s, which this runtime's hashlib lacks" % name)
    return fn(data).digest()


def _curve(suite):
    from . import ec

    if suite == 1:
        return ec.P256
    if suite == 2:
        return ec.P384
    raise SecurityError("HLS-ECDSA exists in security suites 1 and 2 only")


def gmac_f(ek, ak, system_title, ic, challenge, suite=0):
    """SC || IC || GMAC(SC || AK || challenge) under the sender's title and IC."""
    from .ciphering import _key_for, iv_for

    sc = 0x10 | suite
    g = _key_for(sc, ek, "encryption key")
    t = g.gmac(iv_for(system_title, ic), bytes((sc,)) + bytes(ak) + bytes(challenge), 12)
    return bytes((sc,)) + ic.to_bytes(4, "big") + t


class Hls:
    """One party's view of an HLS exchange under `mechanism`.

    secret: the HLS secret (3, 4, 6); ek, ak, suite: the keys (5); private_key,
    peer_public_key, suite: the signing keys (7).  `own_title` / `peer_title`
    are the system titles (5, 6, 7), `own_challenge` what this party sent,
    `peer_challenge` what it received.  f_stoc, f_ctos, server: mechanism 2's
    functions, and which of them this party sends (ServerAuthenticator sets
    server=True on its Hls).
    """

    server = False

    def __init__(self, mechanism, secret=None, ek=None, ak=None, suite=0, private_key=None,
                 peer_public_key=None, f_stoc=None, f_ctos=None, server=False):
        if mechanism not in (2, 3, 4, 5, 6, 7):
            raise SecurityError("HLS mechanism %r not supported" % (mechanism,))
        if mechanism == MECHANISM_MANUFACTURER:
            if f_stoc is None or f_ctos is None:
                raise SecurityError("HLS mechanism 2 needs the manufacturer's f(StoC) and f(CtoS)")
            self.f_stoc = f_stoc
            self.f_ctos = f_ctos
            self.server = server
        self.mechanism = mechanism
        self.secret = None if secret is None else bytes(secret)
        self.ek = ek
        self.ak = ak
        self.suite = suite
        self.private_key = private_key
        self.peer_public_key = peer_public_key
        if mechanism in (3, 4, 6) and self.secret is None:
            raise SecurityError("HLS mechanism %d needs a secret" % mechanism)
        if mechanism == 5 and (ek is None or ak is None):
            raise SecurityError("HLS-GMAC needs the encryption and authentication keys")

    def _hashed(self, own_title, peer_title, own_challenge, peer_challenge):
        m = self.mechanism
        if m == MECHANISM_MD5:
            return _hash("md5", bytes(peer_challenge) + self.secret)
        if m == MECHANISM_SHA1:
            return _hash("sha1", bytes(peer_challenge) + self.secret)
        return _hash("sha256", self.secret + bytes(own_title) + bytes(peer_title)
                     + bytes(peer_challenge) + bytes(own_challenge))

    def respond(self, own_challenge, peer_challenge, own_title=None, peer_title=None, ic=0):
        """The f(peer challenge) this party sends: the client's f(StoC), or
        the server's f(CtoS)."""
        m = self.mechanism
        if m == MECHANISM_MANUFACTURER:
            fn = self.f_ctos if self.server else self.f_stoc
            return bytes(fn(bytes(peer_challenge), bytes(own_challenge), own_title, peer_title))
        if m == MECHANISM_GMAC:
            return gmac_f(self.ek, self.ak, own_title, ic, peer_challenge, self.suite)
        if m == MECHANISM_ECDSA:
            from . import ecdsa

            if self.private_key is None:
                raise SecurityError("HLS-ECDSA needs this party's private key")
            msg = bytes(own_title) + bytes(peer_title) + bytes(peer_challenge) + bytes(own_challenge)
            return ecdsa.sign(_curve(self.suite), self.private_key, msg)
        return self._hashed(own_title, peer_title, own_challenge, peer_challenge)

    def check(self, f, own_challenge, peer_challenge, own_title=None, peer_title=None):
        """True if `f`, received from the peer, proves it over our challenge.
        For GMAC the IC is the one inside f; `last_ic` is left to the caller
        (it is f[1:5])."""
        m = self.mechanism
        f = bytes(f)
        if m == MECHANISM_MANUFACTURER:
            # what the peer sent: its function, from its side (our challenge is its peer's)
            fn = self.f_stoc if self.server else self.f_ctos
            want = fn(bytes(own_challenge), bytes(peer_challenge), peer_title, own_title)
            return want is not None and ct_equal(bytes(want), f)
        if m == MECHANISM_GMAC:
            if len(f) != 17 or f[0] != 0x10 | self.suite:
                return False
            ic = int.from_bytes(f[1:5], "big")
            return ct_equal(gmac_f(self.ek, self.ak, peer_title, ic, own_challenge, self.suite), f)
        if m == MECHANISM_ECDSA:
            from . import ecdsa

            if self.peer_public_key is None:
                raise SecurityError("HLS-ECDSA needs the peer's public key")
            msg = bytes(peer_title) + bytes(own_title) + bytes(own_challenge) + bytes(peer_challenge)
            return ecdsa.verify(_curve(self.suite), self.peer_public_key, msg, f)
        want = self._hashed(peer_title, own_title, peer_challenge, own_challenge)
        return ct_equal(want, f)


def challenge(n=16):
    """A fresh challenge: 8 to 64 random bytes (IEC 62056-5-3 9.2.7.4)."""
    if not 8 <= n <= 64:
        raise SecurityError("an HLS challenge has 8 to 64 bytes")
    return random_bytes(n)


class ServerAuthenticator:
    """`config.authenticator` for microcosem.server.

    challenge(ctx, ctos) -> StoC, remembered by the engine as ctx.stoc;
    verify(ctx, f_stoc) -> f(CtoS), or None when the client's f(StoC) is
    wrong.  (The engine's docstring names the client's value f_ctos: it is
    the one the Green Book calls f(StoC), the function of the server's
    challenge.)  The server's system title, keys and invocation counter come
    from `security` (a ciphering.ServerSecurity) when the mechanism needs
    them; the client's title from ctx.client_system_title.
    """

    def __init__(self, hls, security=None, system_title=None, challenge_len=16):
        self.hls = hls
        if hls.mechanism == MECHANISM_MANUFACTURER:
            hls.server = True  # it sends f(CtoS) and checks f(StoC)
        self.security = security
        self.system_title = system_title if system_title is not None else (
            security.system_title if security is not None else None)
        self.challenge_len = challenge_len

    def challenge(self, ctx, ctos):
        return challenge(self.challenge_len)

    def verify(self, ctx, f_stoc):
        h = self.hls
        client = getattr(ctx, "client_system_title", None)
        try:
            if not h.check(f_stoc, ctx.stoc, ctx.ctos, self.system_title, client):
                return None
            ic = 0
            if h.mechanism == MECHANISM_GMAC and self.security is not None:
                ic = self.security._next_ic()
            return h.respond(ctx.stoc, ctx.ctos, self.system_title, client, ic)
        except SecurityError:
            return None


class ClientAuthenticator:
    """`settings.authenticator` for microcosem.client: ctos(client) -> CtoS,
    respond(client, stoc) -> f(StoC), check(client, f_ctos) -> bool.

    The client's system title is settings.calling_ap_title, the server's
    client.server_system_title (the AARE's responding-AP-title); for HLS-GMAC
    the invocation counter comes from `security` (a ciphering.ClientSecurity),
    else `ic` counts here.
    """

    def __init__(self, hls, security=None, challenge_len=16, ic=1):
        self.hls = hls
        self.security = security
        self.challenge_len = challenge_len
        self.ic = ic

    def _titles(self, client):
        own = client.settings.calling_ap_title
        if own is None and self.security is not None:
            own = self.security.system_title
        return own, client.server_system_title

    def ctos(self, client):
        return challenge(self.challenge_len)

    def respond(self, client, stoc):
        own, peer = self._titles(client)
        ic = 0
        if self.hls.mechanism == MECHANISM_GMAC:
            if self.security is not None:
                ic = self.security._next_ic()
            else:
                ic = self.ic
                self.ic += 1
        return self.hls.respond(client.ctos, stoc, own, peer, ic)

    def check(self, client, f_ctos):
        own, peer = self._titles(client)
        try:
            return self.hls.check(f_ctos, client.ctos, client.stoc, own, peer)
        except SecurityError:
            return False

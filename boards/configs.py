"""Build configurations: which portable modules a product ships.

One list per product, in this one place, read by the boards' manifest.py
(to freeze), by tools/build_firmware.py (to compile and report sizes, and
to write package.json for mip) and by the tests that import every module
of a configuration with nothing else present.

A pattern is a path under firmware/ with `*` matching inside one path
segment and `**` any number of segments; a pattern starting with `!`
takes away what the patterns before it added, one starting with `?` adds
what it names if that exists (a module that is still being written).  Everything a listed module
imports at import time must be listed too (the tests check it); what a
module imports only on first use (apdu.decode_apdu's table, the engine's
SN referencing, table.class_for) may be left out, and the build then
answers that part as "not in this build".

This file runs in three places: imported by CPython, and exec()'d by
MicroPython's manifest machinery (so: no __file__, no imports beyond os
and fnmatch, the root passed in).
"""

import fnmatch
import os

# What every build has: the codecs and the error tree.
_CORE = (
    "microcosem/__init__.py", "microcosem/compat.py", "microcosem/errors.py",
    "microcosem/axdr.py", "microcosem/cosemdate.py", "microcosem/obis.py", "microcosem/ber.py",
    "microcosem/blocks.py",
    "microcosem/apdu/__init__.py", "microcosem/apdu/base.py", "microcosem/apdu/common.py",
    "microcosem/apdu/acse.py", "microcosem/apdu/initiate.py", "microcosem/apdu/get.py",
    "microcosem/apdu/set.py", "microcosem/apdu/action.py",
)

# The two lower layers of a meter: HDLC (optical probe, RS-485) and the
# TCP wrapper, with their adapters in io/ (asyncio TCP, HdlcLink; the UART
# loop, microcosem.board's SERIAL_ADAPTER, once it exists).  UDP is left to
# meter-full.
_PROFILES = (
    "microcosem/profiles/__init__.py", "microcosem/profiles/crc16.py",
    "microcosem/profiles/hdlc_frame.py", "microcosem/profiles/hdlc.py",
    "microcosem/profiles/wrapper.py",
)
_IO = (
    "microcosem/io/__init__.py", "microcosem/io/tcp.py", "microcosem/io/wrapper_link.py",
    "microcosem/io/hdlc_link.py", "?microcosem/io/serial.py",
)

# Security suite 0: AES-GCM-128 ciphering and HLS (GMAC is mechanism 5).
# aes.py is the pure-Python AES for ports without cryptolib; a board whose
# port has cryptolib drops it (BOARD_DROPS).  Its inverse cipher, aes_inv.py, is
# left out: only key unwrap decrypts, and suite 0 of a meter has none.
_SUITE0 = (
    "microcosem/security/__init__.py", "microcosem/security/backend.py",
    "microcosem/security/aes.py", "microcosem/security/gcm.py",
    "microcosem/security/ciphering.py", "microcosem/security/hls.py",
)

CONFIGS = (
    ("meter-ln-min",
     "a meter: LN server, HDLC and TCP wrapper, suite 0 with HLS-GMAC, the core interface "
     "classes (Data, Register, Extended/Demand register, Clock, Profile generic, Association LN)",
     _CORE + _PROFILES + _IO + _SUITE0 + (
         "microcosem/storage.py", "microcosem/board.py",
         "microcosem/server/__init__.py", "microcosem/server/association.py",
         "microcosem/server/config.py", "microcosem/server/engine.py",
         "microcosem/server/model.py",
         "microcosem/cosem/__init__.py", "microcosem/cosem/base.py",
         "microcosem/cosem/register.py", "microcosem/cosem/clock.py",
         "microcosem/cosem/profile.py", "microcosem/cosem/association.py",
         "microcosem/cosem/table.py",
     )),
    ("meter-full",
     "a meter with everything a server can use: LN and SN, every interface class, "
     "suites 0, 1 and 2, HDLC and wrapper; no client, no demo",
     ("microcosem/**/*.py",
      "!microcosem/client.py", "!microcosem/demo/*.py",
      # rowpack is CPython's fast path (it needs step slices): never imported on MicroPython
      "!microcosem/rowpack.py")),
    ("concentrator",
     "a data-concentrator front-end: the client engine over HDLC and the wrapper, "
     "suite 0 with HLS-GMAC, every APDU the client may meet, and the asyncio "
     "client adapter (io/client_link.py: wrapper or HDLC on a stream)",
     _CORE + _PROFILES + _SUITE0 + (
         "microcosem/profiles/hdlc_client.py",
         "microcosem/client.py", "microcosem/apdu/*.py", "microcosem/io/client_link.py",
     )),
    ("portable",
     "the whole portable package, as `mip install github:...` installs it (package.json)",
     ("microcosem/**/*.py",)),
)

# Modules a board leaves out of every configuration because its port has
# them natively.  ESP32 builds of MicroPython have cryptolib (mbedTLS, AES in
# hardware), so the pure-Python AES (and its inverse cipher, aes_inv.py, which
# only key unwrap loads) is never imported there; STM32 builds without SSL
# lack cryptolib and keep it.
BOARD_DROPS = (
    ("esp32", ("microcosem/security/aes.py", "microcosem/security/aes_inv.py")),
    ("stm32", ()),
)

BOARDS = tuple(b for b, _ in BOARD_DROPS)


def names():
    return tuple(c[0] for c in CONFIGS)


def config(name):
    """(name, description, patterns) of a configuration; KeyError when unknown."""
    for c in CONFIGS:
        if c[0] == name:
            return c
    raise KeyError("no build configuration %r (there are: %s)" % (name, ", ".join(names())))


def _all_sources(root):
    """Every .py under root/microcosem, as paths relative to root with '/'."""
    out = []
    top = os.path.join(root, "microcosem")
    for base, dirs, files in os.walk(top):
        dirs.sort()
        for f in files:
            if f.endswith(".py"):
                rel = os.path.relpath(os.path.join(base, f), root)
                out.append(rel.replace(os.sep, "/"))
    return sorted(out)


def _match(parts, pat):
    """Segment-wise glob: `*` stays inside a segment, `**` spans any number."""
    if not pat:
        return not parts
    if pat[0] == "**":
        return any(_match(parts[i:], pat[1:]) for i in range(len(parts) + 1))
    return bool(parts) and fnmatch.fnmatchcase(parts[0], pat[0]) and _match(parts[1:], pat[1:])


def expand(patterns, root):
    """The module paths (relative to root, the firmware/ folder) the patterns name,
    sorted.  A pattern that names no existing file is an error: a list that
    silently lost a module would build a firmware that fails on the meter."""
    sources = _all_sources(root)
    chosen = []
    for p in patterns:
        drop = p.startswith("!")
        optional = p.startswith("?")
        pat = (p[1:] if drop or optional else p).split("/")
        hits = [s for s in sources if _match(s.split("/"), pat)]
        if not hits and not drop and not optional:
            raise ValueError("pattern %r names no module under %s" % (p, root))
        for h in hits:
            if drop:
                if h in chosen:
                    chosen.remove(h)
            elif h not in chosen:
                chosen.append(h)
    return sorted(chosen)


def drops(board):
    for b, d in BOARD_DROPS:
        if b == board:
            return d
    raise KeyError("no board %r (there are: %s)" % (board, ", ".join(BOARDS)))


def modules(name, root, board=None):
    """The module paths of configuration `name` (for `board`, if given)."""
    mods = expand(config(name)[2], root)
    if board is not None:
        d = drops(board)
        mods = [m for m in mods if m not in d]
    return mods


def package_files(name, root, board=None):
    """The same, relative to the microcosem package (manifest package(files=...))."""
    return [m[len("microcosem/"):] for m in modules(name, root, board)]

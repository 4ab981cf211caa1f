"""The `microcosem` command line.

Every subcommand lives in its own module and registers itself here.  Errors
a user can cause end as one line on stderr and a non-zero exit, never as a
traceback.
"""

import argparse
import sys

from microcosem import __version__
from microcosem.errors import DlmsError


class UsageError(Exception):
    """A command-line mistake: printed as one line, exit status 2."""


def build_parser():
    p = argparse.ArgumentParser(prog="microcosem", description="DLMS/COSEM client, server and tools")
    p.add_argument("--version", action="version", version="microcosem " + __version__)
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
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
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return args.func(args) or 0
    except KeyboardInterrupt:
        return 130
    except UsageError as e:
        print("microcosem: %s" % e, file=sys.stderr)
        return 2
    except (DlmsError, OSError, ValueError) as e:
        print("microcosem: error: %s" % e, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())

"""Every benchmark of the project, one after the other: `make bench`.

    python tools/bench.py [--quick] [NAME ...]     # NAME: axdr, hdlc, crypto, ...

Runs tools/bench_NAME.py for each NAME (all of them when none is named) in
its own process, with the flags given, and exits non-zero if any failed.
"""

import os
import subprocess
import sys

TOOLS = os.path.dirname(os.path.abspath(__file__))


def main(argv):
    flags = [a for a in argv if a.startswith("-")]
    names = [a for a in argv if not a.startswith("-")]
    if not names:
        names = sorted(f[6:-3] for f in os.listdir(TOOLS)
                       if f.startswith("bench_") and f.endswith(".py"))
    rc = 0
    for name in names:
        path = os.path.join(TOOLS, "bench_%s.py" % name)
        if not os.path.exists(path):
            print("bench: no benchmark named %r" % name, file=sys.stderr)
            rc = 2
            continue
        print("== %s ==" % name, flush=True)
        if subprocess.call([sys.executable, path] + flags):
            rc = 1
        print(flush=True)
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

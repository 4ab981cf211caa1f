"""CPython-only parts of microcosem: the command line, serial ports, crypto bindings."""

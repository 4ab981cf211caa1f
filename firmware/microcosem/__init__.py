"""microcosem: a DLMS/COSEM stack that runs on MicroPython, CircuitPython and CPython."""

__version__ = "0.1.0"

"""The only code that does I/O: adapters joining the sans-IO layers to sockets and UARTs."""

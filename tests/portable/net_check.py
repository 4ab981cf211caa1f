"""What the loopback-TCP tests share: a listener on a free port."""

from microcosem.compat import random_bytes


async def listen(start):
    """(port, await start(port)) on a random free port: MicroPython's asyncio
    cannot tell which port a listener on port 0 bound."""
    for _ in range(20):
        port = 20000 + int.from_bytes(random_bytes(2), "big") % 30000
        try:
            return port, await start(port)
        except OSError:
            continue
    raise AssertionError("no free port")

"""The client engine over asyncio streams, the same on CPython and MicroPython.

A head-end, a concentrator's upstream side or a board that reads another
meter drives microcosem.client's Client through one of these transports,
awaiting where Session blocks:

    s = await open_tcp(Client(ClientSettings(client_sap=16)), "10.0.0.7", 4059)
    await s.associate()
    energy = await s.get(3, b"\\x01\\x00\\x01\\x08\\x00\\xff", 2)
    await s.release()
    await s.close()

    open_tcp(client, host, port, transport="wrapper" | "hdlc", server=1,
             physical=None, timeout_ms=10000) -> AsyncSession

or, on a stream the caller opened (a serial port's asyncio stream too):

    AsyncSession(client, WrapperStream(reader, writer, client_sap, wport))
    AsyncSession(client, await HdlcStream(reader, writer, ...).connect())

A transport is `async exchange(apdu)`: send apdu (None: send nothing) and
return the next APDU that comes back for this client, as the blocking
transports of the host do; `async close()` ends it.  Failures raise
errors.LinkError naming what went wrong; a DLMS refusal is the client's
AccessError or ServiceError, as with Session.  APDUs the meter pushes
unasked (DataNotification, EventNotification) land in client.notifications.
"""

import asyncio

from ..compat import ticks_diff, ticks_ms
from ..errors import LinkError
from ..profiles import wrapper


async def _read(reader, n, timeout_ms, where):
    try:
        data = await asyncio.wait_for(reader.read(n), timeout_ms / 1000)
    except asyncio.TimeoutError:
        return None
    except OSError as e:
        raise LinkError("%s: %s" % (where, e))
    if not data:
        raise LinkError("%s: the meter closed the connection" % where)
    return data


async def _send(writer, data, where):
    try:
        writer.write(data)
        await writer.drain()
    except OSError as e:
        # MicroPython's open_connection does not wait for the connect's
        # outcome: a refused connection shows here, at the first send
        raise LinkError("%s: cannot send: %s" % (where, e))


async def _close(writer):
    try:
        writer.close()
        await writer.wait_closed()
    except OSError:
        pass


class WrapperStream:
    """IEC 62056-47 over a stream: one wrapper frame per APDU, reassembled
    from however the bytes arrive."""

    def __init__(self, reader, writer, client_sap=16, wport=1, timeout_ms=10000, where="meter"):
        self.reader = reader
        self.writer = writer
        self.client_sap = client_sap
        self.wport = wport
        self.timeout_ms = timeout_ms
        self.where = where
        self._frames = wrapper.WrapperReassembler(max_length=0xFFFF)

    async def exchange(self, apdu):
        if apdu is not None:
            await _send(self.writer, wrapper.wrap(self.client_sap, self.wport, apdu), self.where)
        while True:
            msg = self._frames.next_apdu()
            if msg is not None:
                if msg[1] == self.client_sap:  # else another client's, on a shared connection
                    return bytes(msg[2])
                continue
            data = await _read(self.reader, 2048, self.timeout_ms, self.where)
            if data is None:
                raise LinkError("%s: no answer within %d ms" % (self.where, self.timeout_ms))
            self._frames.feed(data)

    async def close(self):
        await _close(self.writer)


class HdlcStream:
    """IEC 62056-46 over a stream (HDLC on TCP, or a UART's stream): SNRM/UA
    in connect(), I frames with their acknowledgements and retransmissions
    (the HdlcClient's timers, ticked every `poll_ms`), DISC in close()."""

    def __init__(self, reader, writer, server_upper=1, client_sap=16, server_lower=None,
                 timeout_ms=10000, poll_ms=50, inter_octet_ms=2000, where="meter", **hdlc_options):
        from ..profiles.hdlc import HdlcClient

        self.reader = reader
        self.writer = writer
        self.timeout_ms = timeout_ms
        self.poll_ms = poll_ms
        self.where = where
        # a TCP segment may split a frame: the inter-octet time-out of a
        # serial line (25 ms) would drop its first half
        self.link = HdlcClient(server_upper=server_upper, server_lower=server_lower,
                               client_sap=client_sap, inter_octet_ms=inter_octet_ms,
                               **hdlc_options)

    async def _pump(self):
        out = self.link.data_to_send()
        if out:
            await _send(self.writer, out, self.where)
        data = await _read(self.reader, 512, self.poll_ms, self.where)
        now = ticks_ms()
        if data is not None:
            self.link.feed(data, now)
        self.link.tick(now)

    async def _wait(self, kinds, what, timeout_ms=None):
        from ..profiles import hdlc

        if timeout_ms is None:
            timeout_ms = self.timeout_ms
        start = ticks_ms()
        while True:
            ev = self.link.next_event()
            while ev is not None:
                if ev[0] in kinds:
                    return ev
                if ev[0] == hdlc.ERROR:
                    raise LinkError("%s: HDLC %s waiting for %s" % (self.where, ev[1], what))
                if ev[0] == hdlc.DISCONNECTED:
                    raise LinkError("%s: the HDLC link went down (%s) waiting for %s"
                                    % (self.where, ev[1], what))
                ev = self.link.next_event()
            if ticks_diff(ticks_ms(), start) > timeout_ms:  # ticks wrap on a board
                raise LinkError("%s: no answer within %d ms waiting for %s"
                                % (self.where, timeout_ms, what))
            await self._pump()

    async def connect(self):
        from ..profiles import hdlc

        self.link.connect()
        await self._wait((hdlc.CONNECTED,), "the HDLC connection (UA to SNRM)")
        return self

    async def exchange(self, apdu):
        from ..profiles import hdlc

        if apdu is not None:
            self.link.send_apdu(apdu)
        return bytes((await self._wait((hdlc.APDU, hdlc.UI_APDU), "an APDU"))[1])

    async def close(self):
        from ..profiles import hdlc

        if self.link.connected:
            self.link.disconnect()
            try:  # 1 s for the UA (or DM) to the DISC, not a whole answer's time
                await self._wait((hdlc.DISCONNECTED,), "the UA to DISC", 1000)
            except LinkError:
                pass  # the peer went first, or never answers: the connection ends anyway
        await _close(self.writer)


class AsyncSession:
    """Session's calls, awaited: `await s.get(3, obis, 2)` and the rest take
    the arguments of the Client's *_request builders."""

    def __init__(self, client, transport):
        self.client = client
        self.transport = transport

    async def run(self, request):
        """Send `request`, feed the client every answer, return the result
        (microcosem.client.run, awaiting)."""
        out = request
        while True:
            done, value = self.client.feed(await self.transport.exchange(out))
            if done:
                return value
            out = value

    async def associate(self):
        return await self.run(self.client.associate())

    async def release(self):
        return await self.run(self.client.release_request())

    async def get(self, *args):
        return await self.run(self.client.get_request(*args))

    async def get_with_list(self, items):
        return await self.run(self.client.get_with_list_request(items))

    async def set(self, *args):
        return await self.run(self.client.set_request(*args))

    async def set_with_list(self, items):
        return await self.run(self.client.set_with_list_request(items))

    async def action(self, *args):
        return await self.run(self.client.action_request(*args))

    async def action_with_list(self, items):
        return await self.run(self.client.action_with_list_request(items))

    async def read(self, items):
        return await self.run(self.client.read_request(items))

    async def write(self, items):
        return await self.run(self.client.write_request(items))

    async def close(self):
        await self.transport.close()


async def open_tcp(client, host, port=4059, transport="wrapper", server=1, physical=None,
                   timeout_ms=10000):
    """An AsyncSession to a meter on TCP: the wrapper (wPort `server`) or
    HDLC frames on the connection (logical device `server`, physical device
    address `physical` if any)."""
    where = "%s:%d" % (host, port)
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port),
                                                timeout_ms / 1000)
    except asyncio.TimeoutError:
        raise LinkError("cannot connect to %s: no answer within %d ms" % (where, timeout_ms))
    except OSError as e:
        raise LinkError("cannot connect to %s: %s" % (where, e))
    sap = client.settings.client_sap
    if transport == "wrapper":
        link = WrapperStream(reader, writer, sap, server, timeout_ms, where)
    elif transport == "hdlc":
        link = HdlcStream(reader, writer, server, sap, physical, timeout_ms, where=where)
        try:
            await link.connect()
        except LinkError:
            await _close(writer)
            raise
    else:
        await _close(writer)
        raise ValueError("transport is 'wrapper' or 'hdlc', not %r" % (transport,))
    return AsyncSession(client, link)

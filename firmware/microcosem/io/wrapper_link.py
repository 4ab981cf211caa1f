"""One TCP connection's wrapper framing in front of a meter's logical devices.

    link = WrapperLink(((1, management_server), (0x11, other_server)))
    out = link.receive(data, now_ms)   # bytes read from the socket -> bytes to write
    link.close()                       # connection gone: its associations end

Sans-IO, so that the asyncio adapter around it stays a dozen lines and the
same object serves a blocking socket loop on a small board.  The wPorts of
a frame are the SAPs (Green Book 7.3.3.4): the source is the client SAP the
server engine is told, the destination picks the logical device.  A frame
for a wPort this meter has no device behind is dropped unanswered, as a
wrong HDLC address is.  IEC 62056-47 makes a TCP connection the
association's lower layer, so closing it releases what was opened over it.
"""

from ..profiles.wrapper import DEFAULT_MAX_LENGTH, WrapperReassembler, encode_wrapper


class WrapperLink:
    def __init__(self, devices, max_length=DEFAULT_MAX_LENGTH):
        self.devices = tuple(devices)  # ((wport, server), ...)
        self._rx = WrapperReassembler(max_length)
        self._tx = bytearray()
        self._opened = []  # (server, client_sap) that spoke over this link

    def _server(self, wport):
        for port, server in self.devices:
            if port == wport:
                return server
        return None

    def receive(self, data, now_ms=0):
        """Bytes to send back for the bytes just read (possibly none).

        Raises WrapperError when the stream cannot be framed any more (bad
        version, a length over the bound): the caller closes the connection."""
        rx = self._rx
        tx = self._tx
        tx[:] = b""
        rx.feed(data)
        while True:
            frame = rx.next_apdu()
            if frame is None:
                return tx
            source, destination, apdu = frame
            server = self._server(destination)
            if server is None:
                continue
            if (server, source) not in self._opened:
                self._opened.append((server, source))
            reply = server.handle(apdu, source, now_ms)
            if reply:
                encode_wrapper(tx, destination, source, reply)

    def close(self):
        for server, client_sap in self._opened:
            server.abort(client_sap)
        self._opened = []

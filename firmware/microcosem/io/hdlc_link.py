"""One HDLC line (a UART, or a TCP connection carrying HDLC) in front of a meter's
logical devices.

    link = HdlcLink(((1, management_server), (0x11, other_server)))
    out = link.receive(data, now_ms)   # bytes read from the line -> bytes to write
    out = link.tick(now_ms)            # no bytes came: timers (inactivity)
    link.close()                       # line gone: the association ends

Sans-IO, like WrapperLink: the asyncio TCP listener and a blocking UART loop
both sit on it.  The upper HDLC address picks the logical device (Green
Book 8.4.2: the upper address is the server SAP), the client's address is
the client SAP the server engine is told.  The application association
lives on the data-link connection (Green Book 8.4.3): a SNRM starts a new
connection, so any association left from before is ended, and DISC, the
HDLC inactivity time-out or a second SNRM end it too.  One client at a
time: the HDLC server answers DM to another while connected.
"""

from ..profiles.hdlc import APDU, CONNECTED, DISCONNECTED, UI_APDU, HdlcServer


class HdlcLink:
    def __init__(self, devices, **hdlc_options):
        """devices: ((upper HDLC address, Server), ...); hdlc_options go to
        HdlcServer (physical_address, max_info_*, window_*, inactivity_ms,
        inter_octet_ms, max_apdu, echo)."""
        self.devices = tuple(devices)
        self.hdlc = HdlcServer(logical_devices=[ld for ld, _ in self.devices], **hdlc_options)
        self._server = None      # the Server of the connection in force
        self._client_sap = None
        self.connections = 0     # SNRMs accepted (for a status page or a test)

    def _device(self, ld):
        for addr, server in self.devices:
            if addr == ld:
                return server
        return None

    def receive(self, data, now_ms=0):
        """Bytes to send back for the bytes just read (possibly none)."""
        hdlc = self.hdlc
        hdlc.tick(now_ms)  # first, so that a gap longer than inactivity_ms ends the link
        self._events(now_ms)
        hdlc.feed(data, now_ms)
        hdlc.tick(now_ms)  # and after: the inactivity time-out counts from these bytes
        self._events(now_ms)
        return hdlc.data_to_send()

    def tick(self, now_ms):
        """Bytes to send now that time has passed (usually none).  The servers
        are told the time too, so that an association idle past its
        inactivity_ms ends while the line is quiet."""
        self.hdlc.tick(now_ms)
        self._events(now_ms)
        for _, server in self.devices:
            server.tick(now_ms)
        return self.hdlc.data_to_send()

    def close(self):
        """The line is gone (TCP closed): the association on it ends."""
        self._end()

    def _end(self):
        if self._server is not None:
            self._server.abort(self._client_sap)
        self._server = None
        self._client_sap = None

    def _events(self, now_ms):
        hdlc = self.hdlc
        while True:
            ev = hdlc.next_event()
            if ev is None:
                return
            kind, value = ev
            if kind == APDU:
                server = self._server
                reply = None
                if server is not None:
                    reply = server.handle(value, self._client_sap, now_ms)
                if reply and hdlc.connected:
                    hdlc.send_apdu(reply)
                else:
                    hdlc.no_response()  # unconfirmed, or nothing to say: the poll goes back
            elif kind == UI_APDU:
                # a UI frame (a broadcast among them) is never answered
                if self._server is not None:
                    self._server.handle(value, self._client_sap, now_ms)
            elif kind == CONNECTED:
                self._end()
                client_sap, ld = value
                self._server = self._device(ld)
                self._client_sap = client_sap
                if self._server is not None:
                    self._server.abort(client_sap)  # a new connection starts unassociated
                self.connections += 1
            elif kind == DISCONNECTED:
                self._end()
            # ERROR: a fatal one is followed by DISCONNECTED; others need nothing here

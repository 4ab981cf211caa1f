"""gurux-dlms as a client of our meter over a socket: the read loop of Gurux's
own sample reader (send, gather until getData has a whole reply, follow
receiverReady while more data comes), shared by the tests that run it over
the TCP wrapper and over HDLC on TCP."""

import socket

from gurux_dlms import GXByteBuffer, GXDLMSClient, GXReplyData
from gurux_dlms.enums import Authentication, InterfaceType, Security
from gurux_dlms.GXCiphering import GXCiphering


class GuruxReader:
    """A GXDLMSClient (logical names, server address 1) on a TCP connection."""

    def __init__(self, port, sap=16, auth=Authentication.NONE, password=None, keys=None,
                 interface=InterfaceType.WRAPPER):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.client = GXDLMSClient(True, sap, 1, auth, password, interface)
        if keys is not None:  # HLS-GMAC, every APDU authenticated and encrypted
            ek, ak, title = keys
            cipher = self.client.settings.cipher = GXCiphering(title)
            cipher.security = Security.AUTHENTICATION_ENCRYPTION
            cipher.blockCipherKey = ek
            cipher.authenticationKey = ak
            cipher.invocationCounter = 1

    def _packet(self, data, reply):
        if data:
            self.sock.sendall(bytes(data))
        buf = GXByteBuffer()
        while not self.client.getData(buf, reply, None):
            chunk = self.sock.recv(4096)
            assert chunk, "the meter closed the connection"
            buf.set(chunk)

    def block(self, data, reply):
        if isinstance(data, list):
            for d in data:
                reply.clear()
                self.block(d, reply)
            return
        self._packet(data, reply)
        while reply.isMoreData():
            self._packet(self.client.receiverReady(reply), reply)

    def exchange(self, data):
        """The reply to one request (or list of requests), gathered whole."""
        reply = GXReplyData()
        self.block(data, reply)
        return reply

    def associate(self):
        self.client.parseAareResponse(self.exchange(self.client.aarqRequest()).data)
        if self.client.getIsAuthenticationRequired():  # HLS passes 3 and 4
            reply = self.exchange(self.client.getApplicationAssociationRequest())
            self.client.parseApplicationAssociationResponse(reply.data)

    def read(self, obj, index):
        return self.client.updateValue(obj, index, self.exchange(self.client.read(obj, index)).value)

    def objects(self):
        return self.client.parseObjects(self.exchange(self.client.getObjectsRequest()).data, True)

    def release(self):
        self.exchange(self.client.releaseRequest())
        self.sock.close()

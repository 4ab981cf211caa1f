"""The project's exception tree.

Every error a layer can raise is one of these, so that callers catch
`DlmsError` and nothing else, and a server engine can turn each into the DLMS
answer it stands for (data-access-result, action-result, exception-response,
confirmed-service-error, AARE diagnostic).

The root carries the message and the extra fields each subclass names in
EXTRA, so that a subclass costs a line of heap rather than a method or two
(a board holds every class of this module whenever anything imports it).
"""


class DlmsError(Exception):
    """Root of every error microcosem raises on purpose: `message`, and the
    fields named in EXTRA, in that order after the message."""

    EXTRA = ()

    def __init__(self, message="", *extra):
        super().__init__(message, *extra)
        self.message = message
        names = self.EXTRA
        for i in range(len(names)):
            setattr(self, names[i], extra[i] if i < len(extra) else None)

    def __str__(self):
        return self.message


class DecodeError(DlmsError):
    """Bytes that are not a valid encoding. `offset` is where decoding stopped."""

    EXTRA = ("offset",)

    def __str__(self):
        if self.offset is None:
            return self.message
        return "%s at offset %d" % (self.message, self.offset)


class IncompleteData(DecodeError):
    """The bytes end before the value does; more bytes may still make it valid.

    A streaming reader catches this one to wait for the next block.
    """


class EncodeError(DlmsError):
    """A Python value that cannot be encoded as the DLMS type asked for."""


class AccessError(DlmsError):
    """A GET, SET or ACTION refused: `result` is the data-access-result or
    action-result code the server answers with (3 read-write-denied,
    4 object-undefined, 12 type-unmatched, ...; the two tables agree below 15)."""

    EXTRA = ("result",)


class ServiceError(DlmsError):
    """A peer answered with ExceptionResponse or ConfirmedServiceError, or a
    whole request failed: `apdu` is that answer when there is one."""

    EXTRA = ("apdu",)


class AssociationError(DlmsError):
    """An association refused or lost: `result` and `diagnostic` as in the AARE."""

    EXTRA = ("result", "diagnostic")


class LinkError(DlmsError):
    """The link under the client failed: no connection, no answer in time,
    the peer left (io.client_link, and the host's blocking links)."""

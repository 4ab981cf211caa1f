"""The project's exception tree.

Every error a layer can raise is one of these, so that callers catch
`DlmsError` and nothing else, and a server engine can turn each into the DLMS
answer it stands for (the later layers add the mapping to data-access-result,
action-result, exception-response and AARE diagnostics).
"""


class DlmsError(Exception):
    """Root of every error microcosem raises on purpose."""


class DecodeError(DlmsError):
    """Bytes that are not a valid encoding. `offset` is where decoding stopped."""

    def __init__(self, message, offset=None):
        super().__init__(message, offset)
        self.message = message
        self.offset = offset

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

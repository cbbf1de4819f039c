"""One exception type for every data problem, so a lesson can show one kind of message."""


class DatasetError(Exception):
    """A dataset could not be found, read or trusted; the message says what to do."""

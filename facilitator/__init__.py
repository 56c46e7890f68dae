"""facilitator: self-hosted live workshops."""

__version__ = "0.1.0"

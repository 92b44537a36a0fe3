"""CX Council: run Customer Experience Councils."""

__version__ = "0.1.0"

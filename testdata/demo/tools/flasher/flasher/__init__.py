"""InfuCore flasher: verifies firmware update packages and installs them over USB."""

__version__ = "2.4.0"

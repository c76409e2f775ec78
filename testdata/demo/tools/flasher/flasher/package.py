"""Firmware update packages: an image, its Ed25519 signature and its version."""

from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


class PackageError(Exception):
    """The update package must not be installed."""


@dataclass(frozen=True)
class UpdatePackage:
    image: bytes
    signature: bytes
    version: tuple[int, int, int]


def verify(package: UpdatePackage, release_key: Ed25519PublicKey, installed: tuple[int, int, int]) -> None:
    """Raise PackageError unless the package is signed by the release key and newer."""
    try:
        release_key.verify(package.signature, package.image)
    except InvalidSignature as exc:
        raise PackageError("image signature does not verify against the release key") from exc
    if package.version <= installed:
        raise PackageError(f"image version {package.version} is not newer than {installed}")

"""Command line of the flasher."""

import click

from flasher import __version__


@click.group()
@click.version_option(__version__)
def main() -> None:
    """Verify and install InfuCore firmware updates."""


@main.command()
@click.argument("package", type=click.Path(exists=True, dir_okay=False))
def verify(package: str) -> None:
    """Verify an update package without installing it."""
    click.echo(f"verifying {package}")

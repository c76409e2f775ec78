from click.testing import CliRunner

from flasher.cli import main


def test_version():
    result = CliRunner().invoke(main, ["--version"])
    assert "2.4.0" in result.output


def test_verify_needs_a_file():
    result = CliRunner().invoke(main, ["verify", "missing.pkg"])
    assert result.exit_code != 0

"""nbval reads the sanitize file by a path relative to where pytest runs; give it an absolute one."""
from pathlib import Path


def pytest_configure(config):
    if getattr(config.option, "nbval_sanitize_with", "unset") is None:
        config.option.nbval_sanitize_with = str(Path(__file__).with_name("nbval_sanitize.cfg"))

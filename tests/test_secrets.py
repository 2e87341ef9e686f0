"""The API key: in the keychain where there is one, else in the settings file (and said so)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail
from keyring.errors import PasswordDeleteError
from PySide6.QtCore import QSettings

from desktop_ocr import secrets
from desktop_ocr.core.settings_store import Settings, load_settings, save_settings


class MemoryKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.passwords.pop((service, username), None) is None:
            raise PasswordDeleteError("none")


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def no_keyring() -> Iterator[None]:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


def ini(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


def test_the_key_goes_to_the_keychain_not_the_file(tmp_path: Path, memory_keyring: MemoryKeyring) -> None:
    save_settings(ini(tmp_path), Settings(server_url="http://h/v1", api_key="sk-secret-123"))
    assert "sk-secret-123" not in (tmp_path / "settings.ini").read_text()
    assert memory_keyring.passwords == {(secrets.SERVICE, secrets.ACCOUNT): "sk-secret-123"}
    loaded = load_settings(ini(tmp_path))
    assert loaded.api_key == "sk-secret-123" and loaded.server_url == "http://h/v1"
    assert "keychain" in secrets.where_api_key_lives()


def test_clearing_the_key_removes_it_from_the_keychain(tmp_path: Path, memory_keyring: MemoryKeyring) -> None:
    save_settings(ini(tmp_path), Settings(api_key="sk-old"))
    save_settings(ini(tmp_path), Settings(api_key=""))
    assert memory_keyring.passwords == {}
    assert load_settings(ini(tmp_path)).api_key == ""


def test_a_key_left_in_the_file_moves_to_the_keychain(tmp_path: Path, memory_keyring: MemoryKeyring) -> None:
    old = ini(tmp_path)
    old.setValue("api_key", "sk-plain-text")
    old.sync()
    assert load_settings(ini(tmp_path)).api_key == "sk-plain-text"
    assert "sk-plain-text" not in (tmp_path / "settings.ini").read_text()
    assert secrets.read_api_key() == "sk-plain-text"


def test_without_a_keychain_the_file_keeps_it_and_says_so(tmp_path: Path, no_keyring: None) -> None:
    assert secrets.keychain_name() is None
    assert "settings file" in secrets.where_api_key_lives()
    save_settings(ini(tmp_path), Settings(api_key="sk-fallback"))
    assert "sk-fallback" in (tmp_path / "settings.ini").read_text()
    assert load_settings(ini(tmp_path)).api_key == "sk-fallback"
    assert secrets.read_api_key() is None


def test_a_keychain_that_fails_falls_back_to_the_file(tmp_path: Path) -> None:
    class Broken(MemoryKeyring):
        def set_password(self, service: str, username: str, password: str) -> None:
            raise keyring.errors.PasswordSetError("locked")

    previous = keyring.get_keyring()
    keyring.set_keyring(Broken())
    try:
        save_settings(ini(tmp_path), Settings(api_key="sk-kept"))
        assert load_settings(ini(tmp_path)).api_key == "sk-kept"
    finally:
        keyring.set_keyring(previous)
    assert "sk-kept" in (tmp_path / "settings.ini").read_text()


def test_tests_run_without_the_real_keychain() -> None:
    assert secrets.keychain_name() is None  # conftest: PYTHON_KEYRING_BACKEND is the fail backend

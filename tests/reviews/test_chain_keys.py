"""The chain key comes from outside the database, and production needs one."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from orderreview.chainkeys import parse_older_keys, signing_chain_keys

ROOT = Path(__file__).resolve().parents[2]
PRINT_KEYS = (
    "import orderreview.settings as s; "
    "print(s.SIGNING_CHAIN_KEY_ID, sorted(s.SIGNING_CHAIN_KEYS))"
)


def _settings_process(**env: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "SIGNING_CHAIN_"))
    }
    clean.update(DATABASE_URL=settings.DATABASE_URL, DJANGO_SECRET_KEY="x" * 60)
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", PRINT_KEYS],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_without_a_chain_key_refuses_to_start():
    result = _settings_process()
    assert result.returncode != 0
    assert "SIGNING_CHAIN_KEY (or SIGNING_CHAIN_KEY_FILE) is not set" in result.stderr


def test_development_derives_a_key_labelled_dev_insecure():
    result = _settings_process(DJANGO_DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == "dev-insecure"


def test_the_key_and_old_keys_can_come_from_files(tmp_path):
    key_file = tmp_path / "chain.key"
    key_file.write_text("k" * 40 + "\n")
    old_file = tmp_path / "old.keys"
    old_file.write_text("2025:" + "o" * 40)
    result = _settings_process(
        SIGNING_CHAIN_KEY_FILE=str(key_file),
        SIGNING_CHAIN_KEY_ID="2026",
        SIGNING_CHAIN_OLD_KEYS_FILE=str(old_file),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "2026 ['2025', '2026']"


def test_an_unreadable_key_file_is_named():
    result = _settings_process(SIGNING_CHAIN_KEY_FILE="/nonexistent/chain.key")
    assert result.returncode != 0
    assert "SIGNING_CHAIN_KEY_FILE names '/nonexistent/chain.key'" in result.stderr


def test_a_short_production_key_is_refused():
    with pytest.raises(ImproperlyConfigured, match="shorter than 32"):
        signing_chain_keys(
            current_id="k1", current="short", older="", debug=False, secret_key="s"
        )


def test_old_keys_are_id_colon_secret_and_a_secret_may_hold_colons():
    keys = parse_older_keys("a:" + "x" * 32 + ", b:" + "y:" * 20, debug=False)
    assert keys == {"a": "x" * 32, "b": "y:" * 20}
    with pytest.raises(ImproperlyConfigured, match="id:secret"):
        parse_older_keys("just-a-secret", debug=True)
    with pytest.raises(ImproperlyConfigured, match="must be 1-40 letters"):
        parse_older_keys("sha256-unkeyed:" + "z" * 32, debug=False)


def test_reusing_an_old_key_id_for_a_new_secret_is_refused():
    with pytest.raises(ImproperlyConfigured, match="give the new key a new id"):
        signing_chain_keys(
            current_id="a",
            current="n" * 40,
            older="a:" + "o" * 40,
            debug=False,
            secret_key="s",
        )

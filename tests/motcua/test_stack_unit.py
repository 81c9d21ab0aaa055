"""The offline parts of motcua.stack: training fingerprint, settings, endpoints file, readiness, token."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from motcua import stack  # the module, so pytest does not collect stack.test_conversations as a test

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A copy of everything the fingerprint may read: config.yml, bot/ and nlu/."""
    target = tmp_path / "repo"
    target.mkdir()
    shutil.copy2(REPO / "config.yml", target / "config.yml")
    ignore = shutil.ignore_patterns("__pycache__")
    shutil.copytree(REPO / "bot", target / "bot", ignore=ignore)
    shutil.copytree(REPO / "nlu", target / "nlu", ignore=ignore)
    return target


def _append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as out:
        out.write(text)


# --- training_fingerprint ------------------------------------------------------------------------


def test_fingerprint_is_stable(root):
    first = stack.training_fingerprint(root)
    assert first == stack.training_fingerprint(root)
    assert len(first) == 12
    int(first, 16)  # hex


def test_fingerprint_does_not_depend_on_where_the_repo_is(root, tmp_path):
    moved = shutil.copytree(root, tmp_path / "elsewhere" / "checkout")

    assert stack.training_fingerprint(moved) == stack.training_fingerprint(root)


def test_fingerprint_changes_with_an_nlu_example(root):
    before = stack.training_fingerprint(root)
    examples = sorted((root / "nlu" / "data").glob("*.yml"))
    assert examples
    _append(examples[0], "\n# one more example line\n")

    assert stack.training_fingerprint(root) != before


def test_fingerprint_changes_with_config(root):
    before = stack.training_fingerprint(root)
    _append(root / "config.yml", "\n# tweak\n")

    assert stack.training_fingerprint(root) != before


def test_fingerprint_changes_with_an_nlu_component(root):
    before = stack.training_fingerprint(root)
    components = sorted((root / "nlu" / "components").glob("*.py"))
    assert components
    _append(components[-1], "\n# changed\n")

    assert stack.training_fingerprint(root) != before


def test_fingerprint_changes_with_the_domain_and_stories(root):
    before = stack.training_fingerprint(root)
    _append(sorted((root / "bot" / "domain").glob("*.yml"))[0], "\n# domain\n")
    after_domain = stack.training_fingerprint(root)
    _append(sorted((root / "bot" / "data").glob("*.yml"))[0], "\n# story\n")

    assert len({before, after_domain, stack.training_fingerprint(root)}) == 3


def test_fingerprint_changes_when_a_file_is_renamed(root):
    before = stack.training_fingerprint(root)
    source = sorted((root / "nlu" / "data").glob("*.yml"))[0]
    source.rename(source.with_name("renamed_" + source.name))

    assert stack.training_fingerprint(root) != before


@pytest.mark.parametrize("name", ["bot/endpoints.yml", "bot/credentials.yml"])
def test_fingerprint_ignores_endpoints_and_credentials(root, name):
    before = stack.training_fingerprint(root)
    _append(root / name, "\n# not read by rasa train\n")

    assert stack.training_fingerprint(root) == before


def test_fingerprint_ignores_tests(root):
    before = stack.training_fingerprint(root)
    (root / "tests" / "conversations").mkdir(parents=True)
    (root / "tests" / "conversations" / "test_new.yml").write_text("stories: []\n")
    (root / "tests" / "test_new.py").write_text("def test_x():\n    pass\n")

    assert stack.training_fingerprint(root) == before


def test_fingerprint_ignores_pycache(root):
    before = stack.training_fingerprint(root)
    cache = root / "nlu" / "components" / "__pycache__"
    cache.mkdir(exist_ok=True)
    (cache / "vietnamese_normalizer.cpython-311.pyc").write_bytes(b"\0compiled")
    (cache / "stray.py").write_text("x = 1\n")

    assert stack.training_fingerprint(root) == before


def test_fingerprint_changes_with_the_shorthand_table_used_by_the_nlu_normalizer(root):
    table = root / "knowledge_base" / "data" / "shorthand.yaml"
    table.parent.mkdir(parents=True)
    shutil.copy2(REPO / "knowledge_base" / "data" / "shorthand.yaml", table)
    before = stack.training_fingerprint(root)
    _append(table, "\n# a new shorthand entry would go here\n")

    assert stack.training_fingerprint(root) != before


# --- StackSettings -------------------------------------------------------------------------------


def test_settings_from_env(monkeypatch):
    monkeypatch.setenv("MOTCUA_RASA_PORT", "15005")
    monkeypatch.setenv("MOTCUA_ACTIONS_PORT", "15055")
    monkeypatch.setenv("MOTCUA_HOST", "127.0.0.2")
    monkeypatch.setenv("MOTCUA_RASA_TOKEN", "tok-from-env")

    settings = stack.StackSettings.from_env()

    assert settings.host == "127.0.0.2"
    assert settings.rasa_port == 15005
    assert settings.actions_port == 15055
    assert settings.rasa_url == "http://127.0.0.2:15005"
    assert settings.actions_url == "http://127.0.0.2:15055"
    assert settings.rasa_token == "tok-from-env"


def test_settings_defaults_without_env(monkeypatch):
    for name in ("MOTCUA_RASA_PORT", "MOTCUA_ACTIONS_PORT", "MOTCUA_HOST", "MOTCUA_RASA_TOKEN"):
        monkeypatch.delenv(name, raising=False)

    settings = stack.StackSettings.from_env()

    assert settings.rasa_url == "http://127.0.0.1:5005"
    assert settings.actions_url == "http://127.0.0.1:5055"
    assert settings.rasa_token == ""


def test_bad_port_in_env_is_an_error(monkeypatch):
    monkeypatch.setenv("MOTCUA_RASA_PORT", "not-a-port")

    with pytest.raises(ValueError):
        stack.StackSettings.from_env()


# --- write_endpoints -----------------------------------------------------------------------------


def test_write_endpoints_points_rasa_at_the_configured_action_server(tmp_path):
    settings = stack.StackSettings(host="127.0.0.1", actions_port=16055, run_dir=tmp_path / "run")
    original = stack.ENDPOINTS.read_bytes()

    path = stack.write_endpoints(settings)

    assert path == tmp_path / "run" / "endpoints.yml"
    config = yaml.safe_load(path.read_text())
    assert config["action_endpoint"]["url"] == settings.actions_url + "/webhook"
    assert config["action_endpoint"]["url"] == "http://127.0.0.1:16055/webhook"
    assert stack.ENDPOINTS.read_bytes() == original  # the checked-in file is left alone


def test_write_endpoints_keeps_the_other_sections(tmp_path):
    settings = stack.StackSettings(actions_port=16056, run_dir=tmp_path)
    base = yaml.safe_load(stack.ENDPOINTS.read_text()) or {}

    config = yaml.safe_load(stack.write_endpoints(settings).read_text())

    assert set(config) == set(base) | {"action_endpoint"}
    for key in set(base) - {"action_endpoint"}:
        assert config[key] == base[key]


# --- wait_until_ready ----------------------------------------------------------------------------


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_wait_until_ready_fails_fast_when_the_process_has_exited(tmp_path):
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait(timeout=30)
    log = tmp_path / "actions.log"
    log.write_text("starting\nImportError: no module named foo\n")

    started = time.monotonic()
    with pytest.raises(stack.StackError) as raised:
        stack.wait_until_ready(f"http://127.0.0.1:{_free_port()}/health", proc, log, timeout=10)

    assert time.monotonic() - started < 5
    message = str(raised.value)
    assert "exited with code 0" in message
    assert "ImportError: no module named foo" in message  # the log's tail


def test_wait_until_ready_reports_the_exit_code_and_a_missing_log(tmp_path):
    proc = subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"])
    proc.wait(timeout=30)

    with pytest.raises(stack.StackError, match="code 3") as raised:
        stack.wait_until_ready(f"http://127.0.0.1:{_free_port()}/", proc, tmp_path / "missing.log", timeout=10)

    assert "(no log)" in str(raised.value)


def test_wait_until_ready_times_out_when_nothing_answers(tmp_path):
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        with pytest.raises(stack.StackError, match="did not answer"):
            stack.wait_until_ready(f"http://127.0.0.1:{_free_port()}/", proc, tmp_path / "x.log", timeout=0.2)
    finally:
        proc.kill()
        proc.wait(timeout=10)


# --- read_token ----------------------------------------------------------------------------------


def test_read_token_prefers_the_settings(tmp_path):
    (tmp_path / "rasa.token").write_text("from-file")
    settings = stack.StackSettings(run_dir=tmp_path, rasa_token="from-settings")

    assert stack.read_token(settings) == "from-settings"


def test_read_token_from_the_run_dir(tmp_path):
    (tmp_path / "rasa.token").write_text("from-file\n")

    assert stack.read_token(stack.StackSettings(run_dir=tmp_path)) == "from-file"


def test_read_token_without_a_token_is_empty(tmp_path):
    assert stack.read_token(stack.StackSettings(run_dir=tmp_path / "nowhere")) == ""


def test_read_token_from_env(monkeypatch, tmp_path):
    monkeypatch.setenv("MOTCUA_RASA_TOKEN", "env-token")

    assert stack.read_token(stack.StackSettings.from_env()) == "env-token"

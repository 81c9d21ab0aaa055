"""Train the Rasa model when needed and run the dialogue stack: action server (3.11) + Rasa server (3.10).

Everything listens on 127.0.0.1. Used by ``motcua up`` (the README's run command), ``motcua bot …`` and the
integration tests, so the way the stack is started is the same everywhere.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parents[1]
RASA_VENV = REPO / ".venv-rasa"
RASA_VERSION = "3.6.21"
MODEL_PREFIX = "motcua-"
# What `rasa train` reads, including the text rules our normalizer component applies to every example.
TRAINING_INPUTS = (
    "config.yml",
    "bot/domain",
    "bot/data",
    "nlu",
    "knowledge_base/text",
    "knowledge_base/data/shorthand.yaml",
)
TRAINING_SUFFIXES = (".yml", ".yaml", ".py")
DOMAIN = REPO / "bot" / "domain"
TRAINING_DATA = (REPO / "nlu" / "data", REPO / "bot" / "data")
ENDPOINTS = REPO / "bot" / "endpoints.yml"
CREDENTIALS = REPO / "bot" / "credentials.yml"
TEST_STORIES = REPO / "tests" / "conversations"


class StackError(RuntimeError):
    """A part of the stack could not be set up or started; the message says which and where its log is."""


@dataclass(frozen=True)
class StackSettings:
    """Where the stack runs; every value can be set from the environment (MOTCUA_*)."""

    host: str = "127.0.0.1"
    rasa_port: int = 5005
    actions_port: int = 5055
    models_dir: Path = REPO / "models"
    run_dir: Path = field(default_factory=lambda: _cache_dir() / "run")
    rasa_token: str = ""
    gateway_port: int = 8000
    staff_token: str = ""
    with_gateway: bool = True

    @classmethod
    def from_env(cls) -> StackSettings:
        env = os.environ
        return cls(
            host=env.get("MOTCUA_HOST", "127.0.0.1"),
            rasa_port=int(env.get("MOTCUA_RASA_PORT", "5005")),
            actions_port=int(env.get("MOTCUA_ACTIONS_PORT", "5055")),
            models_dir=Path(env.get("MOTCUA_MODELS_DIR", str(REPO / "models"))),
            rasa_token=env.get("MOTCUA_RASA_TOKEN", ""),
            gateway_port=int(env.get("MOTCUA_GATEWAY_PORT", "8000")),
            staff_token=env.get("MOTCUA_STAFF_TOKEN", ""),
            **({"run_dir": Path(env["MOTCUA_RUN_DIR"])} if env.get("MOTCUA_RUN_DIR") else {}),
        )

    @property
    def rasa_url(self) -> str:
        return f"http://{self.host}:{self.rasa_port}"

    @property
    def actions_url(self) -> str:
        return f"http://{self.host}:{self.actions_port}"

    @property
    def gateway_url(self) -> str:
        return f"http://{self.host}:{self.gateway_port}"


def _cache_dir() -> Path:
    from knowledge_base.embedding.models import default_cache_dir

    return default_cache_dir()


def rasa_executable() -> Path:
    rasa = RASA_VENV / "bin" / "rasa"
    if not rasa.exists():
        raise StackError(f"Rasa is not installed: run `bash scripts/setup_rasa.sh` (expected {rasa})")
    return rasa


def rasa_environment() -> dict[str, str]:
    """The Rasa process's environment: our NLU components importable, telemetry off, quiet TensorFlow."""
    env = dict(os.environ)
    env.update(
        PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH", "")])),
        RASA_TELEMETRY_ENABLED="false",
        SQLALCHEMY_SILENCE_UBER_WARNING="1",
        TF_CPP_MIN_LOG_LEVEL="2",
        PYTHONWARNINGS="ignore",
    )
    return env


def training_fingerprint(root: Path = REPO) -> str:
    """A hash of everything `rasa train` reads (config, domain, stories, rules, NLU data and components).

    Files outside :data:`TRAINING_INPUTS` (endpoints.yml, credentials.yml, tests) do not change it.
    """
    digest = hashlib.sha256(RASA_VERSION.encode())
    files: list[Path] = []
    for name in TRAINING_INPUTS:
        path = root / name
        if path.is_file():
            files.append(path)
        elif path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.suffix in TRAINING_SUFFIXES and p.is_file()))
    for path in files:
        if "__pycache__" in path.parts:
            continue
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def model_path(settings: StackSettings) -> Path:
    return settings.models_dir / f"{MODEL_PREFIX}{training_fingerprint()}.tar.gz"


def write_endpoints(settings: StackSettings) -> Path:
    """An endpoints.yml for this run: bot/endpoints.yml with the action server's configured address."""
    import yaml

    config = yaml.safe_load(ENDPOINTS.read_text()) or {}
    config["action_endpoint"] = {"url": f"{settings.actions_url}/webhook"}
    settings.run_dir.mkdir(parents=True, exist_ok=True)
    path = settings.run_dir / "endpoints.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


def _run_rasa(args: list[str], log: Path | None = None) -> None:
    command = [str(rasa_executable()), *args]
    env = rasa_environment()
    if log is None:
        completed = subprocess.run(command, cwd=REPO, env=env, check=False)
    else:
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("w") as out:
            completed = subprocess.run(command, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT, check=False)
    if completed.returncode != 0:
        where = f"; see {log}" if log else ""
        raise StackError(f"`rasa {args[0]}` failed with exit code {completed.returncode}{where}")


def validate_data(log: Path | None = None) -> None:
    _run_rasa(
        [
            "data",
            "validate",
            "--config",
            "config.yml",
            "--domain",
            str(DOMAIN),
            "--data",
            *map(str, TRAINING_DATA),
            "--fail-on-warnings",
        ],
        log,
    )


def train(settings: StackSettings, force: bool = False, log: Path | None = None) -> Path:
    """The trained model for the current training data: reused when it exists, trained (~1–2 min) otherwise."""
    target = model_path(settings)
    if target.exists() and not force:
        return target
    settings.models_dir.mkdir(parents=True, exist_ok=True)
    _run_rasa(
        [
            "train",
            "--config",
            "config.yml",
            "--domain",
            str(DOMAIN),
            "--data",
            *map(str, TRAINING_DATA),
            "--out",
            str(settings.models_dir),
            "--fixed-model-name",
            target.name.removesuffix(".tar.gz"),
        ],
        log,
    )
    if not target.exists():
        raise StackError(f"rasa train finished but {target} is missing")
    for old in settings.models_dir.glob(f"{MODEL_PREFIX}*.tar.gz"):
        if old != target:
            old.unlink(missing_ok=True)
    return target


def test_conversations(
    settings: StackSettings, model: Path, out: Path, stories: Path = TEST_STORIES, log: Path | None = None
) -> None:
    """`rasa test core` on the conversation test stories against the running action server; fails on any error."""
    endpoints = write_endpoints(settings)
    _run_rasa(
        [
            "test",
            "core",
            "--model",
            str(model),
            "--stories",
            str(stories),
            "--endpoints",
            str(endpoints),
            "--out",
            str(out),
            "--fail-on-prediction-errors",
            "--no-plot",
        ],
        log,
    )


def nlu_cross_validation(out: Path, folds: int = 3, log: Path | None = None) -> None:
    _run_rasa(
        [
            "test",
            "nlu",
            "--config",
            "config.yml",
            "--nlu",
            str(TRAINING_DATA[0]),
            "--cross-validation",
            "--folds",
            str(folds),
            "--out",
            str(out),
        ],
        log,
    )


@dataclass
class RunningStack:
    settings: StackSettings
    model: Path
    processes: dict[str, subprocess.Popen[bytes]]
    logs: dict[str, Path]

    @property
    def rasa_url(self) -> str:
        return self.settings.rasa_url

    def alive(self) -> dict[str, bool]:
        return {name: proc.poll() is None for name, proc in self.processes.items()}

    def stop(self, timeout: float = 15.0) -> None:
        """Stop every process this stack started (their whole process groups), politely first."""
        for proc in self.processes.values():
            if proc.poll() is None:
                _signal_group(proc, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for proc in self.processes.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _signal_group(proc, signal.SIGKILL)
                proc.wait(timeout=5)


def _signal_group(proc: subprocess.Popen[bytes], sig: int) -> None:
    with suppress(ProcessLookupError):
        os.killpg(proc.pid, sig)


def spawn(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """Start ``command`` in its own process group (so :meth:`RunningStack.stop` stops its children too)."""
    log.parent.mkdir(parents=True, exist_ok=True)
    out = log.open("wb")
    try:
        return subprocess.Popen(
            command, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    finally:
        out.close()


def wait_until_ready(url: str, proc: subprocess.Popen[bytes], log: Path, timeout: float) -> None:
    """Poll ``url`` until it answers 200; fail early (with the log's tail) if the process dies."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise StackError(f"{url} exited with code {proc.returncode} before it was ready:\n{_tail(log)}")
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise StackError(f"{url} did not answer within {timeout:.0f} s; see {log}")


def _tail(log: Path, lines: int = 20) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _port_free(host: str, port: int) -> bool:
    import socket

    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def _write_secret(path: Path, value: str) -> None:
    path.write_text(value)
    path.chmod(0o600)


def start(settings: StackSettings, model: Path, timeout: float = 300.0) -> RunningStack:
    """Start the action server, the Rasa server and the gateway, and wait until each answers."""
    ports = [("action server", settings.actions_port), ("Rasa server", settings.rasa_port)]
    if settings.with_gateway:
        ports.append(("gateway", settings.gateway_port))
    for name, port in ports:
        if not _port_free(settings.host, port):
            raise StackError(f"port {port} for the {name} is in use: stop what runs there or set MOTCUA_*_PORT")
    settings.run_dir.mkdir(parents=True, exist_ok=True)
    settings = replace(
        settings,
        rasa_token=settings.rasa_token or secrets.token_urlsafe(24),
        staff_token=settings.staff_token or secrets.token_urlsafe(24),
    )
    _write_secret(settings.run_dir / "rasa.token", settings.rasa_token)
    _write_secret(settings.run_dir / "staff.token", settings.staff_token)
    logs = {name: settings.run_dir / f"{name}.log" for name in ("actions", "rasa", "gateway")}
    processes: dict[str, subprocess.Popen[bytes]] = {}
    stack = RunningStack(settings, model, processes, logs)
    motcua = [sys.executable, "-m", "motcua"]
    try:
        actions_cmd = [*motcua, "actions", "--host", settings.host, "--port", str(settings.actions_port)]
        processes["actions"] = spawn(actions_cmd, dict(os.environ), logs["actions"])
        rasa_cmd = [
            str(rasa_executable()),
            "run",
            "--model",
            str(model),
            "--endpoints",
            str(write_endpoints(settings)),
            "--credentials",
            str(CREDENTIALS),
            "--interface",
            settings.host,
            "--port",
            str(settings.rasa_port),
            "--enable-api",
            "--auth-token",
            settings.rasa_token,
        ]
        processes["rasa"] = spawn(rasa_cmd, rasa_environment(), logs["rasa"])
        if settings.with_gateway:
            gateway_env = dict(
                os.environ,
                MOTCUA_RASA_URL=settings.rasa_url,
                MOTCUA_RASA_TOKEN=settings.rasa_token,
                MOTCUA_STAFF_TOKEN=settings.staff_token,
            )
            gateway_cmd = [*motcua, "gateway", "--host", settings.host, "--port", str(settings.gateway_port)]
            processes["gateway"] = spawn(gateway_cmd, gateway_env, logs["gateway"])
        wait_until_ready(f"{settings.actions_url}/health", processes["actions"], logs["actions"], timeout)
        wait_until_ready(
            f"{settings.rasa_url}/status?token={settings.rasa_token}", processes["rasa"], logs["rasa"], timeout
        )
        if settings.with_gateway:
            wait_until_ready(f"{settings.gateway_url}/health", processes["gateway"], logs["gateway"], timeout)
    except BaseException:
        stack.stop()
        raise
    return stack


@contextmanager
def running(settings: StackSettings, model: Path, timeout: float = 300.0) -> Iterator[RunningStack]:
    stack = start(settings, model, timeout)
    try:
        yield stack
    finally:
        stack.stop()


def read_token(settings: StackSettings, name: str = "rasa") -> str:
    """A token of the stack started by ``motcua up`` ("rasa" API or "staff"), from the environment or its run dir."""
    configured = settings.rasa_token if name == "rasa" else settings.staff_token
    if configured:
        return configured
    try:
        return (settings.run_dir / f"{name}.token").read_text().strip()
    except OSError:
        return ""

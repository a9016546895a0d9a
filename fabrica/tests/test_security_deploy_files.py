"""The deploy files: the image runs as a non-root user and its healthcheck really asks /readyz; the
compose stack has its release, healthchecks, one beat and the shared metrics folder; the Procfile
gives honcho the processes the README promises. (Docker itself is not needed for these.)"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml
from honcho.environ import parse_procfile

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = (ROOT / "Dockerfile").read_text()


def _instruction(name: str) -> str:
    """The whole instruction (continuation lines joined), e.g. everything after HEALTHCHECK."""
    joined = re.sub(r"\\\n\s*", " ", DOCKERFILE)
    lines = [line for line in joined.splitlines() if line.startswith(f"{name} ")]
    assert len(lines) == 1, f"one {name} expected, found {len(lines)}"
    return lines[0].removeprefix(f"{name} ")


def test_the_image_runs_as_a_non_root_user():
    user = _instruction("USER")
    assert user not in ("root", "0")
    assert "useradd" in DOCKERFILE
    assert "apt-get" not in DOCKERFILE, "nothing beyond the slim base (the healthcheck needs no curl)"


class _Probe(BaseHTTPRequestHandler):
    def do_GET(self):
        self.server.paths.append(self.path)
        self.send_response(self.server.status)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.mark.parametrize(("status", "healthy"), [(200, True), (503, False)])
def test_the_image_healthcheck_asks_readyz_and_fails_when_it_is_not_ready(status, healthy):
    healthcheck = _instruction("HEALTHCHECK")
    command = shlex.split(healthcheck.split(" CMD ", 1)[1])
    assert command[:2] == ["python", "-c"]
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Probe)
    server.paths, server.status = [], status
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        result = subprocess.run(
            [sys.executable, "-c", command[2]],
            env={"PORT": str(server.server_address[1])},
            capture_output=True,
            timeout=30,
        )
    finally:
        server.shutdown()
        server.server_close()

    assert server.paths == ["/readyz"]
    assert (result.returncode == 0) is healthy


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_runs_the_whole_stack_after_a_one_shot_release(compose):
    services = compose["services"]

    assert {"postgres", "redis", "migrate", "web", "worker_io", "worker_cpu", "beat"} <= set(services)
    assert "migrate" in services["migrate"]["command"]
    assert services["migrate"]["restart"] == "no"
    for name in ("web", "worker_io", "worker_cpu", "beat"):
        assert services[name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
        assert services[name]["depends_on"]["postgres"] == {"condition": "service_healthy"}
        assert services[name]["environment"]["DEBUG"] == "0"
    assert "command" not in services["web"], "web runs the image's CMD (uvicorn)"
    assert _instruction("CMD").count("uvicorn fabrica.asgi:application") == 1
    for name in ("worker_io", "worker_cpu"):
        assert services[name]["command"].startswith("celery -A fabrica worker")
    assert services["beat"]["command"].startswith("celery -A fabrica beat")


def test_compose_healthchecks_and_a_single_beat(compose):
    services = compose["services"]

    for name in ("postgres", "redis", "worker_io", "worker_cpu"):
        assert services[name]["healthcheck"]["test"], name
    assert "healthcheck" not in services["web"], "web uses the image's /readyz HEALTHCHECK"
    assert services["beat"].get("deploy", {}).get("replicas", 1) == 1


def test_compose_shares_one_metrics_folder_between_web_and_workers(compose):
    services = compose["services"]

    for name in ("web", "worker_io", "worker_cpu", "migrate"):
        folder = services[name]["environment"]["PROMETHEUS_MULTIPROC_DIR"]
        assert f"metrics:{folder}" in services[name]["volumes"], name
    assert "/metrics" in services["migrate"]["command"], "the release empties the folder"


def _default(value: str) -> str:
    """The default of a compose ``${NAME:-default}`` value (the value itself when it has none)."""
    match = re.fullmatch(r"\$\{\w+:-(.*)\}", value)
    return match.group(1) if match else value


def test_compose_believes_forwarded_for_only_from_loopback_and_publishes_on_loopback(compose):
    web = compose["services"]["web"]

    assert _default(web["environment"]["FORWARDED_ALLOW_IPS"]) == "127.0.0.1"
    (published,) = web["ports"]
    host, _port, container_port = re.fullmatch(r"(\$\{.*?\}|[^:]*):(\$\{.*?\}|\d+):(\d+)", published).groups()
    assert (_default(host), container_port) == ("127.0.0.1", "8000")
    assert '--forwarded-allow-ips \\"${FORWARDED_ALLOW_IPS:-127.0.0.1}\\"' in _instruction(
        "CMD"
    )  # JSON-escaped


def test_compose_s3_storage_is_optional(compose):
    services = compose["services"]
    s3 = [name for name, service in services.items() if "s3" in service.get("profiles", [])]

    assert "minio" in s3
    assert not any(
        "minio" in str(services[name].get("depends_on", {})) for name in ("web", "worker_io", "worker_cpu")
    )


def test_the_procfile_has_web_first_two_workers_beat_and_a_release():
    processes = parse_procfile((ROOT / "Procfile").read_text()).processes

    names = list(processes)
    assert names[0] == "web", "honcho gives the -p port to the first process"
    assert "--workers ${WEB_CONCURRENCY:-2}" in processes["web"]
    assert "--port ${PORT" in processes["web"]
    workers = [cmd for cmd in processes.values() if cmd.startswith("celery -A fabrica worker")]
    assert len(workers) == 2
    assert len({re.search(r"-n (\S+)", cmd).group(1) for cmd in workers}) == 2, "distinct node names"
    assert sum(cmd.startswith("celery -A fabrica beat") for cmd in processes.values()) == 1
    assert processes["release"].startswith("python manage.py migrate --noinput")


def _queues(command: str) -> set[str]:
    return set(re.search(r"-Q (\S+)", command).group(1).split(","))


@pytest.mark.parametrize("source", ["Procfile", "docker-compose.yml"])
def test_every_queue_has_a_worker_and_provider_calls_run_on_threads(source, compose):
    from django.conf import settings

    if source == "Procfile":
        commands = parse_procfile((ROOT / "Procfile").read_text()).processes
    else:
        commands = {name: service.get("command", "") for name, service in compose["services"].items()}
    workers = {name: cmd for name, cmd in commands.items() if str(cmd).startswith("celery -A fabrica worker")}

    served = [queue for cmd in workers.values() for queue in _queues(cmd)]
    assert sorted(served) == sorted(settings.WORK_QUEUES), "each queue served by exactly one kind of worker"
    io = next(cmd for cmd in workers.values() if "pictures" in _queues(cmd))
    assert "--pool=threads" in io and "--concurrency=${IO_CONCURRENCY:-64}" in io
    cpu = next(cmd for cmd in workers.values() if "cpu" in _queues(cmd))
    assert "--pool" not in cpu, "CPU work runs on the default prefork pool"

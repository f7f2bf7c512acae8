"""The deployment files are valid: compose files parse in every combination, the one Dockerfile lints clean, and the
containers run exactly the commands `make run` runs (the Procfile)."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
from pathlib import Path
from typing import Any

import pytest

from shared.paths import REPO_ROOT

BIN = Path(os.environ.get("VIRTUAL_ENV", REPO_ROOT / ".venv")) / "bin"
SERVICES = ("gateway", "inference", "playlist", "feedback")
COMBINATIONS = [("docker-compose.yml",), ("docker-compose.yml", "docker-compose.cpu.yml")]
SECRETS = {
    "MINIO_ROOT_PASSWORD": "not-a-real-password",
    "INFERENCE_ADMIN_TOKEN": "not-a-real-token",
    "PRESSEDPLAY_SERVICE_TOKEN": "not-a-real-service-token",
}


def compose(files: tuple[str, ...], *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    argv = [str(BIN / "docker-compose"), *(f"--file={name}" for name in files), "config", *args]
    clean = {k: v for k, v in os.environ.items() if k not in SECRETS}
    return subprocess.run(argv, cwd=REPO_ROOT, capture_output=True, text=True, env={**clean, **(env or {})}, timeout=60)


def resolved(files: tuple[str, ...]) -> dict[str, Any]:
    result = compose(files, "--format=json", env=SECRETS)
    assert result.returncode == 0, result.stderr
    config: dict[str, Any] = json.loads(result.stdout)
    return config


def procfile() -> dict[str, list[str]]:
    lines = (REPO_ROOT / "Procfile").read_text().splitlines()
    return {name: shlex.split(command) for name, command in (line.split(":", 1) for line in lines if line.strip())}


@pytest.mark.parametrize("files", COMBINATIONS, ids="+".join)
def test_every_compose_combination_is_valid(files: tuple[str, ...]) -> None:
    result = compose(files, "-q", env=SECRETS)
    assert result.returncode == 0, result.stderr


def test_compose_refuses_to_start_without_the_required_secrets() -> None:
    result = compose(COMBINATIONS[0], "-q")
    assert result.returncode != 0
    assert "MINIO_ROOT_PASSWORD" in result.stderr
    assert "INFERENCE_ADMIN_TOKEN" in result.stderr


def test_every_service_shares_the_service_token_and_the_gateway_hides_its_ops_endpoints() -> None:
    services = resolved(COMBINATIONS[0])["services"]
    for name in ("gateway", "inference", "playlist", "feedback"):
        assert services[name]["environment"]["PRESSEDPLAY_SERVICE_TOKEN"] == SECRETS["PRESSEDPLAY_SERVICE_TOKEN"]
    assert services["gateway"]["environment"]["GATEWAY_ENVIRONMENT"] == "production"


def test_only_the_gateway_publishes_a_port() -> None:
    services = resolved(COMBINATIONS[0])["services"]
    published = {name for name, service in services.items() if service.get("ports")}
    assert published == {"gateway"}
    (port,) = services["gateway"]["ports"]
    assert (port["host_ip"], port["target"]) == ("127.0.0.1", 8000)


def test_inference_reserves_a_gpu_unless_the_cpu_override_is_used() -> None:
    gpu = resolved(COMBINATIONS[0])["services"]["inference"]
    (device,) = gpu["deploy"]["resources"]["reservations"]["devices"]
    assert "gpu" in device["capabilities"]
    cpu = resolved(COMBINATIONS[1])["services"]["inference"]
    assert "deploy" not in cpu
    assert cpu["environment"]["INFERENCE_DEVICE"] == "cpu"


def test_services_wait_for_healthy_dependencies() -> None:
    services = resolved(COMBINATIONS[0])["services"]
    for name in (*SERVICES, "redis", "dynamodb", "minio"):
        assert services[name].get("healthcheck", {}).get("test"), f"{name} has no healthcheck"
    gateway_needs = services["gateway"]["depends_on"]
    assert {gateway_needs[name]["condition"] for name in ("inference", "playlist", "feedback", "redis")} == {
        "service_healthy"
    }
    assert services["feedback"]["depends_on"]["dynamodb"]["condition"] == "service_healthy"


def test_containers_run_the_same_commands_as_make_run() -> None:
    services = resolved(COMBINATIONS[0])["services"]
    assert {name: services[name]["command"] for name in SERVICES} == procfile()


def test_the_dockerfile_lints_clean_and_runs_as_a_non_root_user() -> None:
    dockerfile = REPO_ROOT / "Dockerfile"
    result = subprocess.run(
        [str(BIN / "hadolint"), "--failure-threshold=info", str(dockerfile)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    text = dockerfile.read_text()
    assert text.count("FROM python:3.11-slim") == 2  # multi-stage: build, then a slim runtime
    assert "COPY services/${SERVICE}/requirements.txt" in text  # each image installs only its service's needs
    final_stage = text.rsplit("FROM ", 1)[1]
    assert "\nUSER 10001" in final_stage
    assert "HEALTHCHECK" in final_stage
    assert 'CMD ["sh", "-c", "exec python -m \\"services.${SERVICE}\\""]' in final_stage


def test_every_service_is_built_from_the_one_dockerfile_with_its_name_and_port() -> None:
    services = resolved(COMBINATIONS[0])["services"]
    ports = dict(zip(SERVICES, ("8000", "8001", "8002", "8003"), strict=True))
    for name in SERVICES:
        build = services[name]["build"]
        assert build.get("dockerfile", "Dockerfile") == "Dockerfile"
        assert build["args"] == {"SERVICE": name, "PORT": ports[name]}
        assert (REPO_ROOT / "services" / name / "requirements.txt").is_file()


def test_long_running_containers_restart_and_redis_persists_to_a_volume_with_a_memory_cap() -> None:
    """Issue 14, findings 1 and 2 in Compose: restart policies, an append-only file on a volume, maxmemory."""
    services = resolved(COMBINATIONS[0])["services"]
    for name in (*SERVICES, "redis", "dynamodb", "minio"):
        assert services[name].get("restart") == "unless-stopped", name
    redis = services["redis"]
    command = " ".join(redis["command"])
    assert "--appendonly yes" in command
    assert "--maxmemory-policy volatile-ttl" in command and "--maxmemory 512mb" in command
    assert any(volume["target"] == "/data" and volume["type"] == "volume" for volume in redis["volumes"])

"""The deployment files are valid: compose files parse in every combination, the one Dockerfile lints clean, the
containers run exactly the commands `make run` runs (the Procfile), and every service container's environment is
read by its Settings (tests/deploy/settings_env.py: the same check the Kubernetes manifests get)."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
from pathlib import Path
from typing import Any

import pytest

from shared.paths import REPO_ROOT
from tests.deploy.settings_env import env_problems

BIN = Path(os.environ.get("VIRTUAL_ENV", REPO_ROOT / ".venv")) / "bin"
SERVICES = ("gateway", "inference", "playlist", "feedback")
COMBINATIONS = [
    ("docker-compose.yml",),
    ("docker-compose.yml", "docker-compose.cpu.yml"),
    ("docker-compose.yml", "docker-compose.cpu.yml", "docker-compose.local.yml"),
]
SECRETS = {
    "MINIO_ROOT_PASSWORD": "not-a-real-password",
    "INFERENCE_ADMIN_TOKEN": "not-a-real-token",
    "FEEDBACK_ADMIN_TOKEN": "not-a-real-token-either",
    "PRESSEDPLAY_SERVICE_TOKEN": "not-a-real-service-token",
}


def compose(
    files: tuple[str, ...], *args: str, env: dict[str, str] | None = None, command: str = "config"
) -> subprocess.CompletedProcess[str]:
    argv = [str(BIN / "docker-compose"), *(f"--file={name}" for name in files), command, *args]
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
    # `up` stops on the same check before it builds, creates or contacts anything (an engine is not even needed).
    partial = {key: value for key, value in SECRETS.items() if key != "PRESSEDPLAY_SERVICE_TOKEN"}
    up = compose(COMBINATIONS[1], "--no-build", command="up", env={**partial, "DOCKER_HOST": "unix:///nonexistent"})
    assert up.returncode != 0
    assert "required variable PRESSEDPLAY_SERVICE_TOKEN is missing a value" in up.stderr


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
    assert "gpu" in device["capabilities"] and gpu["build"]["target"] == "inference-gpu"
    cpu = resolved(COMBINATIONS[1])["services"]["inference"]
    assert "deploy" not in cpu
    assert cpu["environment"]["INFERENCE_DEVICE"] == "cpu"
    assert cpu["build"]["target"] == "service"  # the torch-free image


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
    assert "ARG BASE_IMAGE=python:3.11-slim" in text  # the public base unless a stand-in is named
    stages = {line.split(" AS ")[1]: line for line in text.splitlines() if line.startswith("FROM ")}
    assert set(stages) == {"build", "runtime", "service", "build-gpu", "inference-gpu", "model-pack"}
    # A builder without BuildKit builds every stage up to its target: the CPU images come before any PyTorch.
    assert list(stages).index("service") < list(stages).index("build-gpu")
    assert "COPY services/${SERVICE}/requirements*.txt" in text  # each image installs only its service's needs
    runtime = text.split("AS runtime\n", 1)[1].split("\nFROM ", 1)[0]
    assert "\nUSER 10001" in runtime and "HEALTHCHECK" in runtime
    assert 'CMD ["sh", "-c", "exec python -m \\"services.${SERVICE}\\""]' in runtime
    for name in SERVICES:  # CPU images without PyTorch; only inference-gpu (requirements-gpu.txt) has it
        lines = (REPO_ROOT / "services" / name / "requirements.txt").read_text().splitlines()
        assert not {"torch", "torchvision", "sentence-transformers"} & {line.strip() for line in lines}, name


def test_every_service_is_built_from_the_one_dockerfile_with_its_name_and_port() -> None:
    services = resolved(COMBINATIONS[1])["services"]
    ports = dict(zip(SERVICES, ("8000", "8001", "8002", "8003"), strict=True))
    for name in SERVICES:
        build = services[name]["build"]
        assert build.get("dockerfile", "Dockerfile") == "Dockerfile" and build["target"] == "service"
        assert build["args"] == {"SERVICE": name, "PORT": ports[name]}
        assert (REPO_ROOT / "services" / name / "requirements.txt").is_file()
        assert services[name]["read_only"] is True and services[name]["tmpfs"] == ["/tmp"]


def test_the_local_override_swaps_base_images_by_build_argument_and_never_takes_an_upstream_name() -> None:
    upstream, local = resolved(COMBINATIONS[1])["services"], resolved(COMBINATIONS[2])["services"]
    for name, service in local.items():
        if "build" in service:
            assert service["build"]["args"]["BASE_IMAGE"] == "pressedplay-local/python:3.11", name
            assert "BASE_IMAGE" not in upstream[name]["build"]["args"], name
        else:
            assert service["image"].startswith("pressedplay-local/"), name
            assert not upstream[name]["image"].startswith("pressedplay-local/"), name


@pytest.mark.parametrize("files", COMBINATIONS, ids="+".join)
def test_every_service_container_environment_matches_its_settings(files: tuple[str, ...]) -> None:
    services = resolved(files)["services"]
    problems = [p for name in SERVICES for p in env_problems(name, services[name]["environment"])]
    assert not problems, "\n".join(problems)


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

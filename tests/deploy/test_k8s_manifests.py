"""The Kubernetes manifests (deploy/k8s): every overlay renders and validates against the Kubernetes API schemas
offline (kubernetes-validate ships them), and holds what docs/deploy.md promises: probes, requests and limits, a
locked-down securityContext, autoscalers, disruption budgets, network policies, secrets referenced never written,
managed stores in production and in-cluster ones only in dev, GPUs asked for only by the gpu overlay. Run by
`make check`, no cluster needed."""

from __future__ import annotations

from typing import Any

import kubernetes_validate
import pytest

from tests.deploy.manifests import K8S, OVERLAYS, containers, render, service_envs
from tests.deploy.settings_env import SERVICES, env_problems

KUBERNETES_VERSION = "1.33.0"


@pytest.fixture(scope="module", params=OVERLAYS)
def overlay(request: pytest.FixtureRequest) -> tuple[str, list[dict[str, Any]]]:
    return request.param, render(K8S / "overlays" / request.param)


def by_kind(resources: list[dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    return {r["metadata"]["name"]: r for r in resources if r["kind"] == kind}


def test_every_overlay_validates_against_the_kubernetes_schemas(overlay: tuple[str, list[dict[str, Any]]]) -> None:
    _, resources = overlay
    for resource in resources:
        kubernetes_validate.validate(resource, KUBERNETES_VERSION, strict=True)


def test_an_invalid_manifest_is_caught_by_the_validation() -> None:
    deployment = next(r for r in render(K8S / "overlays" / "cpu") if r["kind"] == "Deployment")
    deployment["spec"]["template"]["spec"]["containers"][0]["readinessProbes"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, KUBERNETES_VERSION, strict=True)


def test_every_container_is_probed_limited_and_locked_down(overlay: tuple[str, list[dict[str, Any]]]) -> None:
    name, resources = overlay
    for workload, container in containers(resources):
        where = f"{name}: {workload['metadata']['name']}/{container['name']}"
        pod = workload["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True, where
        assert pod.get("automountServiceAccountToken") is False, where
        security = container["securityContext"]
        assert security["allowPrivilegeEscalation"] is False and security["capabilities"]["drop"] == ["ALL"], where
        assert {"requests", "limits"} <= set(container["resources"]), where
        if container["name"] in SERVICES:
            assert security["readOnlyRootFilesystem"] is True, where
            assert container["readinessProbe"]["httpGet"]["path"] == "/readyz", where
            assert container["livenessProbe"]["httpGet"]["path"] == "/healthz", where


def test_gateway_and_inference_autoscale_and_every_service_has_a_disruption_budget(
    overlay: tuple[str, list[dict[str, Any]]],
) -> None:
    _, resources = overlay
    assert set(by_kind(resources, "HorizontalPodAutoscaler")) == {"gateway", "inference"}
    assert set(SERVICES) <= set(by_kind(resources, "PodDisruptionBudget"))


def test_only_the_gateway_takes_traffic_from_outside(overlay: tuple[str, list[dict[str, Any]]]) -> None:
    _, resources = overlay
    policies = by_kind(resources, "NetworkPolicy")
    deny = policies["default-deny-ingress"]["spec"]
    assert deny["podSelector"] == {} and deny["policyTypes"] == ["Ingress"] and not deny.get("ingress")
    internal = policies["internal-from-gateway"]["spec"]
    assert internal["podSelector"]["matchExpressions"][0]["values"] == ["inference", "playlist", "feedback"]
    (rule,) = internal["ingress"]
    (source,) = rule["from"]
    assert source["podSelector"]["matchLabels"]["app.kubernetes.io/name"] == "gateway"  # + the part-of label
    (ingress,) = by_kind(resources, "Ingress").values()
    backends = {p["backend"]["service"]["name"] for r in ingress["spec"]["rules"] for p in r["http"]["paths"]}
    assert backends == {"gateway"}


def test_secrets_are_referenced_and_never_written(overlay: tuple[str, list[dict[str, Any]]]) -> None:
    _, resources = overlay
    assert not by_kind(resources, "Secret")
    for _, container in containers(resources):
        for entry in container.get("env", []):
            if any(word in entry["name"] for word in ("TOKEN", "PASSWORD", "SECRET", "KEY")):
                assert "valueFrom" in entry or entry["value"] == "local", entry  # "local": DynamoDB Local's


def test_the_feedback_outbox_lives_on_a_volume_that_follows_its_pod(overlay: tuple[str, list[dict[str, Any]]]) -> None:
    _, resources = overlay
    feedback = by_kind(resources, "StatefulSet")["feedback"]
    (claim,) = feedback["spec"]["volumeClaimTemplates"]
    (container,) = feedback["spec"]["template"]["spec"]["containers"]
    mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
    outbox = next(e["value"] for e in container["env"] if e["name"] == "FEEDBACK_OUTBOX_PATH")
    assert outbox.startswith(mounts[claim["metadata"]["name"]] + "/")


def test_production_uses_managed_stores_and_dev_the_in_cluster_ones(overlay: tuple[str, list[dict[str, Any]]]) -> None:
    name, resources = overlay
    envs = service_envs(resources)
    in_cluster = {"redis", "dynamodb", "s3"} & set(by_kind(resources, "Deployment"))
    if name == "dev":
        assert in_cluster == {"redis", "dynamodb", "s3"}
        assert envs["feedback"]["FEEDBACK_DYNAMODB_ENDPOINT_URL"] == "http://dynamodb:8000"
        assert envs["gateway"]["GATEWAY_REDIS_URL"].startswith("redis://redis:")
    else:
        assert not in_cluster
        assert "FEEDBACK_DYNAMODB_ENDPOINT_URL" not in envs["feedback"]  # AWS's DynamoDB
        assert not {"AWS_ACCESS_KEY_ID", "AWS_ENDPOINT_URL_S3"} & set(envs["inference"])  # the pod's identity


def test_only_the_gpu_overlay_asks_for_a_gpu_and_the_nodes_that_have_one(
    overlay: tuple[str, list[dict[str, Any]]],
) -> None:
    name, resources = overlay
    inference = by_kind(resources, "Deployment")["inference"]["spec"]["template"]["spec"]
    (container,) = inference["containers"]
    gpus = container["resources"]["limits"].get("nvidia.com/gpu")
    if name == "gpu":
        assert gpus == 1 and inference["nodeSelector"] and inference["tolerations"][0]["key"] == "nvidia.com/gpu"
        assert container["image"].split(":")[0].endswith("inference-gpu")
    else:
        assert gpus is None and "nodeSelector" not in inference


def test_every_service_container_environment_matches_its_settings(overlay: tuple[str, list[dict[str, Any]]]) -> None:
    _, resources = overlay
    envs = service_envs(resources)
    assert set(envs) == set(SERVICES)
    problems = [problem for service, env in envs.items() for problem in env_problems(service, env)]
    assert not problems, "\n".join(problems)


def test_the_settings_check_fails_a_manifest_missing_a_required_setting_or_naming_an_unknown_one() -> None:
    inference = service_envs(render(K8S / "overlays" / "cpu"))["inference"]
    assert env_problems("inference", inference) == []
    missing = {k: v for k, v in inference.items() if k != "INFERENCE_ADMIN_TOKEN"}
    (problem,) = env_problems("inference", missing)
    assert "INFERENCE_ADMIN_TOKEN" in problem
    misspelt = {**inference, "INFERENCE_MODEL_URL": "s3://x/y.pt"}
    assert env_problems("inference", misspelt) == [
        "inference: INFERENCE_MODEL_URL is read by no setting of the service"
    ]

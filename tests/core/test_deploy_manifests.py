"""The Kubernetes manifests under deploy/kubernetes are valid resources (schemas bundled with
kubernetes-validate, so the check runs offline) and keep the shape the README describes."""

from pathlib import Path

import pytest
import yaml

kubernetes_validate = pytest.importorskip(
    "kubernetes_validate", reason="kubernetes-validate is a dev dependency"
)

MANIFESTS = sorted((Path(__file__).resolve().parents[2] / "deploy" / "kubernetes").glob("*.yaml"))


def _resources():
    for path in MANIFESTS:
        for resource in yaml.safe_load_all(path.read_text()):
            if resource:
                yield path.name, resource


@pytest.mark.parametrize(
    ("name", "resource"), list(_resources()), ids=lambda v: v if isinstance(v, str) else v["kind"]
)
def test_every_manifest_is_a_valid_kubernetes_resource(name, resource):
    kubernetes_validate.validate(resource, kubernetes_validate.latest_version(), strict=True)


def test_web_nodes_are_probed_on_readyz_and_healthz_and_one_beat_runs():
    by_name = {r["metadata"]["name"]: r for _, r in _resources() if r["kind"] == "Deployment"}
    web = by_name["civic-web"]["spec"]["template"]["spec"]["containers"][0]
    assert web["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert web["livenessProbe"]["httpGet"]["path"] == "/healthz"
    beat = by_name["civic-beat"]["spec"]
    assert beat["replicas"] == 1 and beat["strategy"]["type"] == "Recreate"
    queues = {
        name: d["spec"]["template"]["spec"]["containers"][0]["command"]
        for name, d in by_name.items()
        if name.startswith("civic-worker")
    }
    assert queues["civic-worker-mail"][queues["civic-worker-mail"].index("-Q") + 1] == "mail"
    assert queues["civic-worker"][queues["civic-worker"].index("-Q") + 1] == "default,bulk"

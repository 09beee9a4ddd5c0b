"""Helm chart: lint, render, Kubernetes schemas, checkov and the chart's own rules.

Every check runs the real helm binary (scripts/install-helm puts one in .tools/bin),
kubernetes-validate's bundled schemas and checkov, all offline.
"""

import itertools
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from .rendering import TEMPLATE_ROOT, render, run

FACTORS = ("api_first", "telemetry", "auth")
CLOUD_TARGETS = ("kubernetes", "aws", "gcp", "azure")
SECRET_BACKENDS = ("env", "kubernetes", "aws", "gcp", "azure", "vault")
CLOUD_BACKENDS = {"aws", "gcp", "azure"}

# Kubernetes release whose API schemas every rendered object must satisfy; the helm
# binary comes from the kubectl 1.33 Lambda layer, so both match one release.
KUBERNETES_VERSION = "1.33.0"
CHECKOV = "checkov==3.3.30"
# Prometheus Operator kinds, which kubernetes-validate has no schema for; the tests
# below check their fields instead.
OPERATOR_KINDS = {"ServiceMonitor", "PrometheusRule"}
MONITORING_API = "monitoring.coreos.com/v1"
NAMESPACE = "services"
SLUG = "my-service"
PREFIX = "MY_SERVICE_"

# Values files rendered for each chart: the defaults and every file under ci/.
VALUES_FILES = ("default", "production", "single-replica")

# Answer sets of the focused tests below; the rest keep the defaults.
DEFAULT_ANSWERS: dict[str, Any] = {"cloud_target": "kubernetes"}
TELEMETRY_ANSWERS: dict[str, Any] = {"factors": ["telemetry"]}
NO_FACTOR_ANSWERS: dict[str, Any] = {"factors": []}

# Variables that carry long-lived cloud keys; workload identity makes them unnecessary.
STATIC_CREDENTIAL_NAMES = (
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "GOOGLE_APPLICATION_CREDENTIALS",
    "AZURE_CLIENT_SECRET",
)

WORKLOAD_IDENTITY_ANNOTATIONS = {
    "aws": "eks.amazonaws.com/role-arn",
    "gcp": "iam.gke.io/gcp-service-account",
    "azure": "azure.workload.identity/client-id",
}


def valid_pair(secret_backend: str, cloud_target: str) -> bool:
    return secret_backend not in CLOUD_BACKENDS or cloud_target in (
        secret_backend,
        "kubernetes",
    )


def chart_answer_sets() -> Iterator[dict[str, Any]]:
    """Yield every cloud target with every factor set and, with auth, every backend.

    Example API and versioning answers do not reach the chart, so they keep defaults.
    """
    for target in CLOUD_TARGETS:
        for size in range(len(FACTORS) + 1):
            for factors in itertools.combinations(FACTORS, size):
                backends = SECRET_BACKENDS if "auth" in factors else (None,)
                for backend in backends:
                    if backend is not None and not valid_pair(backend, target):
                        continue
                    answers: dict[str, Any] = {
                        "factors": list(factors),
                        "cloud_target": target,
                    }
                    if backend is not None:
                        answers["secret_backend"] = backend
                    yield answers


def chart_variants(target: str) -> Iterator[dict[str, Any]]:
    """Yield one answer set per distinct chart of a cloud target.

    Only telemetry and the secret backend change the chart beyond the target.
    """
    for telemetry in (False, True):
        factors = ["telemetry"] if telemetry else []
        yield {"factors": factors, "cloud_target": target}
        for backend in SECRET_BACKENDS:
            if valid_pair(backend, target):
                yield {
                    "factors": [*factors, "auth"],
                    "cloud_target": target,
                    "secret_backend": backend,
                }


def answer_id(answers: dict[str, Any]) -> str:
    parts = [answers["cloud_target"], "+".join(answers["factors"]) or "no-factors"]
    if "secret_backend" in answers:
        parts.append(answers["secret_backend"])
    return "-".join(parts)


CHART_ANSWER_SETS = list(chart_answer_sets())
# Renders a service from answers and returns the path of its chart.
ChartOf = Callable[[dict[str, Any]], Path]


def helm() -> str:
    path = shutil.which("helm")
    if path is None:
        pytest.fail(
            "helm is not on PATH: run scripts/install-helm, which installs it into "
            ".tools/bin, and put .tools/bin on PATH (scripts/test does both)"
        )
    return path


def uv_command() -> list[str]:
    on_path = shutil.which("uv")
    return [on_path] if on_path else [sys.executable, "-m", "uv"]


def values_arguments(chart: Path, values: str) -> list[str]:
    if values == "default":
        return []
    return ["--values", str(chart / "ci" / f"{values}-values.yaml")]


def helm_template(
    chart: Path,
    *arguments: str,
    release: str = "release",
    api_versions: tuple[str, ...] = (),
) -> list[dict[str, Any]]:
    """Render the chart with helm and return its objects, tests included."""
    command = [
        helm(),
        "template",
        release,
        str(chart),
        "--namespace",
        NAMESPACE,
        "--kube-version",
        KUBERNETES_VERSION,
        *itertools.chain.from_iterable(("--api-versions", v) for v in api_versions),
        *arguments,
    ]
    output = run(command, cwd=chart).stdout
    return [document for document in yaml.safe_load_all(output) if document]


def objects_of_kind(objects: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [item for item in objects if item["kind"] == kind]


def is_test_hook(item: dict[str, Any]) -> bool:
    annotations = item["metadata"].get("annotations", {})
    return annotations.get("helm.sh/hook") == "test"


def one_object(
    objects: list[dict[str, Any]], kind: str, test_hook: bool = False
) -> dict[str, Any]:
    """Return the one object of a kind, among the release's or `helm test`'s objects."""
    found = [
        item
        for item in objects_of_kind(objects, kind)
        if is_test_hook(item) == test_hook
    ]
    assert len(found) == 1, f"expected one {kind}, found {len(found)}"
    return found[0]


def service_container(objects: list[dict[str, Any]]) -> dict[str, Any]:
    deployment = one_object(objects, "Deployment")
    return deployment["spec"]["template"]["spec"]["containers"][0]


def schema_errors(objects: list[dict[str, Any]]) -> list[str]:
    """Validate each object against the pinned Kubernetes release's strict schemas."""
    errors = []
    for item in objects:
        if item["kind"] in OPERATOR_KINDS:
            continue
        name = f"{item['kind']}/{item['metadata']['name']}"
        try:
            kubernetes_validate.validate(item, KUBERNETES_VERSION, strict=True)
        except kubernetes_validate.ValidationError as error:
            path = ".".join(str(part) for part in error.path)
            errors.append(f"{name}: {path}: {error.message}")
        except kubernetes_validate.SchemaNotFoundError as error:
            errors.append(f"{name}: {error.message}")
    return errors


@pytest.fixture(scope="module")
def chart_of(template_copy: Path, tmp_path_factory: pytest.TempPathFactory) -> ChartOf:
    """Return a function that renders a service and returns its chart, cached."""
    charts: dict[str, Path] = {}

    def render_chart(answers: dict[str, Any]) -> Path:
        key = json.dumps(answers, sort_keys=True)
        if key not in charts:
            destination = tmp_path_factory.mktemp("chart") / SLUG
            charts[key] = render(template_copy, destination, answers) / "chart"
        return charts[key]

    return render_chart


@pytest.mark.parametrize(
    "answers", CHART_ANSWER_SETS, ids=[answer_id(a) for a in CHART_ANSWER_SETS]
)
def test_chart_lints_renders_and_validates(
    template_copy: Path, tmp_path: Path, answers: dict[str, Any]
) -> None:
    chart = render(template_copy, tmp_path / SLUG, answers) / "chart"
    assert sorted(path.name for path in (chart / "ci").iterdir()) == [
        f"{name}-values.yaml" for name in VALUES_FILES if name != "default"
    ]

    for values in VALUES_FILES:
        arguments = values_arguments(chart, values)
        run(
            [
                helm(),
                "lint",
                "--strict",
                "--kube-version",
                KUBERNETES_VERSION,
                *arguments,
                str(chart),
            ],
            cwd=chart,
        )
        # Without the Prometheus Operator's API the chart must still render; with it,
        # it renders the same objects plus the operator's, so only that is validated.
        helm_template(chart, *arguments)
        objects = helm_template(chart, *arguments, api_versions=(MONITORING_API,))
        errors = schema_errors(objects)
        assert not errors, f"{values} values:\n" + "\n".join(errors)


@pytest.mark.parametrize("target", CLOUD_TARGETS)
def test_checkov_passes_every_chart_of_target(
    chart_of: ChartOf, tmp_path: Path, target: str
) -> None:
    manifests = tmp_path / "manifests"
    for index, answers in enumerate(chart_variants(target)):
        chart = chart_of(answers)
        for values in VALUES_FILES:
            # A release per values file keeps checkov's graph checks, which match
            # NetworkPolicies to pods by label, from pairing objects across renders.
            release = f"v{index}-{values}"
            objects = helm_template(
                chart,
                *values_arguments(chart, values),
                release=release,
                api_versions=(MONITORING_API,),
            )
            folder = manifests / answer_id(answers) / values
            folder.mkdir(parents=True)
            for number, item in enumerate(objects):
                path = folder / f"{number:02d}-{item['kind'].lower()}.yaml"
                path.write_text(yaml.safe_dump(item))
    # Every render ships the same checkov settings, with the skip list and its reasons.
    config = chart_of(next(chart_variants(target))) / ".checkov.yaml"

    result = subprocess.run(
        [
            *uv_command(),
            "tool",
            "run",
            "--python",
            sys.executable,
            "--from",
            CHECKOV,
            "checkov",
            "--config-file",
            str(config),
            "--directory",
            str(manifests),
            "--output",
            "json",
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "UV_PYTHON_DOWNLOADS": "never"},
        timeout=900,
        check=False,
    )
    assert result.stdout.startswith(("{", "[")), f"checkov failed:\n{result.stderr}"
    report = json.loads(result.stdout)
    summary = report["summary"]
    failed = [
        f"{check['check_id']} {check['resource']} in {check['file_path']}"
        for check in report["results"]["failed_checks"]
    ]
    assert summary["passed"] > 0, f"checkov checked nothing:\n{result.stderr}"
    assert not failed, "checkov failed checks:\n" + "\n".join(failed)
    assert summary["parsing_errors"] == 0, result.stdout


@pytest.fixture(scope="module")
def default_chart(chart_of: ChartOf) -> Path:
    return chart_of(DEFAULT_ANSWERS)


@pytest.fixture(scope="module")
def default_objects(default_chart: Path) -> list[dict[str, Any]]:
    return helm_template(default_chart)


@pytest.mark.parametrize(
    "key",
    [
        "replicaCount",
        "service.port",
        "autoscaling.maxReplicas",
        "shutdown.drainSeconds",
    ],
)
def test_values_schema_rejects_string_number(default_chart: Path, key: str) -> None:
    result = subprocess.run(
        [helm(), "template", "release", str(default_chart), f"--set-string={key}=3"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "/" + key.replace(".", "/") in result.stderr
    assert "want integer" in result.stderr


def test_values_schema_rejects_unknown_key(default_chart: Path) -> None:
    result = subprocess.run(
        [helm(), "template", "release", str(default_chart), "--set=replicas=3"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "replicas" in result.stderr


def test_one_replica_renders_no_pdb(default_chart: Path) -> None:
    objects = helm_template(default_chart, "--set=replicaCount=1")
    assert objects_of_kind(objects, "PodDisruptionBudget") == []


def test_one_min_replica_autoscaled_renders_no_pdb(default_chart: Path) -> None:
    objects = helm_template(
        default_chart, "--set=autoscaling.enabled=true,autoscaling.minReplicas=1"
    )
    assert objects_of_kind(objects, "PodDisruptionBudget") == []


def test_three_replicas_pdb_allows_one_eviction(default_chart: Path) -> None:
    objects = helm_template(default_chart, "--set=replicaCount=3")
    budget = one_object(objects, "PodDisruptionBudget")["spec"]
    assert budget["maxUnavailable"] == 1
    assert "minAvailable" not in budget
    assert budget["selector"]["matchLabels"] == {
        "app.kubernetes.io/name": SLUG,
        "app.kubernetes.io/instance": "release",
    }


def test_autoscaling_replaces_replica_count(default_chart: Path) -> None:
    objects = helm_template(default_chart, "--set=autoscaling.enabled=true")
    autoscaler = one_object(objects, "HorizontalPodAutoscaler")
    assert autoscaler["apiVersion"] == "autoscaling/v2"
    assert autoscaler["spec"]["metrics"][0]["resource"]["name"] == "cpu"
    assert "replicas" not in one_object(objects, "Deployment")["spec"]


def test_container_requests_cpu(default_objects: list[dict[str, Any]]) -> None:
    assert service_container(default_objects)["resources"]["requests"]["cpu"]


@pytest.mark.parametrize(
    ("probe", "path"),
    [
        ("startupProbe", "/health/live"),
        ("livenessProbe", "/health/live"),
        ("readinessProbe", "/health/ready"),
    ],
)
def test_probe_checks_endpoint(
    default_objects: list[dict[str, Any]], probe: str, path: str
) -> None:
    request = service_container(default_objects)[probe]["httpGet"]
    assert request == {"path": path, "port": "http"}


def test_container_port_is_named_http(default_objects: list[dict[str, Any]]) -> None:
    ports = service_container(default_objects)["ports"]
    assert ports == [{"name": "http", "containerPort": 8000, "protocol": "TCP"}]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        (f"{PREFIX}HOST", "0.0.0.0"),
        (f"{PREFIX}ENVIRONMENT", "production"),
        (f"{PREFIX}PORT", "8000"),
        (f"{PREFIX}SHUTDOWN_DRAIN_SECONDS", "5"),
        (f"{PREFIX}SHUTDOWN_TIMEOUT_SECONDS", "20"),
    ],
)
def test_container_sets_variable(
    default_objects: list[dict[str, Any]], name: str, value: str
) -> None:
    variables = {
        item["name"]: item["value"]
        for item in service_container(default_objects)["env"]
    }
    assert variables[name] == value


def test_env_values_reach_container(default_chart: Path) -> None:
    objects = helm_template(
        default_chart, "--set=env.OTEL_EXPORTER_OTLP_ENDPOINT=http://collector:4318"
    )
    assert {
        "name": "OTEL_EXPORTER_OTLP_ENDPOINT",
        "value": "http://collector:4318",
    } in service_container(objects)["env"]


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("allowPrivilegeEscalation", False),
        ("readOnlyRootFilesystem", True),
        ("runAsNonRoot", True),
        ("runAsUser", 10001),
        ("capabilities", {"drop": ["ALL"]}),
        ("seccompProfile", {"type": "RuntimeDefault"}),
    ],
)
def test_container_security_context(
    default_objects: list[dict[str, Any]], key: str, expected: object
) -> None:
    assert service_container(default_objects)["securityContext"][key] == expected


def test_pod_security_context(default_objects: list[dict[str, Any]]) -> None:
    pod = one_object(default_objects, "Deployment")["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    assert pod["automountServiceAccountToken"] is False


def test_tmp_is_writable_empty_dir(default_objects: list[dict[str, Any]]) -> None:
    pod = one_object(default_objects, "Deployment")["spec"]["template"]["spec"]
    mounts = {
        m["mountPath"]: m["name"]
        for m in service_container(default_objects)["volumeMounts"]
    }
    volumes = {volume["name"]: volume for volume in pod["volumes"]}
    assert "emptyDir" in volumes[mounts["/tmp"]]


def test_grace_period_covers_drain_and_shutdown(default_chart: Path) -> None:
    objects = helm_template(
        default_chart,
        "--set=shutdown.preStopSeconds=7,shutdown.drainSeconds=11,shutdown.timeoutSeconds=29",
    )
    pod = one_object(objects, "Deployment")["spec"]["template"]["spec"]
    assert pod["terminationGracePeriodSeconds"] > 7 + 11 + 29
    assert service_container(objects)["lifecycle"]["preStop"]["exec"]["command"] == [
        "sleep",
        "7",
    ]


def test_network_policy_admits_only_http(default_objects: list[dict[str, Any]]) -> None:
    policy = one_object(default_objects, "NetworkPolicy")["spec"]
    assert policy["ingress"] == [{"ports": [{"port": "http", "protocol": "TCP"}]}]


def test_test_pod_admits_no_traffic(default_objects: list[dict[str, Any]]) -> None:
    policy = one_object(default_objects, "NetworkPolicy", test_hook=True)["spec"]
    pod = one_object(default_objects, "Pod", test_hook=True)
    assert (
        policy["podSelector"]["matchLabels"].items()
        <= pod["metadata"]["labels"].items()
    )
    assert policy["policyTypes"] == ["Ingress"]
    assert "ingress" not in policy


def test_ingress_is_optional(default_chart: Path) -> None:
    assert objects_of_kind(helm_template(default_chart), "Ingress") == []
    objects = helm_template(
        default_chart, *values_arguments(default_chart, "production")
    )
    rules = one_object(objects, "Ingress")["spec"]["rules"]
    backend = rules[0]["http"]["paths"][0]["backend"]["service"]
    assert backend == {"name": f"release-{SLUG}", "port": {"name": "http"}}


def test_helm_test_pod_requests_readiness(
    default_objects: list[dict[str, Any]],
) -> None:
    pod = one_object(default_objects, "Pod", test_hook=True)
    container = pod["spec"]["containers"][0]
    assert container["args"] == [f"http://release-{SLUG}:80/health/ready"]
    assert container["securityContext"]["readOnlyRootFilesystem"] is True


def test_service_does_not_select_test_pod(
    default_objects: list[dict[str, Any]],
) -> None:
    selector = one_object(default_objects, "Service")["spec"]["selector"]
    pod = one_object(default_objects, "Pod", test_hook=True)
    labels = pod["metadata"]["labels"]
    assert not selector.items() <= labels.items()


@pytest.mark.parametrize("target", ["aws", "gcp", "azure"])
def test_service_account_carries_workload_identity(
    chart_of: ChartOf, target: str
) -> None:
    chart = chart_of({"cloud_target": target, "secret_backend": target})
    objects = helm_template(chart, *values_arguments(chart, "production"))
    annotations = one_object(objects, "ServiceAccount")["metadata"]["annotations"]
    assert annotations[WORKLOAD_IDENTITY_ANNOTATIONS[target]]


@pytest.mark.parametrize("target", CLOUD_TARGETS)
def test_chart_holds_no_static_credential(chart_of: ChartOf, target: str) -> None:
    backend = target if target != "kubernetes" else "vault"
    chart = chart_of({"cloud_target": target, "secret_backend": backend})
    objects = helm_template(chart, *values_arguments(chart, "production"))
    text = yaml.safe_dump_all(objects)
    for name in STATIC_CREDENTIAL_NAMES:
        assert name not in text, f"{name} appears in the rendered chart"
    assert objects_of_kind(objects, "Secret") == []


@pytest.mark.parametrize("target", ["aws", "gcp", "azure"])
def test_workload_identity_absent_until_set(chart_of: ChartOf, target: str) -> None:
    objects = helm_template(
        chart_of({"cloud_target": target, "secret_backend": target})
    )
    metadata = one_object(objects, "ServiceAccount")["metadata"]
    assert WORKLOAD_IDENTITY_ANNOTATIONS[target] not in metadata.get("annotations", {})


def test_azure_pods_use_workload_identity(chart_of: ChartOf) -> None:
    objects = helm_template(chart_of({"cloud_target": "azure"}))
    labels = one_object(objects, "Deployment")["spec"]["template"]["metadata"]["labels"]
    assert labels["azure.workload.identity/use"] == "true"


def test_kubernetes_target_has_no_cloud_identity(
    default_chart: Path, default_objects: list[dict[str, Any]]
) -> None:
    values = yaml.safe_load((default_chart / "values.yaml").read_text())
    metadata = one_object(default_objects, "ServiceAccount")["metadata"]
    assert "workloadIdentity" not in values["serviceAccount"]
    assert "annotations" not in metadata


def test_kubernetes_secret_is_mounted(default_objects: list[dict[str, Any]]) -> None:
    pod = one_object(default_objects, "Deployment")["spec"]["template"]["spec"]
    volumes = {volume["name"]: volume for volume in pod["volumes"]}
    mount = next(
        m
        for m in service_container(default_objects)["volumeMounts"]
        if m["mountPath"] == f"/var/run/secrets/{SLUG}"
    )
    assert mount["readOnly"] is True
    assert volumes[mount["name"]]["secret"]["secretName"] == f"{SLUG}-secrets"


def test_vault_gets_projected_token(chart_of: ChartOf) -> None:
    objects = helm_template(chart_of({"secret_backend": "vault"}))
    pod = one_object(objects, "Deployment")["spec"]["template"]["spec"]
    volumes = {volume["name"]: volume for volume in pod["volumes"]}
    mount = next(
        m
        for m in service_container(objects)["volumeMounts"]
        if m["mountPath"] == "/var/run/secrets/kubernetes.io/serviceaccount"
    )
    sources = volumes[mount["name"]]["projected"]["sources"]
    assert sources[0]["serviceAccountToken"]["path"] == "token"


@pytest.mark.parametrize("backend", ["env", "aws"])
def test_other_backends_mount_no_secret(chart_of: ChartOf, backend: str) -> None:
    objects = helm_template(chart_of({"secret_backend": backend}))
    mounts = [m["mountPath"] for m in service_container(objects)["volumeMounts"]]
    assert mounts == ["/tmp"]


def test_monitoring_needs_operator_api(chart_of: ChartOf) -> None:
    objects = helm_template(chart_of(TELEMETRY_ANSWERS))
    kinds = {item["kind"] for item in objects}
    assert not kinds & OPERATOR_KINDS


def test_service_monitor_scrapes_metrics(chart_of: ChartOf) -> None:
    objects = helm_template(chart_of(TELEMETRY_ANSWERS), api_versions=(MONITORING_API,))
    monitor = one_object(objects, "ServiceMonitor")["spec"]
    assert monitor["endpoints"][0]["port"] == "http"
    assert monitor["endpoints"][0]["path"] == "/metrics"
    assert (
        monitor["selector"]["matchLabels"]
        == one_object(objects, "Service")["spec"]["selector"]
    )


@pytest.mark.parametrize(
    ("alert", "series"),
    [
        ("HTTPErrorRatioHigh", 'http_requests_total{namespace="services"'),
        ("HTTPLatencyP99High", "http_request_duration_seconds_bucket{"),
        ("NoReadyPods", "kube_deployment_status_replicas_available{"),
        ("ContainerRestarting", "kube_pod_container_status_restarts_total{"),
    ],
)
def test_prometheus_rule_alerts(chart_of: ChartOf, alert: str, series: str) -> None:
    objects = helm_template(chart_of(TELEMETRY_ANSWERS), api_versions=(MONITORING_API,))
    groups = one_object(objects, "PrometheusRule")["spec"]["groups"]
    rules = {rule["alert"]: rule for group in groups for rule in group["rules"]}
    assert series in rules[alert]["expr"]


def test_dashboard_config_map_loads(chart_of: ChartOf) -> None:
    objects = helm_template(chart_of(TELEMETRY_ANSWERS))
    config_map = one_object(objects, "ConfigMap")
    dashboard = json.loads(next(iter(config_map["data"].values())))
    expressions = [
        target["expr"] for panel in dashboard["panels"] for target in panel["targets"]
    ]
    assert config_map["metadata"]["labels"]["grafana_dashboard"] == "1"
    assert any("http_request_duration_seconds_bucket" in e for e in expressions)


def test_no_telemetry_renders_no_monitoring(chart_of: ChartOf) -> None:
    chart = chart_of(NO_FACTOR_ANSWERS)
    objects = helm_template(chart, api_versions=(MONITORING_API,))
    values = yaml.safe_load((chart / "values.yaml").read_text())
    assert not {item["kind"] for item in objects} & {*OPERATOR_KINDS, "ConfigMap"}
    assert "monitoring" not in values
    assert not (chart / "dashboards").exists()


def test_install_helm_puts_helm_in_tools(tmp_path: Path) -> None:
    scripts = tmp_path / "repository" / "scripts"
    scripts.mkdir(parents=True)
    shutil.copy(TEMPLATE_ROOT / "scripts" / "install-helm", scripts)
    # Only the tools the script needs, so no helm is found on PATH.
    tools = tmp_path / "bin"
    tools.mkdir()
    for name in (
        "bash",
        "dirname",
        "gzip",
        "install",
        "mkdir",
        "mktemp",
        "node",
        "npm",
        "rm",
        "tar",
        "unzip",
    ):
        found = shutil.which(name)
        assert found is not None, f"{name} is missing"
        (tools / name).symlink_to(found)

    result = run(
        [str(tools / "bash"), str(scripts / "install-helm")],
        cwd=tmp_path,
        env={"PATH": str(tools)},
    )
    assert result.stdout.startswith("v4.")
    assert (tmp_path / "repository/.tools/bin/helm").is_file()

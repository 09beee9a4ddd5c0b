"""Authentication: what a render with and without auth holds, and no hard-coded secret.

A hard-coded secret, as searched for in every rendered file, is any of:
- a PEM private key block (-----BEGIN ... PRIVATE KEY-----);
- a JWT (three base64url parts, the first two starting with eyJ, the encoding of '{"');
- a well-known credential format: AWS access key ids, GitHub, Slack and Google API
  tokens;
- a quoted literal assigned or passed to a name that contains key, secret, password,
  passwd, token or credential (in Python, YAML, TOML, shell or .env syntax). The
  literal has 16 or more characters, no spaces and at least 3.5 bits of Shannon
  entropy per character.
  Paths and URLs are not secrets, and neither is a literal that calls itself a
  placeholder with a word such as example, test, fake or value, as secret scanners
  such as gitleaks also assume; fixed test values in generated tests read that way.
"""

import itertools
import math
import re
import tomllib
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from .rendering import render
from .test_render import AUTH_MODES, SECRET_BACKENDS, check_rendered_tree

PACKAGE = Path("src/my_service")

PEM_PRIVATE_KEY = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")
JWT = re.compile(r"eyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]{16,}")
CREDENTIAL_FORMATS = {
    "AWS access key id": re.compile(r"\b(AKIA|ASIA)[0-9A-Z]{16}\b"),
    "GitHub token": re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b"),
    "Slack token": re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}"),
    "Google API key": re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b"),
}
# A name with a secret-like word, then = or : (with an optional type annotation or
# keyword), then a quoted literal of at least 16 characters without whitespace.
SECRET_ASSIGNMENT = re.compile(
    r"""(?ix)
    (?P<name>[\w.-]*(?:key|secret|password|passwd|token|credential)[\w.-]*)
    ["']?\s*(?::[^=\n]{0,40}=|=|:)\s*
    (?:[\w.]+\()?           # a call such as SecretStr( or Field(default=
    (?:default\s*=\s*)?
    (?P<quote>["'])(?P<value>[^"'\s]{16,})(?P=quote)
    """
)
MIN_ENTROPY_BITS = 3.5
PATH_OR_URL = re.compile(r"^(/|[a-z][a-z0-9+.-]*://)")
PLACEHOLDER = re.compile(r"example|test|dummy|fake|sample|placeholder|changeme|value")


def entropy_bits(text: str) -> float:
    """Return the Shannon entropy of text in bits per character."""
    counts = Counter(text)
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values())


def hard_coded_secrets(text: str) -> Iterator[str]:
    """Yield a description of each hard-coded secret in text; never the value."""
    if PEM_PRIVATE_KEY.search(text):
        yield "a PEM private key block"
    if JWT.search(text):
        yield "a JWT"
    for kind, pattern in CREDENTIAL_FORMATS.items():
        if pattern.search(text):
            yield f"an {kind}" if kind[0] in "AEIOU" else f"a {kind}"
    for match in SECRET_ASSIGNMENT.finditer(text):
        value = match["value"]
        if PATH_OR_URL.match(value) or PLACEHOLDER.search(value.lower()):
            continue
        if entropy_bits(value) >= MIN_ENTROPY_BITS:
            yield f"a high-entropy literal assigned to {match['name']}"


def rendered_files(root: Path) -> Iterator[Path]:
    for path in sorted(root.rglob("*")):
        if path.is_file() and ".git" not in path.parts:
            yield path


@pytest.mark.parametrize(
    "sample",
    [
        "-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----",
        "-----BEGIN PRIVATE KEY-----\nMIIEvg\n-----END PRIVATE KEY-----",
        'SIGNING_KEY = "q8Vw3N9zL2xKp7RtY4mB6cJh"',
        'jwt_secret: str = "q8Vw3N9zL2xKp7RtY4mB6cJh"',
        "api_token: 'q8Vw3N9zL2xKp7RtY4mB6cJh'",
        'MY_SERVICE_SECRET_JWT_SIGNING_KEY="q8Vw3N9zL2xKp7RtY4mB6cJh"',
        'password = Field(default="q8Vw3N9zL2xKp7RtY4mB6cJh")',
        "aws_access_key_id = AKIAIOSFODNN7EXAMPLE",
        "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9."
        "c2lnbmF0dXJlLWJ5dGVzLWhlcmU",
    ],
    ids=[
        "rsa-pem",
        "pkcs8-pem",
        "python-constant",
        "annotated-field",
        "yaml-value",
        "env-file",
        "field-default",
        "aws-key-id",
        "jwt",
    ],
)
def test_detector_finds_hard_coded_secret(sample: str) -> None:
    assert list(hard_coded_secrets(sample)) != []


@pytest.mark.parametrize(
    "sample",
    [
        'jwt_signing_key_secret: str = "jwt-signing-key"',
        'secrets_dir: Path = Path("/var/run/secrets/my-service")',
        "key = secrets.token_urlsafe(48)",
        "CHALLENGE_INVALID = 'Bearer error=\"invalid_token\"'",
        'token_url = "https://issuer.example.com/oauth/token"',
    ],
    ids=["secret-name", "secrets-path", "generated-key", "challenge", "url"],
)
def test_detector_passes_safe_text(sample: str) -> None:
    assert list(hard_coded_secrets(sample)) == []


@pytest.fixture(scope="module")
def project_without_auth(
    template_copy: Path, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    answers = {"factors": ["api_first", "telemetry"]}
    return render(
        template_copy, tmp_path_factory.mktemp("no-auth") / "service", answers
    )


def test_render_without_auth_has_no_security_package(
    project_without_auth: Path,
) -> None:
    assert not (project_without_auth / PACKAGE / "security").exists()


def test_render_without_auth_has_no_token_helper(project_without_auth: Path) -> None:
    assert not (project_without_auth / PACKAGE / "tokens.py").exists()


def test_render_without_auth_has_no_auth_tests(project_without_auth: Path) -> None:
    tests = project_without_auth / "tests"
    assert not (tests / "test_auth.py").exists()
    assert not (tests / "test_security_headers.py").exists()
    assert not (tests / "test_orders_auth.py").exists()


def test_render_without_auth_has_no_jwt_dependency(
    project_without_auth: Path,
) -> None:
    project = tomllib.loads((project_without_auth / "pyproject.toml").read_text())
    assert not any("jwt" in spec.lower() for spec in project["project"]["dependencies"])


def test_render_without_auth_imports_no_jwt(project_without_auth: Path) -> None:
    importers = [
        path.name
        for path in rendered_files(project_without_auth)
        if path.suffix == ".py"
        and re.search(r"^(import jwt|from jwt)", path.read_text(), re.MULTILINE)
    ]
    assert importers == []


def test_render_without_auth_has_no_auth_settings(project_without_auth: Path) -> None:
    text = (project_without_auth / PACKAGE / "settings.py").read_text()
    assert "jwt_" not in text
    assert "cors_" not in text


@pytest.fixture(
    scope="module",
    params=list(itertools.product(AUTH_MODES, SECRET_BACKENDS)),
    ids=[
        f"{mode}-{backend}"
        for mode, backend in itertools.product(AUTH_MODES, SECRET_BACKENDS)
    ],
)
def auth_project(
    request: pytest.FixtureRequest,
    template_copy: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[str, Path]:
    auth_mode, backend = request.param
    answers = {
        "factors": ["api_first", "telemetry", "auth"],
        "auth_mode": auth_mode,
        "secret_backend": backend,
        "cloud_target": "kubernetes",
    }
    destination = tmp_path_factory.mktemp(f"{auth_mode}-{backend}") / "service"
    return auth_mode, render(template_copy, destination, answers)


def test_render_has_no_hard_coded_secret(auth_project: tuple[str, Path]) -> None:
    _, root = auth_project
    findings = [
        f"{path.relative_to(root)}: {finding}"
        for path in rendered_files(root)
        for finding in hard_coded_secrets(path.read_text(errors="replace"))
    ]
    assert findings == []


def test_auth_render_is_clean(auth_project: tuple[str, Path]) -> None:
    check_rendered_tree(auth_project[1])


def test_auth_render_depends_on_pyjwt(auth_project: tuple[str, Path]) -> None:
    project = tomllib.loads((auth_project[1] / "pyproject.toml").read_text())
    assert "pyjwt[crypto]>=2.15" in project["project"]["dependencies"]


def test_token_helper_only_in_hs256(auth_project: tuple[str, Path]) -> None:
    auth_mode, root = auth_project
    assert (root / PACKAGE / "tokens.py").exists() == (auth_mode == "hs256")


def test_jwks_module_only_in_oidc(auth_project: tuple[str, Path]) -> None:
    auth_mode, root = auth_project
    assert (root / PACKAGE / "security/jwks.py").exists() == (auth_mode == "oidc")


def test_signing_key_module_only_in_hs256(auth_project: tuple[str, Path]) -> None:
    auth_mode, root = auth_project
    exists = (root / PACKAGE / "security/signing_key.py").exists()
    assert exists == (auth_mode == "hs256")


@pytest.mark.parametrize(
    ("roles", "constant"),
    [(["reader", "editor", "owner"], "OWNER"), (["admin"], "ADMIN")],
    ids=["three-roles", "one-role"],
)
def test_last_role_guards_delete(
    template_copy: Path, tmp_path: Path, roles: list[str], constant: str
) -> None:
    root = render(template_copy, tmp_path / "service", {"roles": roles})
    orders = (root / PACKAGE / "api/v1/orders.py").read_text()
    role_module = (root / PACKAGE / "security/roles.py").read_text()
    assert f"require_roles(Role.{constant})" in orders
    for role in roles:
        assert f'{role.upper()} = "{role}"' in role_module

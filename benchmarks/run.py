"""Benchmark a rendered all-factors service against bare FastAPI on 127.0.0.1.

Renders the template with every factor in copier.yml, installs the render with uv,
and serves four servers under the same uvicorn flags (one worker, uvloop, httptools,
no access log). The baselines are benchmarks/bare_app.py, a bare FastAPI app with the
service's own Orders routes, and benchmarks/flat_app.py, the same routes written flat.
The third server is the service in its default configuration. The fourth is the
service exporting every request's span over OTLP to a sink in this process, which
gives the traced figures.

wrk drives each with the same request, bearer token included, to the same read
route, GET /v1/orders/{order_id}, in interleaved rounds after a warm-up, so all see
the same machine load. The script also measures start-up to the first 200, resident
memory after the load, and the size and serving time of /metrics after 1,000
distinct ids and 1,000 unknown paths.

Run from the repository root, after scripts/test has installed the tooling once:

    uv run --no-sync python benchmarks/run.py

Needs wrk on PATH (apt-get install -y wrk). Prints a Markdown summary on stdout.
"""

import argparse
import json
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import copier
import yaml

REPOSITORY = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
PACKAGE = "bench_service"
UVICORN_FLAGS = [
    "--host",
    HOST,
    "--workers",
    "1",
    "--loop",
    "uvloop",
    "--http",
    "httptools",
    "--no-access-log",
    "--log-level",
    "warning",
]
ORDER_BODY = json.dumps({"items": [{"productId": "sku-1", "quantity": 2}]}).encode()
STARTUP_TIMEOUT_SECONDS = 30.0
# Factors that turn the units of wrk's latencies into milliseconds.
LATENCY_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


@dataclass
class Server:
    """One server under test: how to start it and what it measured."""

    name: str
    command: list[str]
    env: dict[str, str]
    cwd: Path
    port: int = 0
    process: subprocess.Popen[bytes] | None = None
    read_path: str = ""
    requests_per_second: list[float] = field(default_factory=list)
    p50_ms: list[float] = field(default_factory=list)
    p99_ms: list[float] = field(default_factory=list)
    startup_ms: list[float] = field(default_factory=list)
    cpu_us_per_request: list[float] = field(default_factory=list)
    rss_mb: float = 0.0

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


def http(
    method: str,
    url: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, bytes]:
    request = urllib.request.Request(
        url, data=body, method=method, headers=headers or {}
    )
    if body is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def start(server: Server) -> float:
    """Start the server and return the milliseconds from launch to its first 200."""
    server.port = free_port()
    command = [*server.command, "--port", str(server.port)]
    launched = time.perf_counter()
    server.process = subprocess.Popen(command, cwd=server.cwd, env=server.env)
    deadline = launched + STARTUP_TIMEOUT_SECONDS
    while time.perf_counter() < deadline:
        if server.process.poll() is not None:
            raise SystemExit(f"{server.name} exited with {server.process.returncode}")
        try:
            if http("GET", f"{server.url}/docs")[0] == 200:
                return (time.perf_counter() - launched) * 1000
        except OSError:
            pass
        time.sleep(0.005)
    raise SystemExit(
        f"{server.name} did not return 200 on /docs within {STARTUP_TIMEOUT_SECONDS} s"
    )


def stop(server: Server) -> None:
    if server.process is not None:
        server.process.terminate()
        server.process.wait(timeout=30)
        server.process = None


def resident_megabytes(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
    assert match, f"no VmRSS in /proc/{pid}/status"
    return int(match.group(1)) / 1024


def cpu_seconds(pid: int) -> float:
    """Return the CPU time, user and system, that process pid has used so far."""
    # utime and stime are fields 14 and 15 of /proc/PID/stat, counted after the
    # command name, which sits in parentheses and may contain spaces.
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def latency_ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s)", text)
    assert match, f"unexpected wrk latency {text!r}"
    return float(match.group(1)) * LATENCY_UNITS[match.group(2)]


def wrk_field(pattern: str, output: str) -> str:
    match = re.search(pattern, output, re.MULTILINE)
    assert match, f"no match for {pattern!r} in wrk's output:\n{output}"
    return match.group(1)


def run_wrk(
    url: str, seconds: int, connections: int, authorization: str
) -> tuple[float, float, float, int]:
    """Load url with wrk.

    Returns requests per second, p50 and p99 latency in ms, and the request count.
    """
    output = subprocess.run(
        [
            "wrk",
            "--threads",
            "1",
            "--connections",
            str(connections),
            "--duration",
            f"{seconds}s",
            "--latency",
            "--header",
            f"Authorization: {authorization}",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    if "Non-2xx" in output or "Socket errors" in output:
        raise SystemExit(f"wrk saw failed requests against {url}:\n{output}")
    rps = float(wrk_field(r"Requests/sec:\s+([\d.]+)", output))
    p50 = latency_ms(wrk_field(r"^\s+50%\s+(\S+)", output))
    p99 = latency_ms(wrk_field(r"^\s+99%\s+(\S+)", output))
    count = int(wrk_field(r"(\d+) requests in", output))
    return rps, p50, p99, count


class OtlpSink(BaseHTTPRequestHandler):
    """Accepts OTLP/HTTP exports and drops them, as a collector's receiver would."""

    spans_bytes = 0

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        OtlpSink.spans_bytes += len(self.rfile.read(length))
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def otlp_sink() -> Iterator[str]:
    sink = ThreadingHTTPServer((HOST, 0), OtlpSink)
    thread = threading.Thread(target=sink.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{HOST}:{sink.server_address[1]}"
    finally:
        sink.shutdown()


class QuestionsLoader(yaml.SafeLoader):
    """Reads copier.yml, leaving out the documents it pulls in with !include."""


QuestionsLoader.add_constructor("!include", lambda loader, node: None)


def render_service(destination: Path) -> list[str]:
    """Render every factor in copier.yml, with the example API, and list them."""
    documents = yaml.load_all(
        (REPOSITORY / "copier.yml").read_text(), Loader=QuestionsLoader
    )
    questions = next(d for d in documents if isinstance(d, dict) and "factors" in d)
    factors = list(questions["factors"]["choices"].values())
    copier.run_copy(
        str(REPOSITORY),
        str(destination),
        # The env backend lets the benchmark hand the service its signing key.
        data={
            "project_name": "Bench Service",
            "factors": factors,
            "secret_backend": "env",
        },
        defaults=True,
        vcs_ref="HEAD",
        quiet=True,
        unsafe=False,
    )
    return factors


def install(project: Path, python: str) -> Path:
    env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never", "UV_NO_PROGRESS": "1"}
    env.pop("VIRTUAL_ENV", None)
    subprocess.run(
        ["uv", "sync", "--no-dev", "--python", python],
        cwd=project,
        env=env,
        check=True,
    )
    return project / ".venv/bin/python"


def prepare_read_path(server: Server, authorization: str) -> None:
    """Point the load at an order, creating one if needed, so every read is a 200."""
    headers = {"Authorization": authorization}
    status, body = http("GET", f"{server.url}/v1/orders", headers=headers)
    existing = json.loads(body)["items"] if status == 200 else []
    if existing:
        server.read_path = f"/v1/orders/{existing[0]['id']}"
        return
    status, body = http("POST", f"{server.url}/v1/orders", ORDER_BODY, headers)
    if status != 201:
        raise SystemExit(f"{server.name}: creating an order gave {status}: {body!r}")
    server.read_path = f"/v1/orders/{json.loads(body)['id']}"


def measure_metrics(server: Server) -> tuple[int, float]:
    """Request 1,000 ids and 1,000 unknown paths, then time GET /metrics.

    Returns the size of /metrics in bytes and its median response time in ms.
    """
    for number in range(1000):
        http("GET", f"{server.url}/v1/orders/missing-{number}")
        http("GET", f"{server.url}/scan/{number}/wp-login.php")
    timings = []
    size = 0
    for _ in range(20):
        started = time.perf_counter()
        status, body = http("GET", f"{server.url}/metrics")
        timings.append((time.perf_counter() - started) * 1000)
        assert status == 200, f"/metrics gave {status}"
        size = len(body)
    return size, statistics.median(timings)


def median(values: list[float]) -> float:
    return statistics.median(values)


def measure(servers: list[Server], arguments: argparse.Namespace) -> tuple[int, float]:
    """Start the servers, load them in rounds and read /metrics of the service.

    Returns the size of /metrics in bytes and its median response time in ms.
    """
    service = next(server for server in servers if server.name == "service")
    # Three launches of each server time the start-up. The last one stays up.
    for attempt in range(3):
        for server in servers:
            server.startup_ms.append(start(server))
            if attempt < 2:
                stop(server)

    authorization = arguments.authorization
    for server in servers:
        prepare_read_path(server, authorization)
        run_wrk(
            server.url + server.read_path,
            arguments.warmup,
            arguments.connections,
            authorization,
        )

    for round_number in range(arguments.rounds):
        # Alternate the order so no server always runs first.
        order = servers if round_number % 2 == 0 else list(reversed(servers))
        for server in order:
            assert server.process is not None
            cpu_before = cpu_seconds(server.process.pid)
            rps, p50, p99, count = run_wrk(
                server.url + server.read_path,
                arguments.seconds,
                arguments.connections,
                authorization,
            )
            cpu_used = cpu_seconds(server.process.pid) - cpu_before
            server.cpu_us_per_request.append(cpu_used / count * 1e6)
            server.requests_per_second.append(rps)
            server.p50_ms.append(p50)
            server.p99_ms.append(p99)
            print(
                f"round {round_number + 1} {server.name}: {rps:.0f} req/s",
                file=sys.stderr,
            )

    for server in servers:
        assert server.process is not None
        server.rss_mb = resident_megabytes(server.process.pid)
    return measure_metrics(service)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds")
    parser.add_argument("--seconds", type=int, default=8, help="seconds per wrk run")
    parser.add_argument("--warmup", type=int, default=3, help="warm-up seconds")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections")
    parser.add_argument(
        "--python", default=sys.executable, help="interpreter for the servers"
    )
    arguments = parser.parse_args()

    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: install it with apt-get install -y wrk")
    if shutil.which("uv") is None:
        raise SystemExit("uv is not on PATH: run scripts/test once, then use uv run")

    workdir = Path(tempfile.mkdtemp(prefix="fifteen-factor-bench-"))
    project = workdir / "bench-service"
    factors = render_service(project)
    python = str(install(project, arguments.python))
    for baseline in ("bare_app.py", "flat_app.py"):
        shutil.copy(REPOSITORY / "benchmarks" / baseline, project / baseline)

    base_env = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", "/tmp"),
        f"{PACKAGE.upper()}_ENVIRONMENT": "development",
        f"{PACKAGE.upper()}_SECRET_JWT_SIGNING_KEY": secrets.token_urlsafe(48),
    }
    # Every request to every server carries the same bearer token, so all of them
    # parse the same bytes. Only the service verifies it, on the write that creates
    # the order.
    token = subprocess.run(
        [python, "-m", f"{PACKAGE}.tokens", "--subject", "benchmark"],
        cwd=project,
        env=base_env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    arguments.authorization = f"Bearer {token}"
    uvicorn = [python, "-m", "uvicorn", *UVICORN_FLAGS]
    bare = Server("bare FastAPI", [*uvicorn, "bare_app:app"], base_env, project)
    flat = Server("bare FastAPI, flat", [*uvicorn, "flat_app:app"], base_env, project)
    service = Server(
        "service",
        [*uvicorn, "--factory", f"{PACKAGE}.app:create_app"],
        base_env,
        project,
    )
    with otlp_sink() as sink_url:
        traced_env = {
            **base_env,
            "OTEL_EXPORTER_OTLP_ENDPOINT": sink_url,
            "OTEL_TRACES_SAMPLER": "always_on",
        }
        traced = Server(
            "service, traced",
            [*uvicorn, "--factory", f"{PACKAGE}.app:create_app"],
            traced_env,
            project,
        )
        servers = [bare, flat, service, traced]
        try:
            metrics_bytes, metrics_ms = measure(servers, arguments)
        finally:
            for server in servers:
                stop(server)

    report(arguments, factors, servers, metrics_bytes, metrics_ms)
    shutil.rmtree(workdir)


def report(
    arguments: argparse.Namespace,
    factors: list[str],
    servers: list[Server],
    metrics_bytes: int,
    metrics_ms: float,
) -> None:
    bare = servers[0]
    print(
        f"factors: {', '.join(factors)}. Rounds: {arguments.rounds} x "
        f"{arguments.seconds} s, {arguments.connections} connections, 1 wrk thread. "
        f"CPUs: {os.cpu_count()}. Load average at the end: {os.getloadavg()[0]:.2f}"
    )
    print()
    print(
        "| server | req/s | req/s ratio | server CPU µs/request | CPU ratio "
        "| p50 ms | p50 ratio | p99 ms | start-up to first 200 ms | RSS after load MB |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for server in servers:
        # Paired ratios: each round's figure over the bare app's in the same round.
        rps_ratios = [
            own / base
            for own, base in zip(
                server.requests_per_second, bare.requests_per_second, strict=True
            )
        ]
        # The bare app's CPU per request over this server's: the throughput ratio
        # that one dedicated core would give, less sensitive to other load.
        cpu_ratios = [
            base / own
            for own, base in zip(
                server.cpu_us_per_request, bare.cpu_us_per_request, strict=True
            )
        ]
        print(
            f"| {server.name} | {median(server.requests_per_second):.0f} "
            f"| {median(rps_ratios):.2f} ({min(rps_ratios):.2f}-{max(rps_ratios):.2f}) "
            f"| {median(server.cpu_us_per_request):.0f} "
            f"| {median(cpu_ratios):.2f} ({min(cpu_ratios):.2f}-{max(cpu_ratios):.2f}) "
            f"| {median(server.p50_ms):.2f} "
            f"| {median(server.p50_ms) / median(bare.p50_ms):.2f} "
            f"| {median(server.p99_ms):.2f} | {median(server.startup_ms):.0f} "
            f"| {server.rss_mb:.1f} |"
        )
    print()
    print(
        f"/metrics after 1,000 distinct ids and 1,000 unknown paths: "
        f"{metrics_bytes} bytes, served in {metrics_ms:.2f} ms (median of 20)"
    )
    print()
    print("Each round, requests per second / server CPU µs per request:")
    for server in servers:
        rounds = ", ".join(
            f"{rps:.0f} / {cpu:.0f}"
            for rps, cpu in zip(
                server.requests_per_second, server.cpu_us_per_request, strict=True
            )
        )
        print(f"- {server.name}: {rounds}")


if __name__ == "__main__":
    main()

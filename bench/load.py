"""The load generator: client processes on loopback, each with one keep-alive HTTP connection,
sending a bounded number of requests for a bounded time. Pure standard library, so the numbers
do not depend on a tool the machine may lack.

Every request is (method, path, headers, body). `hammer` either repeats one request until the
count or the time runs out (pages), or sends each request of a list exactly once, split across the
processes (ballots: each owner's ballot once; a duplicate lands in another process at the same
position, so the two race).
"""

from __future__ import annotations

import http.client
import multiprocessing as mp
import os
import statistics
import time
from dataclasses import dataclass, field

# BENCH_PORT: another port when 8765 is taken (the portal's server under load listens on it).
HOST, PORT = "127.0.0.1", int(os.environ.get("BENCH_PORT", "8765"))


def load_average() -> float:
    """The machine's 1-minute load average, said beside each figure so a noisy run shows."""
    return round(os.getloadavg()[0], 2)


@dataclass
class Result:
    requests: int = 0
    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    bytes: int = 0

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies_ms:
            return 0.0
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]

    def summary(self) -> dict:
        wrk = getattr(self, "wrk", None)
        if wrk is not None:  # wrk reports its own percentiles (no per-request list)
            return {
                "client": "wrk",
                "requests": self.requests,
                "seconds": round(self.seconds, 3),
                "rps": round(self.rps, 1),
                "p50_ms": round(wrk["p50"], 2),
                "p95_ms": round(wrk["p95"], 2),
                "mean_ms": round(wrk["mean"], 2),
                "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
                "errors_5xx": int(wrk["non2xx"]),
                "socket_errors": int(wrk["errors"]),
                "bytes_per_response": round(self.bytes / self.requests) if self.requests else 0,
            }
        return {
            "client": "python",
            "requests": self.requests,
            "seconds": round(self.seconds, 3),
            "rps": round(self.rps, 1),
            "p50_ms": round(self.percentile(50), 2),
            "p95_ms": round(self.percentile(95), 2),
            "mean_ms": round(statistics.fmean(self.latencies_ms), 2) if self.latencies_ms else 0.0,
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "errors_5xx": sum(v for k, v in self.statuses.items() if k >= 500),
        }


def _connection():
    return http.client.HTTPConnection(HOST, PORT, timeout=60)


def _send(conn, request):
    method, path, headers, body = request
    conn.request(method, path, body=body, headers={"Host": f"{HOST}:{PORT}", **(headers or {})})
    response = conn.getresponse()
    data = response.read()
    return response.status, len(data), response.getheader("Connection", "").lower() == "close"


def _client(args):
    requests, repeat, max_requests, deadline, start_at = args
    while time.time() < start_at:  # every process starts together
        time.sleep(0.001)
    conn = _connection()
    latencies, statuses, nbytes, n = [], {}, 0, 0
    began = time.perf_counter()
    while True:
        if repeat:
            if n >= max_requests or time.time() >= deadline:
                break
            request = requests[0]
        else:
            if n >= len(requests):
                break
            request = requests[n]
        t0 = time.perf_counter()
        try:
            status, size, closed = _send(conn, request)
        except (http.client.HTTPException, ConnectionError, TimeoutError):
            conn.close()
            conn = _connection()
            status, size, closed = 599, 0, True
        latencies.append((time.perf_counter() - t0) * 1000)
        statuses[status] = statuses.get(status, 0) + 1
        nbytes += size
        n += 1
        if closed:
            conn.close()
            conn = _connection()
    elapsed = time.perf_counter() - began
    conn.close()
    return n, elapsed, latencies, statuses, nbytes


def hammer(
    request=None, *, requests=None, concurrency: int = 4, max_requests: int = 4000, seconds: float = 10.0
) -> Result:
    """Repeat `request` (up to max_requests in all, at most `seconds`), or send each of `requests` once."""
    start_at = time.time() + 0.3
    if requests is None:
        per = max(1, max_requests // concurrency)
        jobs = [([request], True, per, start_at + seconds, start_at) for _ in range(concurrency)]
    else:
        jobs = [(requests[k::concurrency], False, 0, 0, start_at) for k in range(concurrency)]
    with mp.get_context("fork").Pool(concurrency) as pool:
        parts = pool.map(_client, jobs)
    result = Result()
    for n, elapsed, latencies, statuses, nbytes in parts:
        result.requests += n
        result.seconds = max(result.seconds, elapsed)
        result.latencies_ms += latencies
        result.bytes += nbytes
        for status, count in statuses.items():
            result.statuses[status] = result.statuses.get(status, 0) + count
    return result


def get(path: str, headers: dict | None = None):
    return ("GET", path, headers or {}, None)


def warm(request, n: int = 20) -> int:
    """Send a few requests first (connections, caches, imports); returns the last status."""
    conn = _connection()
    status = 0
    for _ in range(n):
        status, _size, closed = _send(conn, request)
        if closed:
            conn.close()
            conn = _connection()
    conn.close()
    return status


def wait_until_up(path: str = "/bench/trivial/", timeout: float = 30.0) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            conn = _connection()
            status, _size, _closed = _send(conn, get(path))
            conn.close()
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the server did not answer {path} within {timeout:.0f} s")


# --- wrk, when the machine has it (apt-get install wrk): a C client, so the server is what runs out ---

WRK_SCRIPT = """
done = function(summary, latency, requests)
  io.write(string.format("BENCH requests=%d seconds=%f p50=%f p95=%f mean=%f non2xx=%d errors=%d bytes=%d\\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3, latency:percentile(95) / 1e3,
    latency.mean / 1e3, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.bytes))
end
"""


def have_wrk() -> bool:
    import shutil

    return shutil.which("wrk") is not None


def wrk(request, *, seconds: float = 8.0, connections: int = 8, threads: int = 2) -> Result:
    """GET `request` for `seconds` with wrk; the same Result fields as hammer (latencies: p50/p95)."""
    import subprocess
    import tempfile

    method, path, headers, _body = request
    assert method == "GET"
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s", "-s", script.name]
    for name, value in (headers or {}).items():
        cmd += ["-H", f"{name}: {value}"]
    out = subprocess.run(cmd + [f"http://{HOST}:{PORT}{path}"], capture_output=True, text=True, check=True).stdout
    line = next(line for line in out.splitlines() if line.startswith("BENCH "))
    fields = {k: float(v) for k, v in (part.split("=") for part in line.split()[1:])}
    result = Result(requests=int(fields["requests"]), seconds=fields["seconds"], bytes=int(fields["bytes"]))
    bad = int(fields["non2xx"])
    result.statuses = {200: result.requests - bad, **({500: bad} if bad else {})}
    result.wrk = fields
    return result

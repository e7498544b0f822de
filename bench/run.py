"""`make bench`: the portal at city scale, measured as ratios against raw baselines, in one run.

    python bench/run.py [--scale both|demo|nanning] [--only pages,votes,export,fanout,lists,signed_in]
                        [--json out.json] [--quick] [--reseed]

Needs PostgreSQL and Redis (127.0.0.1 by default; BENCH_PG_URL / BENCH_REDIS_URL / BENCH_BROKER_URL;
the portal under load listens on BENCH_PORT, 8765 by default). Each scale has
its own database (portal_bench_demo, portal_bench_nanning), seeded by `seed_demo` the first time
and reused afterwards (--reseed starts again). Every measurement runs with its baseline in the same
process on the same machine (bench/scale.py); this script prints the table, checks the targets of
docs/PERFORMANCE.md and writes the JSON to bench/results/<date>.json (or --json).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
NANNING_LEDGER_PER_PROJECT = 2800  # × 360 projects with a published budget ≈ 1,008,000 entries
NEEDS = {"demo": {"projects": 5, "ledger": 1}, "nanning": {"projects": 514, "ledger": 1_000_000}}


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def db_url(scale: str) -> str:
    return f"{PG_URL}/portal_bench_{scale}"


def _scalar(url: str, sql: str):
    try:
        with psycopg.connect(url, connect_timeout=3) as conn:
            return conn.execute(sql).fetchone()[0]
    except psycopg.Error:
        return None


def seeded(scale: str) -> bool:
    projects = _scalar(db_url(scale), "SELECT count(*) FROM projects_project")
    ledger = _scalar(db_url(scale), "SELECT count(*) FROM disclosure_ledgerentry")
    return projects is not None and projects >= NEEDS[scale]["projects"] and (ledger or 0) >= NEEDS[scale]["ledger"]


def manage(scale: str, *args: str) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": db_url(scale),
        "DJANGO_SETTINGS_MODULE": "portal.settings.local",
        "DJANGO_DEBUG": "false",
        "SMS_BACKEND": "stakeholders.notifications.LocmemSmsBackend",
        "CELERY_TASK_ALWAYS_EAGER": "true",
        "CELERY_BROKER_URL": "",
    }
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def prepare(scale: str, reseed: bool) -> float:
    """Create, migrate and seed the scale's database unless it is already there; seconds spent."""
    started = time.perf_counter()
    name = f"portal_bench_{scale}"
    with psycopg.connect(f"{PG_URL}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and (reseed or not seeded(scale)):
            log(f"{name}: dropping (reseed, or seeded at another size)")
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    manage(scale, "migrate", "--noinput", "-v0")
    if not seeded(scale):
        log(f"{name}: seeding the {scale} city (Nanning takes about two minutes)")
        extra = (
            ["--scale", "nanning", "--ledger-entries", str(NANNING_LEDGER_PER_PROJECT)] if scale == "nanning" else []
        )
        manage(scale, "seed_demo", "--quiet-accounts", *extra)
    else:
        log(f"{name}: reusing the seeded database")
    return round(time.perf_counter() - started, 1)


def machine() -> dict:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        "",
    )
    mem = next(
        (
            int(line.split()[1]) // 1024
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        ),
        0,
    )
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "memory_mib": mem,
        "python": platform.python_version(),
        "kernel": platform.release(),
        "postgresql": _scalar(f"{PG_URL}/postgres", "SHOW server_version"),
    }


# --- the table and the targets -------------------------------------------------------------------


def _get(results: dict, *path, default=None):
    for key in path:
        if not isinstance(results, dict) or key not in results:
            return default
        results = results[key]
    return results


def rows_and_targets(results: dict) -> tuple[list[tuple], list[tuple]]:  # noqa: C901 - the table of every figure and its target, one branch per figure
    rows, targets = [], []
    for scale, r in results["scales"].items():
        pages = r.get("pages")
        if pages:
            base = pages["cases"]["trivial (cached server)"]
            for case, m in pages.get("one_client", {}).items():
                rows.append(
                    (scale, f"page {case}, one client", f"p50 {m['p50_ms']:.1f} ms", f"p95 {m['p95_ms']:.1f} ms", "")
                )
            for case, m in pages["cases"].items():
                rows.append(
                    (
                        scale,
                        f"page {case}",
                        f"{m['rps']:.0f} req/s",
                        f"p50 {m['p50_ms']:.1f} / p95 {m['p95_ms']:.1f} ms",
                        f"{m.get('ratio_to_trivial', 1.0):.2f}" if "trivial" not in case else "baseline",
                    )
                )
            rows.append(
                (scale, "cold page queries", ", ".join(f"{k} {v}" for k, v in pages["cold_queries"].items()), "", "")
            )
            rows.append(
                (
                    scale,
                    "pages measured",
                    f"project {pages['project_code']} ({pages['project_ledger_entries']} entries)",
                    f"large project {pages['large_project_code']} ({pages['large_project_ledger_entries']} entries)"
                    if pages.get("large_project_code")
                    else "",
                    "",
                )
            )
            if scale == "nanning" or len(results["scales"]) == 1:
                page = "large project" if "large project cached" in pages["cases"] else "project"
                cached = pages["cases"][f"{page} cached"]["ratio_to_trivial"]
                targets.append(
                    (f"[{scale}] cached {page} page ≥ 50% of the trivial view", f"{cached:.0%}", cached >= 0.5)
                )
                targets.append(
                    (
                        f"[{scale}] cold {page} page ≤ 15 queries",
                        str(pages["cold_queries"][page]),
                        pages["cold_queries"][page] <= 15,
                    )
                )
            del base
        votes = r.get("votes")
        if votes:
            rows.append(
                (
                    scale,
                    "ballots (API, distinct owners)",
                    f"{votes['cast']['rps']:.0f} req/s",
                    f"p50 {votes['cast']['p50_ms']:.1f} ms",
                    f"{votes['ratio']:.2f}",
                )
            )
            rows.append(
                (
                    scale,
                    "one-row insert endpoint",
                    f"{votes['baseline_insert']['rps']:.0f} req/s",
                    f"p50 {votes['baseline_insert']['p50_ms']:.1f} ms",
                    "baseline",
                )
            )
            rows.append(
                (
                    scale,
                    "ballot counters",
                    f"{votes['owners']} owners, {votes['duplicates_attempted']} duplicates",
                    f"201 {votes['created_201']}, 409 {votes['refused_409']}, 5xx {votes['errors_5xx']}, stored "
                    f"{votes['ballots_stored']}",
                    "exact" if votes["exact"] else "WRONG",
                )
            )
            if scale == "nanning" or len(results["scales"]) == 1:
                targets.append(
                    (
                        f"[{scale}] voting ≥ 25% of the one-row insert, counters exact",
                        f"{votes['ratio']:.0%}, exact={votes['exact']}",
                        votes["ratio"] >= 0.25 and votes["exact"],
                    )
                )
        export = r.get("export")
        if export:
            rows.append(
                (
                    scale,
                    f"ledger CSV export ({export['full']['rows']:,} rows)",
                    f"{export['full']['rows_per_s']:,} rows/s",
                    f"{export['full']['seconds']:.1f} s, peak RSS {export['full']['rss_peak_kib'] / 1024:.0f} MiB",
                    f"{export['ratio']:.2f}",
                )
            )
            rows.append(
                (
                    scale,
                    "COPY … TO STDOUT (psycopg)",
                    f"{export['copy_baseline']['rows_per_s']:,} rows/s",
                    f"{export['copy_baseline']['seconds']:.1f} s",
                    "baseline",
                )
            )
            rows.append(
                (
                    scale,
                    f"export RSS {export['small']['rows']:,} → {export['full']['rows']:,} rows",
                    f"+{export['rss_growth_kib'] / 1024:.1f} MiB",
                    "",
                    "",
                )
            )
            rows.append(
                (
                    scale,
                    "before: cursor + csv writer",
                    f"{export['before_cursor_path']['rows_per_s']:,} rows/s",
                    f"first {export['before_cursor_path']['rows']:,} rows",
                    f"{export['before_cursor_path']['rows_per_s'] / export['copy_baseline']['rows_per_s']:.2f}",
                )
            )
            if scale == "nanning":
                targets.append(
                    (
                        "[nanning] export ≥ 1,000,000 rows",
                        f"{export['full']['rows']:,}",
                        export["full"]["rows"] >= 1_000_000,
                    )
                )
                targets.append(("[nanning] export ≥ 50% of raw COPY", f"{export['ratio']:.0%}", export["ratio"] >= 0.5))
                targets.append(
                    (
                        "[nanning] export RSS grows < 20 MB from 100k to 1M rows",
                        f"{export['rss_growth_kib'] / 1024:.1f} MiB",
                        export["rss_growth_kib"] < 20 * 1024,
                    )
                )
        fan = r.get("fanout")
        if fan:
            rows.append(
                (
                    scale,
                    f"survey fan-out ({fan['households']:,} households, real worker)",
                    f"{fan['per_s']:,} /s",
                    f"{fan['seconds']:.1f} s; {fan['sms_sent']:,} SMS, {fan['sms_duplicates']} twice",
                    f"{fan['ratio']:.2f}",
                )
            )
            rows.append(
                (
                    scale,
                    "bulk_create of the same rows",
                    f"{fan['baseline_bulk_create']['per_s']:,} /s",
                    f"{fan['baseline_bulk_create']['seconds']:.1f} s",
                    "baseline",
                )
            )
            if scale == "nanning":
                targets.append(
                    (
                        "[nanning] fan-out ≥ 20% of bulk_create, no duplicates",
                        f"{fan['ratio']:.0%}, exact={fan['exact']}",
                        fan["ratio"] >= 0.2 and fan["exact"],
                    )
                )
        lists = r.get("lists")
        if lists:
            for who, m in lists.items():
                if isinstance(m, dict):
                    rows.append(
                        (
                            scale,
                            f"project list: {who} ({m['projects_in_scope']} projects)",
                            f"{m['queries']} queries",
                            f"median {m['median_ms']:.1f} ms",
                            "",
                        )
                    )
        signed = r.get("signed_in")
        if signed:
            for name, m in signed["cases"].items():
                alone = _get(signed, "one_client", name, "p50_ms")
                rows.append(
                    (
                        scale,
                        f"signed in: {name}",
                        f"{m['rps']:.0f} req/s",
                        f"ratio {m.get('ratio_to_trivial', 1):.3f}" + (f", p50 alone {alone:.1f} ms" if alone else ""),
                        "",
                    )
                )
            trivial = _get(signed, "cases", "trivial signed in", "ratio_to_trivial")
            if trivial is not None:
                targets.append((f"[{scale}] signed-in trivial ≥ 0.8 of anonymous", f"{trivial:.2f}", trivial >= 0.8))
            for name in ("resident home", "resident project"):
                value = _get(signed, "cases", name, "ratio_to_trivial")
                if value is not None:
                    targets.append((f"[{scale}] {name} ≥ 0.10 of trivial", f"{value:.3f}", value >= 0.10))
            for name in signed["one_client"]:
                p50 = _get(signed, "one_client", name, "p50_ms")
                if p50 is not None and scale == "nanning":
                    targets.append((f"[nanning] {name} p50 alone ≤ 25 ms", f"{p50:.1f} ms", p50 <= 25))
    demo, nanning = results["scales"].get("demo"), results["scales"].get("nanning")
    if demo and nanning:
        flat = {}
        informative = {}
        for case in (
            "project cold",
            "project cached",
            "street index cold",
            "street index cached",
            "index cold",
            "index cached",
        ):
            a, b = (
                _get(demo, "pages", "one_client", case, "p50_ms"),
                _get(nanning, "pages", "one_client", case, "p50_ms"),
            )
            if a and b:
                # One client at a time (the page's own time, not the queue under load). The whole-city
                # index lists 30 projects at Nanning scale and the demo city's 10: not the same page.
                # The flatness target applies to pages with the same content.
                (informative if case.startswith("index") else flat)[f"page {case} p50"] = b / a
        for who in ("street staff", "contractor"):
            a, b = _get(demo, "lists", who, "median_ms"), _get(nanning, "lists", who, "median_ms")
            if a and b:
                flat[f"project list ({who})"] = b / a
        results["flatness"] = {k: round(v, 3) for k, v in flat.items()}
        results["flatness_informative"] = {k: round(v, 3) for k, v in informative.items()}
        for name, value in flat.items():
            rows.append(("nanning/demo", f"flatness: {name}", f"{value:.2f}×", "same content at both scales", ""))
            targets.append((f"Nanning within 1.5× of demo: {name}", f"{value:.2f}×", value <= 1.5))
        for name, value in informative.items():
            rows.append(("nanning/demo", f"(city index) {name}", f"{value:.2f}×", "30 rows vs the demo city's 10", ""))
    return rows, targets


def print_table(rows, targets) -> None:
    widths = [
        max(len(str(r[i])) for r in rows + [("scale", "measurement", "result", "detail", "ratio")]) for i in range(5)
    ]
    header = ("scale", "measurement", "result", "detail", "ratio")
    line = "  ".join(str(h).ljust(w) for h, w in zip(header, widths))
    print(line)
    print("-" * len(line))
    for r in rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(r, widths)))
    print()
    for name, value, ok in targets:
        print(f"  {'MET ' if ok else 'MISS'}  {name}: {value}")


def print_loads(results: dict) -> None:
    """The 1-minute load average before → after each figure (two cores: above 2, the machine was busy)."""
    print(f"Machine load (1-minute average, {os.cpu_count()} cores) before → after each figure:")
    for scale, measured in results["scales"].items():
        for name, figures in measured.items():
            if "load_average" in figures:
                before, after = figures["load_average"]
                print(f"  {scale:8} {name:10} {before:5.2f} → {after:5.2f}")
            for case, result in (figures.get("cases") or {}).items():
                if isinstance(result, dict) and "load_average" in result:
                    before, after = result["load_average"]
                    print(f"  {scale:8}   {case:32} {before:5.2f} → {after:5.2f}")
    print()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", choices=["both", "demo", "nanning"], default="both")
    parser.add_argument("--only", default="pages,votes,export,fanout,lists,signed_in")
    parser.add_argument("--json", default="")
    parser.add_argument("--quick", action="store_true", help="fewer requests (a smoke run)")
    parser.add_argument("--reseed", action="store_true")
    args = parser.parse_args()
    started = time.perf_counter()
    if _scalar(f"{PG_URL}/postgres", "SELECT 1") is None:
        print(f"bench: PostgreSQL does not answer at {PG_URL}; start it (see README) and run again.", file=sys.stderr)
        return 2
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
    import redis

    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=2).ping()
    except redis.RedisError:
        print(f"bench: Redis does not answer at {redis_url}; start it and run again.", file=sys.stderr)
        return 2
    scales = ["demo", "nanning"] if args.scale == "both" else [args.scale]
    results = {
        "started": datetime.now().isoformat(timespec="seconds"),
        "machine": machine(),
        "options": vars(args),
        "scales": {},
        "seed_seconds": {},
    }
    subprocess.run(
        [PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        check=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.local"},
    )
    for scale in scales:
        results["seed_seconds"][scale] = prepare(scale, args.reseed)
    for scale in scales:
        out = ROOT / "bench" / "results" / f".{scale}.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        log(f"measuring at {scale} scale: {args.only}")
        cmd = [PYTHON, "-m", "bench.scale", "--scale", scale, "--out", str(out), "--only", args.only] + (
            ["--quick"] if args.quick else []
        )
        subprocess.run(
            cmd, cwd=ROOT, check=True, env={**os.environ, "BENCH_DATABASE_URL": db_url(scale), "PYTHONPATH": str(ROOT)}
        )
        results["scales"][scale] = json.loads(out.read_text())
        out.unlink()
    rows, targets = rows_and_targets(results)
    results["targets"] = [{"target": n, "value": v, "met": ok} for n, v, ok in targets]
    results["wall_seconds"] = round(time.perf_counter() - started, 1)
    print()
    print_table(rows, targets)
    print_loads(results)
    path = Path(args.json) if args.json else ROOT / "bench" / "results" / f"{datetime.now():%Y-%m-%d-%H%M}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, ensure_ascii=False, indent=2, default=str))
    print(f"\nwhole run {results['wall_seconds']:.0f} s; JSON written to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

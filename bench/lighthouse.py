"""Lighthouse (mobile) on the public pages and a resident's home, served the way production serves
them: production settings, gunicorn, whitenoise with compressed, hashed static files.

    make lighthouse                       # installs Lighthouse from npm into bench/lighthouse/ once
    python bench/lighthouse.py [--json out.json] [--port 8766]

Needs Node/npm (Lighthouse comes from the npm registry) and Debian's Chromium (/usr/bin/chromium;
never a downloaded browser). The demo city is seeded into a throwaway SQLite database (the pages'
weight and scripts do not depend on the database). Lighthouse's own mobile profile: a Moto G
Power-sized screen, simulated slow 4G and a 4× slower CPU. Prints one row per page with the four
category scores and the numbers behind the performance score; docs/PERFORMANCE.md records a run.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = ROOT / "bench" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = "/usr/bin/chromium"
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
PAGES = [
    ("public index", "/disclosure/", None),
    ("public project (under construction)", "/disclosure/projects/gucheng-liangshi-2026/", None),
    ("public ledger", "/disclosure/projects/gucheng-liangshi-2026/ledger/", None),
    ("vote results", "/disclosure/votes/", None),
    ("landing", "/", None),
    ("resident home", "/", "13807710001"),
    ("resident home, care mode", "/", "13807710001:care"),
]
METRICS = [
    "first-contentful-paint",
    "largest-contentful-paint",
    "total-blocking-time",
    "cumulative-layout-shift",
    "total-byte-weight",
]


def log(message: str) -> None:
    print(f"[lighthouse {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def environment(db: Path, static_root: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_", "REDIS_URL", "DATABASE_URL"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "portal.settings.production",
            "DJANGO_SECRET_KEY": "lighthouse-only-" + "x" * 40,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": f"sqlite:///{db}",
            # plain HTTP on loopback: no HTTPS redirect, cookies without the secure flag, no HSTS
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DJANGO_SECURE_COOKIES": "false",
            "DJANGO_SECURE_HSTS_SECONDS": "0",
            "DJANGO_STATIC_ROOT": str(static_root),
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def manage(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def session_cookie(base: str, username: str, care: bool) -> str:
    """Sign in through the login form (CSRF and all) and return the Cookie header."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/accounts/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "username": username, "password": "demo-2026-pass"}
    ).encode()
    opener.open(
        urllib.request.Request(f"{base}/accounts/login/", data=data, headers={"Referer": f"{base}/accounts/login/"})
    )
    home = opener.open(f"{base}/").read().decode()
    on = 'aria-pressed="true"' in home
    if care != on:
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', home).group(1)
        data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "on": "1" if care else "0", "next": "/"}).encode()
        opener.open(urllib.request.Request(f"{base}/accounts/care-mode/", data=data, headers={"Referer": f"{base}/"}))
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def audit(url: str, cookie: str | None, out: Path) -> dict:
    command = [
        str(LIGHTHOUSE),
        url,
        f"--chrome-path={CHROMIUM}",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
        f"--only-categories={','.join(CATEGORIES)}",
        "--output=json",
        f"--output-path={out}",
        "--quiet",
        "--locale=zh",
        "--max-wait-for-load=45000",
    ]
    if cookie:
        command.append("--extra-headers=" + json.dumps({"Cookie": cookie}))
    subprocess.run(command, check=True, timeout=240, env={**os.environ, "CHROME_PATH": CHROMIUM})
    report = json.loads(out.read_text())
    scores = {c: round(report["categories"][c]["score"] * 100) for c in CATEGORIES}
    metrics = {m: report["audits"][m].get("numericValue") for m in METRICS}
    failing = sorted(
        a["id"]
        for a in report["audits"].values()
        if a.get("score") is not None
        and a["score"] < 0.9
        and a.get("scoreDisplayMode") in ("binary", "numeric", "metricSavings")
    )
    return {"scores": scores, "metrics": metrics, "below_90": failing}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=int(os.environ.get("LIGHTHOUSE_PORT", "8766")))
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        sys.exit("Lighthouse is not installed: run `make lighthouse` (npm install into bench/lighthouse/).")
    work = Path(tempfile.mkdtemp(prefix="portal-lighthouse-"))
    env = environment(work / "db.sqlite3", work / "static")
    log("migrate, seed the demo city, collect static files (production storage: compressed, hashed)")
    manage(env, "migrate", "--noinput")
    manage(env, "seed_demo", "--quiet-accounts")
    manage(env, "collectstatic", "--noinput")
    base = f"http://127.0.0.1:{args.port}"
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "portal.wsgi",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=2)
                break
            except Exception:
                time.sleep(0.3)
        results = []
        for name, path, who in PAGES:
            cookie = None
            if who:
                username, _sep, mode = who.partition(":")
                cookie = session_cookie(base, username, care=mode == "care")
            log(f"{name}: {path}")
            result = audit(base + path, cookie, work / f"{len(results)}.json")
            results.append({"page": name, "path": path, **result})
    finally:
        server.terminate()
        server.wait(timeout=20)
    print("\n| page | performance | accessibility | best practices | SEO | FCP ms | LCP ms | TBT ms | CLS | KiB |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        s, m = r["scores"], r["metrics"]
        print(
            f"| {r['page']} | {s['performance']} | {s['accessibility']} | {s['best-practices']} | {s['seo']} | "
            f"{m['first-contentful-paint']:.0f} | {m['largest-contentful-paint']:.0f} | "
            f"{m['total-blocking-time']:.0f} | "
            f"{m['cumulative-layout-shift']:.3f} | {m['total-byte-weight'] / 1024:.0f} |"
        )
    for r in results:
        if r["below_90"]:
            print(f"  {r['page']}: audits below 0.9: {', '.join(r['below_90'])}")
    out = args.json or ROOT / "bench" / "results" / f"lighthouse-{datetime.now():%Y-%m-%d-%H%M}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2))
    log(f"written {out}")
    worst = min(min(r["scores"].values()) for r in results)
    return 0 if worst >= 95 else 1


if __name__ == "__main__":
    sys.exit(main())

"""A small crawler over the demo city, as one person: every internal page and report it can reach
from its home page, with the visible text of each (for the scans in test_words.py)."""

from __future__ import annotations

import re
from collections import Counter
from html import unescape
from urllib.parse import urljoin, urlsplit

SKIP = re.compile(
    r"^/(accounts/logout|i18n/|admin/|static/|media/|api/|open311/|jsi18n/|healthz)|\.xlsx$|/download$|/scan$|/proof|/voucher|/photo"
)
HREF = re.compile(r'href="([^"#]+)')


def shape(path: str) -> str:
    """Pages of one kind share a shape (numbers and codes folded) — a few of each are enough."""
    return re.sub(r"/[^/]*\d[^/]*", "/N", path.split("?")[0])


def visible_text(html: str) -> str:
    html = re.sub(r"(?is)<(script|style|template)\b.*?</\1>", " ", html)
    html = re.sub(r"(?s)<!--.*?-->", " ", html)
    html = re.sub(r"(?s)<[^>]+>", " ", html)
    return re.sub(r"\s+", " ", unescape(html))


def crawl(client, *, start="/", per_shape=2, limit=150):
    """Yield (path, response) for every page reachable from `start`."""
    seen, queue, shapes = set(), [start], Counter()
    while queue and len(seen) < limit:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path)
        yield path, response
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        for href in HREF.findall(response.content.decode()):
            href = unescape(href)
            parts = urlsplit(urljoin(path, href))
            if parts.netloc or not parts.path.startswith("/"):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if SKIP.search(parts.path) or target in seen:
                continue
            if shapes[shape(target)] >= per_shape:
                continue
            shapes[shape(target)] += 1
            queue.append(target)

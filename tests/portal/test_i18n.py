"""Chinese first, English on request; every UI string has a Chinese translation."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

PO = Path(__file__).resolve().parents[2] / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


@pytest.mark.django_db
def test_chinese_by_default_even_for_an_english_browser(client):
    response = client.get("/", headers={"accept-language": "en-US,en;q=0.9"})
    html = response.content.decode()
    assert '<html lang="zh-Hans">' in html
    assert "注册" in html and "登录" in html
    assert response["Content-Language"] == "zh-hans"


@pytest.mark.django_db
def test_switching_to_english_and_back(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    html = response.content.decode()
    assert '<html lang="en">' in html and "Register as a resident" in html
    response = client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"}, follow=True)
    assert "注册" in response.content.decode()


def _entries(text: str):
    """(msgid, msgstr, flags) for each entry of a .po file, plural forms joined."""
    for block in text.split("\n\n"):
        flags = " ".join(line for line in block.splitlines() if line.startswith("#,"))
        msgid = "".join(re.findall(r'^(?:msgid|msgid_plural|)\s*"(.*)"$', block.split("msgstr")[0], re.M))
        msgstrs = re.findall(r'^msgstr(?:\[\d\])?\s*"(.*)"((?:\n".*")*)', block, re.M)
        msgstr = "".join(a + "".join(re.findall(r'"(.*)"', b)) for a, b in msgstrs)
        if "msgid" in block:
            yield msgid, msgstr, flags


def test_every_string_is_translated_to_chinese_and_none_is_fuzzy():
    entries = [(i, s, fl) for i, s, fl in _entries(PO.read_text(encoding="utf-8")) if i]
    assert len(entries) > 150
    untranslated = [i for i, s, _ in entries if not s]
    fuzzy = [i for i, _, fl in entries if "fuzzy" in fl]
    assert untranslated == [] and fuzzy == []


def test_placeholders_survive_translation():
    for msgid, msgstr, _ in _entries(PO.read_text(encoding="utf-8")):
        if msgid and msgstr:
            assert (
                set(re.findall(r"%\(\w+\)s|\{\{ ?\w+ ?\}\}", msgid))
                <= set(re.findall(r"%\(\w+\)s|\{\{ ?\w+ ?\}\}", msgstr)) | set()
            ), msgid

"""Oversight in Chromium: the bureau opens the city dashboard (its charts draw), starts an XLSX
export of every ledger entry, watches the progress bar — the file is built by a real Celery worker
on the real Redis broker — and downloads it."""

import io

import pytest
from openpyxl import load_workbook

from disclosure.models import LedgerEntry
from portal.models import ExportJob
from tests import factories as f
from tests.celery_worker import Worker, to_worker, wait_for  # noqa: F401
from tests.disclosure.conftest import adopted_project, award, publish_budget
from tests.e2e.test_renovation_flow import People
from tests.portal.test_reports import _bulk_chain

pytestmark = [pytest.mark.browser, pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_bureau_dashboard_charts_and_an_xlsx_export_built_by_a_worker(
    live_server, browser, shot, axe_violations, watch_requests, tmp_path, to_worker
):
    from disclosure import ledger

    city = f.build_city()
    p = adopted_project(city)
    publish_budget(city, p)
    award(city, p)
    _bulk_chain(p.project, city.street_a_staff, 1, 12_000, ledger.ZERO_HASH)
    worker = Worker(tmp_path).start()
    to_worker.conf.task_default_queue = worker.queue
    try:
        base = live_server.url
        bureau = People(browser, base).page(city.bureau.username)
        bureau.set_viewport_size({"width": 1280, "height": 900})
        outside = watch_requests(bureau, base)
        bureau.goto(base + "/")
        for chart in ("chart-city-status", "chart-city-sources", "chart-city-progress"):
            bureau.locator(f"#{chart}[data-rendered=true]").wait_for()
        found = {"dashboard": axe_violations(bureau)}
        shot(bureau, "oversight-bureau-dashboard")

        bureau.get_by_test_id("reports-link").click()
        bureau.get_by_test_id("report-list").wait_for()
        found["reports"] = axe_violations(bureau)
        bureau.get_by_test_id("xlsx-ledger").click()
        bureau.get_by_test_id("export-job").wait_for()
        seen = set()
        for _ in range(240):
            seen.add(bureau.get_by_test_id("export-job").get_attribute("data-status"))
            if "done" in seen:
                break
            bureau.wait_for_timeout(250)
        assert "done" in seen, worker.log.read_text()[-2000:]
        assert bureau.get_by_test_id("export-progress").inner_text() == "100%"
        found["export"] = axe_violations(bureau)
        shot(bureau, "oversight-export-done")
        with bureau.expect_download() as download_info:
            bureau.get_by_test_id("export-download").click()
        path = download_info.value.path()
        rows = list(
            load_workbook(io.BytesIO(open(path, "rb").read()), read_only=True).active.iter_rows(values_only=True)
        )
        assert len(rows) - 1 == LedgerEntry.objects.count() == 12_000
        job = ExportJob.objects.get()
        assert job.status == "done" and job.requested_by_id == city.bureau.pk
        assert "succeeded" in worker.log.read_text().split("portal.tasks.build_export", 2)[-1]  # built by the worker
        bureau.goto(base + "/reports/audit/")
        bureau.get_by_test_id("audit-entries").wait_for()
        found["audit"] = axe_violations(bureau)
        assert outside == []
        assert {k: v for k, v in found.items() if v} == {}
    finally:
        worker.stop()

"""The UI in a real browser: Playwright driving Debian's chromium against a live server on 127.0.0.1.

Screenshots are written to ``test-artifacts/server/`` (or ``$ONCORESIST_ARTIFACTS``). Skipped with the
reason when chromium or the playwright package is absent (``.ci/run`` installs chromium).
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from oncoresist.server import ServerSettings, create_app
from server._helpers import maf_text

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
if CHROMIUM is None:
    pytest.skip("no chromium executable (apt-get install chromium; .ci/run does it)", allow_module_level=True)

from playwright.sync_api import Browser, Page, expect, sync_playwright  # noqa: E402

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip
ARTIFACTS = Path(os.environ.get("ONCORESIST_ARTIFACTS", Path(__file__).resolve().parents[2] / "test-artifacts"))
pytestmark = pytest.mark.network


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    import uvicorn

    tmp = tmp_path_factory.mktemp("live")
    port = _free_port()
    settings = ServerSettings(port=port, max_jobs=1, max_queued=1, max_patients=50, max_rows=1000, job_dir=tmp,
                              upload_dir=tmp)  # fmt: skip
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning",
                                           access_log=False))  # fmt: skip
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(30)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Browser, base_url: str) -> Iterator[Page]:
    ctx = browser.new_context(base_url=base_url, viewport={"width": 1366, "height": 900})
    pg = ctx.new_page()
    yield pg
    ctx.close()


def _shot(page: Page, name: str) -> Path:
    out = ARTIFACTS / "server"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def test_annotate_a_profile_from_the_form(page: Page) -> None:
    page.goto("/")
    expect(page.get_by_role("note")).to_contain_text("not a medical device")
    page.get_by_label("Alterations, one per line").fill("EGFR L858R")
    # keyboard: the suggestion field adds an alteration with Enter
    entry = page.get_by_label("Add an alteration", exact=False)
    entry.focus()
    page.keyboard.type("EGFR T790M")
    page.keyboard.press("Enter")
    expect(page.get_by_label("Alterations, one per line")).to_have_value("EGFR L858R\nEGFR T790M")
    page.get_by_label("Drug(s)", exact=False).fill("erlotinib")
    page.get_by_label("Tumour type", exact=False).fill("NSCLC")
    page.get_by_role("button", name="Annotate").click()
    expect(page.get_by_test_id("verdict")).to_have_text("resistant")
    t790m = page.get_by_role("region", name="EGFR T790M")
    expect(t790m).to_contain_text("resistance")
    expect(t790m).to_contain_text("On-target mutation")
    expect(t790m.get_by_role("link", name="PMID:15737014").first).to_have_attribute(
        "href", "https://pubmed.ncbi.nlm.nih.gov/15737014/")  # fmt: skip
    expect(page.get_by_role("cell", name="osimertinib", exact=True)).to_be_visible()
    expect(page.get_by_role("note")).to_contain_text("not a medical device")
    _shot(page, "annotate-profile")
    with page.expect_download() as dl:
        page.get_by_role("link", name="JSON").click()
    assert '"verdict": "resistant"' in Path(dl.value.path()).read_text()


def test_autocompletion_offers_knowledge_names(page: Page) -> None:
    page.goto("/")
    page.get_by_label("Drug(s)", exact=False).press_sequentially("osimer", delay=20)
    expect(page.locator("#drug-list option[value='osimertinib']")).to_have_count(1)


def test_upload_a_maf(page: Page, tmp_path: Path) -> None:
    maf = tmp_path / "two-samples.maf"
    maf.write_text(maf_text([("EGFR", "p.L858R", "Missense_Mutation", "TUMOUR-A"),
                             ("EGFR", "p.T790M", "Missense_Mutation", "TUMOUR-A"),
                             ("EGFR", "p.L858R", "Missense_Mutation", "TUMOUR-B")]))  # fmt: skip
    page.goto("/")
    page.get_by_label("MAF, VCF", exact=False).set_input_files(str(maf))
    page.get_by_label("Drug(s)", exact=False).fill("erlotinib")
    page.get_by_role("button", name="Annotate").click()
    expect(page.get_by_test_id("batch-summary")).to_contain_text("2 sample(s) from 3 row(s)")
    rows = page.locator("table.samples tbody tr")
    expect(rows.filter(has_text="TUMOUR-A")).to_contain_text("resistant")
    expect(rows.filter(has_text="TUMOUR-B")).to_contain_text("sensitive")
    _shot(page, "annotate-maf")


def test_bad_upload_shows_a_clear_message(page: Page, tmp_path: Path) -> None:
    bad = tmp_path / "wrong.maf"
    bad.write_text("gene\tchange\nEGFR\tT790M\n")
    page.goto("/")
    page.get_by_label("MAF, VCF", exact=False).set_input_files(str(bad))
    page.get_by_label("Drug(s)", exact=False).fill("erlotinib")
    page.get_by_role("button", name="Annotate").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Hugo_Symbol")
    expect(alert).to_contain_text("wrong.maf")


def test_user_input_is_escaped(page: Page) -> None:
    page.goto("/explain?q=%3Cscript%3Ewindow.pwned%3D1%3C%2Fscript%3E")
    expect(page.get_by_role("alert")).to_contain_text("<script>")
    assert page.evaluate("typeof window.pwned") == "undefined"


def test_twin_job_runs_to_completion(page: Page) -> None:
    page.goto("/twin")
    page.get_by_label("Alterations, one per line").fill("EGFR L858R")
    page.get_by_label("Drugs on the table", exact=False).fill("osimertinib")
    page.get_by_label("Tumour type").fill("NSCLC")
    page.get_by_label("Virtual patients per strategy", exact=False).fill("8")
    page.get_by_label("Seed", exact=False).fill("7")
    page.get_by_role("button", name="Start the job").click()
    expect(page.get_by_label("Progress")).to_be_visible()
    expect(page.get_by_test_id("job-state")).to_have_text("done", timeout=300_000)
    expect(page.get_by_test_id("summary")).to_contain_text("continuous")
    expect(page.get_by_test_id("origins").locator("tbody tr").first).to_be_visible()
    km = page.get_by_role("img", name="Kaplan-Meier", exact=False)
    expect(km).to_be_visible()
    assert page.evaluate("document.querySelector('figure img').naturalWidth") > 100
    expect(page.get_by_role("note")).to_contain_text("not a medical device")
    _shot(page, "twin-job")
    # on a phone (390 px) the page does not scroll sideways; before: 700 px (the figure fixed at 640 px)
    page.set_viewport_size({"width": 390, "height": 800})
    page.reload()
    expect(page.get_by_test_id("job-state")).to_have_text("done")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_api_docs_render_every_endpoint(page: Page) -> None:
    """/docs used to show only "Unable to render this definition" (Swagger UI 4 given OpenAPI 3.1)."""
    page.goto("/docs")
    expect(page.locator(".opblock").first).to_be_visible(timeout=20000)
    assert "Unable to render" not in page.content()
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/v1/annotate" in paths and "/api/v1/twin" in paths and len(paths) >= 10
    page.locator(".opblock-summary-path", has_text="/api/v1/annotate").click()
    expect(page.locator(".opblock-body").first).to_contain_text("multipart/form-data")
    _shot(page, "api-docs")


def test_pages_load_without_browser_errors(page: Page) -> None:
    """Before: every page logged a 404 for /favicon.ico in the console."""
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    for url in ("/", "/twin", "/explain?q=EGFR+T790M"):
        page.goto(url, wait_until="networkidle")
    assert errors == []


def test_a_phone_wide_page_never_scrolls_sideways(browser: Browser, base_url: str) -> None:
    """Before, at 390 px: the menu ran off the screen ('Knowle...', API hidden), the footer's knowledge version
    made the whole page 435 px wide, and the options and facts tables made it 693 px wide."""
    ctx = browser.new_context(base_url=base_url, viewport={"width": 390, "height": 800})
    pg = ctx.new_page()
    try:
        def overflow() -> int:
            return int(pg.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth"))

        pg.goto("/")
        assert overflow() == 0
        expect(pg.get_by_role("link", name="API")).to_be_in_viewport()
        pg.get_by_label("Alterations, one per line").fill("EGFR L858R\nEGFR T790M\nMET amplification")
        pg.get_by_label("Drug(s)", exact=False).fill("erlotinib")
        pg.get_by_label("Tumour type", exact=False).fill("NSCLC")
        pg.get_by_role("button", name="Annotate").click()
        expect(pg.get_by_test_id("verdict")).to_have_text("resistant")
        assert overflow() == 0
        pg.goto("/explain?q=osimertinib")
        assert overflow() == 0
        _shot(pg, "explain-phone")
    finally:
        ctx.close()


def test_the_html_report_fits_a_phone(browser: Browser, tmp_path: Path, kb_for_report: object) -> None:
    """The self-contained annotation report (``annotate --html``, the page's HTML download) at 390 px.

    Before: 482 px wide (the summary's two columns, the version string, the six-column options table with
    the rationale one word per line)."""
    from oncoresist.annotate import annotate
    from oncoresist.report.annotation import write_html

    res = annotate(["EGFR L858R", "EGFR T790M", "MET amplification"], drug="erlotinib", tumor="NSCLC",
                   knowledge=kb_for_report)  # type: ignore[arg-type]
    out = write_html(res, tmp_path / "r.html", kb_for_report)  # type: ignore[arg-type]
    ctx = browser.new_context(viewport={"width": 390, "height": 800})
    pg = ctx.new_page()
    try:
        pg.goto(Path(out).resolve().as_uri())
        assert pg.evaluate("document.documentElement.scrollWidth") <= 390
        cell = pg.locator("td[data-label='Rationale']").first
        assert cell.bounding_box()["width"] > 300  # type: ignore[index]  # a block, not a one-word column
        _shot(pg, "report-phone")
    finally:
        ctx.close()


@pytest.fixture(scope="module")
def kb_for_report():  # type: ignore[no-untyped-def]
    from oncoresist.knowledge.loader import load_knowledge

    return load_knowledge()


def test_the_trial_report_fits_a_phone(browser: Browser, tmp_path: Path) -> None:
    """``oncoresist report`` at 390 px. Before: 574 px wide (the Kaplan-Meier figures fixed at 640 px)."""
    import yaml
    from typer.testing import CliRunner

    from oncoresist.cli import app

    trials = Path(__file__).resolve().parents[2] / "examples" / "trials"
    data = yaml.safe_load((trials / "zhang_adaptive.yaml").read_text())
    for arm in data["arms"]:
        arm["scenario"] = str(trials / "scenarios" / "zhang2017_lv.yaml")
    data["patients_per_arm"], data["follow_up_days"] = 6, 1500
    (tmp_path / "t.yaml").write_text(yaml.safe_dump(data))
    res = CliRunner().invoke(app, ["trial", str(tmp_path / "t.yaml"), "--seed", "3", "--out", str(tmp_path / "run")])
    assert res.exit_code == 0, res.output
    res = CliRunner().invoke(app, ["report", str(tmp_path / "run"), "--html", str(tmp_path / "r.html")])
    assert res.exit_code == 0, res.output
    ctx = browser.new_context(viewport={"width": 390, "height": 800})
    pg = ctx.new_page()
    try:
        pg.goto((tmp_path / "r.html").resolve().as_uri())
        assert pg.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        ctx.close()


def test_the_twin_report_fits_a_phone(browser: Browser, tmp_path: Path) -> None:
    """``oncoresist twin ... --html`` at 390 px. Before polish10: 1028 px wide (the origins table's long paths and
    sources, the annotation's source lists), and no viewport meta tag, so a phone drew it 980 px wide, zoomed out."""
    from typer.testing import CliRunner

    from oncoresist.cli import app

    out = tmp_path / "twin.html"
    res = CliRunner().invoke(app, ["twin", "EGFR L858R", "--drugs", "erlotinib,osimertinib", "--tumor", "NSCLC",
                                   "--html", str(out)])  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "name='viewport'" in out.read_text(encoding="utf-8")
    ctx = browser.new_context(viewport={"width": 390, "height": 800})
    pg = ctx.new_page()
    try:
        pg.goto(out.resolve().as_uri())
        assert pg.evaluate("document.documentElement.scrollWidth") <= 390
        expect(pg.locator(".disclaimer")).to_contain_text("not a medical device")
        _shot(pg, "twin-report-phone")
    finally:
        ctx.close()


def test_the_options_read_as_blocks_on_a_phone(browser: Browser, base_url: str) -> None:
    """At 390 px the options table of the annotation page scrolled sideways inside itself with the rationale in
    a 139 px column (30 lines an option, seen on FLT3 ITD + PTPN11 Q510L + NPM1 on gilteritinib); now each option
    is a block of labelled lines."""
    ctx = browser.new_context(base_url=base_url, viewport={"width": 390, "height": 800})
    pg = ctx.new_page()
    try:
        pg.goto("/")
        pg.get_by_label("Alterations, one per line").fill("FLT3 ITD\nPTPN11 Q510L\nNPM1 W288fs")
        pg.get_by_label("Drug(s)", exact=False).fill("gilteritinib")
        pg.get_by_label("Tumour type", exact=False).fill("AML")
        pg.get_by_role("button", name="Annotate").click()
        expect(pg.get_by_test_id("verdict")).to_have_text("resistant")
        table = pg.locator("table.options")
        assert pg.evaluate("t => t.scrollWidth <= t.clientWidth + 1", table.element_handle())
        cell = pg.locator("table.options td[data-label='Rationale']").first
        assert cell.bounding_box()["width"] > 300  # type: ignore[index]
        _shot(pg, "options-phone")
    finally:
        ctx.close()

"""Reproduce docs/review.png: the `kgbuild review` claim page, as a curator sees it.

Builds a store from three corpus reports in a temporary directory, records one decision (so the
page has some history), starts the real `kgbuild review` server and photographs the alemtuzumab
→ IL-6 claim in Debian's chromium with Playwright (no browser download).

    .venv/bin/python docs/screenshot_review.py [-o docs/review.png]
"""
from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from kgbuild import curation
from kgbuild.store import Store

ROOT = Path(__file__).resolve().parents[1]
REPORTS = [f"corpus/pdf/case0{i}.pdf" for i in (1, 2, 3)]      # relative to ROOT, as the README builds them
KGBUILD = Path(sys.executable).with_name("kgbuild")
ALEMTUZUMAB, IL6 = "MESH:D000074323", "HGNC:6018"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("-o", "--output", default=str(ROOT / "docs" / "review.png"))
    out = Path(p.parse_args().output)
    with tempfile.TemporaryDirectory() as tmp:
        store_dir = Path(tmp) / "outputs" / "store"     # shown as the README's outputs/store
        subprocess.run([KGBUILD, "build", *REPORTS, "--store", store_dir, "--quiet"], check=True, cwd=ROOT)
        with Store(store_dir, create=False) as store:
            claim = next(c["id"] for c in store.claims() if (c["subject"], c["object"]) == (ALEMTUZUMAB, IL6))
            curation.edit(store, claim, hedged=True, curator="alice", reason="“triggered” is the authors' inference")
        server = subprocess.Popen([KGBUILD, "review", "--store", "outputs/store", "--port", "0", "--curator", "alice"],
                                  stdout=subprocess.PIPE, text=True, cwd=tmp)
        try:
            url = re.search(r"http://\S+/", server.stdout.readline()).group(0)
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path="/usr/bin/chromium",
                                             args=["--headless", "--no-sandbox", "--disable-gpu"])
                page = browser.new_page(viewport={"width": 1360, "height": 900})
                page.goto(f"{url}claims/{claim}?entity=alemtuzumab&status=all")
                page.screenshot(path=out)
                browser.close()
        finally:
            server.terminate()
            server.wait()
    print(f"wrote {out} ({out.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()

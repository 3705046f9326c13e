"""Whole reports scanned as archives hold them: one document of each kind drawn by
scripts/make_scan_corpus.py (tests/fixtures/scan_corpus, the tune draw, 20 pages): 300, 200 and
150 dpi scans, faint rules, a 1-bit fax with a seal, and two phone photos.

Every cell is compared with the truth. The route does not read them all yet (see the README's
figures): what must hold is that no wrong value goes unflagged, no document with a wrong value
is `ok`, at least as many cells as measured are exactly right, and the agency and year are read
from page 1 wherever it was scanned.
"""

import json

import pytest
from helpers import FIXTURES, TRUTH, load_truth_cells, report_cells

CORPUS = FIXTURES / "scan_corpus"
DOCUMENTS = json.loads((CORPUS / ".manifest.json").read_text(encoding="utf-8"))["documents"]

# Cells exactly right, as measured (stop 19; 1367 at stop 18, 1118 at stop 17, of 1396); a
# change may raise them.
RIGHT_AT_LEAST = {
    "000_de4a6e6b343917dd.scan300.d000.pdf": 200,
    "t2019_qinghe_county.scan200.d001.pdf": 198,
    "003_e8e0dec984916c3b.scan150.d002.tiff": 200,
    "001_1c640710511402cf.faint.d003.pdf": 200,
    "004_35a7a0986a780ec4.fax.d004.tiff": 196,
    "002_aeca975d5bd5932c.photo.d005": 200,
    "t2019_hexi_street.photo.d006.pdf": 198,
}


@pytest.mark.slow
@pytest.mark.ocr
@pytest.mark.parametrize("document", DOCUMENTS, ids=[d["file"] for d in DOCUMENTS])
def test_a_scanned_report_has_no_silent_error(process, document):
    report = process(CORPUS / document["file"])
    truth = load_truth_cells(TRUTH / f"{document['source']}.json")
    cells = {
        (t, c["row"], c["col"]): c for t, table in report["tables"].items() for c in table["cells"]
    }
    got = report_cells(report)
    wrong = {key: cells.get(key) for key, value in truth.items() if got.get(key, "∅") != value}

    assert len(truth) - len(wrong) >= RIGHT_AT_LEAST[document["file"]]
    assert [key for key, cell in wrong.items() if cell is not None and not cell["flags"]] == []
    if wrong:
        assert report["status"] == "needs_review"
    if document["page1_included"]:  # the title is read from the scan of page 1
        assert (report["agency"], report["year"]) == (document["agency"], document["year"])

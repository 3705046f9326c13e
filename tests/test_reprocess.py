"""`nianbao reprocess`: chosen scanned pages read again with other settings, outputs updated,
the clerk's corrections kept."""

import json
import shutil

import pytest
from helpers import SAMPLES

from cli.main import main
from model.report import Report
from outputs.review_log import record_correction
from outputs.writers import write_document

pytestmark = pytest.mark.ocr  # reads a scanned page again

SIDEWAYS = SAMPLES / "scans" / "004_35a7a0986a780ec4.rotated90.p4.jpg"  # one page
TEXT = SAMPLES / "text" / "000_de4a6e6b343917dd.txt"


@pytest.fixture(scope="module")
def processed(tmp_path_factory):
    root = tmp_path_factory.mktemp("reprocess")
    inbox, out = root / "inbox", root / "out"
    inbox.mkdir()
    for sample in (SIDEWAYS, TEXT):
        shutil.copy(sample, inbox / sample.name)
    main(["run", str(inbox), "--out", str(out)])
    return inbox, out


def read_report(doc_dir):
    return json.loads((doc_dir / "report.json").read_text(encoding="utf-8"))


def test_page_read_again_with_other_settings_keeps_the_review(processed, capsys):
    _, out = processed
    doc_dir = out / SIDEWAYS.name
    before = read_report(doc_dir)
    assert "scan_settings" not in before["source"]
    corrected = record_correction(
        Report.model_validate(before), doc_dir, "applications", "new_received", "total", "999"
    )
    write_document(corrected, doc_dir)

    assert main(["reprocess", str(doc_dir), "--pages", "1", "--ocr", "page", "--dpi", "250"]) == 0
    after = read_report(doc_dir)
    assert after["source"]["scan_settings"] == {"dpi": 250.0, "ocr": "page", "pages": [1]}
    cell = next(
        c
        for c in after["tables"]["applications"]["cells"]
        if (c["row"], c["col"]) == ("new_received", "total")
    )
    assert cell["value"] == 999 and "reviewed" in cell["flags"]
    assert cell["machine"]["value"] == 0  # what the machine read, kept beside the correction
    # The run's dataset follows: documents.csv still lists both documents.
    listing = (out / "documents.csv").read_text(encoding="utf-8-sig")
    assert SIDEWAYS.name in listing and TEXT.name in listing
    assert SIDEWAYS.name in capsys.readouterr().out


@pytest.mark.parametrize(
    "args, says",
    [
        (["--pages", "1"], "只有扫描的 PDF 页面和图片可以重新识别"),
    ],
)
def test_text_document_has_nothing_to_read_again(processed, capsys, args, says):
    _, out = processed
    assert main(["reprocess", str(out / TEXT.name), *args]) == 2
    assert says in capsys.readouterr().err


def test_page_out_of_range_and_moved_input_are_explained(processed, tmp_path, capsys):
    inbox, out = processed
    doc_dir = out / SIDEWAYS.name
    assert main(["reprocess", str(doc_dir), "--pages", "2"]) == 2
    assert "这个文件共 1 页" in capsys.readouterr().err

    moved = tmp_path / "moved.jpg"
    shutil.move(inbox / SIDEWAYS.name, moved)
    try:
        assert main(["reprocess", str(doc_dir), "--pages", "1"]) == 2
        assert "--source" in capsys.readouterr().err
    finally:
        shutil.move(moved, inbox / SIDEWAYS.name)


def test_not_an_output_folder(tmp_path, capsys):
    assert main(["reprocess", str(tmp_path)]) == 2
    assert "没有 report.json" in capsys.readouterr().err

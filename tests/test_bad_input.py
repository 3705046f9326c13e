"""Bad input fails alone, with a reason a clerk understands, and writes a whole report."""

import json
import os
import shutil
import zipfile

import docx
from helpers import FIXTURES, SAMPLES


def failed(report, *words):
    assert report["status"] == "failed"
    assert report["tables"] == {}
    assert all(w in report["error"] for w in words), report["error"]
    return report


def test_empty_file(process, tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    failed(process(path), "空")


def test_random_binary(process, tmp_path):
    path = tmp_path / "report.docx"  # the name lies; the content decides
    path.write_bytes(os.urandom(4096))
    report = failed(process(path), "无法识别的文件格式")
    assert report["source"]["format"] is None


def test_broken_docx_zip(process, tmp_path):
    good = (SAMPLES / "docx" / "000_de4a6e6b343917dd.docx").read_bytes()
    path = tmp_path / "broken.docx"
    path.write_bytes(good[: len(good) // 2])
    failed(process(path), "Word", "损坏")


def test_docx_missing_its_document_part(process, tmp_path):
    path = tmp_path / "not-word.docx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("hello.txt", "hi")
    failed(process(path), "不是 Word")


def test_gbk_text(process, tmp_path):
    path = tmp_path / "gbk.txt"
    text = (SAMPLES / "text" / "000_de4a6e6b343917dd.txt").read_text(encoding="utf-8")
    path.write_bytes(text.encode("gbk", errors="replace"))
    failed(process(path), "GBK", "UTF-8")


def test_docx_that_is_not_an_annual_report(process, tmp_path):
    document = docx.Document()
    document.add_paragraph("关于召开年度工作会议的通知")
    table = document.add_table(rows=2, cols=3)
    for i, text in enumerate(["项目", "金额", "备注", "其他", "12", "无"]):
        table.cell(i // 3, i % 3).text = text
    path = tmp_path / "notice.docx"
    document.save(path)
    report = failed(process(path), "不是政府信息公开工作年度报告")
    assert report["error_code"] == "not_a_report"


def test_blank_official_template_is_not_a_filled_report(process, tmp_path):
    path = tmp_path / "template.docx"
    shutil.copyfile(FIXTURES / "blank_official_template.docx", path)
    report = failed(process(path), "没有填写任何数字")
    assert report["error_code"] == "empty_tables"


def test_text_without_tables(process, tmp_path):
    path = tmp_path / "letter.txt"
    path.write_text("这是一封普通的信。\n没有表格。\n", encoding="utf-8")
    assert failed(process(path))["error_code"] == "not_a_report"


def test_failed_report_is_written_whole(process, tmp_path):
    path = tmp_path / "empty.bin"
    path.write_bytes(b"")
    process(path)
    written = json.loads(
        (tmp_path / "out" / "empty.bin" / "report.json").read_text(encoding="utf-8")
    )
    assert written["status"] == "failed" and written["error"]
    assert sorted(p.name for p in (tmp_path / "out" / "empty.bin").iterdir()) == ["report.json"]


def test_a_fifo_reached_anyway_fails_without_blocking(process, tmp_path):
    """A file swapped for a pipe after the folder was listed: never opened for reading."""
    import os

    path = tmp_path / "report.txt"
    os.mkfifo(path)
    report = failed(process(path))
    assert report["error_code"] == "unreadable" and "不是普通文件" in report["error"]

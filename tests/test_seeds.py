"""Every cell of every seed, as text and as DOCX, against the truth; and the checks."""

import pytest
from helpers import SAMPLES, SEED_002, SEED_IDS, load_truth, report_cells, truth_cells

ROUTES = {"text": "txt", "docx": "docx"}
EXPECTED_AGENCY_YEAR = {
    "000_de4a6e6b343917dd": ("北京市丰台区人民政府", 2023),
    "001_1c640710511402cf": ("北京市丰台区人民政府花乡街道办事处", 2023),
    "002_aeca975d5bd5932c": ("北京市朝阳区政务服务管理局", 2023),
    "003_e8e0dec984916c3b": ("北京市石景山区人民政府", 2022),
    "004_35a7a0986a780ec4": ("四方台区", 2023),
}


def seed_path(seed: str, route: str):
    return SAMPLES / route / f"{seed}.{ROUTES[route]}"


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("seed", SEED_IDS)
def test_every_cell_matches_truth(process, seed, route):
    report = process(seed_path(seed, route))
    assert report["source"]["format"] == route
    got, want = report_cells(report), truth_cells(load_truth(seed))
    assert len(want) == 200
    assert got == want
    assert (report["agency"], report["year"]) == EXPECTED_AGENCY_YEAR[seed]
    assert report["tables"]["applications"]["other_layout"] == "split"


@pytest.mark.parametrize("route", ROUTES)
def test_seed_002_breaks_identity_1_in_two_columns_and_restates_review_count(process, route):
    report = process(seed_path(SEED_002, route))
    failed = [
        (c["rule"], c["where"], c["expected"], c["found"], c["cause"]) for c in report["checks"]
    ]
    assert failed == [
        ("applications.balance", "col=natural_person", 719, 705, "source"),
        ("applications.balance", "col=commercial", 40, 54, "source"),
        ("text.restated", "text=行政复议15件", 15, 14, "source"),
    ]
    # Read exactly, so the table is the source's own error: reported, never "fixed".
    assert report["status"] == "ok"
    cells = {(t, c["row"], c["col"]): c for t, tb in report["tables"].items() for c in tb["cells"]}
    assert cells[("applications", "new_received", "natural_person")]["value"] == 706
    assert "in_failed_check" in cells[("applications", "new_received", "natural_person")]["flags"]
    assert "in_failed_check" not in cells[("applications", "new_received", "research")]["flags"]
    blank = cells[("applications", "denied.internal_affairs", "commercial")]
    assert (blank["value"], blank["text"], blank["flags"]) == (None, "", ["blank"])


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("seed", [s for s in SEED_IDS if s != SEED_002])
def test_other_seeds_pass_every_identity(process, seed, route):
    report = process(seed_path(seed, route))
    assert report["checks"] == []
    assert report["status"] == "ok"
    assert report["summary"] == {
        "cells": 200,
        "unsure_cells": 0,
        "failed_checks": 0,
        "source_errors": 0,
        "corrections": 0,
    }

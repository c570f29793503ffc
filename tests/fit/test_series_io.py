"""The longitudinal record: readers, writers and one-line errors for bad series."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from oncoresist.fit import MeasurementKind, SeriesError
from oncoresist.fit.io import read_series, series_to_csv_text

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "series" / "egfr_osimertinib.csv"
HEADER = "patient_id,time_days,kind,value,target,depth,below_detection,drug,stop_days,dose,dose_unit\n"


def _csv(tmp_path: Path, body: str, header: str = HEADER) -> Path:
    p = tmp_path / "s.csv"
    p.write_text(header + body)
    return p


def test_example_reads_with_tracks_and_treatment() -> None:
    s = read_series(EXAMPLE)
    assert s.patient_id == "EXAMPLE-EGFR-1"
    assert (MeasurementKind.ctdna_vaf, "EGFR C797S") in s.tracks()
    assert [t.drug for t in s.treatments] == ["osimertinib"]
    c797s = s.track(MeasurementKind.ctdna_vaf, "EGFR C797S")
    assert c797s[0].below_detection and c797s[0].depth == 3100


def test_csv_json_yaml_agree(tmp_path: Path) -> None:
    s = read_series(EXAMPLE)
    again = read_series(_csv(tmp_path, series_to_csv_text(s).split("\n", 1)[1]))
    assert again.measurements == s.measurements and again.treatments == s.treatments
    j = tmp_path / "s.json"
    j.write_text(s.model_dump_json())
    assert read_series(j).measurements == s.measurements
    y = tmp_path / "s.yaml"
    y.write_text("patient_id: Y\nmeasurements:\n  - {time_days: 0, kind: psa, value: 12.5}\n"
                 "treatments:\n  - {drug: abiraterone, start_days: 0, stop_days: 90}\n")
    assert read_series(y).measurements[0].kind is MeasurementKind.psa


@pytest.mark.parametrize(("body", "expected"), [
    ("P,0,lesion_diameter,10,L1,,,,,,\nP,-5,lesion_diameter,9,L1,,,,,,\n", r"row 3, field time_days: .*sort"),
    ("P,0,sum_of_diameters,-3,,,,,,,\n", r"row 2, field value: .*greater than or equal to 0"),
    ("P,0,tumor_size,3,,,,,,,\n", r"row 2, field kind: unknown measurement kind 'tumor_size'"),
    ("P,30,treatment,,,,,imatinib,10,,\n", r"row 2, field stop_days: stop_days 10.0 is before start_days 30.0"),
    ("P,0,ctdna_vaf,1.4,EGFR T790M,100,,,,,\n", r"row 2, field value: .*fraction"),
    ("P,x,psa,3,,,,,,,\n", r"row 2, field time_days: 'x' is not a number"),
    ("P,0,psa,3,,12,,,,,\n", r"row 2, field depth: depth is only meaningful for ctdna_vaf"),
])
def test_bad_rows_name_row_and_field(tmp_path: Path, body: str, expected: str) -> None:
    with pytest.raises(SeriesError, match=expected) as info:
        read_series(_csv(tmp_path, body))
    assert "\n" not in str(info.value) and "s.csv" in str(info.value)


def test_empty_and_header_only_files(tmp_path: Path) -> None:
    empty = tmp_path / "e.csv"
    empty.write_text("")
    with pytest.raises(SeriesError, match="empty"):
        read_series(empty)
    with pytest.raises(SeriesError, match="no measurement rows"):
        read_series(_csv(tmp_path, ""))


def test_json_errors_name_the_field_path(tmp_path: Path) -> None:
    p = tmp_path / "s.json"
    p.write_text(json.dumps({"patient_id": "P", "measurements": [{"time_days": 0, "kind": "psa", "value": -1}]}))
    with pytest.raises(SeriesError, match=r"field measurements\.0\.value"):
        read_series(p)
    p.write_text(json.dumps({"patient_id": "P", "measurements": [
        {"time_days": 5, "kind": "psa", "value": 1}, {"time_days": 1, "kind": "psa", "value": 2}]}))
    with pytest.raises(SeriesError, match=r"measurements\[1\]\.time_days 1.0 is before 5.0"):
        read_series(p)

"""A decisive sensitivity that a resistance on an added alteration overrides says so (verdict rule 4).

Before polish10, on the TCGA AML MAF (``TCGA-AB-2871``: FLT3 ITD + PTPN11 Q510L on gilteritinib) the verdict
was ``resistant`` with the reason naming only the level-C PTPN11 finding, while the level-A FLT3 ITD finding
was listed as ``decisive`` with an empty note: nothing said that a label-level sensitivity had been set aside.
"""

from __future__ import annotations

from oncoresist.annotate import annotate


def test_the_reason_and_the_note_name_the_sensitivity_set_aside() -> None:
    res = annotate(["FLT3 ITD", "PTPN11 Q510L"], drug="gilteritinib", tumor="AML")
    assert res.verdict == "resistant"
    assert res.verdict_reason.startswith("decided by PTPN11 Q510L: resistance")
    assert res.verdict_reason.endswith(", over FLT3 internal tandem duplication: sensitivity to gilteritinib, level A")
    flt3 = next(f for f in res.findings if f.gene == "FLT3")
    assert flt3.status == "decisive" and flt3.note.startswith("set aside: ") and "PTPN11 Q510L" in flt3.note


def test_a_resistance_alone_is_reasoned_as_before() -> None:
    res = annotate(["KRAS G12D"], drug="gilteritinib", tumor="AML")
    assert res.verdict == "resistant" and ", over " not in res.verdict_reason
    res = annotate(["FLT3 ITD"], drug="gilteritinib", tumor="AML")
    assert res.verdict == "sensitive" and all(not f.note for f in res.findings)


def test_the_reports_do_not_say_the_set_aside_finding_decided() -> None:
    """The web page and the HTML report said 'decided the verdict' on the FLT3 ITD card of a resistant verdict."""
    from oncoresist.report.annotation import status_text

    res = annotate(["FLT3 ITD", "PTPN11 Q510L"], drug="gilteritinib", tumor="AML")
    words = {f.gene: status_text(f.status, f.note) for f in res.findings}
    assert words == {"FLT3": "stands, but did not decide the verdict", "PTPN11": "decided the verdict"}

"""The catalogue: CAS check digits, the curated reagents, the national lists (command, bureau page, admin)."""
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from campaign_site.generic.excel import write_csv, write_xlsx
from chemicals.cas import cas_error, is_valid_cas, validate_cas
from chemicals.models import Chemical

ROOT = Path(__file__).resolve().parents[2]
SHARED = next((p for p in (ROOT.parent / "shared" / "data", ROOT.parent.parent / "shared" / "data")
               if (p / "judu_2015.csv").exists()), None)


def test_cas_check_digit():
    assert is_valid_cas("7647-01-0")
    assert not is_valid_cas("7647-01-1")
    assert "check digit should be 0" in cas_error("7647-01-1")
    assert is_valid_cas("７６４７－０１－０")  # full-width, as pasted from a Chinese document
    assert "is not a CAS number" in cas_error("7647010")
    with pytest.raises(Exception, match="check digit"):
        validate_cas("64-17-6")


def test_curated_reagents_carry_the_national_flags(db):
    assert Chemical.objects.count() >= 80
    nitric = Chemical.objects.get(cas="7697-37-2")
    assert nitric.name_zh == "硝酸" and nitric.explosive_precursor and nitric.is_controlled
    assert Chemical.objects.get(cas="151-50-8").highly_toxic  # potassium cyanide
    assert Chemical.objects.get(cas="60-29-7").drug_precursor_category == 2  # diethyl ether
    assert Chemical.objects.get(cas="7722-64-7").drug_precursor_category == 3  # permanganate: both lists
    assert Chemical.objects.get(cas="7722-64-7").explosive_precursor
    assert Chemical.objects.get(cas="64-17-5").flammable  # ethanol: double management as flammable
    salt = Chemical.objects.get(cas="7647-14-5")
    assert not salt.is_controlled
    for chem in Chemical.objects.all():
        assert chem.cas is None or is_valid_cas(chem.cas), chem


@pytest.mark.skipif(SHARED is None, reason="shared/data is not beside the clone")
def test_the_three_shared_lists_load_on_a_fresh_database(db):
    out = io.StringIO()
    call_command("load_chemical_list", str(SHARED / "judu_2015.csv"), "--flag", "highly_toxic", stdout=out)
    call_command("load_chemical_list", str(SHARED / "yizhibao_2017.csv"), "--flag", "explosive_precursor", stdout=out)
    call_command("load_chemical_list", str(SHARED / "yizhidu.csv"), "--flag", "drug_precursor", stdout=out)
    text = out.getvalue()
    assert "highly_toxic: 148 rows; flagged 0, added 144, unchanged 4, cleared 0" in text
    assert "explosive_precursor: 74 rows" in text and "drug_precursor: 53 rows" in text
    assert Chemical.objects.filter(highly_toxic=True).count() == 148
    assert Chemical.objects.filter(explosive_precursor=True).count() == 74
    assert Chemical.objects.filter(drug_precursor_category=1).count() == 25
    assert Chemical.objects.filter(drug_precursor_category=3).count() == 8
    assert Chemical.objects.get(cas="7439-95-4").explosive_precursor  # magnesium (镁)
    assert Chemical.objects.filter(name_zh="麻黄浸膏", cas__isnull=True, drug_precursor_category=1).exists()
    again = io.StringIO()
    call_command("load_chemical_list", str(SHARED / "yizhidu.csv"), "--flag", "drug_precursor", stdout=again)
    assert "flagged 0, added 0, unchanged 53, cleared 0" in again.getvalue()


def _xlsx(tmp_path, rows, name="list.xlsx"):
    path = tmp_path / name
    write_xlsx(str(path), headers=["序号", "品名", "别名", "CAS号", "备注"], rows=rows, title="剧毒化学品目录（新版）")
    return path


def test_an_xlsx_list_under_a_merged_title_sets_and_clears_the_flag(db, tmp_path):
    path = _xlsx(tmp_path, [[1, "氰化钾", "山奈钾", "151-50-8", ""], [2, "新毒物", "", "7647-01-0", ""],
                            [3, "另一新毒物", "", "50-00-0", ""]])
    out = io.StringIO()
    call_command("load_chemical_list", str(path), "--flag", "highly_toxic", stdout=out)
    # 盐酸 (7647-01-0) and 甲醛 (50-00-0) are in the catalogue: flagged now; the other three cyanide/arsenic/
    # mercury entries of the curated set are not on this list any more: cleared.
    assert "3 rows; flagged 2, added 0, unchanged 1, cleared 3" in out.getvalue()
    assert Chemical.objects.get(cas="7647-01-0").highly_toxic
    assert not Chemical.objects.get(cas="143-33-9").highly_toxic  # sodium cyanide: not on this edition
    assert Chemical.objects.get(cas="7647-01-0").history.first().history_change_reason.startswith("National list")


def test_a_bad_cas_loads_nothing(db, tmp_path):
    path = _xlsx(tmp_path, [[1, "氰化钾", "", "151-50-8", ""], [2, "盐酸", "", "7647-01-1", ""]])
    before = set(Chemical.objects.filter(highly_toxic=True).values_list("cas", flat=True))
    with pytest.raises(CommandError, match="row 4: CAS号：“7647-01-1” is not a valid CAS number"):
        call_command("load_chemical_list", str(path), "--flag", "highly_toxic", stdout=io.StringIO())
    assert set(Chemical.objects.filter(highly_toxic=True).values_list("cas", flat=True)) == before


def test_a_drug_precursor_list_needs_a_category(db, tmp_path):
    path = tmp_path / "third.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        write_csv(fh, headers=["序号", "品名", "别名", "CAS号", "备注"], rows=[[1, "甲苯", "", "108-88-3", ""]])
    with pytest.raises(CommandError, match="no drug-precursor category"):
        call_command("load_chemical_list", str(path), "--flag", "drug_precursor", stdout=io.StringIO())
    out = io.StringIO()
    call_command("load_chemical_list", str(path), "--flag", "drug_precursor", "--category", "3", stdout=out)
    # Only category 3 is replaced: the curated category-3 entries other than toluene are cleared, category 2 stays.
    assert Chemical.objects.get(cas="108-88-3").drug_precursor_category == 3
    assert Chemical.objects.get(cas="67-64-1").drug_precursor_category is None  # acetone
    assert Chemical.objects.get(cas="60-29-7").drug_precursor_category == 2  # ether untouched


def test_the_bureau_uploads_a_list_on_its_page(db, tmp_path, client_for, bureau_staff, officer_a):
    url = reverse("chemicals:chemical_list_load")
    assert client_for(officer_a).get(url).status_code == 403
    client = client_for(bureau_staff)
    path = _xlsx(tmp_path, [[1, "硝酸", "", "7697-37-2", ""], [2, "盐酸", "", "7647-01-0", ""]])
    with path.open("rb") as fh:
        preview = client.post(url, {"file": fh, "flag": "explosive_precursor", "category": ""})
    assert preview.status_code == 200
    token = preview.context["token"]
    assert token
    assert not Chemical.objects.get(cas="7647-01-0").explosive_precursor  # preview writes nothing
    done = client.post(url, {"confirm_token": token})
    assert done.status_code == 302
    assert Chemical.objects.get(cas="7647-01-0").explosive_precursor
    assert not Chemical.objects.get(cas="7757-79-1").explosive_precursor  # potassium nitrate: not on this list


def test_catalogue_page_searches_and_flags(db, client_for, custodian_a):
    page = client_for(custodian_a).get(reverse("chemicals:chemical_list"), {"q": "7697-37-2"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "硝酸" in html and "易制爆" in html and "氢氧化钠" not in html


def test_admin_import_refuses_a_bad_cas(db):
    import tablib

    from chemicals.admin import ChemicalResource

    data = tablib.Dataset(headers=["cas", "name_zh", "storage_class"])
    data.append(["7647-01-1", "错误的盐酸", "acid"])
    result = ChemicalResource().import_data(data, dry_run=True)
    assert result.has_validation_errors()
    exported = ChemicalResource().export()
    assert "7647-01-0" in exported.csv

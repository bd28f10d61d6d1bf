"""The demo's results framework: the closing report's claims as indicators, with a donor's targets."""

from __future__ import annotations

from tonle.programs.models import Project
from tonle.results.services import framework_import

WHOLE = {"from": "2022-01-01", "to": "2023-12-31"}
WOMEN = {"sex": ["F"]}  # the report counts women and girls
LEADERSHIP = ["village_chief", "commune_council", "ccwc_member"]

FRAMEWORK = [
    {"code": "goal", "level": "goal", "definition": {},
     "name_en": "Marginalised women and girls of Prasat Bakong, Angkor Thom and Banteay Srei lead "
                "more confident, informed and active lives",
     "name_km": "ស្ត្រី និងក្មេងស្រីងាយរងគ្រោះនៅប្រាសាទបាគង អង្គរធំ និងបន្ទាយស្រី រស់នៅប្រកបដោយ"
                "ទំនុកចិត្ត ការយល់ដឹង និងសកម្មភាពកាន់តែច្រើន", "unit": "people"},
    {"code": "engaged", "level": "outcome", "parent": "goal",
     "name_en": "Women and girls engaged in the project's activities",
     "name_km": "ស្ត្រី និងក្មេងស្រីដែលបានចូលរួមក្នុងសកម្មភាពគម្រោង",
     "definition": {"measure": "people_attending", "filters": WOMEN}, "targets": [{**WHOLE, "value": 2500}]},
    {"code": "smart-women", "level": "output", "parent": "engaged",
     "name_en": "Smart Women formed in the project communities",
     "name_km": "ស្ត្រីឆ្លាតវៃដែលបានបង្កើតនៅក្នុងសហគមន៍គម្រោង",
     "definition": {"measure": "smart_women"}, "targets": [{**WHOLE, "value": 42}]},
    {"code": "coached", "level": "output", "parent": "engaged",
     "name_en": "Women coached or mentored", "name_km": "ស្ត្រីដែលបានទទួលការបង្វឹក ឬការណែនាំ",
     "definition": {"measure": "people_supported", "filters": {"kind": ["coaching", "mentoring"], **WOMEN}},
     "targets": [{**WHOLE, "value": 2400}]},
    {"code": "services", "level": "output", "parent": "engaged",
     "name_en": "Women helped to ID cards and other services",
     "name_km": "ស្ត្រីដែលបានទទួលជំនួយក្នុងការទទួលបានអត្តសញ្ញាណប័ណ្ណ និងសេវាផ្សេងៗ",
     "definition": {"measure": "people_served", "filters": WOMEN}, "targets": [{**WHOLE, "value": 2400}]},
    {"code": "id-cards", "level": "output", "parent": "services",
     "name_en": "Women who obtained a national ID card", "name_km": "ស្ត្រីដែលបានទទួលអត្តសញ្ញាណប័ណ្ណ",
     "definition": {"measure": "people_served", "filters": {"service": ["national_id"]}},
     "targets": [{**WHOLE, "value": 1200}]},
    {"code": "leaders", "level": "outcome", "parent": "goal",
     "name_en": "Women in leadership roles", "name_km": "ស្ត្រីក្នុងតួនាទីដឹកនាំ",
     "definition": {"measure": "people_milestone", "filters": {"kind": LEADERSHIP}},
     "targets": [{**WHOLE, "value": 2}]},
    {"code": "business-3", "level": "output", "parent": "engaged",
     "name_en": "Women who attended at least 3 business trainings",
     "name_km": "ស្ត្រីដែលបានចូលរួមវគ្គបណ្តុះបណ្តាលអាជីវកម្មយ៉ាងហោចណាស់ ៣ ដង",
     "definition": {"measure": "people_attending", "filters": {"topic": ["business"]}, "at_least": 3},
     "targets": [{**WHOLE, "value": 10}]},
]  # fmt: skip


def framework_load(*, project: Project) -> None:
    """Give the demo project its framework, once."""
    if not project.indicators.exists():
        framework_import(project=project, rows=FRAMEWORK)

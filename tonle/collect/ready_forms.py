"""CCDO's ready phone forms (XLSForms in English and Khmer) and their default mappings.

`python tonle/collect/forms/build.py` writes them into tonle/collect/forms/ after a change
here; the .xlsx files are checked in, so the server never needs xlsxwriter to serve them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent / "forms"
VERSION = "2026120101"
LABELS = ["type", "name", "label::English (en)", "label::Khmer (km)", "required", "appearance"]

_WOMAN_PICK = [
    [
        "select_one_from_file women.csv",
        "woman",
        "Woman (from your list)",
        "ស្ត្រី (ពីបញ្ជីរបស់អ្នក)",
        "",
        "autocomplete",
    ],
]
_NEW_WOMAN = [
    ["text", "name_km", "Name in Khmer", "ឈ្មោះជាអក្សរខ្មែរ", "", ""],
    ["text", "name_latin", "Name in Latin letters", "ឈ្មោះជាអក្សរឡាតាំង", "", ""],
    ["integer", "birth_year", "Year of birth", "ឆ្នាំកំណើត", "", ""],
]

FORMS: dict[str, dict[str, Any]] = {
    "ccdo_attendance": {
        "title": ("Activity attendance", "វត្តមានក្នុងសកម្មភាព"),
        "survey": [
            [
                "select_one_from_file activities.csv",
                "activity",
                "Activity (from your list)",
                "សកម្មភាព (ពីបញ្ជីរបស់អ្នក)",
                "yes",
                "autocomplete",
            ],
            ["begin_repeat", "women", "Women present", "ស្ត្រីដែលមានវត្តមាន", "", ""],
            *_WOMAN_PICK,
            ["begin_group", "new", "Or a woman not in the list", "ឬស្ត្រីដែលមិនមានក្នុងបញ្ជី", "", ""],
            *_NEW_WOMAN,
            ["end_group", "", "", "", "", ""],
            ["end_repeat", "", "", "", "", ""],
            ["image", "sheet_photo", "Photo of the signed sheet", "រូបថតនៃសន្លឹកចុះហត្ថលេខា", "", ""],
        ],
        "mapping": {
            "programs.attendance": {
                "fields": {
                    "activity": "/data/activity",
                    "women": "/data/women",
                    "woman": "/data/women/woman",
                    "name_km": "/data/women/new/name_km",
                    "name_latin": "/data/women/new/name_latin",
                    "birth_year": "/data/women/new/birth_year",
                },
                "constants": {},
            }
        },
    },
    "ccdo_registration": {
        "title": ("Registration of a woman", "ការចុះឈ្មោះស្ត្រី"),
        "survey": [
            *_NEW_WOMAN,
            ["integer", "village", "Village number (from Tonle)", "លេខភូមិ (ពី Tonle)", "yes", ""],
            ["text", "phone", "Phone", "លេខទូរស័ព្ទ", "", ""],
            [
                "select_one yes_no",
                "consent",
                "She agrees to be registered",
                "នាងយល់ព្រមឱ្យចុះឈ្មោះ",
                "yes",
                "",
            ],
        ],
        "mapping": {
            "people.woman": {
                "fields": {
                    "name_km": "/data/name_km",
                    "name_latin": "/data/name_latin",
                    "birth_year": "/data/birth_year",
                    "village": "/data/village",
                    "phone": "/data/phone",
                    "consent_given": "/data/consent",
                },
                "constants": {},
            }
        },
    },
    "ccdo_referral": {
        "title": ("Referral with consent", "ការបញ្ជូនដោយមានការយល់ព្រម"),
        "survey": [
            *_WOMAN_PICK,
            [
                "integer",
                "provider",
                "Service provider number (from Tonle)",
                "លេខអ្នកផ្តល់សេវា (ពី Tonle)",
                "yes",
                "",
            ],
            ["select_one service", "service", "Service", "សេវា", "yes", ""],
            ["text", "reason", "Why she is referred", "មូលហេតុនៃការបញ្ជូន", "yes", ""],
            ["date", "sent_on", "Date", "កាលបរិច្ឆេទ", "yes", ""],
            [
                "select_one yes_no",
                "consent",
                "She consents to the referral",
                "នាងយល់ព្រមចំពោះការបញ្ជូន",
                "yes",
                "",
            ],
        ],
        "mapping": {
            "people.woman": {"fields": {"woman": "/data/woman"}, "constants": {}},
            "referrals.referral": {
                "fields": {
                    "provider": "/data/provider",
                    "service": "/data/service",
                    "reason": "/data/reason",
                    "sent_on": "/data/sent_on",
                    "consent_given": "/data/consent",
                },
                "constants": {},
            },
        },
    },
    "ccdo_counselling": {
        "title": ("Counselling contact", "ការប្រឹក្សាយោបល់"),
        "survey": [
            *_WOMAN_PICK,
            ["date", "contact_date", "Date", "កាលបរិច្ឆេទ", "yes", ""],
            ["integer", "duration_minutes", "Minutes", "រយៈពេល (នាទី)", "yes", ""],
            ["text", "notes", "Notes (kept private)", "កំណត់ចំណាំ (រក្សាជាការសម្ងាត់)", "", "multiline"],
            ["date", "follow_up_on", "Follow up on", "តាមដាននៅថ្ងៃ", "", ""],
        ],
        "mapping": {
            "people.woman": {"fields": {"woman": "/data/woman"}, "constants": {}},
            "cases.counselling": {
                "fields": {
                    "date": "/data/contact_date",
                    "duration_minutes": "/data/duration_minutes",
                    "notes": "/data/notes",
                    "follow_up_on": "/data/follow_up_on",
                },
                "constants": {},
            },
        },
    },
    "ccdo_trip": {
        "title": ("Tuk-tuk trip", "ការធ្វើដំណើរដោយរ៉ឺម៉ក"),
        "survey": [
            *_WOMAN_PICK,
            [
                "integer",
                "contract",
                "Driver's contract number (from Tonle)",
                "លេខកិច្ចសន្យាអ្នកបើកបរ (ពី Tonle)",
                "yes",
                "",
            ],
            ["date", "trip_date", "Date", "កាលបរិច្ឆេទ", "yes", ""],
            [
                "integer",
                "provider",
                "Service provider number (from Tonle)",
                "លេខអ្នកផ្តល់សេវា (ពី Tonle)",
                "yes",
                "",
            ],
            ["decimal", "distance_km", "Distance (km)", "ចម្ងាយ (គ.ម)", "", ""],
        ],
        "mapping": {
            "people.woman": {"fields": {"woman": "/data/woman"}, "constants": {}},
            "transport.trip": {
                "fields": {
                    "contract": "/data/contract",
                    "date": "/data/trip_date",
                    "to_provider": "/data/provider",
                    "distance_km": "/data/distance_km",
                },
                "constants": {},
            },
        },
    },
    "ccdo_milestone": {
        "title": ("Milestone", "សមិទ្ធផល"),
        "survey": [
            *_WOMAN_PICK,
            ["select_one milestone", "milestone", "Milestone", "សមិទ្ធផល", "yes", ""],
            ["date", "milestone_date", "Date", "កាលបរិច្ឆេទ", "yes", ""],
            ["text", "evidence", "How we know", "យើងដឹងដោយរបៀបណា", "yes", ""],
        ],
        "mapping": {
            "people.woman": {"fields": {"woman": "/data/woman"}, "constants": {}},
            "outcomes.milestone": {
                "fields": {
                    "kind": "/data/milestone",
                    "date": "/data/milestone_date",
                    "evidence": "/data/evidence",
                },
                "constants": {},
            },
        },
    },
}

CHOICES = [
    ["yes_no", "yes", "Yes", "បាទ/ចាស"],
    ["yes_no", "no", "No", "ទេ"],
    ["service", "national_id", "National ID card", "អត្តសញ្ញាណប័ណ្ណសញ្ជាតិខ្មែរ"],
    ["service", "birth_certificate", "Birth certificate", "សំបុត្រកំណើត"],
    ["service", "family_book", "Family book", "សៀវភៅគ្រួសារ"],
    ["service", "health_visit", "Health visit", "ការពិនិត្យសុខភាព"],
    ["service", "legal_aid", "Legal aid", "ជំនួយផ្លូវច្បាប់"],
    ["service", "protection", "Protection from violence", "ការការពារពីអំពើហិង្សា"],
    ["service", "social_assistance", "Social assistance (IDPoor)", "ជំនួយសង្គម (ប័ណ្ណក្រីក្រ)"],
    ["service", "other", "Other service", "សេវាផ្សេងទៀត"],
    ["milestone", "village_chief", "Became village chief", "បានក្លាយជាមេភូមិ"],
    ["milestone", "commune_council", "Joined the commune council", "បានចូលក្រុមប្រឹក្សាឃុំ"],
    ["milestone", "ccwc_member", "Joined the CCWC", "បានចូលគណៈកម្មាធិការទទួលបន្ទុកកិច្ចការនារី និងកុមារឃុំ"],
]


def build() -> list[Path]:
    import xlsxwriter

    written = []
    for form_id, form in FORMS.items():
        path = HERE / f"{form_id}.xlsx"
        book = xlsxwriter.Workbook(str(path))
        book.set_properties({"created": dt.datetime(2026, 12, 1)})  # the same bytes each run
        survey = book.add_worksheet("survey")
        for row, cells in enumerate([LABELS, *form["survey"]]):
            survey.write_row(row, 0, cells)
        choices = book.add_worksheet("choices")
        for row, cells in enumerate(
            [["list_name", "name", "label::English (en)", "label::Khmer (km)"], *CHOICES]
        ):
            choices.write_row(row, 0, cells)
        settings = book.add_worksheet("settings")
        settings.write_row(0, 0, ["form_id", "version", "form_title", "default_language"])
        settings.write_row(1, 0, [form_id, VERSION, form["title"][0], "English (en)"])
        book.close()
        written.append(path)
    return written

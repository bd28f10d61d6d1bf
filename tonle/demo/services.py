"""Build the demo: CCDO's project in six communities of Siem Reap, as its 2023 closing report tells it.

Deterministic (one seeded random generator) and idempotent (a second run finds the
project and changes nothing). The figures it must reproduce: 2,814 distinct women and
girls engaged, and 46 Smart Women across the 6 communities.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from simple_history.utils import bulk_create_with_history

from tonle.accounts.models import Role, User
from tonle.cases.models import CaseKind
from tonle.demo.forms import forms_load
from tonle.demo.framework import framework_load
from tonle.demo.names import FAMILY_NAMES, GIVEN_NAMES
from tonle.demo.public import public_site_load
from tonle.demo.report import report_load
from tonle.demo.support import support_work_load, support_work_update
from tonle.geo.models import Village
from tonle.geo.services import gazetteer_spellings_apply
from tonle.groups.models import GroupMembership, GroupRole
from tonle.groups.services import group_create
from tonle.outcomes.models import LEADERSHIP
from tonle.people.models import Participant, Sex
from tonle.people.services import participant_fill_keys
from tonle.programs.models import (
    Activity,
    ActivityType,
    Attendance,
    AttendanceSource,
    Component,
    Organisation,
    OrganisationKind,
    Project,
    ProjectMembership,
    Topic,
)
from tonle.public.models import Post

PROJECT_SLUG = "ccdo-elc"
SEED = 20231231
WOMEN_AND_GIRLS = 2814
SMART_WOMEN_PER_COMMUNITY = [8, 8, 8, 8, 7, 7]  # 46 in all
START, END = dt.date(2022, 1, 1), dt.date(2023, 12, 31)

# (district code, commune code): the commune whose first village is a project community.
COMMUNITIES = [("1709", "170902"), ("1709", "170908"), ("1702", "170202"), ("1702", "170203"),
               ("1703", "170301"), ("1703", "170303")]  # fmt: skip

COMPONENTS = [
    ("smart-women", "Smart Women", "ស្ត្រីឆ្លាតវៃ"),
    ("coaching", "Specialised Coaching and Mentoring", "ការបង្វឹក និងការណែនាំឯកទេស"),
    ("access", "Access to Information and Services", "ការទទួលបានព័ត៌មាន និងសេវា"),
    ("participation", "Learning and Participation for Active Citizenship",
     "ការសិក្សា និងការចូលរួមដើម្បីភាពជាពលរដ្ឋសកម្ម"),
]  # fmt: skip
ACTIVITY_TYPES = [
    ("training", "Training", "វគ្គបណ្តុះបណ្តាល"),
    ("seminar", "Seminar", "សិក្ខាសាលា"),
    ("workshop", "Workshop", "សិក្ខាសាលាសហគមន៍"),
    ("forum", "Networking forum", "វេទិកាបណ្តាញ"),
    ("meeting", "Meeting", "កិច្ចប្រជុំ"),
]
TOPICS = [
    ("health-care", "Health care", "ការថែទាំសុខភាព"),
    ("gender-equity", "Gender equity", "សមធម៌យេនឌ័រ"),
    ("personal-development", "Personal development", "ការអភិវឌ្ឍផ្ទាល់ខ្លួន"),
    ("business", "Business training", "ការបណ្តុះបណ្តាលអាជីវកម្ម"),
    ("domestic-violence", "Domestic violence", "អំពើហិង្សាក្នុងគ្រួសារ"),
    ("financial-literacy", "Financial literacy", "ចំណេះដឹងហិរញ្ញវត្ថុ"),
    ("womens-rights", "Women's rights", "សិទ្ធិស្ត្រី"),
    ("family-planning", "Family planning", "ការពន្យារកំណើត"),
    ("goal-setting", "Goal-setting", "ការកំណត់គោលដៅ"),
    ("public-services", "Rights and public services", "សិទ្ធិ និងសេវាសាធារណៈ"),
    ("financial-crisis", "Financial crises", "វិបត្តិហិរញ្ញវត្ថុ"),
]
# What each component runs: (activity type, topics).
PLAN = {
    "smart-women": [("meeting", ["gender-equity", "womens-rights", "domestic-violence"])],
    "coaching": [
        ("training", ["personal-development", "goal-setting", "family-planning", "business"])
    ],
    "access": [("seminar", ["health-care", "public-services", "womens-rights"])],
    "participation": [
        (
            "workshop",
            ["financial-literacy", "domestic-violence", "financial-crisis", "gender-equity"],
        ),
        ("seminar", ["gender-equity", "health-care"]),
    ],
}
# Free text as a field officer writes it: Khmer first, the English for visitors after.
PLACES = ["សាលាវត្ត · pagoda hall", "ផ្ទះមេភូមិ · village chief's house", "សាលាឃុំ · commune office",
          "សាលារៀន · school"]  # fmt: skip
FACILITATORS = ["ចាន់ ស្រីមុំ (Chan Sreymom)", "ហេង កញ្ញា (Heng Kanha)", "លី វណ្ណា (Ly Vanna)",
                "ទេព រចនា (Tep Rachana)"]  # fmt: skip
DEMO_USERS = [
    # username, password, role, first name, last name
    ("admin", "tonle-admin", Role.ADMINISTRATOR, "Dara", "Admin"),
    ("manager", "tonle-manager", Role.ME_MANAGER, "Sokunthea", "Meas"),
    ("officer", "tonle-officer", Role.FIELD_OFFICER, "Sreymom", "Chan"),
    ("mentor", "tonle-mentor", Role.SMART_WOMAN, "Sophea", "Sok"),
    ("donor", "tonle-donor", Role.DONOR_VIEWER, "Margaret", "Hill"),
    ("clinic", "tonle-clinic", Role.PROVIDER, "Bakong", "Health centre"),
]


@dataclass(frozen=True)
class DemoSummary:
    created: bool
    participants: int
    activities: int
    attendances: int
    smart_women: int
    coached: int
    served: int
    leaders: int


def _lookups(
    model: type[Any], rows: list[tuple[str, str, str]], **extra: object
) -> dict[str, object]:
    objects = {}
    for code, name_en, name_km in rows:
        objects[code], _created = model.objects.get_or_create(
            code=code, **extra, defaults={"name_en": name_en, "name_km": name_km}
        )
    return objects


def _users() -> dict[str, User]:
    users = {}
    for username, password, role, first, last in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username, defaults={"role": role, "first_name": first, "last_name": last}
        )
        if created:
            user.set_password(password)
            user.is_staff = user.is_superuser = role == Role.ADMINISTRATOR
            user.save()
        users[username] = user
    return users


def _communities() -> list[Village]:
    return [
        Village.objects.filter(commune__code=commune).order_by("code")[0]
        for _d, commune in COMMUNITIES
    ]


def _person(rng: random.Random, village: Village, admin: User) -> Participant:
    family_km, family_latin = rng.choice(FAMILY_NAMES)
    given_km, given_latin = rng.choice(GIVEN_NAMES)
    # A quarter are girls under 18 (aged 12-17 in 2022); the rest women of 18 to 70.
    birth_year = rng.randint(2005, 2010) if rng.random() < 0.25 else rng.randint(1952, 2004)
    exact = rng.random() < 0.4
    consent_day = START + dt.timedelta(days=rng.randint(0, 600))
    person = Participant(
        name_km=f"{family_km} {given_km}" if rng.random() < 0.97 else "",
        name_latin=f"{family_latin} {given_latin}" if rng.random() < 0.9 else "",
        sex=Sex.FEMALE,
        birth_year=birth_year,
        date_of_birth=dt.date(birth_year, rng.randint(1, 12), rng.randint(1, 28))
        if exact
        else None,
        village=village,
        phone=f"0{rng.choice([12, 15, 16, 17, 70, 77, 78, 89, 92, 96, 97])}{rng.randint(100000, 999999)}"
        if rng.random() < 0.6
        else "",
        has_disability=rng.random() < 0.06,
        has_national_id=rng.random() < 0.55,
        consent_given=True,
        consent_date=consent_day,
        consent_recorded_by=admin,
        registered_by=admin,
    )
    if not person.name_km and not person.name_latin:
        person.name_latin = f"{family_latin} {given_latin}"
    participant_fill_keys(person)
    return person


def _month_days(rng: random.Random) -> list[dt.date]:
    days = []
    month = START
    while month <= END:
        days.append(month.replace(day=rng.randint(3, 26)))
        month = (month.replace(day=28) + dt.timedelta(days=5)).replace(day=1)
    return days


@transaction.atomic
def demo_load() -> DemoSummary:
    """Load what is missing of the demo: the registry and activities, then the support work."""
    project = Project.objects.filter(slug=PROJECT_SLUG).first()
    created = project is None
    users = _users()
    if project is None:
        project = _registry_and_activities(users)
    if not project.cases.exists():
        created = True
        support_work_load(project=project, admin=users["admin"], officer=users["officer"])
    if created:
        _planner_statistics_refresh()
    support_work_update(project=project)
    gazetteer_spellings_apply()
    if not project.indicators.exists():
        created = True
        framework_load(project=project)
    if not project.report_templates.exists():
        created = True
        report_load(project=project, manager=users["manager"])
    if not Post.objects.exists():
        created = True
        public_site_load(
            project=project, template=project.report_templates.get(), manager=users["manager"]
        )
    if forms_load(project=project, manager=users["manager"]):
        created = True
    return _summary(project, created=created)


def _planner_statistics_refresh() -> None:
    """PostgreSQL learns the tables' new sizes before the figures are computed from them.

    Its statistics still describe the tables as they were before thousands of rows arrived
    (autovacuum only looks at committed rows, and this is one transaction): planned for a
    handful of women, each read of the framework's figures nests loops over all 2,814 of them,
    0.6 s a read instead of a few ms, and loading the demo takes a minute more."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _registry_and_activities(users: dict[str, User]) -> Project:
    rng = random.Random(SEED)
    admin = users["admin"]
    ccdo, _ = Organisation.objects.get_or_create(
        name_en="Cambodian Community Dream Organisation",
        # A made-up identifier under IATI's own prefix, so the demo's IATI file validates;
        # a real NGO enters the one it registered.
        defaults={
            "name_km": "អង្គការសុបិនសហគមន៍កម្ពុជា",
            "kind": OrganisationKind.NGO,
            "iati_ref": "XI-IATI-DEMO-CCDO",
        },
    )
    funders = [
        Organisation.objects.get_or_create(
            name_en=name_en, defaults={"name_km": name_km, "kind": OrganisationKind.DONOR}
        )[0]
        for name_en, name_km in [
            ("Soroptimist International", "សូរ៉ុបទីមីស អន្តរជាតិ"),
            ("Soroptimist International Foundation", "មូលនិធិសូរ៉ុបទីមីស អន្តរជាតិ"),
        ]
    ]
    project = Project.objects.create(
        slug=PROJECT_SLUG,
        name_en="Education and Learning in Cambodia throughout the life course",
        name_km="ការអប់រំ និងការសិក្សានៅកម្ពុជា ពេញមួយជីវិត",
        organisation=ccdo,
        starts_on=START,
        ends_on=END,
        description="SI President's Appeal 'Opening Doors to a Bright Future', with CCDO.",
    )
    project.funders.set(funders)
    villages = _communities()
    project.communities.set(villages)
    for username in ("officer", "mentor", "donor"):
        ProjectMembership.objects.create(project=project, user=users[username])

    components = {code: Component.objects.create(project=project, code=code, name_en=en, name_km=km)
                  for code, en, km in COMPONENTS}  # fmt: skip
    types = _lookups(ActivityType, ACTIVITY_TYPES)
    topics = _lookups(Topic, TOPICS)

    # The women and girls, spread evenly over the six communities.
    people = [_person(rng, villages[i % len(villages)], admin) for i in range(WOMEN_AND_GIRLS)]
    people = bulk_create_with_history(people, Participant, batch_size=1000, default_user=admin)
    people = list(Participant.objects.filter(village__in=villages).order_by("id"))
    by_village: dict[int, list[Participant]] = {v.pk: [] for v in villages}
    for person in people:
        by_village[person.village_id].append(person)

    activities = _activities(rng, project, villages, components, types, topics, admin)
    attendances = _attendances(rng, activities, by_village, villages, admin)
    bulk_create_with_history(attendances, Attendance, batch_size=2000, default_user=admin)
    _smart_women(rng, project, villages, by_village, users)
    return project


def _activities(rng, project, villages, components, types, topics, admin) -> list[Activity]:
    planned = []
    for village in villages:
        for day in _month_days(rng):
            for component_code, offers in PLAN.items():
                # Each community meets for each component about every other month.
                if rng.random() < 0.55:
                    continue
                type_code, topic_codes = rng.choice(offers)
                topic = topics[rng.choice(topic_codes)]
                planned.append(
                    Activity(
                        project=project,
                        component=components[component_code],
                        activity_type=types[type_code],
                        topic=topic,
                        name_en=f"{types[type_code].name_en}: {topic.name_en} — {village.name_en}",
                        name_km=f"{types[type_code].name_km}៖ {topic.name_km} — ភូមិ{village.name_km}",
                        date=min(day + dt.timedelta(days=rng.randint(0, 3)), END),
                        village=village,
                        place=rng.choice(PLACES),
                        facilitator=rng.choice(FACILITATORS),
                        created_by=admin,
                    )
                )
    # A networking forum per district each quarter brings its two communities together.
    for first in range(0, len(villages), 2):
        for quarter_start in (dt.date(y, m, 1) for y in (2022, 2023) for m in (3, 6, 9, 12)):
            topic = topics[rng.choice(["domestic-violence", "financial-crisis", "womens-rights"])]
            village = villages[first]
            planned.append(
                Activity(
                    project=project,
                    component=components["participation"],
                    activity_type=types["forum"],
                    topic=topic,
                    name_en=f"Networking forum: {topic.name_en} — {village.commune.district.name_en}",
                    name_km=f"វេទិកាបណ្តាញ៖ {topic.name_km} — ស្រុក{village.commune.district.name_km}",
                    date=quarter_start + dt.timedelta(days=rng.randint(5, 20)),
                    village=village,
                    place=PLACES[2],
                    facilitator="CCDO",
                    created_by=admin,
                )
            )
    return bulk_create_with_history(planned, Activity, batch_size=1000, default_user=admin)


def _attendances(rng, activities, by_village, villages, admin) -> list[Attendance]:
    own: dict[int, list[Activity]] = {v.pk: [] for v in villages}
    forums: dict[int, list[Activity]] = {v.pk: [] for v in villages}
    for activity in activities:
        if activity.activity_type.code == "forum":
            partner = villages[villages.index(activity.village) + 1]
            forums[activity.village_id].append(activity)
            forums[partner.pk].append(activity)
        else:
            own[activity.village_id].append(activity)
    seen: set[tuple[int, int]] = set()
    rows = []
    for village_id, women in by_village.items():
        for person in women:
            # Most come a few times; some come to nearly everything.
            visits = min(len(own[village_id]), max(1, int(rng.expovariate(1 / 6))))
            chosen = rng.sample(own[village_id], visits)
            if rng.random() < 0.15:
                chosen.append(rng.choice(forums[village_id]))
            for activity in chosen:
                if (activity.pk, person.pk) not in seen:
                    seen.add((activity.pk, person.pk))
                    rows.append(
                        Attendance(
                            activity=activity,
                            participant=person,
                            source=AttendanceSource.DEMO,
                            recorded_by=admin,
                            recorded_at=dt.datetime.combine(
                                activity.date, dt.time(9), tzinfo=dt.UTC
                            ),
                        )
                    )
    return rows


def _smart_women(rng, project, villages, by_village, users) -> None:
    for village, size in zip(villages, SMART_WOMEN_PER_COMMUNITY, strict=True):
        commune = village.commune
        ccwc, _ = Organisation.objects.get_or_create(
            kind=OrganisationKind.CCWC,
            commune=commune,
            defaults={
                "name_en": f"Commune Council for Women and Children, {commune.name_en}",
                "name_km": f"គណៈកម្មាធិការទទួលបន្ទុកកិច្ចការនារី និងកុមារ ឃុំ{commune.name_km}",
            },
        )
        group = group_create(
            project=project, village=village, supervising_body=ccwc, started_on=dt.date(2022, 3, 1)
        )
        adults = [
            p for p in by_village[village.pk] if p.birth_year and 1965 <= p.birth_year <= 1997
        ]
        chosen = rng.sample(adults, size)
        memberships = [
            GroupMembership(
                group=group,
                participant=person,
                role=GroupRole.LEADER if i == 0 else GroupRole.MEMBER,
                started_on=dt.date(2022, 3, 1) + dt.timedelta(days=rng.randint(0, 240)),
            )
            for i, person in enumerate(chosen)
        ]
        bulk_create_with_history(memberships, GroupMembership, default_user=users["admin"])
        if village == villages[0]:
            # The demo's Smart Woman account belongs to the Bakong group's leader.
            leader = chosen[0]
            leader.account = users["mentor"]
            leader.save(update_fields=["account"])


def _summary(project: Project, *, created: bool) -> DemoSummary:
    return DemoSummary(
        created=created,
        participants=Participant.objects.filter(attendances__activity__project=project)
        .distinct()
        .count(),
        activities=project.activities.count(),
        attendances=Attendance.objects.filter(activity__project=project).count(),
        smart_women=GroupMembership.objects.filter(group__project=project)
        .values("participant")
        .distinct()
        .count(),
        coached=project.cases.filter(kind__in=[CaseKind.COACHING, CaseKind.MENTORING])
        .values("participant")
        .distinct()
        .count(),
        served=project.services.values("participant").distinct().count(),
        leaders=project.milestones.filter(kind__in=LEADERSHIP)
        .values("participant")
        .distinct()
        .count(),
    )

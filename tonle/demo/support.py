"""The demo's work with one woman at a time: coaching, counselling, referrals, ID cards, tuk-tuks, outcomes.

Consistent with the closing report: over 2,500 women coached or mentored, over 2,600
helped to ID cards and other services (many through referrals and tuk-tuk trips with
three drivers under contract), counselling by the 46 Smart Women, one Smart Woman made
village chief and one in Bakong commune made a member of the CCWC. Every woman in it is
one of the 2,814.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from tonle.accounts.models import Role, User
from tonle.cases.models import (
    Case,
    CaseKind,
    CaseStatus,
    Goal,
    GoalProgress,
    RiskLevel,
    Session,
    SessionTopic,
)
from tonle.groups.models import GroupMembership, GroupRole
from tonle.outcomes.models import (
    Assessment,
    AssessmentStage,
    Milestone,
    MilestoneKind,
    Story,
    StoryLanguage,
)
from tonle.people.models import Participant
from tonle.programs.models import Project, ProjectMembership
from tonle.referrals.models import (
    ProviderKind,
    Referral,
    ReferralStatus,
    ReferralStep,
    ServiceDelivery,
    ServiceKind,
    ServiceProvider,
)
from tonle.transport.models import Contract, Driver, FareRule, Trip

SEED = 20240315
COACHED = 2530  # "over 2,500 individuals"
SERVED = 2640  # "over 2,600 women"
OPEN_REFERRALS = 12
START, END = dt.date(2022, 2, 1), dt.date(2023, 12, 20)
CLINIC_COMMUNE = "170902"  # Bakong, in Prasat Bakong district

SESSION_TOPICS = [
    ("goal-setting", "Goal-setting", "ការកំណត់គោលដៅ"),
    ("family-planning", "Family planning", "ការពន្យារកំណើត"),
    ("domestic-violence", "Domestic violence", "អំពើហិង្សាក្នុងគ្រួសារ"),
    ("financial-crisis", "Financial crisis", "វិបត្តិហិរញ្ញវត្ថុ"),
    ("follow-up", "Follow-up", "ការតាមដាន"),
    ("health", "Health", "សុខភាព"),
    ("livelihood", "Livelihood", "មុខរបរចិញ្ចឹមជីវិត"),
]
GOALS = [
    ("Open a savings account", "បើកគណនីសន្សំ"),
    ("Plan the family budget", "រៀបចំថវិកាគ្រួសារ"),
    ("Obtain a national ID card", "ទទួលបានអត្តសញ្ញាណប័ណ្ណ"),
    ("Start a small business", "ចាប់ផ្តើមអាជីវកម្មខ្នាតតូច"),
    ("Return to school", "ត្រឡប់ទៅរៀនវិញ"),
    ("Choose a family planning method", "ជ្រើសរើសវិធីពន្យារកំណើត"),
    ("Speak at the village meeting", "និយាយនៅក្នុងកិច្ចប្រជុំភូមិ"),
]
PROVIDERS = [
    (ProviderKind.CCWC, "CCWC", "គ.ក.ន.ក"),
    (ProviderKind.COMMUNE_COUNCIL, "Commune council", "ក្រុមប្រឹក្សាឃុំ"),
    (ProviderKind.HEALTH_CENTRE, "Health centre", "មណ្ឌលសុខភាព"),
    (ProviderKind.ID_OFFICE, "ID office (police post)", "ការិយាល័យអត្តសញ្ញាណប័ណ្ណ (ប៉ុស្តិ៍នគរបាល)"),
]
# Service kinds and the share of women who received each (an ID card above all).
SERVICES = [
    (ServiceKind.NATIONAL_ID, ProviderKind.ID_OFFICE, 0.55),
    (ServiceKind.BIRTH_CERTIFICATE, ProviderKind.COMMUNE_COUNCIL, 0.12),
    (ServiceKind.FAMILY_BOOK, ProviderKind.COMMUNE_COUNCIL, 0.08),
    (ServiceKind.HEALTH_VISIT, ProviderKind.HEALTH_CENTRE, 0.17),
    (ServiceKind.PROTECTION, ProviderKind.CCWC, 0.05),
    (ServiceKind.SOCIAL_ASSISTANCE, ProviderKind.COMMUNE_COUNCIL, 0.03),
]
DRIVERS = [("Sokha Meas", "012 881 204", "SR 1B-2041"), ("Vuthy Chan", "017 552 913", "SR 1A-7730"),
           ("Rithy Prak", "096 330 118", "SR 1C-0982")]  # fmt: skip


def _day(rng: random.Random, start: dt.date = START, end: dt.date = END) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def _smart_women_accounts(project: Project, officer: User) -> dict[int, User]:
    """One account per Smart Woman (the demo's `mentor` is the Bakong leader), supervised by the officer."""
    accounts = {}
    members = GroupMembership.objects.filter(group__project=project).select_related("participant")
    for membership in members.order_by("group__village__code", "-role", "id"):
        woman = membership.participant
        if woman.account_id is None:
            woman.account = User.objects.create(
                username=f"sw{woman.pk}", first_name=woman.name_latin or woman.name_km,
                role=Role.SMART_WOMAN, password=make_password(None),
            )  # fmt: skip
            woman.save(update_fields=["account"])
            ProjectMembership.objects.get_or_create(project=project, user=woman.account)
        woman.account.supervisor = officer
        woman.account.save(update_fields=["supervisor"])
        accounts[woman.pk] = woman.account
    return accounts


def _cases(rng, project, women, officer, smart_women, topics, admin) -> None:
    """Coaching and mentoring for 2,530 women; counselling by the Smart Women of their communities."""
    by_village: dict[int, list[User]] = {}
    for woman_id, account in smart_women.items():
        village_id = Participant.objects.get(pk=woman_id).village_id
        by_village.setdefault(village_id, []).append(account)
    helpers = [w for w in women if w.pk not in smart_women]
    coached = rng.sample(helpers, COACHED)
    cases = []
    for woman in coached:
        kind = CaseKind.COACHING if rng.random() < 0.6 else CaseKind.MENTORING
        worker = officer if kind == CaseKind.COACHING else rng.choice(by_village[woman.village_id])
        opened = _day(rng, START, dt.date(2023, 9, 30))
        cases.append(Case(participant=woman, project=project, kind=kind, worker=worker, opened_on=opened,
                          last_contact_on=opened,
                          consent_given=True, consent_date=opened, risk=rng.choice(list(RiskLevel.values))))  # fmt: skip
    # Counselling: each Smart Woman supports a few women of her own community.
    for village_id, accounts in by_village.items():
        neighbours = [w for w in helpers if w.village_id == village_id]
        for account in accounts:
            for woman in rng.sample(neighbours, 6):
                opened = _day(rng, dt.date(2022, 6, 1), dt.date(2023, 10, 31))
                cases.append(Case(participant=woman, project=project, kind=CaseKind.COUNSELLING, worker=account,
                                  opened_on=opened, last_contact_on=opened, consent_given=True,
                                  consent_date=opened))  # fmt: skip
    cases = bulk_create_with_history(cases, Case, batch_size=1000, default_user=admin)
    goals, sessions = [], []
    for case in cases:
        for description, _km in rng.sample(GOALS, rng.randint(1, 3)):
            goals.append(Goal(case=case, description=description, target_date=case.opened_on + dt.timedelta(days=180),
                              progress=rng.choice(list(GoalProgress.values))))  # fmt: skip
        day = case.opened_on
        for _n in range(rng.randint(1, 6)):
            if day > END:
                break
            sessions.append(Session(case=case, date=day, duration_minutes=rng.choice([20, 30, 45, 60]),
                                    follow_up_on=day + dt.timedelta(days=rng.choice([14, 21, 30])),
                                    recorded_by=case.worker))  # fmt: skip
            day += dt.timedelta(days=rng.randint(10, 75))
    bulk_create_with_history(goals, Goal, batch_size=2000, default_user=admin)
    sessions = bulk_create_with_history(sessions, Session, batch_size=2000, default_user=admin)
    links = [
        Session.topics.through(session_id=s.pk, sessiontopic_id=rng.choice(topics).pk)
        for s in sessions
    ]
    Session.topics.through.objects.bulk_create(links, batch_size=5000)
    latest: dict[int, Session] = {}
    for session in sessions:
        if session.case_id not in latest or session.date >= latest[session.case_id].date:
            latest[session.case_id] = session
    for case in cases:
        last = latest.get(case.pk)
        case.last_contact_on = last.date if last else case.opened_on
        case.next_follow_up_on = last.follow_up_on if last else None
        if rng.random() < 0.45 and last:
            case.status, case.closed_on = CaseStatus.CLOSED, last.date
    Case.objects.bulk_update(
        cases, ["last_contact_on", "next_follow_up_on", "status", "closed_on"], batch_size=1000
    )


def _providers(project: Project) -> dict[tuple[int, str], ServiceProvider]:
    providers = {}
    for village in project.communities.select_related("commune"):
        commune = village.commune
        for kind, name_en, name_km in PROVIDERS:
            provider, _created = ServiceProvider.objects.get_or_create(
                kind=kind, commune=commune,
                defaults={"name_en": f"{name_en}, {commune.name_en}", "name_km": f"{name_km} ឃុំ{commune.name_km}"},
            )  # fmt: skip
            providers[(village.pk, kind)] = provider
    return providers


def _contracts_end() -> dt.date:
    """The drivers' contracts run through the project and to the end of next year, so a trip
    can be booked today on the demo."""
    return dt.date(timezone.localdate().year + 1, 12, 31)


def _clinic_account(project: Project) -> None:
    """The demo's provider account is the health centre of Bakong commune (as the README says),
    the one its Bakong women are referred to for health visits, and no other."""
    centre = ServiceProvider.objects.get(
        kind=ProviderKind.HEALTH_CENTRE, commune__code=CLINIC_COMMUNE
    )
    clinic = User.objects.filter(username="clinic").first()
    if clinic is not None:
        clinic.providers.set([centre])


def support_work_update(*, project: Project) -> None:
    """Bring a demo loaded by an earlier version up to date; on a current one it changes nothing."""
    if not project.cases.exists():
        return
    _clinic_account(project)
    project.transport_contracts.filter(ends_on__lt=_contracts_end()).update(
        ends_on=_contracts_end()
    )


def _services(rng, project, women, officer, admin) -> None:
    providers = _providers(project)
    _clinic_account(project)
    drivers = [
        Driver.objects.create(name=name, phone=phone, vehicle=plate, commune=commune)
        for (name, phone, plate), commune in zip(
            DRIVERS, [v.commune for v in project.communities.order_by("code")[::2]], strict=True
        )
    ]
    contracts = [
        Contract.objects.create(
            driver=driver,
            project=project,
            starts_on=dt.date(2022, 3, 1),
            ends_on=_contracts_end(),
            fare_rule=FareRule.PER_KM,
            rate=1500,
            ceiling=25000,
        )
        for driver in drivers
    ]
    served = rng.sample(women, SERVED)
    provider_kind = {kind: provider for kind, provider, _share in SERVICES}
    kinds = [kind for kind, _provider, _share in SERVICES]
    weights = [share for _kind, _provider, share in SERVICES]
    referrals, deliveries, steps, trips = [], [], [], []
    for woman in served:
        kind = rng.choices(kinds, weights)[0]
        provider = providers[(woman.village_id, provider_kind[kind])]
        given_on = _day(rng, dt.date(2022, 3, 15))
        referral = None
        if rng.random() < 0.65:
            sent = given_on - dt.timedelta(days=rng.randint(3, 20))
            referral = Referral(participant=woman, project=project, provider=provider, service=kind,
                                reason="Referred after the rights and services seminar", consent_given=True,
                                consent_date=sent, share_phone=rng.random() < 0.5, sent_on=sent,
                                status=ReferralStatus.GIVEN, referred_by=officer)  # fmt: skip
            referrals.append(referral)
        deliveries.append((woman, kind, given_on, provider, referral))
    referrals = bulk_create_with_history(referrals, Referral, batch_size=1000, default_user=admin)
    for referral in referrals:
        received = referral.sent_on + dt.timedelta(days=1)
        steps += [ReferralStep(referral=referral, status=ReferralStatus.SENT, on=referral.sent_on, by=officer),
                  ReferralStep(referral=referral, status=ReferralStatus.RECEIVED, on=received, by=officer)]  # fmt: skip
    rows = []
    for woman, kind, given_on, provider, referral in deliveries:
        if referral is not None:
            steps.append(
                ReferralStep(
                    referral=referral, status=ReferralStatus.GIVEN, on=given_on, by=officer
                )
            )
            if rng.random() < 0.4:
                contract = rng.choice(contracts)
                km = Decimal(rng.randint(20, 160)) / 10
                trips.append(Trip(contract=contract, driver=contract.driver, date=given_on, participant=woman,
                                  from_village=woman.village, to_provider=provider, referral=referral,
                                  distance_km=km, fare=int(km * 1500), recorded_by=officer))  # fmt: skip
        rows.append(ServiceDelivery(participant=woman, project=project, kind=kind, delivered_on=given_on,
                                    provider=provider, referral=referral, recorded_by=officer))  # fmt: skip
    ReferralStep.objects.bulk_create(steps, batch_size=2000)
    bulk_create_with_history(rows, ServiceDelivery, batch_size=2000, default_user=admin)
    bulk_create_with_history(trips, Trip, batch_size=2000, default_user=admin)
    got_id = [w.pk for w, kind, *_rest in deliveries if kind == ServiceKind.NATIONAL_ID]
    Participant.objects.filter(pk__in=got_id).update(has_national_id=True)
    _referrals_left_open(project, women, officer, admin)


def _referrals_left_open(project, women, officer, admin) -> None:
    """The last referrals to Bakong's health centre, never followed up: the clinic has some to
    receive and resolve, and the officer's lists and the dashboard show them overdue."""
    rng = random.Random("referrals left open")  # its own, so the rest of the demo is unchanged
    centre = ServiceProvider.objects.get(
        kind=ProviderKind.HEALTH_CENTRE, commune__code=CLINIC_COMMUNE
    )
    in_bakong = [w for w in women if w.village.commune_id == centre.commune_id]
    referrals = [
        Referral(participant=woman, project=project, provider=centre, service=ServiceKind.HEALTH_VISIT,
                 reason="Pain and fever; asked to see the midwife", consent_given=True,
                 consent_date=sent, sent_on=sent, share_village=True, referred_by=officer,
                 status=ReferralStatus.RECEIVED if received else ReferralStatus.SENT)
        for number, woman in enumerate(rng.sample(in_bakong, OPEN_REFERRALS))
        for received in [number < OPEN_REFERRALS // 2]
        for sent in [END - dt.timedelta(days=rng.randint(0, 40))]
    ]  # fmt: skip
    referrals = bulk_create_with_history(referrals, Referral, default_user=admin)
    steps = [ReferralStep(referral=r, status=ReferralStatus.SENT, on=r.sent_on, by=officer)
             for r in referrals]  # fmt: skip
    steps += [ReferralStep(referral=r, status=ReferralStatus.RECEIVED, by=officer,
                           on=r.sent_on + dt.timedelta(days=2))
              for r in referrals if r.status == ReferralStatus.RECEIVED]  # fmt: skip
    ReferralStep.objects.bulk_create(steps)


def _outcomes(rng, project, women, officer) -> None:
    leaders = GroupMembership.objects.filter(
        group__project=project, role=GroupRole.LEADER
    ).select_related("participant__village__commune", "group__village")
    in_bakong = next(
        m.participant for m in leaders if m.participant.village.commune.name_en == "Bakong"
    )
    chief = next(
        m.participant for m in leaders if m.participant.village.commune.name_en != "Bakong"
    )
    Milestone.objects.bulk_create([
        Milestone(participant=chief, project=project, kind=MilestoneKind.VILLAGE_CHIEF, date=dt.date(2023, 8, 14),
                  evidence="Appointed village chief by the commune council (decision of 14 August 2023).",
                  recorded_by=officer),
        Milestone(participant=in_bakong, project=project, kind=MilestoneKind.CCWC_MEMBER, date=dt.date(2023, 5, 2),
                  evidence="Named a member of the Bakong CCWC at its May 2023 meeting.", recorded_by=officer),
    ])  # fmt: skip
    Story.objects.create(
        participant=chief, project=project, title="From the Smart Women group to village chief",
        text="She joined the Smart Women group in 2022, counselled her neighbours, and in 2023 the commune "
        "council appointed her village chief.", language=StoryLanguage.ENGLISH, consent_to_publish=True,
        title_km="ពីក្រុមស្ត្រីឆ្លាតវៃ ទៅជាមេភូមិ",
        text_km="នាងបានចូលរួមក្រុមស្ត្រីឆ្លាតវៃក្នុងឆ្នាំ២០២២ បានផ្តល់ប្រឹក្សាដល់អ្នកជិតខាង "
        "ហើយនៅឆ្នាំ២០២៣ ក្រុមប្រឹក្សាឃុំបានតែងតាំងនាងជាមេភូមិ។",
        written_on=dt.date(2023, 9, 1), written_by=officer,
    )  # fmt: skip
    assessed = rng.sample(women, 600)
    rows = []
    for woman in assessed:
        before = rng.randint(1, 3)
        rows += [
            Assessment(participant=woman, project=project, stage=AssessmentStage.PRE, date=dt.date(2022, 3, 1),
                       confidence=before, knowledge=rng.randint(1, 3), assessed_by=officer),
            Assessment(participant=woman, project=project, stage=AssessmentStage.POST, date=dt.date(2023, 11, 15),
                       confidence=min(5, before + rng.randint(0, 2)), knowledge=rng.randint(2, 5),
                       assessed_by=officer),
        ]  # fmt: skip
    Assessment.objects.bulk_create(rows, batch_size=2000)


def support_work_load(*, project: Project, admin: User, officer: User) -> None:
    """Add the support work to the demo project, once."""
    if project.cases.exists():
        return
    rng = random.Random(SEED)
    topics = [
        SessionTopic.objects.get_or_create(code=code, defaults={"name_en": en, "name_km": km})[0]
        for code, en, km in SESSION_TOPICS
    ]
    officer.supervisor = User.objects.filter(username="manager").first()
    officer.save(update_fields=["supervisor"])
    women = list(
        Participant.objects.filter(attendances__activity__project=project)
        .distinct()
        .select_related("village")
        .order_by("id")
    )
    smart_women = _smart_women_accounts(project, officer)
    _cases(rng, project, women, officer, smart_women, topics, admin)
    _services(rng, project, women, officer, admin)
    _outcomes(rng, project, women, officer)

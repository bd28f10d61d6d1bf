"""The demo's closing report: the seed report's structure, in both languages, its figures computed."""

from __future__ import annotations

from tonle.accounts.models import User
from tonle.programs.models import Project
from tonle.reports.models import ReportTemplate, SectionKind
from tonle.reports.services import small_figure_release

SLUG = "closing-2023"

SECTIONS = [
    {"kind": SectionKind.TEXT, "heading_en": "Introduction", "heading_km": "សេចក្តីផ្តើម",
     "body_en": "Partnering with the Cambodian Community Dream Organisation (CCDO), this project "
                "provided education and support to marginalised women and girls in three districts: "
                "Prasat Bakong, Angkor Thom and Banteay Srei. Since its launch in early 2022 it has "
                "engaged **{{ engaged }} women and girls** in trainings, seminars, workshops and "
                "forums on health care, gender equity, personal development and business.\n\n"
                "{{ engaged by district }}\n\n"
                "A woman who took part in two districts is counted once in the total and once in "
                "each district, so the districts can add up to more than the total.",
     "body_km": "ដោយសហការជាមួយអង្គការសុបិនសហគមន៍កម្ពុជា (CCDO) គម្រោងនេះបានផ្តល់ការអប់រំ និង"
                "ការគាំទ្រដល់ស្ត្រី និងក្មេងស្រីងាយរងគ្រោះនៅក្នុងស្រុកចំនួនបី៖ ប្រាសាទបាគង អង្គរធំ "
                "និងបន្ទាយស្រី។ ចាប់តាំងពីការចាប់ផ្តើមនៅដើមឆ្នាំ២០២២ គម្រោងបានចូលរួមជាមួយ"
                "**ស្ត្រី និងក្មេងស្រីចំនួន {{ engaged }} នាក់** ក្នុងវគ្គបណ្តុះបណ្តាល សិក្ខាសាលា "
                "និងវេទិកាស្តីពីសុខភាព សមភាពយេនឌ័រ ការអភិវឌ្ឍខ្លួន និងអាជីវកម្ម។\n\n"
                "{{ engaged by district }}\n\n"
                "ស្ត្រីម្នាក់ដែលបានចូលរួមនៅក្នុងស្រុកពីរ ត្រូវបានរាប់ម្តងក្នុងចំនួនសរុប និងម្តងក្នុង"
                "ស្រុកនីមួយៗ ដូច្នេះចំនួនតាមស្រុកអាចលើសចំនួនសរុប។"},
    {"kind": SectionKind.TEXT, "heading_en": "Key outcomes: Smart Women",
     "heading_km": "លទ្ធផលសំខាន់ៗ៖ ស្ត្រីឆ្លាតវៃ",
     "body_en": "By the end of 2023 there were **{{ smart-women }} Smart Women** in the project "
                "communities, the most active women of each village. Under the supervision of the "
                "Commune Council for Women and Children they counselled other women and girls in "
                "need. **{{ leaders }} women** won leadership roles: one Smart Woman became a village "
                "chief and another woman in Bakong joined the commune council for women and "
                "children.\n\n{{ story 1 }}",
     "body_km": "នៅចុងឆ្នាំ២០២៣ មាន**ស្ត្រីឆ្លាតវៃចំនួន {{ smart-women }} នាក់** នៅក្នុងសហគមន៍គម្រោង "
                "ដែលជាស្ត្រីសកម្មបំផុតនៃភូមិនីមួយៗ។ ក្រោមការត្រួតពិនិត្យរបស់គណៈកម្មាធិការ"
                "ទទួលបន្ទុកកិច្ចការនារី និងកុមារឃុំ ពួកគេបានផ្តល់ប្រឹក្សាដល់ស្ត្រី និងក្មេងស្រីផ្សេងទៀត។ "
                "**ស្ត្រីចំនួន {{ leaders }} នាក់**បានទទួលតួនាទីដឹកនាំ៖ ស្ត្រីឆ្លាតវៃម្នាក់បានក្លាយជា"
                "មេភូមិ និងស្ត្រីម្នាក់ទៀតនៅបាគងបានចូលជាសមាជិកគណៈកម្មាធិការទទួលបន្ទុកកិច្ចការនារី "
                "និងកុមារឃុំ។\n\n{{ story 1 }}"},
    {"kind": SectionKind.TEXT, "heading_en": "Key outcomes: Specialised coaching and mentoring",
     "heading_km": "លទ្ធផលសំខាន់ៗ៖ ការបង្វឹក និងការណែនាំឯកទេស",
     "body_en": "With local authorities and the Commune Council for Women and Children, tailored "
                "coaching and mentoring reached **{{ coached }} women and girls**, on issues from "
                "setting goals to family planning.",
     "body_km": "ជាមួយអាជ្ញាធរមូលដ្ឋាន និងគណៈកម្មាធិការទទួលបន្ទុកកិច្ចការនារី និងកុមារឃុំ "
                "ការបង្វឹក និងការណែនាំតាមតម្រូវការបានផ្តល់ដល់**ស្ត្រី និងក្មេងស្រីចំនួន "
                "{{ coached }} នាក់** លើបញ្ហាចាប់ពីការកំណត់គោលដៅ រហូតដល់ការរៀបចំផែនការគ្រួសារ។"},
    {"kind": SectionKind.TEXT, "heading_en": "Key outcomes: Access to information and services",
     "heading_km": "លទ្ធផលសំខាន់ៗ៖ ការទទួលបានព័ត៌មាន និងសេវា",
     "body_en": "By helping women obtain identification cards and learn about their rights and "
                "services, the project helped **{{ services }} women** to services, "
                "**{{ id-cards }}** of them to a national ID card. The tuk-tuk contracting scheme "
                "took women to the services they needed.",
     "body_km": "តាមរយៈការជួយស្ត្រីឱ្យទទួលបានអត្តសញ្ញាណប័ណ្ណ និងស្វែងយល់ពីសិទ្ធិ និងសេវានានា "
                "គម្រោងបានជួយ**ស្ត្រីចំនួន {{ services }} នាក់**ឱ្យទទួលបានសេវា ក្នុងនោះ"
                "**{{ id-cards }} នាក់**បានទទួលអត្តសញ្ញាណប័ណ្ណសញ្ជាតិខ្មែរ។ គម្រោងជួលរ៉ឺម៉កកង់បី"
                "បានដឹកស្ត្រីទៅកាន់សេវាដែលពួកគេត្រូវការ។"},
    {"kind": SectionKind.CHART, "indicator": "engaged",
     "heading_en": "Key outcomes: Learning and participation for active citizenship",
     "heading_km": "លទ្ធផលសំខាន់ៗ៖ ការរៀនសូត្រ និងការចូលរួមជាពលរដ្ឋសកម្ម",
     "body_en": "Public seminars, community workshops and networking forums brought women together "
                "with local authorities on domestic violence and financial crises. Women and girls "
                "taking part, quarter by quarter:",
     "body_km": "សិក្ខាសាលាសាធារណៈ សិក្ខាសាលាសហគមន៍ និងវេទិកាបណ្តាញ បាននាំស្ត្រីមកជួបជាមួយ"
                "អាជ្ញាធរមូលដ្ឋានស្តីពីអំពើហិង្សាក្នុងគ្រួសារ និងវិបត្តិហិរញ្ញវត្ថុ។ "
                "ស្ត្រី និងក្មេងស្រីដែលបានចូលរួម តាមត្រីមាស៖"},
    {"kind": SectionKind.INDICATORS, "heading_en": "Indicators and targets",
     "heading_km": "សូចនាករ និងគោលដៅ", "body_en": "", "body_km": ""},
    {"kind": SectionKind.TEXT, "heading_en": "Future collaboration with the CCDO",
     "heading_km": "កិច្ចសហការនាពេលអនាគតជាមួយ CCDO",
     "body_en": "The project continues under the SI Foundation, with the CCDO, local authorities "
                "and the women and girls who took part.",
     "body_km": "គម្រោងនេះបន្តក្រោមមូលនិធិ SI ជាមួយ CCDO អាជ្ញាធរមូលដ្ឋាន និងស្ត្រី និង"
                "ក្មេងស្រីដែលបានចូលរួម។"},
    {"kind": SectionKind.ACTIVITIES, "heading_en": "Annex 1: Activities",
     "heading_km": "ឧបសម្ព័ន្ធ ១៖ សកម្មភាព", "body_en": "", "body_km": ""},
    {"kind": SectionKind.PEOPLE, "heading_en": "Annex 2: Participants by community and age",
     "heading_km": "ឧបសម្ព័ន្ធ ២៖ អ្នកចូលរួមតាមសហគមន៍ និងអាយុ",
     "body_en": "Women and girls who took part, without names.",
     "body_km": "ស្ត្រី និងក្មេងស្រីដែលបានចូលរួម ដោយគ្មានឈ្មោះ។"},
]  # fmt: skip


LEADERS_RELEASE = (
    "The two women agreed that their election be celebrated in the closing report; the "
    "village chief and the commune council seat are public offices."
)


def report_load(*, project: Project, manager: User) -> ReportTemplate:
    """Give the demo project its closing report, once."""
    template, created = ReportTemplate.objects.get_or_create(
        project=project,
        slug=SLUG,
        defaults={
            "name_en": "2023 Closing Report: Education and Learning in Cambodia",
            "name_km": "របាយការណ៍បិទគម្រោងឆ្នាំ២០២៣៖ ការអប់រំ និងការរៀនសូត្រនៅកម្ពុជា",
            "starts_on": project.starts_on,
            "ends_on": project.ends_on,
        },
    )
    if created:
        story = project.stories.filter(consent_to_publish=True).order_by("id").first()
        for order, fields in enumerate(SECTIONS, start=1):
            body = {
                k: v.replace("{{ story 1 }}", f"{{{{ story {story.pk} }}}}" if story else "")
                for k, v in fields.items()
                if k.startswith("body")
            }
            template.sections.create(order=order, **{**fields, **body})
        # The report celebrates the two women who won leadership roles: published on purpose.
        small_figure_release(by=manager, template=template, code="leaders", reason=LEADERS_RELEASE)
    return template

"""The demo's public site: the closing report issued and published, news in both languages,
the village chief's story (with her consent to publish, not to be named), a comment."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tonle.accounts.models import User
from tonle.programs.models import Project
from tonle.public.models import Category, CommentStatus, Post, PostStatus
from tonle.public.services import (
    Moderation,
    comment_form_stamp,
    comment_moderate,
    comment_receive,
    post_from_report,
    post_from_story,
    post_save,
    tags_from_text,
)
from tonle.reports.models import ReportTemplate
from tonle.reports.services import report_issue

CATEGORIES = [
    ("news", "News", "ព័ត៌មាន"),
    ("stories", "Stories of change", "រឿងរ៉ាវនៃការផ្លាស់ប្តូរ"),
    ("reports", "Reports", "របាយការណ៍"),
]
NEWS = [
    {
        "slug": "smart-women-meet-the-commune-councils",
        "title_en": "Smart Women meet their commune councils",
        "title_km": "ស្ត្រីឆ្លាតវៃជួបប្រជុំជាមួយក្រុមប្រឹក្សាឃុំរបស់ពួកគេ",
        "body_en": "In December the six Smart Women groups of Prasat Bakong, Angkor Thom and "
        "Banteay Srei met their **Commune Councils for Women and Children**.\n\n"
        "They asked for:\n\n- a safe place to meet in each village;\n- ID cards for the women "
        "who still have none;\n- a seat for a Smart Woman at each council meeting.",
        "body_km": "នៅខែធ្នូ ក្រុមស្ត្រីឆ្លាតវៃទាំងប្រាំមួយនៃស្រុកប្រាសាទបាគង អង្គរធំ និងបន្ទាយស្រី "
        "បានជួបប្រជុំជាមួយ **គណៈកម្មាធិការទទួលបន្ទុកកិច្ចការនារី និងកុមារឃុំ**។\n\n"
        "ពួកគេបានស្នើសុំ៖\n\n- កន្លែងជួបប្រជុំដែលមានសុវត្ថិភាពនៅក្នុងភូមិនីមួយៗ។\n"
        "- អត្តសញ្ញាណប័ណ្ណសម្រាប់ស្ត្រីដែលមិនទាន់មាន។\n"
        "- កៅអីមួយសម្រាប់ស្ត្រីឆ្លាតវៃនៅរាល់កិច្ចប្រជុំក្រុមប្រឹក្សា។",
        "tags": "Smart Women, leadership",
        "days_ago": 20,
    },
    {
        "slug": "tuk-tuk-rides-to-the-health-centre",
        "title_en": "A tuk-tuk to the health centre",
        "title_km": "ទុកទុកទៅមណ្ឌលសុខភាព",
        "body_en": "Three drivers under contract took women to the health centre and the ID "
        "office. A ride no longer costs a day's food.",
        "body_km": "អ្នកបើកបរបីនាក់ដែលមានកិច្ចសន្យា បានដឹកស្ត្រីទៅមណ្ឌលសុខភាព និងការិយាល័យ"
        "អត្តសញ្ញាណប័ណ្ណ។ ការធ្វើដំណើរមួយលែងចំណាយថ្លៃអាហារមួយថ្ងៃទៀតហើយ។",
        "tags": "health, ID cards",
        "days_ago": 40,
    },
    {
        "slug": "ccwc-forum-khmer",
        "title_en": "",
        "title_km": "វេទិកាបណ្តាញស្ត្រីនៅអង្គរធំ",
        "body_en": "",
        "body_km": "ស្ត្រីជាងមួយរយនាក់បានចូលរួមវេទិកាបណ្តាញនៅស្រុកអង្គរធំ ដើម្បីចែករំលែកបទពិសោធន៍ និងរៀនពីសិទ្ធិរបស់ពួកគេ។",
        "tags": "leadership",
        "days_ago": 60,
    },
]


def public_site_load(*, project: Project, template: ReportTemplate, manager: User) -> None:
    """Once: what `make run` shows a visitor at /."""
    if Post.objects.exists():
        return
    categories = {
        slug: Category.objects.get_or_create(slug=slug, defaults={"name_en": en, "name_km": km})[0]
        for slug, en, km in CATEGORIES
    }
    now = timezone.now()
    posts = []
    for news in NEWS:
        fields = {k: v for k, v in news.items() if k not in ("tags", "days_ago")}
        post = Post(**fields, category=categories["news"], status=PostStatus.PUBLISHED,
                    publish_at=now - dt.timedelta(days=news["days_ago"]))  # fmt: skip
        posts.append(post_save(by=manager, post=post, tags=tags_from_text(news["tags"])))
    story = project.stories.filter(consent_to_publish=True).order_by("id").first()
    if story is not None:
        post = post_from_story(by=manager, story=story)
        post.category = categories["stories"]
        post_save(by=manager, post=post, tags=tags_from_text("leadership"))
    issued = template.issued.first() or report_issue(by=manager, template=template)
    report = post_from_report(by=manager, issued=issued)
    report.category = categories["reports"]
    report.body_en = "Our closing report to Soroptimist International, as issued."
    report.body_km = "របាយការណ៍បិទគម្រោងរបស់យើងជូនអង្គការ Soroptimist International ដូចដែលបានចេញផ្សាយ។"
    post_save(by=manager, post=report)
    comment = comment_receive(
        post=posts[0], name="Sreyleak", email="sreyleak@example.org",
        text="Thank you for standing with the women of our commune.", address=None,
        stamp=comment_form_stamp(now=now - dt.timedelta(minutes=5)),
    )  # fmt: skip
    if comment.status == CommentStatus.HELD:
        comment_moderate(by=manager, comment=comment, action=Moderation.APPROVE)

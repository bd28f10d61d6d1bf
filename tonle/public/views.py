"""Pages of the public site (news, stories, impact, comments, newsletter), served from the page
cache, and the staff's pages that write posts, moderate comments and send the newsletter."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.syndication.views import Feed
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tonle.accounts.login import client_ip
from tonle.accounts.media import media_response
from tonle.lib.forms import add_service_errors
from tonle.lib.paging import page_of
from tonle.lib.sitecache import public_cached
from tonle.lib.spreadsheets import xlsx_response
from tonle.outcomes.models import Story
from tonle.programs.models import Project
from tonle.public.forms import CommentForm, NewsletterForm, PostForm, SignUpForm
from tonle.public.models import Category, Comment, Newsletter, Post, SendingStatus, Tag
from tonle.public.rendering import markdown_html, report_sections, story_shown
from tonle.public.selectors import (
    comments_shown,
    comments_to_moderate,
    impact_page,
    next_scheduled_post_at,
    post_live_get,
    posts_live,
    public_projects,
    subscribers_rows,
)
from tonle.public.services import (
    Moderation,
    comment_form_stamp,
    comment_moderate,
    comment_receive,
    comment_refusal_text,
    may_export_subscribers,
    may_run_public_site,
    newsletter_save,
    newsletter_send_start,
    post_from_report,
    post_from_story,
    post_save,
    subscribe_consent_text,
    subscriber_confirm,
    subscriber_sign_up,
    subscriber_unsubscribe,
    tags_from_text,
)
from tonle.reports.models import IssuedReport

HOME_POSTS = 5
PAGE_POSTS = 10


def _until_next_post() -> float | None:
    """A page holds until the next scheduled post is due (then it is built again)."""
    due = next_scheduled_post_at()
    return max(1.0, (due - timezone.now()).total_seconds()) if due else None


def _fragment(key: str, template: str, context: Any) -> Any:
    """A part of a page built from the records once, then read from the cache."""
    return public_cached(
        key,
        lambda: mark_safe(render_to_string(template, context())),
        lifetime=_until_next_post,
    )


# Stand-ins for what differs from one visitor to the next in a page kept whole in the cache:
# her CSRF token and the time her comment form was given out.
_TOKEN_STAND_IN = "csrf-token-of-the-visitor"
_STAMP_STAND_IN = "comment-stamp-of-the-visitor"


def _served(request: HttpRequest, key: str, page: Any) -> HttpResponse:
    """A visitor's page whole from the cache, her own CSRF token and form stamp put in; built
    once by `page(context)`. A logged-in user (her menu) or a visitor with a message waiting
    (after sending a form) gets the page built for her."""
    if request.user.is_authenticated or len(messages.get_messages(request)):
        return page({})
    html = public_cached(
        f"page:{key}:{request.get_full_path()}",
        lambda: page({"csrf_token": _TOKEN_STAND_IN, "stamp": _STAMP_STAND_IN}).content.decode(),
        lifetime=_until_next_post,
    )
    html = html.replace(_TOKEN_STAND_IN, get_token(request))
    if _STAMP_STAND_IN in html:
        html = html.replace(_STAMP_STAND_IN, comment_form_stamp())
    return HttpResponse(html)


def _language() -> str:
    return "km" if (get_language() or "en").startswith("km") else "en"


def _post_parts(post: Post, language: str) -> dict[str, Any]:
    """A post's text in the reader's language, the other one beside it when written."""
    other = "en" if language == "km" else "km"
    parts: dict[str, Any] = {"post": post, "language": language}
    if post.story_id:
        parts["story"] = story_shown(story=post.story, language=language)
    elif post.issued_report_id:
        parts["sections"] = report_sections(issued=post.issued_report, language=language)
        parts["issued"] = post.issued_report
    bodies = {"en": post.body_en, "km": post.body_km}
    titles = {"en": post.title_en, "km": post.title_km}
    first = language if bodies[language].strip() or titles[language].strip() else other
    parts["texts"] = [
        {"language": lang, "title": titles[lang], "html": markdown_html(bodies[lang])}
        for lang in (first, other if first == language else language)
        if bodies[lang].strip() or (titles[lang].strip() and lang == first)
    ]
    return parts


def _summary(post: Post, language: str) -> str:
    body = (post.body_km if language == "km" else post.body_en) or post.body_en or post.body_km
    if post.story_id and not body:
        body = post.story.told_in(language)[1]
    return Truncator(strip_tags(str(markdown_html(body)))).words(40)


def _sign_up_form(request: HttpRequest) -> SignUpForm:
    return SignUpForm(consent_text=subscribe_consent_text())


# --- what the public reads -----------------------------------------------------------


@require_GET
def public_home(request: HttpRequest) -> HttpResponse:
    """The start page of a visitor: the latest posts, what the program achieved, the sign-up."""

    def context() -> dict[str, Any]:
        posts = list(posts_live()[:HOME_POSTS])
        return {
            "posts": [(p, _summary(p, _language())) for p in posts],
            "impacts": [impact_page(project=p) for p in public_projects()[:3]],
        }

    def page(extra: dict[str, Any]) -> HttpResponse:
        body = _fragment("home", "public/_home.html", context)
        return render(request, "public/home.html",
                      {"body": body, "sign_up": _sign_up_form(request), **extra})  # fmt: skip

    return _served(request, "home", page)


def _page_key(request: HttpRequest) -> str:
    page = request.GET.get("page", "1")
    return page if page.isascii() and page.isdigit() and len(page) < 6 else "1"


@require_GET
def news(request: HttpRequest, category: str = "", tag: str = "") -> HttpResponse:
    """Every post, newest first, a page at a time ("view all posts"), or those of a category
    or a tag."""

    def context() -> dict[str, Any]:
        posts = posts_live()
        heading = _("News and stories")
        if category:
            found = Category.objects.filter(slug=category).first()
            posts, heading = posts.filter(category__slug=category), found.name if found else ""
        if tag:
            found_tag = Tag.objects.filter(slug=tag).first()
            posts, heading = posts.filter(tags__slug=tag), found_tag.name if found_tag else ""
        page = page_of(request, posts, per_page=PAGE_POSTS)
        return {
            "page": page, "heading": heading, "missing": (category or tag) and not heading,
            "posts": [(p, _summary(p, _language())) for p in page],
        }  # fmt: skip

    def page(extra: dict[str, Any]) -> HttpResponse:
        key = f"news:{category}:{tag}:{_page_key(request)}"
        body = _fragment(key, "public/_news.html", context)
        if not body.strip():
            raise Http404
        return render(request, "public/news.html", {"body": body, **extra})

    return _served(request, f"news:{category}:{tag}", page)


@require_GET
def post_page(request: HttpRequest, post_slug: str) -> HttpResponse:
    body = _post_body(request, post_slug)

    def page(extra: dict[str, Any]) -> HttpResponse:
        form = CommentForm(initial={"stamp": extra.pop("stamp", None) or comment_form_stamp()})
        return _post_render(request, body, form, extra=extra)

    return _served(request, f"post:{post_slug}", page)


def _post_body(request: HttpRequest, post_slug: str) -> dict[str, Any]:
    def build() -> dict[str, Any]:
        try:
            post = post_live_get(slug=post_slug)
        except Http404:
            return {"missing": True}
        parts = _post_parts(post, _language())
        parts["comments"] = list(comments_shown(post=post))
        html = render_to_string("public/_post.html", parts)
        image = reverse("public-post-image", args=[post.slug]) if post.image else ""
        if not image and "story" in parts and parts["story"].photo_url:
            image = parts["story"].photo_url
        return {
            "missing": False, "html": mark_safe(html), "title": post.title, "slug": post.slug,
            "summary": _summary(post, _language()), "image": image,
            "published": post.publish_at, "comments_open": post.comments_open,
        }  # fmt: skip

    body = public_cached(f"post:{post_slug}", build, lifetime=_until_next_post)
    if body["missing"]:
        raise Http404
    return body


def _post_render(request: HttpRequest, body: dict[str, Any], form: CommentForm,
                 status: int = 200, extra: dict[str, Any] | None = None) -> HttpResponse:  # fmt: skip
    url = request.build_absolute_uri(reverse("public-post", args=[body["slug"]]))
    image = request.build_absolute_uri(body["image"]) if body["image"] else ""
    context = {"body": body, "form": form, "url": url, "image": image, **(extra or {})}
    return render(request, "public/post.html", context, status=status)


@require_POST
def comment_send(request: HttpRequest, post_slug: str) -> HttpResponse:
    """A reader's comment: kept as sent, held for moderation; a form with a mistake comes back
    marked."""
    body = _post_body(request, post_slug)
    form = CommentForm(request.POST)
    if not form.is_valid():
        form.data = form.data.copy()
        form.data["stamp"] = comment_form_stamp()
        return _post_render(request, body, form, status=400)
    data = form.cleaned_data
    try:
        comment = comment_receive(
            post=post_live_get(slug=post_slug), name=data["name"], email=data["email"],
            text=data["text"], notify=data["notify"], address=client_ip(request),
            stamp=data["stamp"], trap=data["website"],
        )  # fmt: skip
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
        return redirect("public-post", post_slug=post_slug)
    if refusal := comment_refusal_text(comment):
        messages.error(request, refusal)
    else:
        messages.success(
            request, _("Thank you: your comment will appear once a moderator has read it.")
        )
    return redirect(reverse("public-post", args=[post_slug]) + "#comments")


@require_GET
def post_image(request: HttpRequest, post_slug: str) -> HttpResponse:
    post = posts_live().filter(slug=post_slug).first()
    response = media_response(request, name=post.image.name if post else "",
                              allowed=post is not None, record_type="post-image",
                              record_id=post_slug)  # fmt: skip
    response["Cache-Control"] = "public, max-age=86400"
    return response


@require_GET
def story_photo(request: HttpRequest, story_id: int) -> HttpResponse:
    """Her photo on the public site: only while her story is published, with her consent to
    publish it and her photo."""
    story = Story.objects.filter(
        pk=story_id, consent_to_publish=True, consent_to_photo=True,
        posts__in=posts_live().values("pk"),
    ).first()  # fmt: skip
    return media_response(request, name=story.photo.name if story else "",
                          allowed=story is not None, record_type="public-story-photo",
                          record_id=story_id)  # fmt: skip


class LatestPosts(Feed):
    feed_type = Atom1Feed

    def title(self) -> str:
        return _("CCDO: news and stories")

    def subtitle(self) -> str:
        return _("What the program does and what it achieved.")

    def link(self) -> str:
        return reverse("public-news")

    def items(self) -> list[Post]:
        return list(posts_live()[:20])

    def item_title(self, item: Post) -> str:
        return item.title

    def item_description(self, item: Post) -> str:
        return _summary(item, _language())

    def item_link(self, item: Post) -> str:
        return reverse("public-post", args=[item.slug])

    def item_pubdate(self, item: Post) -> Any:
        return item.publish_at or item.created_at

    def item_updateddate(self, item: Post) -> Any:
        return item.updated_at


@require_GET
def feed(request: HttpRequest) -> HttpResponse:
    """The Atom feed of the latest posts, from the cache like the pages."""
    content = public_cached(
        f"feed:{request.get_host()}", lambda: LatestPosts()(request).content,
        lifetime=_until_next_post,
    )  # fmt: skip
    return HttpResponse(content, content_type="application/atom+xml; charset=utf-8")


@require_GET
def impact_list(request: HttpRequest) -> HttpResponse:
    def page(extra: dict[str, Any]) -> HttpResponse:
        body = _fragment(
            "impact:", "public/_impact_list.html",
            lambda: {"impacts": [impact_page(project=p) for p in public_projects()]},
        )  # fmt: skip
        return render(request, "public/impact_list.html", {"body": body, **extra})

    return _served(request, "impact-list", page)


@require_GET
def impact(request: HttpRequest, slug: str) -> HttpResponse:
    """What a project achieved, as its last report issued it, protected for the public."""

    def context() -> dict[str, Any]:
        project = Project.objects.filter(slug=slug).first()
        return {"impact": impact_page(project=project) if project else None}

    def page(extra: dict[str, Any]) -> HttpResponse:
        body = _fragment(f"impact:{slug}", "public/_impact.html", context)
        if not body.strip():
            raise Http404
        return render(request, "public/impact.html", {"body": body, **extra})

    return _served(request, f"impact:{slug}", page)


@require_http_methods(["GET", "POST"])
def sign_up(request: HttpRequest) -> HttpResponse:
    """The newsletter's sign-up: her consent kept, a link sent to confirm her address."""
    consent = subscribe_consent_text()
    form = SignUpForm(request.POST or None, consent_text=consent)
    if request.method == "POST" and form.is_valid():
        try:
            subscriber_sign_up(
                email=form.cleaned_data["email"], language=_language(), consent_text=consent,
                address=client_ip(request), site_url=request.build_absolute_uri("/")[:-1],
            )  # fmt: skip
        except ValidationError as refused:
            add_service_errors(form, refused)
        else:
            return render(request, "public/signed_up.html")
    return render(request, "public/sign_up.html", {"form": form},
                  status=400 if form.errors else 200)  # fmt: skip


@require_http_methods(["GET", "POST"])
def subscribe_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link of the confirmation email: a button confirms (a mail scanner that opens the
    link confirms nothing)."""
    return _token_page(request, token, subscriber_confirm, "public/confirm.html")


@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """The link in every newsletter: ends the subscription without logging in."""
    return _token_page(request, token, subscriber_unsubscribe, "public/unsubscribe.html")


def _token_page(request: HttpRequest, token: str, action: Any, template: str) -> HttpResponse:
    context: dict[str, Any] = {"token": token}
    if request.method == "POST":
        try:
            context["done"] = action(token=token)
        except ValidationError as refused:
            context["problem"] = " ".join(refused.messages)
    return render(request, template, context)


# --- the staff's side ----------------------------------------------------------------


def _staff(request: HttpRequest) -> None:
    if not may_run_public_site(request.user):
        raise PermissionDenied


@require_GET
@login_required
def staff_home(request: HttpRequest) -> HttpResponse:
    _staff(request)
    posts = page_of(request, Post.objects.select_related("category").order_by("-updated_at"))
    return render(request, "public/staff/home.html", {
        "posts": posts, "held": comments_to_moderate().count(),
        "reports": IssuedReport.objects.select_related("template__project")[:10],
        "stories": Story.objects.filter(consent_to_publish=True, posts__isnull=True)
        .select_related("project")[:20],
        "newsletters": Newsletter.objects.all()[:10],
        "may_export": may_export_subscribers(request.user),
    })  # fmt: skip


@require_http_methods(["GET", "POST"])
@login_required
def post_edit(request: HttpRequest, post_id: int | None = None) -> HttpResponse:
    _staff(request)
    post = get_object_or_404(Post, pk=post_id) if post_id else Post()
    form = PostForm(request.POST or None, request.FILES or None, instance=post)
    if request.method == "POST" and form.is_valid():
        try:
            post = post_save(by=request.user, post=form.instance,
                             tags=tags_from_text(form.cleaned_data["tag_names"]),
                             image=form.cleaned_data["image"])  # fmt: skip
        except ValidationError as refused:
            add_service_errors(form, refused)
        else:
            messages.success(request, _("The post is saved."))
            return redirect("public-post-edit", post_id=post.pk)
    return render(request, "public/staff/post_edit.html", {"form": form, "post": post})


@require_POST
@login_required
def post_story(request: HttpRequest, story_id: int) -> HttpResponse:
    """Publish a story of change as a post, in one action (refused without her consent)."""
    _staff(request)
    story = get_object_or_404(Story, pk=story_id)
    try:
        post = post_from_story(by=request.user, story=story)
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
        return redirect("public-staff")
    messages.success(request, _("The story is published."))
    return redirect("public-post-edit", post_id=post.pk)


@require_POST
@login_required
def post_report(request: HttpRequest, issued_id: int) -> HttpResponse:
    """Publish an issued report as a post, its figures as issued."""
    _staff(request)
    issued = get_object_or_404(IssuedReport, pk=issued_id)
    post = post_from_report(by=request.user, issued=issued)
    messages.success(request, _("The report is published."))
    return redirect("public-post-edit", post_id=post.pk)


@require_GET
@login_required
def moderation(request: HttpRequest) -> HttpResponse:
    _staff(request)
    return render(request, "public/staff/moderation.html",
                  {"comments": page_of(request, comments_to_moderate())})  # fmt: skip


@require_POST
@login_required
def moderate(request: HttpRequest, comment_id: int, action: str) -> HttpResponse:
    _staff(request)
    comment = get_object_or_404(Comment.objects.select_related("post"), pk=comment_id)
    if action not in Moderation.ALL:
        raise Http404
    comment_moderate(by=request.user, comment=comment, action=action)
    done = {Moderation.APPROVE: _("Comment approved."), Moderation.REJECT: _("Comment rejected."),
            Moderation.BLOCK: _("Comment rejected, its sender blocked.")}  # fmt: skip
    messages.success(request, done[action])
    return redirect("public-moderation")


@require_http_methods(["GET", "POST"])
@login_required
def newsletter_edit(request: HttpRequest, newsletter_id: int | None = None) -> HttpResponse:
    _staff(request)
    newsletter = get_object_or_404(Newsletter, pk=newsletter_id) if newsletter_id else Newsletter()
    form = NewsletterForm(request.POST or None, instance=newsletter)
    if newsletter.status != SendingStatus.DRAFT:
        form = None
    elif request.method == "POST" and form.is_valid():
        try:
            newsletter = newsletter_save(by=request.user, newsletter=form.instance)
        except ValidationError as refused:
            add_service_errors(form, refused)
        else:
            messages.success(request, _("The newsletter is saved."))
            return redirect("public-newsletter", newsletter_id=newsletter.pk)
    return render(request, "public/staff/newsletter.html",
                  {"form": form, "newsletter": newsletter})  # fmt: skip


@require_POST
@login_required
def newsletter_send(request: HttpRequest, newsletter_id: int) -> HttpResponse:
    _staff(request)
    newsletter = get_object_or_404(Newsletter, pk=newsletter_id)
    try:
        newsletter_send_start(by=request.user, newsletter=newsletter)
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
    return redirect("public-newsletter", newsletter_id=newsletter.pk)


@require_GET
@login_required
def newsletter_progress(request: HttpRequest, newsletter_id: int) -> HttpResponse:
    """The sending's progress bar, polled by htmx every second until it is done."""
    _staff(request)
    newsletter = get_object_or_404(Newsletter, pk=newsletter_id)
    return render(request, "public/staff/_progress.html", {"newsletter": newsletter})


@require_GET
@login_required
def subscribers_export(request: HttpRequest) -> HttpResponse:
    """Every subscriber and her consent, for administrators only."""
    if not may_export_subscribers(request.user):
        raise PermissionDenied
    return xlsx_response(
        filename="subscribers.xlsx", sheet_name=_("Subscribers"),
        headers=[_("Email"), _("Status"), _("Language"), _("The words she agreed to"),
                 _("Agreed at"), _("Agreed from"), _("Confirmed at"),
                 _("Unsubscribed or bounced at"), _("Why the mail bounced")],
        rows=subscribers_rows(), widths=[30, 16, 8, 60, 17, 16, 17, 17, 30],
    )  # fmt: skip

"""The OpenRosa 1.0 server ODK Collect and KoboCollect talk to: form list, forms, media, submissions.

Server URL for the phone: https://<host>/collect — Collect adds /formList and /submission.
Every answer carries X-OpenRosa-Version: 1.0; a refusal is an OpenRosaResponse message the
phone shows, never a page of HTML.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods
from lxml import etree

from tonle.accounts.models import AccessAction, User
from tonle.accounts.services import access_log
from tonle.collect.instances import InstanceError, instance_read
from tonle.collect.models import Form
from tonle.collect.phone_auth import challenge, phone_user
from tonle.collect.registry import media_provider
from tonle.collect.selectors import forms_for_phone, forms_visible_to, may_collect
from tonle.collect.services import (
    Part,
    SubmissionConflict,
    submission_receive,
    submission_unreadable_keep,
)
from tonle.lib.chunked import TOO_LARGE as CHUNKED_TOO_LARGE
from tonle.lib.uploads import TOO_LARGE

XFORMS_LIST = "http://openrosa.org/xforms/xformsList"
MANIFEST = "http://openrosa.org/xforms/xformsManifest"
RESPONSE = "http://openrosa.org/http/response"
XML_PART = "xml_submission_file"
# Collect sends this field in each request of a split submission but the last.
INCOMPLETE = "*isIncomplete*"

View = Callable[..., HttpResponse]


def _openrosa(response: HttpResponse) -> HttpResponse:
    # The Date header OpenRosa asks for is written by the server (gunicorn always writes one,
    # so writing it here would send two).
    response["X-OpenRosa-Version"] = "1.0"
    return response


def _xml(root: etree._Element, *, status: int = 200) -> HttpResponse:
    body = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    return _openrosa(HttpResponse(body, status=status, content_type="text/xml; charset=utf-8"))


def _message(text: str, *, status: int, nature: str = "") -> HttpResponse:
    root = etree.Element(f"{{{RESPONSE}}}OpenRosaResponse", nsmap={None: RESPONSE})
    message = etree.SubElement(root, f"{{{RESPONSE}}}message")
    if nature:
        message.set("nature", nature)
    message.text = text
    response = _xml(root, status=status)
    response["X-OpenRosa-Accept-Content-Length"] = str(settings.TONLE_COLLECT_MAX_BODY_BYTES)
    return response


def _refused(request: HttpRequest, user: User | None, record_type: str, record_id: object) -> None:
    access_log(
        user=user,
        action=AccessAction.REFUSED,
        record_type=record_type,
        record_id=record_id,
        path=request.get_full_path(),
    )


def phone_login_required(view: View) -> View:
    """The phone signs the request (Digest, or Basic over HTTPS) as a user who may collect.

    Unsigned: a 401 with a Digest challenge, as Collect expects before it signs. Signed
    wrongly: the same 401, and the attempt logged. A donor or a provider: 403, logged.
    """

    @csrf_exempt
    @wraps(view)
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        user, stale = phone_user(request)
        if user is None:
            if "Authorization" in request.headers and not stale:
                _refused(request, None, "page", "phone-password")
            response = _message(_("Sign in with your user name and phone password."), status=401)
            response["WWW-Authenticate"] = challenge(stale=stale)
            return response
        request.user = user
        if not may_collect(user):
            _refused(request, user, "page", "phones")
            return _message(_("Your role does not fill forms on a phone."), status=403)
        return view(request, *args, **kwargs)

    return wrapped


@require_GET
@phone_login_required
def form_list(request: HttpRequest) -> HttpResponse:
    """The OpenRosa form list: the active forms of her projects, `?formID=` for one."""
    root = etree.Element(f"{{{XFORMS_LIST}}}xforms", nsmap={None: XFORMS_LIST})
    forms = forms_for_phone(user=request.user, form_id=request.GET.get("formID", ""))
    for form in forms.only("id", "form_id", "title", "version", "md5", "media"):
        entry = etree.SubElement(root, f"{{{XFORMS_LIST}}}xform")
        for name, value in (
            ("formID", form.form_id),
            ("name", form.title),
            ("version", form.version),
            ("hash", f"md5:{form.md5}"),
            ("downloadUrl", request.build_absolute_uri(reverse("collect-xform", args=[form.pk]))),
        ):
            etree.SubElement(entry, f"{{{XFORMS_LIST}}}{name}").text = value
        if form.media:
            manifest = reverse("collect-manifest", args=[form.pk])
            etree.SubElement(
                entry, f"{{{XFORMS_LIST}}}manifestUrl"
            ).text = request.build_absolute_uri(manifest)
    return _xml(root)


def _phone_form(request: HttpRequest, form_id: int) -> Form | HttpResponse:
    form = forms_visible_to(user=request.user).filter(pk=form_id).first()
    if form is None:
        _refused(request, request.user, "form", form_id)
        return _message(_("This form is not on the server, or not for you."), status=404)
    return form


@require_GET
@phone_login_required
def xform(request: HttpRequest, form_id: int) -> HttpResponse:
    form = _phone_form(request, form_id)
    if isinstance(form, HttpResponse):
        return form
    response = _openrosa(HttpResponse(form.xml.encode(), content_type="text/xml; charset=utf-8"))
    response["Content-Disposition"] = f'attachment; filename="{form.form_id}.xml"'
    return response


def _media_bytes(request: HttpRequest, form: Form, name: str) -> bytes | None:
    """A media file the form refers to, made for the user asking; None if Tonle has none."""
    if name not in form.media:
        return None
    provider = media_provider(name=name)
    if provider is not None:
        return provider(request.user)
    if name == "itemsets.csv" and form.itemsets:
        return form.itemsets.encode()
    return None


@require_GET
@phone_login_required
def manifest(request: HttpRequest, form_id: int) -> HttpResponse:
    """The media files of a form, each with the MD5 phones compare to know it changed."""
    form = _phone_form(request, form_id)
    if isinstance(form, HttpResponse):
        return form
    root = etree.Element(f"{{{MANIFEST}}}manifest", nsmap={None: MANIFEST})
    for name in form.media:
        data = _media_bytes(request, form, name)
        if data is None:
            continue
        entry = etree.SubElement(root, f"{{{MANIFEST}}}mediaFile")
        url = request.build_absolute_uri(reverse("collect-media", args=[form.pk, name]))
        for field, value in (
            ("filename", name),
            ("hash", f"md5:{hashlib.md5(data).hexdigest()}"),
            ("downloadUrl", url),
        ):
            etree.SubElement(entry, f"{{{MANIFEST}}}{field}").text = value
    return _xml(root)


@require_GET
@phone_login_required
def media(request: HttpRequest, form_id: int, name: str) -> HttpResponse:
    form = _phone_form(request, form_id)
    if isinstance(form, HttpResponse):
        return form
    data = _media_bytes(request, form, name)
    if data is None:
        return _message(_("The form has no media file of that name."), status=404)
    kind = "text/csv; charset=utf-8" if name.endswith(".csv") else "application/octet-stream"
    response = _openrosa(HttpResponse(data, content_type=kind))
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _too_large(limit: int) -> HttpResponse:
    return _message(
        _("The submission is larger than %(limit)s MB.") % {"limit": f"{limit / 2**20:g}"},
        status=413,
    )


@require_http_methods(["HEAD", "POST"])
@phone_login_required
def submission(request: HttpRequest) -> HttpResponse:
    """HEAD: the pre-flight (204, with the largest body accepted). POST: one submission."""
    if request.method == "HEAD":
        response = _openrosa(HttpResponse(status=204))
        response["X-OpenRosa-Accept-Content-Length"] = str(settings.TONLE_COLLECT_MAX_BODY_BYTES)
        return response
    limit = settings.TONLE_COLLECT_MAX_BODY_BYTES
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > limit or request.META.get(CHUNKED_TOO_LARGE):
        return _too_large(limit)
    if not (request.content_type or "").startswith("multipart/"):
        return _message(_("Send the submission as multipart/form-data."), status=400)
    try:
        xml_parts = request.FILES.getlist(XML_PART)
        incomplete = bool(request.POST.get(INCOMPLETE))
    except RequestDataTooBig:
        return _too_large(limit)
    except (MultiPartParserError, SuspiciousOperation):
        return _message(_("The submission could not be read."), status=400)
    refused = getattr(request, TOO_LARGE, set())
    if refused:
        return _message(
            _("The file %(name)s is larger than %(limit)s MB.")
            % {"name": sorted(refused)[0], "limit": f"{settings.TONLE_MAX_UPLOAD_BYTES / 2**20:g}"},
            status=413,
        )
    if len(xml_parts) != 1:
        return _message(
            _("A submission has exactly one part named xml_submission_file."), status=400
        )
    xml = xml_parts[0].read()
    try:
        instance = instance_read(xml)
    except InstanceError as bad:
        submission_unreadable_keep(by=request.user, body=xml, reason=str(bad))
        return _message(str(bad), status=400)
    form = (
        forms_visible_to(user=request.user)
        .filter(form_id=instance.form_id, version=instance.version)
        .first()
    )
    if form is None:
        if Form.objects.filter(form_id=instance.form_id, version=instance.version).exists():
            _refused(request, request.user, "form", instance.form_id)
            return _message(_("This form is not one of your projects' forms."), status=403)
        return _message(
            _("The form “%(form_id)s” (version %(version)s) is not on this server.")
            % {"form_id": instance.form_id, "version": instance.version or "—"},
            status=404,
        )
    parts = [
        Part(name=upload.name or field, content_type=upload.content_type or "", data=upload.read())
        for field, uploads in request.FILES.lists()
        if field != XML_PART
        for upload in uploads
    ]
    try:
        submission_receive(
            by=request.user, form=form, xml=xml, instance=instance, parts=parts,
            complete=not incomplete, language=get_language() or "",
        )  # fmt: skip
    except SubmissionConflict:
        return _message(
            _("A different submission with the same instance ID (%(id)s) was already received.")
            % {"id": instance.instance_id},
            status=409,
            nature="submit_error",
        )
    return _message(_("Thank you: your form was received."), status=201, nature="submit_success")

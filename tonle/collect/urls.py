"""URLs of phone forms: the OpenRosa server Collect talks to, and the staff's pages."""

from django.urls import path

from tonle.collect import import_views, openrosa, views

urlpatterns = [
    # OpenRosa: the server URL Collect is given is .../collect
    path("formList", openrosa.form_list, name="collect-form-list"),
    path("submission", openrosa.submission, name="collect-submission-receive"),
    path("xforms/<int:form_id>/", openrosa.xform, name="collect-xform"),
    path("xforms/<int:form_id>/manifest/", openrosa.manifest, name="collect-manifest"),
    path("xforms/<int:form_id>/media/<str:name>", openrosa.media, name="collect-media"),
    # The staff's pages
    path("forms/", views.form_list, name="collect-forms"),
    path("forms/upload/", views.form_upload_page, name="collect-form-upload"),
    path("forms/<int:form_id>/", views.form_page, name="collect-form"),
    path("forms/<int:form_id>/active/", views.form_activate, name="collect-form-activate"),
    path("forms/<int:form_id>/mapping/", views.form_mapping, name="collect-form-mapping"),
    path("forms/<int:form_id>/progress/", views.form_progress_part, name="collect-form-progress"),
    path("forms/<int:form_id>/apply/", views.form_apply_again, name="collect-form-apply"),
    path("forms/<int:form_id>/xlsform/", views.form_xlsform, name="collect-form-xlsform"),
    path("submissions/", views.submissions_page, name="collect-submissions"),
    path("submissions/unreadable/", views.unreadable_submissions_page, name="collect-unreadable"),
    path("submissions/<int:submission_id>/", views.submission_page, name="collect-submission"),
    path(
        "submissions/<int:submission_id>/xml/", views.submission_xml, name="collect-submission-xml"
    ),
    path(
        "submissions/<int:submission_id>/correct/",
        views.submission_correct_page,
        name="collect-submission-correct",
    ),
    path(
        "submissions/<int:submission_id>/apply/",
        views.submission_apply_page,
        name="collect-submission-apply",
    ),
    path("attachments/<int:attachment_id>/", views.attachment_file, name="collect-attachment"),
    path("imports/", import_views.sources_page, name="collect-imports"),
    path("imports/add/", import_views.source_edit, name="collect-import-add"),
    path("imports/<int:source_id>/", import_views.source_edit, name="collect-import-source"),
    path("imports/<int:source_id>/run/", import_views.source_run, name="collect-import-run"),
    path("imports/batches/<int:batch_id>/", import_views.batch_page, name="collect-import-batch"),
    path(
        "imports/batches/<int:batch_id>/undo/",
        import_views.batch_undo,
        name="collect-import-undo",
    ),
    path("phone-password/", views.phone_password, name="collect-phone-password"),
]

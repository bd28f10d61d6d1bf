from django.urls import path

from tonle.reports import views

urlpatterns = [
    path("pdf/<int:pk>/", views.render_progress, name="reports-job"),
    path("pdf/<int:pk>/download/", views.render_download, name="reports-job-pdf"),
    path("sections/<int:section_id>/photo/", views.section_photo, name="reports-section-photo"),
    path("issued/<int:pk>/", views.issued_page, name="reports-issued"),
    path("issued/<int:pk>/photos/<int:number>/", views.issued_photo, name="reports-issued-photo"),
    path("issued/<int:pk>/tables/", views.issued_tables_download, name="reports-issued-tables"),
    path("issued/<int:pk>/changes/", views.issued_changes, name="reports-issued-changes"),
    path("issued/<int:pk>/figure/<str:key>/", views.issued_figure, name="reports-issued-figure"),
    path("<slug:slug>/", views.report_list, name="reports-list"),
    path("<slug:slug>/iati/", views.iati_export, name="reports-iati"),
    path("<slug:slug>/<slug:report>/", views.report_page, name="reports-page"),
    path("<slug:slug>/<slug:report>/pdf/", views.render_start, name="reports-render"),
    path("<slug:slug>/<slug:report>/tables/", views.report_tables_download, name="reports-tables"),
    path("<slug:slug>/<slug:report>/edit/", views.report_edit, name="reports-edit"),
    path("<slug:slug>/<slug:report>/release/", views.report_release, name="reports-release"),
    path("<slug:slug>/<slug:report>/issue/", views.report_issue_view, name="reports-issue"),
]

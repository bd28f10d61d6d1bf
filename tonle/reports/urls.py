from django.urls import path

from tonle.reports import views

urlpatterns = [
    path("issued/<int:pk>/", views.issued_page, name="reports-issued"),
    path("issued/<int:pk>/pdf/", views.issued_pdf, name="reports-issued-pdf"),
    path("issued/<int:pk>/changes/", views.issued_changes, name="reports-issued-changes"),
    path("issued/<int:pk>/figure/<str:key>/", views.issued_figure, name="reports-issued-figure"),
    path("<slug:slug>/", views.report_list, name="reports-list"),
    path("<slug:slug>/iati/", views.iati_export, name="reports-iati"),
    path("<slug:slug>/<slug:report>/", views.report_page, name="reports-page"),
    path("<slug:slug>/<slug:report>/pdf/", views.report_pdf_download, name="reports-pdf"),
    path("<slug:slug>/<slug:report>/edit/", views.report_edit, name="reports-edit"),
    path("<slug:slug>/<slug:report>/issue/", views.report_issue_view, name="reports-issue"),
]

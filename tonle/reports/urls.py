from django.urls import path

from tonle.reports import views

urlpatterns = [
    path("<slug:slug>/", views.report_list, name="reports-list"),
    path("<slug:slug>/<slug:report>/", views.report_page, name="reports-page"),
    path("<slug:slug>/<slug:report>/pdf/", views.report_pdf_download, name="reports-pdf"),
    path("<slug:slug>/<slug:report>/edit/", views.report_edit, name="reports-edit"),
]

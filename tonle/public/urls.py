"""URLs of the public site (news, impact, newsletter) and of its staff pages (under public/)."""

from django.urls import path

from tonle.public import views

urlpatterns = [
    path("news/", views.news, name="public-news"),
    path("news/feed/", views.feed, name="public-feed"),
    path("news/category/<slug:category>/", views.news, name="public-category"),
    path("news/tag/<str:tag>/", views.news, name="public-tag"),
    path("news/<slug:post_slug>/", views.post_page, name="public-post"),
    path("news/<slug:post_slug>/comment/", views.comment_send, name="public-comment"),
    path("news/<slug:post_slug>/picture/", views.post_image, name="public-post-image"),
    path("stories/<int:story_id>/photo/", views.story_photo, name="public-story-photo"),
    path("impact/", views.impact_list, name="public-impact-list"),
    path("impact/<slug:slug>/", views.impact, name="public-impact"),
    path("newsletter/", views.sign_up, name="public-sign-up"),
    path(
        "newsletter/confirm/<str:token>/", views.subscribe_confirm, name="public-subscribe-confirm"
    ),
    path("newsletter/unsubscribe/<str:token>/", views.unsubscribe, name="public-unsubscribe"),
    path("public/", views.staff_home, name="public-staff"),
    path("public/posts/new/", views.post_edit, name="public-post-new"),
    path("public/posts/<int:post_id>/", views.post_edit, name="public-post-edit"),
    path("public/posts/from-story/<int:story_id>/", views.post_story, name="public-post-story"),
    path("public/posts/from-report/<int:issued_id>/", views.post_report, name="public-post-report"),
    path("public/comments/", views.moderation, name="public-moderation"),
    path("public/comments/<int:comment_id>/<str:action>/", views.moderate, name="public-moderate"),
    path("public/newsletters/new/", views.newsletter_edit, name="public-newsletter-new"),
    path(
        "public/newsletters/<int:newsletter_id>/", views.newsletter_edit, name="public-newsletter"
    ),
    path(
        "public/newsletters/<int:newsletter_id>/send/",
        views.newsletter_send,
        name="public-newsletter-send",
    ),
    path(
        "public/newsletters/<int:newsletter_id>/progress/",
        views.newsletter_progress,
        name="public-newsletter-progress",
    ),
    path("public/subscribers.xlsx", views.subscribers_export, name="public-subscribers"),
]

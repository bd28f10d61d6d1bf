"""Background work of the public site: sending a newsletter, one subscriber at a time, so the
page can show how far it is and a sending that stops can be started again without anyone
getting it twice."""

from __future__ import annotations

import logging

from django.conf import settings
from django_tasks import task

from tonle.public.models import Newsletter, SendingStatus, Subscriber, SubscriberStatus
from tonle.public.services import newsletter_deliver, newsletter_send_mark

logger = logging.getLogger(__name__)


@task()
def newsletter_send(newsletter_id: int) -> int:
    """Send a newsletter to its confirmed subscribers; returns how many were sent now. Who
    unsubscribed or bounced since it was queued is skipped (each is read as it comes)."""
    newsletter = Newsletter.objects.filter(pk=newsletter_id).first()
    if newsletter is None or newsletter.status not in (SendingStatus.QUEUED, SendingStatus.SENDING):
        return 0
    newsletter_send_mark(newsletter_id=newsletter_id, status=SendingStatus.SENDING)
    sent = 0
    try:
        ids = list(
            Subscriber.objects.filter(status=SubscriberStatus.CONFIRMED)
            .exclude(deliveries__newsletter=newsletter)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        for pk in ids:
            subscriber = Subscriber.objects.filter(pk=pk, status=SubscriberStatus.CONFIRMED).first()
            if subscriber and newsletter_deliver(
                newsletter=newsletter, subscriber=subscriber, site_url=settings.TONLE_SITE_URL
            ):
                sent += 1
    except BaseException:
        logger.exception("Newsletter %s could not be sent to everyone", newsletter_id)
        newsletter_send_mark(newsletter_id=newsletter_id, status=SendingStatus.FAILED)
        raise
    newsletter_send_mark(newsletter_id=newsletter_id, status=SendingStatus.SENT)
    return sent

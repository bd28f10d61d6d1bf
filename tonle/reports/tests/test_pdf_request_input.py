"""A PDF asked for with an issued version that is no id is refused as not found, never a 500."""

import pytest
from django.urls import reverse

from tonle.accounts.models import AccessAction, AccessLog
from tonle.reports.models import RenderJob


@pytest.mark.parametrize("issued", ["abc", "1.5", "x" * 100, "1\x00", "-1", "99999999999999999999"])
def test_a_pdf_of_an_issued_version_that_is_no_number_is_not_found(client, world, report, issued):
    client.force_login(world.manager)

    answer = client.post(reverse("reports-render", args=["project-a", "closing"]),
                         {"issued": issued})  # fmt: skip

    assert answer.status_code == 404
    assert not RenderJob.objects.exists()
    # What was typed never reaches the log as it was: PostgreSQL would refuse a NUL or a
    # value wider than the column, and the refusal would become a 500.
    refused = AccessLog.objects.get(action=AccessAction.REFUSED, record_type="issued-report")
    assert refused.record_id.isdigit() and len(refused.record_id) <= 40

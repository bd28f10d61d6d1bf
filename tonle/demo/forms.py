"""The demo's phone forms: CCDO's ready forms uploaded for the demo project, each mapped."""

from __future__ import annotations

from tonle.accounts.models import User
from tonle.collect.models import Form
from tonle.collect.ready_forms import FORMS, HERE
from tonle.collect.services import form_upload, mapping_save
from tonle.programs.models import Project


def forms_load(*, project: Project, manager: User) -> int:
    """Upload the ready forms the database does not hold yet; returns how many were."""
    loaded = 0
    for form_id, ready in FORMS.items():
        if Form.objects.filter(form_id=form_id).exists():
            continue
        form = form_upload(by=manager, project_id=project.pk, file_name=f"{form_id}.xlsx",
                           data=(HERE / f"{form_id}.xlsx").read_bytes())  # fmt: skip
        mapping_save(by=manager, form=form, kinds=ready["mapping"])
        loaded += 1
    return loaded

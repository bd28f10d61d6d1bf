"""What the record apps lend the raw inbox: their projects, and the media files phones download.

`collect` comes first in the data flow and imports no record app. Each app that knows
something the phones need registers it here from its AppConfig.ready(): the programs app
the projects a user works on, the people app the list of women on her phone.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import QuerySet

from tonle.accounts.models import User

# The projects a user works on (every project for managers), as a queryset of objects with
# an `id` whose str() is the project's name.
ProjectSource = Callable[[User], QuerySet]
# The bytes of a media file made for the user asking (the women in her own scope).
MediaProvider = Callable[[User], bytes]

_project_sources: list[ProjectSource] = []
_media_providers: dict[str, MediaProvider] = {}


def project_source_register(source: ProjectSource) -> None:
    if source not in _project_sources:
        _project_sources.append(source)


def projects_of(*, user: User) -> list:
    """The projects the user works on, from every registered source, in their order."""
    projects: dict[int, object] = {}
    for source in _project_sources:
        for project in source(user):
            projects.setdefault(project.id, project)
    return list(projects.values())


def media_provider_register(*, name: str, provider: MediaProvider) -> None:
    """`name` is the file name forms refer to, e.g. women.csv for select_one_from_file."""
    _media_providers[name] = provider


def media_provider(*, name: str) -> MediaProvider | None:
    return _media_providers.get(name)

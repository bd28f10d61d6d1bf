"""KoboToolbox through its API v2 with a token: the survey assets and their records, paged.

Shapes relied on (KoboToolbox API v2, https://support.kobotoolbox.org/api.html and kpi's
kpi/docs/api/v2/data/list.md and retrieve.md):
- `GET /api/v2/assets/?format=json` -> {"count", "next", "previous", "results": [asset]},
  an asset having "uid", "name", "asset_type", "date_modified", "has_deployment" and
  "deployment__submission_count".
- `GET /api/v2/assets/<uid>/?format=json` -> the asset, its form in "content" ("survey",
  "choices", "settings").
- `GET /api/v2/assets/<uid>/data/?format=json&start=&limit=&query=&sort=&fields=` -> the same
  envelope of records; at most 1,000 a page since 2026 (30,000 before); `query`, `sort` and
  `fields` are MongoDB JSON. Its "count" is the asset's whole count, whatever the query
  (kpi/views/v2/data.py pages a dummy list of `current_submission_count`), so a filtered
  read stops on an empty page as well as on a null "next".
- a record: "_id" (stays the same when the record is edited), "_uuid" (its current instance
  id without "uuid:"), "meta/instanceID", "meta/rootUuid" (recent Kobo), "meta/deprecatedID"
  (on an edit), "_submission_time" (UTC without offset, "%Y-%m-%dT%H:%M:%S"; the first
  version's time, kept through edits), "_attachments": [{"download_url", "mimetype",
  "filename" (the stored path), "media_file_basename" (recent Kobo), "is_deleted"}].
- `Authorization: Token <token>`.
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any
from urllib.parse import urlsplit

import httpx

from tonle.collect.remote._http import call, json_of
from tonle.collect.remote.records import (
    RemoteAttachment,
    RemoteMalformed,
    RemoteRecord,
    parse_remote_time,
)

PAGE_SIZE = 1000  # Kobo's largest page
EDITED_CHUNK = 100  # edited records fetched again per request, by `_id`


@dataclass(frozen=True)
class KoboAsset:
    uid: str
    name: str
    deployed: bool
    submission_count: int
    modified_at: str  # as served; only shown
    raw: dict[str, Any] = field(repr=False, compare=False)


@dataclass(frozen=True)
class KoboCursor:
    """Where the last read of an asset stopped: store it (`to_json`) after each record.

    Kobo keeps `_id` through an edit and gives no time of the edit, so new records are those
    past `last_id`, and changed ones those whose current instanceID is not the one we hold.
    """

    last_id: int = 0
    edited: dict[str, str] = field(default_factory=dict)  # `_id` -> instanceID last read

    def after(self, record: RemoteRecord) -> KoboCursor:
        """This cursor once `record` is safely stored."""
        remote_id = int(record.remote_id)
        edited = self.edited
        if record.deprecated_id:
            edited = {**edited, record.remote_id: record.instance_id}
        return replace(self, last_id=max(self.last_id, remote_id), edited=edited)

    def to_json(self) -> str:
        return json.dumps({"last_id": self.last_id, "edited": self.edited}, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> KoboCursor:
        data = json.loads(text) if text else {}
        return cls(last_id=int(data.get("last_id", 0)), edited=dict(data.get("edited", {})))


class KoboClient:
    """A KoboToolbox server read with one account's API token."""

    def __init__(
        self,
        *,
        base_url: str,
        token: str,
        timeout: float = 60.0,
        attempts: int = 3,
        backoff: float = 1.0,
        page_size: int = PAGE_SIZE,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.server = urlsplit(self.base_url).netloc or self.base_url
        self.attempts = attempts
        self.backoff = backoff
        self.page_size = min(page_size, PAGE_SIZE)
        self._token = token
        self._http = httpx.Client(timeout=timeout, headers={"Accept": "application/json"})

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> KoboClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- reading -------------------------------------------------------------------------

    def assets(self) -> list[KoboAsset]:
        """The account's survey assets (forms), every page of them."""
        url = f"{self.base_url}/api/v2/assets/"
        params = {"format": "json", "q": "asset_type:survey", "limit": str(self.page_size)}
        return [
            KoboAsset(
                uid=str(raw["uid"]),
                name=str(raw.get("name") or ""),
                deployed=bool(raw.get("has_deployment")),
                submission_count=int(raw.get("deployment__submission_count") or 0),
                modified_at=str(raw.get("date_modified") or ""),
                raw=raw,
            )
            for raw in self._pages(url, params)
            if raw.get("asset_type", "survey") == "survey"
        ]

    def asset(self, uid: str) -> dict[str, Any]:
        """One asset as served, its form in ["content"]["survey"] and ["choices"]."""
        path = f"/api/v2/assets/{uid}/"
        body = json_of(self._get(self.base_url + path, {"format": "json"}), **self._where(path))
        if not isinstance(body, dict) or "uid" not in body:
            raise RemoteMalformed(**self._where(path), detail="no asset uid")
        return body

    def records(self, *, asset_uid: str, since: KoboCursor | None = None) -> Iterator[RemoteRecord]:
        """The asset's records that are new or changed since `since` (all of them without).

        New records come in `_id` order, then the edited ones; fold each stored record into
        the cursor with `cursor.after(record)`.
        """
        since = since or KoboCursor()
        url = f"{self.base_url}/api/v2/assets/{asset_uid}/data/"
        newer = {"_id": {"$gt": since.last_id}} if since.last_id else {}
        for raw in self._pages(url, self._data_params(newer)):
            yield self._record(asset_uid, raw)
        if since.last_id:
            yield from self._edited(asset_uid, url, since)

    def _edited(self, asset_uid: str, url: str, since: KoboCursor) -> Iterator[RemoteRecord]:
        # Only the ids and instance ids of every edited record read before: cheap, and the
        # one way to see an edit, since Kobo keeps no time of it.
        query = {"_id": {"$lte": since.last_id}, "meta/deprecatedID": {"$exists": True}}
        fields = ["_id", "_uuid", "meta/instanceID"]
        changed = [
            int(raw["_id"])
            for raw in self._pages(url, self._data_params(query, fields=fields))
            if since.edited.get(str(raw["_id"])) != _instance_id(raw)
        ]
        for start in range(0, len(changed), EDITED_CHUNK):
            ids = changed[start : start + EDITED_CHUNK]
            for raw in self._pages(url, self._data_params({"_id": {"$in": ids}})):
                yield self._record(asset_uid, raw)

    def _data_params(self, query: dict[str, Any], *, fields: list[str] | None = None) -> dict:
        params = {
            "format": "json",
            "limit": str(self.page_size),
            "start": "0",
            "sort": json.dumps({"_id": 1}),
        }
        if query:
            params["query"] = json.dumps(query)
        if fields:
            params["fields"] = json.dumps(fields)
        return params

    def _record(self, asset_uid: str, raw: dict[str, Any]) -> RemoteRecord:
        path = f"/api/v2/assets/{asset_uid}/data/"
        try:
            remote_id = str(int(raw["_id"]))
            submitted_at = parse_remote_time(str(raw["_submission_time"]))
        except (KeyError, TypeError, ValueError) as error:
            raise RemoteMalformed(
                **self._where(path), detail=f"a record without a valid {error}"
            ) from None
        instance_id = _instance_id(raw)
        deprecated_id = str(raw.get("meta/deprecatedID") or "")
        return RemoteRecord(
            source="kobo",
            form_id=asset_uid,
            remote_id=remote_id,
            instance_id=instance_id,
            # Older Kobo has no rootUuid: a first version is its own root; an edit's root
            # is then found by following deprecatedID back.
            root_uuid=str(raw.get("meta/rootUuid") or ("" if deprecated_id else instance_id)),
            deprecated_id=deprecated_id,
            submitted_at=submitted_at,
            content=json.dumps(raw, ensure_ascii=False).encode(),
            content_type="application/json",
            attachments=tuple(
                RemoteAttachment(
                    name=str(
                        item.get("media_file_basename")
                        or posixpath.basename(str(item.get("filename") or ""))
                    ),
                    mime_type=str(item.get("mimetype") or ""),
                    url=str(item["download_url"]),
                    fetch=partial(self._download, str(item["download_url"])),
                )
                for item in raw.get("_attachments") or ()
                if item.get("download_url") and not item.get("is_deleted")
            ),
        )

    # --- HTTP ------------------------------------------------------------------------------

    def _pages(self, url: str, params: dict[str, str] | None) -> Iterator[dict[str, Any]]:
        """Every result of a paged list, following its "next" links."""
        next_url: str | None = url
        while next_url:
            path = urlsplit(next_url).path
            body = json_of(self._get(next_url, params), **self._where(path))
            results = body.get("results") if isinstance(body, dict) else None
            if not isinstance(results, list) or not all(isinstance(r, dict) for r in results):
                raise RemoteMalformed(**self._where(path), detail='no "results" list')
            yield from results
            next_url = body.get("next") if results else None
            params = None  # the next link carries them
            if next_url:
                self._check_same_server(next_url)

    def _get(self, url: str, params: dict[str, str] | None) -> httpx.Response:
        headers = {"Authorization": f"Token {self._token}"} if self._ours(url) else {}
        return call(
            lambda: self._http.get(url, params=params, headers=headers),
            server=self.server,
            path=urlsplit(url).path,
            attempts=self.attempts,
            backoff=self.backoff,
            network_errors=(httpx.TransportError,),
        )

    def _download(self, url: str) -> bytes:
        return self._get(url, None).content

    def _ours(self, url: str) -> bool:
        # The token goes only to the server it was given for, never to a host a record names.
        return urlsplit(url).netloc == urlsplit(self.base_url).netloc

    def _check_same_server(self, url: str) -> None:
        if not self._ours(url):
            raise RemoteMalformed(
                **self._where(urlsplit(url).path), detail=f"a next page on another server ({url})"
            )

    def _where(self, path: str) -> dict[str, str]:
        return {"server": self.server, "path": path}


def _instance_id(raw: dict[str, Any]) -> str:
    instance_id = raw.get("meta/instanceID")
    if instance_id:
        return str(instance_id)
    return f"uuid:{raw['_uuid']}" if raw.get("_uuid") else ""

"""Digest and Basic sign-in of a phone, checked request by request (Django's test client)."""

from __future__ import annotations

import base64

import pytest

from tonle.collect.tests.phone import digest_authorization

pytestmark = pytest.mark.django_db
URL = "/collect/formList"


def _challenge(client) -> str:
    response = client.get(URL)
    assert response.status_code == 401
    return response["WWW-Authenticate"]


def _signed(client, uri: str = URL, **extra):
    authorization = digest_authorization(
        challenge=_challenge(client), method="GET", uri=uri, username="officer_a", **extra
    )
    return client.get(URL, HTTP_AUTHORIZATION=authorization)


def test_a_signed_request_is_let_in(client, world, form_a):
    assert _signed(client).status_code == 200


def test_a_signature_for_another_address_is_refused(client, world, form_a):
    assert _signed(client, uri="/collect/submission").status_code == 401


def test_an_expired_nonce_is_answered_stale_so_the_phone_retries(client, world, form_a, settings):
    challenge = _challenge(client)
    settings.TONLE_COLLECT_NONCE_SECONDS = -61  # every nonce is now too old
    authorization = digest_authorization(
        challenge=challenge, method="GET", uri=URL, username="officer_a"
    )
    response = client.get(URL, HTTP_AUTHORIZATION=authorization)
    assert response.status_code == 401 and "stale=true" in response["WWW-Authenticate"]


def test_a_forged_nonce_is_refused(client, world, form_a):
    challenge = _challenge(client).replace('nonce="', 'nonce="0')
    authorization = digest_authorization(
        challenge=challenge, method="GET", uri=URL, username="officer_a"
    )
    response = client.get(URL, HTTP_AUTHORIZATION=authorization)
    assert response.status_code == 401 and "stale" not in response["WWW-Authenticate"]


def _basic(password: str) -> str:
    return "Basic " + base64.b64encode(f"officer_a:{password}".encode()).decode()


def test_basic_is_accepted_over_https_only(client, world, form_a):
    assert client.get(URL, HTTP_AUTHORIZATION=_basic("a-phone-password")).status_code == 401
    secure = client.get(URL, secure=True, HTTP_AUTHORIZATION=_basic("a-phone-password"))
    assert secure.status_code == 200
    wrong = client.get(URL, secure=True, HTTP_AUTHORIZATION=_basic("wrong"))
    assert wrong.status_code == 401


def test_an_inactive_user_cannot_sign_in(client, world, form_a):
    world.officer_a.is_active = False
    world.officer_a.save()
    assert _signed(client).status_code == 401


def test_ten_wrong_phone_passwords_lock_her_out_even_with_the_right_one(client, world, form_a):
    for _ in range(10):
        assert _signed(client, password="wrong").status_code == 401
    assert _signed(client).status_code == 401


def test_the_form_list_reads_a_fixed_number_of_queries(
    client, world, form_a, django_assert_max_num_queries
):
    header = _basic("a-phone-password")
    with django_assert_max_num_queries(4):
        assert client.get(URL, secure=True, HTTP_AUTHORIZATION=header).status_code == 200

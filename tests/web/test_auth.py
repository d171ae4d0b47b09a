"""Sessions, CSRF, login rate limits, cookie flags and password storage."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from storage.catalog import open_catalog
from tests.web.archive import build_archive, settings_for
from tests.web.conftest import PASSWORD, login
from web.app import create_app
from web.auth import AuthConfig
from web.passwords import hash_password


def form_token(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF field on the page"
    return match.group(1)


def test_login_form_sets_an_httponly_samesite_session_and_logout_ends_it(client_for) -> None:
    client = client_for(None)
    page = client.get("/login")
    response = client.post(
        "/login",
        data={
            "username": "can_bo_a",
            "password": PASSWORD,
            "csrf_token": form_token(page.text),
            "next": "/search",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"] == "/search"
    cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith("sohoa_session="))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
    search = client.get("/search")
    assert search.status_code == 200
    token = form_token(search.text)
    assert client.post("/logout", data={"csrf_token": token}, follow_redirects=False).status_code == 303
    client.cookies.clear()
    # The old cookie value must be dead on the server, not just forgotten by the browser.
    client.cookies.set("sohoa_session", cookie.split(";")[0].split("=", 1)[1])
    assert client.get("/search", follow_redirects=False).status_code == 303


def test_login_form_without_its_csrf_token_is_refused(client_for) -> None:
    client = client_for(None)
    client.get("/login")
    response = client.post(
        "/login", data={"username": "can_bo_a", "password": PASSWORD, "csrf_token": "forged"}
    )
    assert response.status_code == 403


def test_state_changing_calls_need_the_sessions_csrf_token(client_for) -> None:
    client = client_for("luu_tru_a")
    token = client.headers.pop("X-CSRF-Token")
    review = client.get("/api/review").json()
    low = next(i for i in review if i["kind"] == "low_confidence")
    assert client.post(f"/api/review/{low['id']}/checked").status_code == 403
    assert (
        client.post(f"/api/review/{low['id']}/checked", headers={"X-CSRF-Token": "x" * 43}).status_code == 403
    )
    page = client.get("/review")
    assert form_token(page.text) == token
    assert client.post(f"/review/{low['id']}/checked", data={"csrf_token": "wrong"}).status_code == 403
    assert any(i["id"] == low["id"] for i in client.get("/api/review").json()), (
        "refused calls changed nothing"
    )
    assert client.post("/logout", data={}).status_code == 403


def test_wrong_password_unknown_user_and_disabled_user_cannot_log_in(app, client_for) -> None:
    client = client_for(None)
    assert (
        client.post("/api/session", json={"username": "can_bo_b", "password": "sai-mat-khau-1"}).status_code
        == 401
    )
    assert client.post("/api/session", json={"username": "khong-co", "password": PASSWORD}).status_code == 401
    catalog = app.state.services.catalog
    catalog.create_user("tam_thoi", hash_password(PASSWORD), "officer", ["x"], actor="test")
    active = client_for("tam_thoi")
    assert active.get("/api/me").status_code == 200
    catalog.update_user("tam_thoi", disabled=True, actor="test")
    assert active.get("/api/me").status_code == 401, "disabling a user ends their sessions"
    assert client.post("/api/session", json={"username": "tam_thoi", "password": PASSWORD}).status_code == 401


def test_passwords_are_stored_as_argon2id_hashes(app) -> None:
    account = app.state.services.catalog.get_user("can_bo_a")
    assert account.password_hash.startswith("$argon2id$") and PASSWORD not in account.password_hash


def test_failed_logins_are_rate_limited_per_user_even_with_the_right_password(tmp_path) -> None:
    settings = build_archive(tmp_path)
    catalog = open_catalog(settings.database_url)
    catalog.create_user("bi_khoa", hash_password(PASSWORD), "officer", ["x"], actor="test")
    catalog.create_user("khac", hash_password(PASSWORD), "officer", ["x"], actor="test")
    catalog.close()
    app = create_app(
        settings_for(tmp_path),
        auth=AuthConfig(max_failures_per_user=3, max_failures_per_ip=6),
        start_upload_worker=False,
    )
    with TestClient(app) as client:
        for _ in range(3):
            assert (
                client.post(
                    "/api/session", json={"username": "bi_khoa", "password": "sai-sai-sai"}
                ).status_code
                == 401
            )
        limited = client.post("/api/session", json={"username": "bi_khoa", "password": PASSWORD})
        assert limited.status_code == 429 and int(limited.headers["retry-after"]) > 0
        page = client.get("/login")
        form = client.post(
            "/login", data={"username": "bi_khoa", "password": PASSWORD, "csrf_token": form_token(page.text)}
        )
        assert form.status_code == 429 and "Quá nhiều lần đăng nhập sai" in form.text
        login(client, "khac")  # another user from the same address is not locked out yet
        for _ in range(3):
            client.post("/api/session", json={"username": "ai-do", "password": "sai-sai-sai"})
        assert client.post("/api/session", json={"username": "khac", "password": PASSWORD}).status_code == 429
    events = open_catalog(settings.database_url).events(object_type="user", object_id="bi_khoa")
    assert sum(e.action == "login.failed" for e in events) >= 3


def test_cookies_are_secure_behind_https_or_when_configured(web_home) -> None:
    app = create_app(settings_for(web_home), start_upload_worker=False)
    with TestClient(app, base_url="https://archive.example") as client:
        response = client.post("/api/session", json={"username": "can_bo_a", "password": PASSWORD})
        assert "Secure" in response.headers["set-cookie"]
    with TestClient(app) as client:
        response = client.post(
            "/api/session",
            json={"username": "can_bo_a", "password": PASSWORD},
            headers={"X-Forwarded-Proto": "https"},
        )
        assert "Secure" in response.headers["set-cookie"]
    forced = create_app(
        settings_for(web_home), auth=AuthConfig(secure_cookies=True), start_upload_worker=False
    )
    with TestClient(forced) as client:
        response = client.post("/api/session", json={"username": "can_bo_a", "password": PASSWORD})
        assert "Secure" in response.headers["set-cookie"]


def test_login_redirect_never_leaves_the_site(client_for) -> None:
    client = client_for(None)
    page = client.get("/login", params={"next": "//evil.example/x"})
    response = client.post(
        "/login",
        data={
            "username": "can_bo_a",
            "password": PASSWORD,
            "csrf_token": form_token(page.text),
            "next": "https://evil.example",
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/search"


def test_pages_carry_security_headers(client_for) -> None:
    response = client_for(None).get("/login")
    assert response.headers["x-frame-options"] == "DENY"
    assert "default-src 'self'" in response.headers["content-security-policy"]


def test_nfd_and_case_spellings_of_a_username_share_one_login_limit(tmp_path) -> None:
    import unicodedata

    settings = build_archive(tmp_path)
    catalog = open_catalog(settings.database_url)
    catalog.create_user("Trần_Lân", hash_password(PASSWORD), "officer", ["x"], actor="test")
    with_nfd = unicodedata.normalize("NFD", "trần_lân")
    assert with_nfd != "trần_lân"
    assert catalog.get_user(with_nfd).username == "trần_lân"  # one stored spelling: NFC, case-folded
    try:
        catalog.create_user("TRẦN_LÂN", hash_password(PASSWORD), "officer", ["x"], actor="test")
        raise AssertionError("a second spelling of an existing user was created")
    except Exception as exc:  # noqa: BLE001
        assert "already exists" in str(exc)
    catalog.close()
    app = create_app(
        settings_for(tmp_path), auth=AuthConfig(max_failures_per_user=3, max_failures_per_ip=50),
        start_upload_worker=False,
    )
    spellings = [unicodedata.normalize("NFC", "Trần_Lân"), with_nfd, "TRẦN_LÂN"]
    with TestClient(app) as client:
        for name in spellings:
            assert client.post("/api/session", json={"username": name, "password": "sai-sai-sai"}).status_code == 401
        for name in spellings:  # the limit holds for every spelling, even with the right password
            assert client.post("/api/session", json={"username": name, "password": PASSWORD}).status_code == 429


def test_responses_with_dossier_data_are_never_stored_by_a_browser_or_proxy(client_for) -> None:
    client = client_for("can_bo_a")
    code = "H21.65-220914-0011"
    document = client.get(f"/api/dossiers/{code}").json()["documents"][0]["id"]
    for url in (
        "/search?q=nguyen",
        "/search/results?q=nguyen",
        "/api/search?q=nguyen",
        f"/dossiers/{code}",
        f"/api/dossiers/{code}",
        f"/documents/{document}/pages/1",
        f"/documents/{document}/pages/1/image",
        f"/documents/{document}/pages/1/thumb",
        f"/documents/{document}/pdf",
        "/api/me",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response.headers.get("cache-control", ""), url
    staff = client_for("luu_tru_a")
    for url in ("/review", "/upload", "/api/review"):
        response = staff.get(url)
        assert response.status_code == 200 and "no-store" in response.headers["cache-control"], url
    # An error page may name what was asked for; static assets hold no dossier data and may be cached.
    assert "no-store" in client.get("/dossiers/H21.65-000000-9999").headers.get("cache-control", "")
    assert "no-store" not in client.get("/static/app.css").headers.get("cache-control", "")


def test_the_only_admin_cannot_disable_themselves_in_the_admin_page(client_for) -> None:
    admin = client_for("admin")
    token = admin.headers["X-CSRF-Token"]
    response = admin.post("/admin/users/admin", data={"disabled": "1", "csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303 and "error=" in response.headers["location"]
    assert "last admin" in admin.get(response.headers["location"]).text
    assert admin.get("/api/me").status_code == 200  # still logged in, still enabled

"""The webhook MAC: known vectors (computed once with hashlib and pasted) and what must not verify."""

from __future__ import annotations

from connectors.zalo.signature import expected_signature, verify_signature

APP_ID = "2840113912345678901"
BODY = b'{"app_id":"2840113912345678901","event_name":"user_send_text","timestamp":"1717171717171"}'
TIMESTAMP = "1717171717171"
KEY = "Zk8pQ2vR7sLm4Xn9Tb"
MAC = "mac=dfb71cc517a4b195d84b739f6f10454d49d491a1e277443e4bcb0838628bcc64"


def test_known_vector() -> None:
    assert expected_signature(APP_ID, BODY, TIMESTAMP, KEY) == MAC


def test_plain_sha256_of_the_concatenation_not_an_hmac() -> None:
    # With every part empty the MAC is the SHA-256 of the empty string (an HMAC would differ).
    assert expected_signature("", b"", "", "") == (
        "mac=e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    )


def test_verify_accepts_the_right_mac() -> None:
    assert verify_signature(MAC, APP_ID, BODY, TIMESTAMP, KEY)
    assert verify_signature(f" {MAC.upper().replace('MAC=', 'mac=')} ", APP_ID, BODY, TIMESTAMP, KEY)


def test_tampered_body_fails() -> None:
    tampered = BODY.replace(b"user_send_text", b"user_send_texT")
    assert not verify_signature(MAC, APP_ID, tampered, TIMESTAMP, KEY)


def test_other_parts_matter() -> None:
    assert not verify_signature(MAC, APP_ID, BODY, "1717171717172", KEY)
    assert not verify_signature(MAC, "2840113912345678902", BODY, TIMESTAMP, KEY)
    assert not verify_signature(MAC, APP_ID, BODY, TIMESTAMP, KEY + "x")


def test_missing_or_malformed_header_fails() -> None:
    assert not verify_signature(None, APP_ID, BODY, TIMESTAMP, KEY)
    assert not verify_signature("", APP_ID, BODY, TIMESTAMP, KEY)
    assert not verify_signature(MAC[4:], APP_ID, BODY, TIMESTAMP, KEY)
    assert not verify_signature("mac=ảnh", APP_ID, BODY, TIMESTAMP, KEY)


def test_no_secret_configured_never_verifies() -> None:
    assert not verify_signature(expected_signature(APP_ID, BODY, TIMESTAMP, ""), APP_ID, BODY, TIMESTAMP, "")

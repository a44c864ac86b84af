"""Addresses and handles found in source sentences, as an engine must pass them through."""

from __future__ import annotations

import pytest

from transflow.glossary.model import Policy
from transflow.glossary.verbatim import verbatim_spans


@pytest.mark.parametrize(
    ("sentence", "found"),
    [
        (
            "Read it at https://example.org/report-2023.pdf.",
            ["https://example.org/report-2023.pdf"],
        ),
        (
            "See www.gov.il/Israel, then http://a.b/c?d=1&e=2!",
            ["www.gov.il/Israel", "http://a.b/c?d=1&e=2"],
        ),
        ("(Source: https://example.org/a.)", ["https://example.org/a"]),
        ("Write to press.office+eu@example.co.uk today.", ["press.office+eu@example.co.uk"]),
        (
            "Follow @IsaacHerzog and @alice@mastodon.social.",
            ["@IsaacHerzog", "@alice@mastodon.social"],
        ),
        ("Her page https://mastodon.social/@alice is new.", ["https://mastodon.social/@alice"]),
        ("Read www.president.az's statement.", ["www.president.az"]),  # the possessive is English
        ("He wrote “read www.president.az/news” today.", ["www.president.az/news"]),
        (
            "See https://en.wikipedia.org/wiki/Baku_(city).",
            ["https://en.wikipedia.org/wiki/Baku_(city)"],
        ),
        ("Write to user.www.gov.az@mail.com now.", ["user.www.gov.az@mail.com"]),
        ("Prices: 5@ each, 3 kg @12 each, press @ example.org, me@home.", []),
        ("No addresses in this sentence.", []),
    ],
)
def test_verbatim_spans(sentence: str, found: list[str]) -> None:
    spans = verbatim_spans(sentence)
    assert [sentence[span.start : span.end] for span in spans] == found
    assert [span.value.text for span in spans] == found
    assert all(span.value.policy is Policy.KEEP for span in spans)
    assert all(span.value.target_form("pt") == span.value.text for span in spans)

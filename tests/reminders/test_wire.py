"""The e-mail as written for SMTP (tracker/reminders/wire.py) reads back, through the standard
library's parser, as what was composed: subject and names in any script, both bodies, every
line within SMTP's limits."""

from __future__ import annotations

from email import message_from_bytes, policy

from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.reminders import wire


def parsed(subject: str, name: str, text: str, html: str):
    raw = wire.message([("Subject", wire.encoded_words(subject)),
                        ("To", f"{wire.encoded_words(name)} <pm@example.cn>"),
                        ("Content-Language", "zh-CN")], text, html)
    assert all(len(line) <= 998 for line in raw.split(b"\r\n"))
    assert b"\n" not in raw.replace(b"\r\n", b"")  # CRLF line ends only
    return raw, message_from_bytes(raw, policy=policy.default)


def test_a_chinese_digest_reads_back_as_written():
    subject = "逾期自 2026年5月15日：里程碑“样机测试”，以及另外 829 项"
    text = "张三，您好：\n\n以下 830 个截止日期需要您关注：\n" + "里程碑“一”\n" * 500
    raw, email = parsed(subject, "张三丰", text, "<p>您好</p>")
    assert email["Subject"] == subject
    assert email["To"].addresses[0].display_name == "张三丰"
    assert email["To"].addresses[0].addr_spec == "pm@example.cn"
    assert email.get_content_type() == "multipart/alternative"
    plain, html = email.iter_parts()
    assert plain.get_content_type() == "text/plain" and plain.get_content() == text
    assert html.get_content_type() == "text/html" and html.get_content() == "<p>您好</p>"
    assert all(len(line) <= 78 for line in raw.split(b"\r\n\r\n")[0].split(b"\r\n"))


def test_an_ascii_subject_goes_as_it_is_unless_it_could_be_read_as_encoded():
    assert wire.encoded_words("Due on May 15, 2026: milestone") == (
        "Due on May 15, 2026: milestone")
    tricky = "=?utf-8?b?SGk=?= is not a word"
    assert wire.encoded_words(tricky) != tricky
    assert parsed(tricky, "J. Smith", "x", "y")[1]["Subject"] == tricky


def test_each_e_mail_has_a_boundary_of_its_own():
    first = wire.message([], "a", "b")
    second = wire.message([], "a", "b")
    assert first.split(b"\r\n")[0] != second.split(b"\r\n")[0]


@settings(max_examples=60, deadline=None)
@given(subject=st.text(min_size=1, max_size=300).filter(str.strip),
       text=st.text(max_size=2000), html=st.text(max_size=500))
def test_any_subject_and_bodies_read_back(subject, text, html):
    # What a header can carry: one line, its spaces folded (the parser unfolds them).
    subject = " ".join(subject.split())
    _raw, email = parsed(subject, "某人", text, html)
    assert email["Subject"] == subject
    plain, rich = email.iter_parts()
    assert plain.get_payload(decode=True).decode() == text
    assert rich.get_payload(decode=True).decode() == html

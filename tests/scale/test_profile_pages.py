"""profile_pages times each everyday page as its user and counts its queries."""

from io import StringIO

import pytest
from django.core.management import call_command

from devtools import scale


@pytest.mark.django_db
def test_every_page_is_timed_with_its_queries_and_a_profile_on_request():
    scale.seed_scale(orders=2)
    out = StringIO()

    call_command(
        "profile_pages",
        "--requests",
        "1",
        "--warmup",
        "0",
        "--profile",
        "3",
        stdout=out,
    )

    text = out.getvalue()
    rows = {
        line.split()[0] + " " + line.split()[1]: line.split()
        for line in text.splitlines()
        if line.startswith(("order ", "audit ", "login "))
    }
    assert rows["audit timeline"][2:3] == ["auditor"]
    assert rows["audit timeline"][-1] == "7"
    assert rows["login page"][-1] == "0"
    assert "== order detail (" in text and "compile SQL" in text
    assert "8 pages, one request at a time" in text


@pytest.mark.django_db
def test_a_name_matching_no_page_is_one_clear_error():
    with pytest.raises(Exception, match="No page's name holds 'nothing'"):
        call_command("profile_pages", "--only", "nothing", stdout=StringIO())

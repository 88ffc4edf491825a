"""The heads log file on its own: reading its tail, comparing heads with a chain."""

import json

import pytest

from reviews import heads


def head(pk: int, digest: str | None = None) -> heads.LoggedHead:
    return heads.LoggedHead(pk, digest or f"{pk:064x}", "k1", "", pk)


def write(path, count: int) -> None:
    path.write_text(
        "".join(
            json.dumps({"signature": pk, "hash": f"{pk:064x}", "key_id": "k1"}) + "\n"
            for pk in range(1, count + 1)
        )
    )


def test_the_newest_head_is_read_from_the_end_of_a_long_log(tmp_path):
    log = tmp_path / "heads.log"
    write(log, 5000)
    assert heads.last_head(log).signature_id == 5000
    assert len(heads.heads_read(log)) == 5000


def test_a_line_that_is_not_a_head_makes_the_log_unreadable(tmp_path):
    log = tmp_path / "heads.log"
    log.write_text('{"signature": 1, "hash": "ab"}\nnot json\n')
    with pytest.raises(heads.HeadsLogError, match="line 2 is not a chain head"):
        heads.heads_read(log)


@pytest.mark.parametrize(
    "line", ['{"signature": 1e999, "hash": "x"}', '["signature", 1]', "17"]
)
def test_a_head_line_of_the_wrong_shape_is_unreadable_not_a_crash(tmp_path, line):
    # Valid JSON, wrong shape: a 500 on the record and verify pages before.
    log = tmp_path / "heads.log"
    log.write_text(line + "\n")
    with pytest.raises(heads.HeadsLogError, match="line 1 is not a chain head"):
        heads.heads_read(log)


def test_a_chain_shortened_by_many_signatures_is_one_finding():
    logged = [head(pk) for pk in range(1, 101)]
    chain = {pk: f"{pk:064x}" for pk in range(1, 41)}
    problems = heads.heads_problems(logged, chain, chain_head_pk=40)
    assert problems == [
        "the chain is shorter than the heads log: it ends at signature #40, the log "
        f"records 60 later head(s) up to signature #100 ({100:064x}); newer "
        "signatures were removed"
    ]


def test_rewritten_and_missing_heads_are_named_and_capped():
    logged = [head(pk) for pk in range(1, 11)]
    chain = {pk: "f" * 64 for pk in range(1, 9)}
    problems = heads.heads_problems(logged, chain, chain_head_pk=10)
    assert problems[0].startswith("signature #1 has hash fff")
    assert "the chain was rewritten" in problems[0]
    assert problems[-1] == "and 5 more difference(s)"

"""Cross-checking regulated status against Ofqual's full-dataset CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from pathlib import Path

import pytest

from htq_mark.errors import RegisterError, RegisterValidationError
from htq_mark.register import Register, import_ofqual, load_register

from .factory import TODAY

WriteFile = Callable[[str, bytes], Path]
HEADER = ("Qualification Number", "Qualification Title", "Owner Organisation Name",
          "Qualification Level", "Qualification Status", "Operational End Date",
          "Certification End Date", "Offered In England")
DATA_DATE = date(2026, 11, 20)


def ofqual_csv(rows: Sequence[Sequence[str]], header: Sequence[str] = HEADER) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def entry(qn: str, status: str, operational: str = "", certification: str = "") -> list[str]:
    return [qn, "Some title", "Some Awarding Body", "Level 4", status, operational,
            certification, "True"]


def test_statuses_and_end_dates_are_applied(example: Register, write_file: WriteFile) -> None:
    path = write_file("ofqual.csv", ofqual_csv([
        entry("999/1001/9", "Available to learners"),
        entry("999/1002/0", "No longer available to learners", "31/08/2026", "31/08/2028"),
        entry("99910032", "Available to learners", "2027-01-31"),       # ISO, unseparated QN
        entry("999/1005/6", "No longer awarded", "", "31/07/2025 00:00:00"),
        entry("999/1006/8", "Withdrawn"),                                # no dates at all
        entry("603/7595/4", "No longer awarded"),                        # not on the register
        entry("not a qn", "Available to learners"),
    ]))
    register = import_ofqual(example, path, as_of=DATA_DATE)

    def codes(qn: str, on: date) -> tuple[str, ...]:
        return register.check(qn, on=on).codes

    assert codes("999/1001/9", TODAY) == ("entitled",)
    assert codes("999/1002/0", date(2026, 8, 31)) == ("entitled",)
    assert codes("999/1002/0", date(2026, 9, 1)) == ("regulated-status-ended",)
    assert codes("999/1003/2", date(2027, 1, 31)) == ("entitled",)
    assert codes("999/1003/2", date(2027, 2, 1)) == ("regulated-status-ended",)
    assert codes("999/1005/6", date(2025, 8, 1)) == ("regulated-status-ended",)
    assert codes("999/1006/8", DATA_DATE - timedelta(days=1)) == ("entitled",)
    assert codes("999/1006/8", DATA_DATE) == ("regulated-status-ended",)
    message = register.check("999/1002/0", on=TODAY).reasons[0].message
    assert "No longer available to learners" in message and "2026-08-31" in message


def test_import_returns_a_new_register_with_both_provenances(example: Register,
                                                             write_file: WriteFile) -> None:
    path = write_file("ofqual.csv", ofqual_csv([entry("999/1001/9", "Available to learners")]))
    register = import_ofqual(example, path, as_of=DATA_DATE)
    assert register is not example
    assert example.get("999/1001/9").regulated_status is None  # type: ignore[union-attr]
    assert register.get("999/1001/9").regulated_status == "Available to learners"  # type: ignore[union-attr]
    ofqual = register.provenance.ofqual
    assert ofqual is not None and (ofqual.source, ofqual.rows, ofqual.as_of) == (
        str(path), 1, DATA_DATE)
    assert register.provenance.sha256 == example.provenance.sha256
    assert "regulated status from" in register.provenance.describe()


def test_register_entries_missing_from_the_data_are_warned_about(example: Register,
                                                                  write_file: WriteFile) -> None:
    path = write_file("ofqual.csv", ofqual_csv([entry("999/1001/9", "Available to learners")]))
    register = import_ofqual(example, path, as_of=DATA_DATE)
    missing = [w for w in register.warnings if "not in the Ofqual data" in w.message]
    ofqual_ids = [r for r in example.records if r.scheme == "ofqual"]
    assert len(missing) == len(ofqual_ids) - 1  # OfS IDs are not regulated by Ofqual
    assert register.check("999/1002/0", on=TODAY).entitled


def test_a_check_of_a_qualification_the_data_does_not_list_says_so(example: Register,
                                                                     write_file: WriteFile) -> None:
    """Before, it was ENTITLED with nothing to say its regulated status had not been checked."""
    path = write_file("ofqual.csv", ofqual_csv([entry("999/1001/9", "Available to learners")]))
    register = import_ofqual(example, path, as_of=DATA_DATE)
    unlisted = register.check("999/1002/0", on=TODAY)
    assert unlisted.entitled and unlisted.codes == ("regulated-status-unchecked", "entitled")
    assert unlisted.reasons[0].severity.value == "warning" and str(path) in unlisted.reasons[0].message
    assert register.check("999/1001/9", on=TODAY).codes == ("entitled",)  # listed: checked
    assert example.check("999/1002/0", on=TODAY).codes == ("entitled",)  # no Ofqual data: nothing to say
    assert register.check("19990001:HTQ-DIG-01", on=TODAY).codes == ("entitled",)  # OfS IDs: not Ofqual's


def test_column_names_are_matched_loosely_and_extra_columns_ignored(
        example: Register, write_file: WriteFile) -> None:
    header = ("qualification  number", "QUALIFICATION STATUS", "Operational End Date")
    path = write_file("o.csv", ofqual_csv([["999/1001/9", "No longer awarded", "01/01/2025"]],
                                          header))
    register = import_ofqual(example, path, as_of=DATA_DATE)
    assert register.check("999/1001/9", on=TODAY).codes == ("regulated-status-ended",)


@pytest.mark.parametrize(("data", "message"), [
    (ofqual_csv([], ("Title", "Level")), "no 'Qualification Number' or 'Qualification Status'"),
    (b"", "the Ofqual data file is empty"),
    (ofqual_csv([entry("999/1001/9", "Available", "31/02/2026")]), "is not a date"),
    (ofqual_csv([entry("999/1001/9", "Available", "next year")]), "is not a date"),
    (ofqual_csv([entry("999/1001/9", "Under review")]), "unknown status"),
    (ofqual_csv([entry("999/1001/9", "Available to learners"),
                 entry("999/1001/9", "No longer awarded")]), "listed again"),
])
def test_problems_in_relevant_rows_are_reported(example: Register, write_file: WriteFile,
                                                data: bytes, message: str) -> None:
    path = write_file("ofqual.csv", data)
    with pytest.raises(RegisterValidationError, match=message):
        import_ofqual(example, path, as_of=DATA_DATE)


def test_problems_in_unrelated_rows_are_ignored(example: Register, write_file: WriteFile) -> None:
    path = write_file("ofqual.csv", ofqual_csv([entry("603/7595/4", "Under review", "bad")]))
    assert len(import_ofqual(example, path, as_of=DATA_DATE)) == len(example)


@pytest.mark.parametrize("damage", [b"Dipl\xf4me", b"Dipl\x00me"], ids=["latin-1", "nul"])
def test_a_damaged_line_counts_only_in_rows_that_concern_the_register(example: Register, write_file: WriteFile,
                                                                      damage: bytes) -> None:
    """One stray byte in a row of Ofqual's (very large) file that the register does not name stopped every
    check that read the file."""
    def damaged(qn: str) -> bytes:  # the title of the second row (line 3) damaged
        before, after = ofqual_csv([entry("999/1002/9", "Available to learners"),
                                    entry(qn, "Available to learners")]).rsplit(b"Some title", 1)
        return before + damage + after

    unrelated = import_ofqual(example, write_file("unrelated.csv", damaged("603/7595/4")), as_of=DATA_DATE)
    assert len(unrelated) == len(example)
    assert unrelated.provenance.ofqual is not None and unrelated.provenance.ofqual.rows == 2
    related = write_file("related.csv", damaged("999/1001/9"))
    with pytest.raises(RegisterValidationError, match=r"(?s)1 problem\(s\) in the Ofqual data; .*related\.csv:3: "
                       ) as raised:
        import_ofqual(example, related, as_of=DATA_DATE)
    assert len(raised.value.problems) == 1


def test_a_damaged_header_is_reported(example: Register, write_file: WriteFile) -> None:
    data = ofqual_csv([entry("999/1001/9", "Available to learners")]).replace(b"Offered In", b"Offered\xa0In", 1)
    with pytest.raises(RegisterValidationError, match=r":1: not valid UTF-8"):
        import_ofqual(example, write_file("ofqual.csv", data), as_of=DATA_DATE)


def test_an_end_date_of_31_12_9999_means_none(example: Register, write_file: WriteFile, tmp_path) -> None:
    """Ofqual's placeholder for no end was kept as the date: the check said the availability "ends after
    9999-12-31", and the register's own export could not be loaded again (years run 2020-2099)."""
    path = write_file("ofqual.csv", ofqual_csv([entry("999/1001/9", "Available to learners", "31/12/9999")]))
    register = import_ofqual(example, path, as_of=DATA_DATE)
    record = next(r for r in register.records if r.qualification_id == "999/1001/9")
    assert record.regulated_end_date is None and register.check("999/1001/9", on=date(2099, 1, 1)).entitled
    from htq_mark.register import write_register

    write_register(register, tmp_path / "again.json", "json")
    assert len(load_register(tmp_path / "again.json")) == len(register)
    assert len(Register.from_records(register.records)) == len(register)


def test_a_missing_file_is_a_register_error(example: Register, tmp_path: Path) -> None:
    with pytest.raises(RegisterError, match="no such file; check the path of the Ofqual data"):
        import_ofqual(example, tmp_path / "missing.csv")


def test_the_as_of_date_defaults_to_the_file_date(example: Register,
                                                  write_file: WriteFile) -> None:
    import os

    path = write_file("ofqual.csv", ofqual_csv([entry("999/1001/9", "Available to learners")]))
    os.utime(path, (1_700_000_000, 1_700_000_000))
    register = import_ofqual(example, path)
    assert register.provenance.ofqual is not None
    assert register.provenance.ofqual.as_of == date(2023, 11, 14)

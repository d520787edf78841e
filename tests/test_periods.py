"""Periods: what users type, and the neighbours the report compares with."""

from datetime import date

import pandas as pd
import pytest

from kpis.periods import Period, custom, last_n, month, parse_period, quarter, year


@pytest.mark.parametrize(
    "text, start, end",
    [
        ("2026-10", date(2026, 10, 1), date(2026, 10, 31)),
        ("10/2026", date(2026, 10, 1), date(2026, 10, 31)),
        ("2026-02", date(2026, 2, 1), date(2026, 2, 28)),
        ("2026-Q4", date(2026, 10, 1), date(2026, 12, 31)),
        ("T1 2026", date(2026, 1, 1), date(2026, 3, 31)),
        ("2026", date(2026, 1, 1), date(2026, 12, 31)),
        ("2026-10-05:2026-10-20", date(2026, 10, 5), date(2026, 10, 20)),
    ],
)
def test_parse_period(text, start, end):
    p = parse_period(text)
    assert (p.start, p.end) == (start, end)


def test_fiscal_year_is_named_by_the_year_it_ends_in():
    p = parse_period("FY2026", fiscal_start_month=4)
    assert (p.start, p.end) == (date(2025, 4, 1), date(2026, 3, 31))
    assert quarter(2026, 1, fiscal_start_month=4).start == date(2025, 4, 1)


def test_bad_period_says_what_is_accepted():
    with pytest.raises(ValueError, match="2026-Q4"):
        parse_period("octobre")


def test_neighbours():
    p = month(2026, 3)
    assert p.previous() == month(2026, 2)
    assert p.year_ago() == month(2025, 3)
    assert p.next() == month(2026, 4)
    assert quarter(2026, 1).previous() == quarter(2025, 4)
    assert year(2026).previous() == year(2025)
    assert month(2026, 3).trailing(12) == custom("2025-04-01", "2026-03-31")
    # a custom range of 16 days: the previous one is the 16 days before
    assert custom("2026-10-05", "2026-10-20").previous() == custom("2026-09-19", "2026-10-04")
    assert [x.label for x in last_n(month(2026, 2), 3)] == ["2025-12", "2026-01", "2026-02"]


def test_contains_counts_date_times_by_their_date_inclusive():
    p = month(2026, 10)
    s = pd.Series(pd.to_datetime(["2026-09-30 23:59", "2026-10-01 00:00", "2026-10-31 23:59", "2026-11-01 00:00"]))
    assert p.contains(s).tolist() == [False, True, True, False]


def test_months_and_month_periods():
    assert quarter(2026, 4).months == 3
    assert custom("2026-01-01", "2026-06-30").months == 6
    parts = custom("2026-01-15", "2026-03-10").month_periods()
    assert [(x.start, x.end) for x in parts] == [
        (date(2026, 1, 15), date(2026, 1, 31)),
        (date(2026, 2, 1), date(2026, 2, 28)),
        (date(2026, 3, 1), date(2026, 3, 10)),
    ]


def test_end_before_start_is_refused():
    with pytest.raises(ValueError):
        Period(date(2026, 2, 1), date(2026, 1, 1))


@pytest.mark.parametrize("text, start, end", [
    ("octobre 2026", "2026-10-01", "2026-10-31"),
    ("oct. 2026", "2026-10-01", "2026-10-31"),
    ("Oct 2026", "2026-10-01", "2026-10-31"),
    ("October 2026", "2026-10-01", "2026-10-31"),
    ("févr. 2026", "2026-02-01", "2026-02-28"),
    ("2026 décembre", "2026-12-01", "2026-12-31"),
    ("T3 2026", "2026-07-01", "2026-09-30"),
    ("Q3 2026", "2026-07-01", "2026-09-30"),
    ("2026-10", "2026-10-01", "2026-10-31"),
])
def test_periods_as_people_write_them(text, start, end):
    from datetime import date

    from kpis.periods import parse_period

    p = parse_period(text)
    assert (p.start, p.end) == (date.fromisoformat(start), date.fromisoformat(end))


def test_a_word_that_is_no_month_is_refused():
    from kpis.periods import parse_period

    with pytest.raises(ValueError, match="octobre 2026"):
        parse_period("foo 2026")


def test_at_midnight_tells_date_columns_from_datetime_ones():
    from kpis.periods import at_midnight

    dates = pd.Series(pd.to_datetime(["2026-10-01", None, "1969-12-31"])).astype("datetime64[ns]")
    assert at_midnight(dates)  # before 1970 too (negative nanoseconds), missing dates count
    assert not at_midnight(pd.Series(pd.to_datetime(["2026-10-01 09:30"])).astype("datetime64[ns]"))
    assert not at_midnight(pd.Series(pd.to_datetime(["1969-12-31 23:59:59"])).astype("datetime64[ns]"))
    assert not at_midnight(pd.Series(["2026-10-01"]))  # not a datetime64[ns] column
    assert not at_midnight(pd.Series(pd.to_datetime(["2026-10-01"])).astype("datetime64[s]"))

"""``as_category``: a text column as a pandas categorical, by hashing rather than through Arrow.

The engine turns closed-vocabulary columns (status, activity type…) and breakdown keys (rep,
product…) into categoricals, so that a million-row comparison or group-by works on integer codes.
``Series.astype("category")`` on an ``object`` column of text costs, with pandas 3, a conversion of
every row to an Arrow string array before the categories are found (0.19 s for a million activity
types, paid again for each derived source of each month). ``pd.factorize`` finds the same distinct
values with a hash table over the Python objects (0.035 s), and the categorical is built from its
codes.

The result is the one ``astype("category")`` gives -- the same categories in the same (sorted)
order, the same categories' dtype, the same codes, missing values (``None``, ``NaN``) as code -1 --
for a column holding only ``str`` and missing values. Anything else (numbers, dates, a mix of types,
a non-object dtype) is left to ``astype`` itself, whose inference of the categories' dtype is the
reference.
"""

from __future__ import annotations

import pandas as pd


def as_category(s: pd.Series) -> pd.Series:
    """``s.astype("category")`` (see the module docstring for when it is computed another way)."""
    if s.dtype != object:
        return s.astype("category")
    try:
        codes, uniques = pd.factorize(s.to_numpy(), sort=True)
    except TypeError:  # values that do not sort together (str and numbers): astype decides
        return s.astype("category")
    if not len(uniques) or not all(type(u) is str for u in uniques):  # nothing but missing values:
        return s.astype("category")  # astype finds their categories' dtype (NaT: datetime64)
    cat = pd.Categorical.from_codes(codes, categories=pd.Index(uniques))
    return pd.Series(cat, index=s.index, name=s.name, copy=False)

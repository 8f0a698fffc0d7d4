"""Curate data/country_codes.csv from the datasets/country-codes table (ODC-PDDL).

Usage: python scripts/curate_country_codes.py COUNTRY-CODES.CSV COMMIT > data/country_codes.csv

COUNTRY-CODES.CSV is `data/country-codes.csv` of https://github.com/datasets/country-codes read at
COMMIT (git show COMMIT:data/country-codes.csv). Only the columns mgraph uses are kept, renamed;
values are copied as the source gives them (the Wikidata QID is cut from its URL). Every row cites
the file at that commit.
"""

from __future__ import annotations

import csv
import sys

LANGUAGES = {
    "ar": "Arabic",
    "zh": "Chinese",
    "en": "English",
    "es": "Spanish",
    "fr": "French",
    "ru": "Russian",
}
M49_NAME = {"ar": "ar", "zh": "cn", "en": "en", "es": "es", "fr": "fr", "ru": "ru"}
COLUMNS = {
    "iso3": "ISO3166-1-Alpha-3",
    "iso_numeric": "ISO3166-1-numeric",
    "m49": "M49",
    "geonames_id": "Geoname ID",
    "wikidata_id": "wikidata_id",
    "region_code": "Region Code",
    "region_name": "Region Name",
    "subregion_code": "Sub-region Code",
    "subregion_name": "Sub-region Name",
    "intermediate_region_code": "Intermediate Region Code",
    "intermediate_region_name": "Intermediate Region Name",
    "ldc": "Least Developed Countries (LDC)",
    "lldc": "Land Locked Developing Countries (LLDC)",
    "sids": "Small Island Developing States (SIDS)",
    **{f"name_{tag}": f"official_name_{code}" for tag, code in M49_NAME.items()},
    **{f"unterm_short_{tag}": f"UNTERM {name} Short" for tag, name in LANGUAGES.items()},
    **{f"unterm_formal_{tag}": f"UNTERM {name} Formal" for tag, name in LANGUAGES.items()},
}


def main(path: str, commit: str) -> None:
    source = f"https://github.com/datasets/country-codes/blob/{commit}/data/country-codes.csv"
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow([*COLUMNS, "source"])
    with open(path, encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["ISO3166-1-Alpha-3"].strip()]
    for row in sorted(rows, key=lambda r: r["ISO3166-1-Alpha-3"]):
        values = {name: row[column].strip() for name, column in COLUMNS.items()}
        values["wikidata_id"] = values["wikidata_id"].rsplit("/", 1)[-1]
        writer.writerow([*values.values(), source])


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])

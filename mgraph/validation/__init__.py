"""SHACL validation (``mgraph validate``): the engines, a user's shapes checked before use, the
results as plain values and the report formats."""

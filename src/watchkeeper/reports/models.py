"""The reports app keeps no tables of its own: every report is read from the registers when it is asked
for, and the retention schedule is a setting (retention.py)."""

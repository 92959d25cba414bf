"""`ops alarms prove`: break the twin on purpose and check that the right alarms page someone,
and that healthy traffic pages no one."""

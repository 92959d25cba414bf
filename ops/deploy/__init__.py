"""`ops deploy` machinery: the Lambda zip, artifact upload, change-set deploy with progress,
stack outputs and teardown. The typer commands in ``ops.commands`` are thin wrappers."""

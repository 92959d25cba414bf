"""`ops logs`: the functions' CloudWatch Logs, read the same way from AWS and the local twin.

- ``window``: ``--since`` durations, and the clock the target's times are on (the twin's may
  run faster than the wall clock);
- ``lines``: one log event made readable (Powertools' JSON, Lambda's platform and runtime lines);
- ``search``: FilterLogEvents over the functions' log groups, one request by correlation id,
  and following new lines;
- ``render``: lines for people, or raw.
"""

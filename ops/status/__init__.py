"""`ops status`: one screen that answers "what is wrong right now".

- ``report``: what the screen holds (alarms not OK, functions, APIs, errors, deployment, links);
- ``alarm_states``: the alarms not OK, from DescribeAlarms, with value against threshold and runbook;
- ``metrics``: each function's and API's last minutes, in one batched GetMetricData call;
- ``errors``: the most frequent error messages in the functions' logs, one id each;
- ``deployment``: the last deployment (the stack), or what the local twin has instead;
- ``collect``: all of the above for one target; ``render``: the screen.
"""

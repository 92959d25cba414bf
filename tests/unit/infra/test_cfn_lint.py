"""cfn-lint finds nothing in the templates of every stage, nor in a stack with every kind of
permission, route and a second architecture."""

from __future__ import annotations

from typing import Any

import pytest
from cfnlint.api import ManualArgs, lint
from infra.template import template_json


@pytest.mark.parametrize("template_name", ["dev_template", "prod_template", "extended_template"])
def test_cfn_lint_reports_no_error_or_warning(template_name: str, request: pytest.FixtureRequest) -> None:
    template: dict[str, Any] = request.getfixturevalue(template_name)
    matches = lint(template_json(template), config=ManualArgs(regions=["us-east-1", "eu-west-1"]))
    assert [f"{m.rule.id} {m.message} ({m.path})" for m in matches] == []


def test_cfn_lint_does_report_a_broken_template(prod_template: dict[str, Any]) -> None:
    import copy

    broken = copy.deepcopy(prod_template)
    broken["Resources"]["DataKey"]["Properties"]["NotAProperty"] = True
    assert [m.rule.id for m in lint(template_json(broken), config=ManualArgs(regions=["us-east-1"]))] == ["E3002"]

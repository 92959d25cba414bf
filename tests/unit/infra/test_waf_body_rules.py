"""The web ACL counts the core rule set's body rules and blocks on their labels everywhere
but the routes the stack model exempts; the regexes match those routes' URI paths (with or
without the stage) and nothing else."""

from __future__ import annotations

import re

from infra import STACK
from infra.template import synthesize
from infra.waf_body_rules import COUNTED_RULES, SIZE_LABEL, XSS_LABEL, BodyRules, path_regex


def _acl() -> dict:
    template = synthesize(STACK, "prod")
    (acl,) = [r for r in template["Resources"].values() if r["Type"] == "AWS::WAFv2::WebACL"]
    return acl["Properties"]


def test_the_body_rules_are_counted_in_the_managed_group() -> None:
    (crs,) = [r for r in _acl()["Rules"] if r["Name"] == "AWSManagedRulesCommonRuleSet"]
    overrides = crs["Statement"]["ManagedRuleGroupStatement"]["RuleActionOverrides"]
    assert {o["Name"]: o["ActionToUse"] for o in overrides} == {name: {"Count": {}} for name in COUNTED_RULES}


def test_a_rule_after_the_group_blocks_on_the_labels_outside_the_exempt_routes() -> None:
    rules = sorted(_acl()["Rules"], key=lambda r: r["Priority"])
    names = [r["Name"] for r in rules]
    block = rules[names.index("CommonBodyRulesOutsideTextRoutes")]
    assert names.index("CommonBodyRulesOutsideTextRoutes") == names.index("AWSManagedRulesCommonRuleSet") + 1
    assert block["Action"] == {"Block": {}}
    labelled, not_exempt = block["Statement"]["AndStatement"]["Statements"]
    keys = {s["LabelMatchStatement"]["Key"] for s in labelled["OrStatement"]["Statements"]}
    assert keys == {SIZE_LABEL, XSS_LABEL}
    routes = not_exempt["NotStatement"]["Statement"]["OrStatement"]["Statements"]
    found = set()
    for route in routes:
        method, path = route["AndStatement"]["Statements"]
        found.add((method["ByteMatchStatement"]["SearchString"], path["RegexMatchStatement"]["RegexString"]))
    assert found == {(m, path_regex(p)) for m, p in STACK.rest_api.waf_body_rules_exempt}


def test_the_route_regexes_match_only_their_routes() -> None:
    messages = re.compile(path_regex("/conversations/{conversationId}/messages"))
    assert messages.match("/v1/conversations/01ABC/messages")
    assert messages.match("/conversations/01ABC/messages")
    assert not messages.match("/v1/conversations/01ABC/messages/x")
    assert not messages.match("/v1/conversations")
    me = re.compile(path_regex("/me"))
    assert me.match("/v1/me") and not me.match("/v1/users/me")


def test_the_twins_rules_follow_the_model() -> None:
    rules = BodyRules.of(STACK)
    big = ("漢" * 4000).encode()
    assert rules.blocks("POST", "/conversations/{conversationId}/messages", big) is None
    assert rules.blocks("POST", "/conversations", big) == "SizeRestrictions_BODY"
    assert rules.blocks("POST", "/conversations", b'{"name": "<script>"}') == "CrossSiteScripting_BODY"
    assert rules.blocks("PATCH", "/me", b'{"name": "<script>"}') is None
    assert rules.blocks("POST", "/conversations", b'{"name": "a < b and c > d"}') is None

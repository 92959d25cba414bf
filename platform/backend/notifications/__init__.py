"""Alarm notifications for people: CloudWatch's SNS message in, a message someone can act on at
3 a.m. out (Slack-compatible webhook and email).

``alarm`` parses CloudWatch's message, ``description`` reads the layout the alarms package
writes into every alarm description, ``notification`` composes what to say, ``slack`` and
``email`` format it, ``channels`` deliver it, ``service`` runs the whole path for an SNS event
and ``bootstrap`` wires the real channels (tests wire fakes).
"""

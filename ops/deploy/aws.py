"""The boto3 clients a deploy uses, made by the shared factory (``ops.conventions.aws``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ops.conventions import Aws


@dataclass(frozen=True)
class Clients:
    """The clients a deploy uses, in one region."""

    cloudformation: Any
    s3: Any
    sts: Any
    region: str
    endpoint_url: str | None = None

    @property
    def secure(self) -> bool:
        """Whether requests go over HTTPS (AWS itself, or an emulator behind TLS)."""
        return self.endpoint_url is None or self.endpoint_url.startswith("https://")

    @classmethod
    def create(cls, aws: Aws) -> Clients:
        """The clients of ``aws``; BadInput (exit 2) when no region can be determined."""
        region = aws.region_name()
        return cls(
            cloudformation=aws.client("cloudformation"),
            s3=aws.client("s3"),
            sts=aws.client("sts"),
            region=region,
            endpoint_url=aws.endpoint_url,
        )

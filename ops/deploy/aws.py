"""boto3 clients for a deploy: one region, an optional endpoint (moto's server in tests and in
the local twin), bounded retries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ops.deploy.errors import DeployError


@dataclass(frozen=True)
class AwsTarget:
    """Where to deploy: region, optional endpoint URL and profile."""

    region: str | None = None
    endpoint_url: str | None = None
    profile: str | None = None
    max_attempts: int = 5


@dataclass(frozen=True)
class Clients:
    """The clients a deploy uses."""

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
    def create(cls, target: AwsTarget) -> Clients:
        """Clients for ``target``; DeployError when no region can be determined."""
        import boto3
        from botocore.config import Config

        session = boto3.Session(profile_name=target.profile, region_name=target.region)
        region = target.region or session.region_name
        if not region:
            raise DeployError("no AWS region: pass --region or set AWS_REGION")
        config = Config(retries={"max_attempts": target.max_attempts, "mode": "standard"})

        # Typed as Any: boto3-stubs types ``client`` per literal service name only.
        make_client: Any = session.client

        def client(service: str) -> Any:
            return make_client(service, region_name=region, endpoint_url=target.endpoint_url, config=config)

        return cls(
            cloudformation=client("cloudformation"),
            s3=client("s3"),
            sts=client("sts"),
            region=region,
            endpoint_url=target.endpoint_url,
        )

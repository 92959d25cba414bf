"""One factory of boto3 clients for every `ops` command.

Where AWS is: a profile and a region (the account), an endpoint URL (moto's server), or the
local twin through its info file (``--info-file``, whose ``aws_endpoint_url`` is its embedded
AWS). An endpoint on this machine gets placeholder credentials unless a profile is named: the
emulator accepts any, and real credentials have no business there.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from ops.conventions.errors import BadInput, remember_call

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
LOCAL_REGION = "us-east-1"  # the twin's (ops.local.names.REGION); an emulator serves every region
RetryMode = Literal["standard", "adaptive", "legacy"]


def is_local(endpoint_url: str | None) -> bool:
    """True when ``endpoint_url`` points at this machine (the local twin or moto)."""
    return bool(endpoint_url) and urlsplit(endpoint_url or "").hostname in LOCAL_HOSTS


def read_info(path: Path) -> dict[str, Any]:
    """The twin's info file, as written by ``ops local up --info-file``; BadInput naming it otherwise."""
    try:
        info = json.loads(path.read_text())
    except OSError as error:
        raise BadInput(
            f"cannot read {path}: {error.strerror or error} (start the twin with `ops local up --info-file {path}`)"
        ) from None
    except ValueError:
        raise BadInput(f"{path} is not JSON (expected the file `ops local up --info-file` writes)") from None
    if not isinstance(info, dict):
        raise BadInput(f"{path} is not an info file of the local twin (expected a JSON object)")
    return info


@dataclass(frozen=True)
class Aws:
    """How to reach AWS; ``client()`` makes the clients.

    ``max_attempts`` counts the first try; against this machine one retry is enough (an
    emulator that does not answer is down, not throttling).
    """

    region: str | None = None
    endpoint_url: str | None = None
    profile: str | None = None
    info: dict[str, Any] | None = None
    retry_mode: RetryMode = "standard"
    max_attempts: int | None = None
    connect_timeout: float = 5
    read_timeout: float = 60
    _sessions: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_options(
        cls,
        *,
        region: str | None = None,
        endpoint_url: str | None = None,
        profile: str | None = None,
        info_file: Path | None = None,
        retry_mode: RetryMode = "standard",
        max_attempts: int | None = None,
    ) -> Aws:
        """The AWS the shared options name. With ``--info-file`` the twin's embedded AWS
        (``--endpoint-url`` still wins), in the twin's region unless ``--region`` says otherwise."""
        info = None
        if info_file is not None:
            info = read_info(info_file)
            endpoint_url = endpoint_url or str(info.get("aws_endpoint_url") or "") or None
            if endpoint_url is None:
                raise BadInput(f"{info_file} has no aws_endpoint_url; pass --endpoint-url")
            region = region or str(info.get("region") or "") or LOCAL_REGION
        return cls(
            region=region,
            endpoint_url=endpoint_url,
            profile=profile,
            info=info,
            retry_mode=retry_mode,
            max_attempts=max_attempts,
        )

    @property
    def local(self) -> bool:
        """Whether the calls go to an emulator on this machine."""
        return is_local(self.endpoint_url)

    @property
    def secure(self) -> bool:
        """Whether requests go over HTTPS (AWS itself, or an emulator behind TLS)."""
        return self.endpoint_url is None or self.endpoint_url.startswith("https://")

    def session(self) -> Any:
        """The boto3 session (credentials and default region), made once."""
        if "session" not in self._sessions:
            import boto3

            if self.local and self.profile is None:
                session = boto3.Session(aws_access_key_id="local", aws_secret_access_key="local")
            else:
                # ProfileNotFound here becomes exit 2 naming --profile (ops.conventions.errors).
                session = boto3.Session(profile_name=self.profile)
            self._sessions["session"] = session
        return self._sessions["session"]

    def region_name(self, region: str | None = None) -> str:
        """``region``, else ``--region``, else the profile's or the environment's; an emulator
        defaults to us-east-1. BadInput when no region can be found for AWS itself."""
        chosen = region or self.region or self.session().region_name or os.environ.get("AWS_REGION")
        if chosen:
            return str(chosen)
        if self.endpoint_url:
            return LOCAL_REGION
        raise BadInput("no AWS region: pass --region, set AWS_REGION, or use a profile that has one")

    def config(self) -> Any:
        """The botocore config: bounded retries in ``retry_mode``, bounded timeouts."""
        from botocore.config import Config

        attempts = self.max_attempts or (2 if self.local else 5)
        return Config(
            retries={"total_max_attempts": attempts, "mode": self.retry_mode},
            connect_timeout=self.connect_timeout,
            read_timeout=self.read_timeout,
        )

    def client(self, service: str, region: str | None = None) -> Any:
        """A client of ``service`` (in ``region`` if given: billing metrics live in us-east-1)."""
        make: Any = self.session().client  # typed loosely: the service is chosen at run time
        client = make(
            service, region_name=self.region_name(region), endpoint_url=self.endpoint_url, config=self.config()
        )
        client.meta.events.register("provide-client-params", remember_call)
        return client


def connect(
    *,
    region: str | None = None,
    endpoint_url: str | None = None,
    profile: str | None = None,
    info_file: Path | None = None,
    retry_mode: RetryMode = "standard",
) -> Aws:
    """Shorthand of ``Aws.from_options``: the AWS the shared options name."""
    return Aws.from_options(
        region=region, endpoint_url=endpoint_url, profile=profile, info_file=info_file, retry_mode=retry_mode
    )

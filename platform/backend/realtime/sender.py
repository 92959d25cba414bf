"""The API Gateway management API behind a small interface, so tests and the benchmark can
use a fake that answers 410 (moto's own management API never does)."""

from __future__ import annotations

from typing import Any, Protocol

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from backend.settings import Settings


class GoneConnection(Exception):
    """The connection is closed (410): the caller deletes it."""


class DeliveryFailed(Exception):
    """Any other failure to post; logged and counted. ``retryable`` for a throttle (429), a
    server error (5xx) or a timeout: the fan-out retries those within its budget."""

    def __init__(self, message: str, *, retryable: bool = False) -> None:
        super().__init__(message)
        self.retryable = retryable


_RETRYABLE_CODES = {"LimitExceededException", "TooManyRequestsException", "ThrottlingException"}


class ConnectionSender(Protocol):
    """Posts one frame to one connection."""

    def post(self, connection_id: str, data: bytes) -> None:
        """Deliver ``data``; GoneConnection for a closed connection, DeliveryFailed otherwise."""
        ...

    def close(self, connection_id: str) -> None:
        """Close the connection (a closed one is fine); DeliveryFailed when that fails."""
        ...


class ManagementApiSender:
    """The real thing: ``PostToConnection`` through boto3."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self._gone = client.exceptions.GoneException

    @classmethod
    def from_settings(cls, settings: Settings) -> ManagementApiSender:
        """A sender for the configured endpoint, with a connection pool as wide as the fan-out."""
        # One attempt here: the fan-out retries 429/5xx itself, with backoff inside its budget.
        config = Config(
            retries={"max_attempts": 1, "mode": "standard"},
            connect_timeout=1,
            read_timeout=2,
            max_pool_connections=settings.fanout_pool_size,
        )
        client = boto3.client(
            "apigatewaymanagementapi",
            endpoint_url=settings.websocket_management_url or None,
            region_name=settings.region,
            config=config,
        )
        return cls(client)

    def post(self, connection_id: str, data: bytes) -> None:
        try:
            self._client.post_to_connection(ConnectionId=connection_id, Data=data)
        # GoneException is a ClientError too: it must be caught first.
        except self._gone as error:
            raise GoneConnection(connection_id) from error
        except ClientError as error:
            code = str(error.response.get("Error", {}).get("Code"))
            status = int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)
            retryable = code in _RETRYABLE_CODES or status == 429 or status >= 500
            raise DeliveryFailed(f"{connection_id}: {code}", retryable=retryable) from error
        except Exception as error:  # timeouts, connection errors
            raise DeliveryFailed(f"{connection_id}: {type(error).__name__}", retryable=True) from error

    def close(self, connection_id: str) -> None:
        try:
            self._client.delete_connection(ConnectionId=connection_id)
        except self._gone:
            return
        except Exception as error:
            raise DeliveryFailed(f"{connection_id}: close failed ({type(error).__name__})") from error

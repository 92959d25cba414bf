"""Configuration, read once from the environment into a typed object."""

from __future__ import annotations

import os
from functools import lru_cache

from pydantic import BaseModel, ConfigDict, Field


class Settings(BaseModel):
    """Every setting the backend reads; the environment variable is the field's alias."""

    model_config = ConfigDict(populate_by_name=True, frozen=True)

    region: str = Field("us-east-1", alias="AWS_REGION")
    table_name: str = Field("chat-table", alias="TABLE_NAME")
    bucket_name: str = Field("chat-media", alias="BUCKET_NAME")
    user_pool_id: str = Field("", alias="USER_POOL_ID")
    user_pool_client_id: str = Field("", alias="USER_POOL_CLIENT_ID")
    # In AWS both derive from the pool; the local twin serves its JWKS elsewhere while the
    # tokens still carry the AWS issuer, so the two are configured separately.
    jwks_url: str = Field("", alias="JWKS_URL")
    token_issuer: str = Field("", alias="TOKEN_ISSUER")
    auto_confirm_signups: bool = Field(False, alias="AUTO_CONFIRM_SIGNUPS")
    max_message_length: int = Field(4000, alias="MAX_MESSAGE_LENGTH", ge=1)
    max_attachments: int = Field(10, alias="MAX_ATTACHMENTS", ge=0)
    max_group_size: int = Field(50, alias="MAX_GROUP_SIZE", ge=2, le=90)
    max_page_size: int = Field(100, alias="MAX_PAGE_SIZE", ge=1, le=1000)
    # Real time: where the handlers post frames (API Gateway management endpoint, or the
    # local twin's gateway), how many posts run at once, and the largest frame accepted.
    websocket_management_url: str = Field("", alias="WEBSOCKET_MANAGEMENT_URL")
    fanout_pool_size: int = Field(32, alias="FANOUT_POOL_SIZE", ge=1, le=256)
    max_frame_bytes: int = Field(32 * 1024, alias="MAX_FRAME_BYTES", ge=1024)
    # Connections live at most 2 hours in API Gateway; the item outlives that a little.
    connection_ttl_s: int = Field(2 * 3600 + 600, alias="CONNECTION_TTL_SECONDS", ge=60)
    # Calls: how long a call rings before it counts as missed; STUN/TURN for WebRTC.
    ring_timeout_s: int = Field(30, alias="RING_TIMEOUT_SECONDS", ge=5, le=300)
    stun_urls: str = Field("stun:stun.l.google.com:19302", alias="STUN_URLS")
    turn_urls: str = Field("", alias="TURN_URLS")
    turn_secret: str = Field("", alias="TURN_SECRET", repr=False)
    turn_ttl_s: int = Field(3600, alias="TURN_TTL_SECONDS", ge=60, le=86400)
    # Uploads: presigned POST lifetime and the largest file per purpose (bytes).
    upload_url_ttl_s: int = Field(900, alias="UPLOAD_URL_TTL_SECONDS", ge=60, le=3600)
    download_url_ttl_s: int = Field(300, alias="DOWNLOAD_URL_TTL_SECONDS", ge=60, le=3600)
    max_attachment_bytes: int = Field(25 * 1024 * 1024, alias="MAX_ATTACHMENT_BYTES", ge=1)
    max_avatar_bytes: int = Field(5 * 1024 * 1024, alias="MAX_AVATAR_BYTES", ge=1)
    max_recording_bytes: int = Field(500 * 1024 * 1024, alias="MAX_RECORDING_BYTES", ge=1)
    # Per-user rate limits (per minute; 0 turns a limit off).
    send_rate_per_minute: int = Field(120, alias="SEND_RATE_PER_MINUTE", ge=0)
    call_start_rate_per_minute: int = Field(10, alias="CALL_START_RATE_PER_MINUTE", ge=0)
    # The canary: the public endpoints it probes (set for scheduled functions by the template,
    # by the local twin for its own) and how long each probe may take.
    rest_api_url: str = Field("", alias="REST_API_URL")
    websocket_url: str = Field("", alias="WEBSOCKET_URL")
    canary_timeout_s: float = Field(5.0, alias="CANARY_TIMEOUT_SECONDS", gt=0, le=15)
    # Browser origins allowed by CORS (comma separated); the first is the primary one.
    cors_allow_origins: str = Field("http://localhost:8081", alias="CORS_ALLOW_ORIGINS")

    @staticmethod
    def _split(value: str) -> list[str]:
        return [v.strip() for v in value.split(",") if v.strip()]

    @property
    def stun(self) -> list[str]:
        """STUN server URLs."""
        return self._split(self.stun_urls)

    @property
    def turn(self) -> list[str]:
        """TURN server URLs."""
        return self._split(self.turn_urls)

    @property
    def cors_origins(self) -> list[str]:
        """The configured CORS origins as a list."""
        return [o.strip() for o in self.cors_allow_origins.split(",") if o.strip()]

    @property
    def issuer(self) -> str:
        """The expected ``iss`` claim of the pool's tokens."""
        return self.token_issuer or f"https://cognito-idp.{self.region}.amazonaws.com/{self.user_pool_id}"

    @property
    def jwks(self) -> str:
        """Where the pool's signing keys are published."""
        return self.jwks_url or f"{self.issuer}/.well-known/jwks.json"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings of this process (read from the environment on first use)."""
    known = {field.alias for field in Settings.model_fields.values() if field.alias}
    return Settings.model_validate({k: v for k, v in os.environ.items() if k in known})

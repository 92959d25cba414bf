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
    # Browser origins allowed by CORS (comma separated); the first is the primary one.
    cors_allow_origins: str = Field("http://localhost:8081", alias="CORS_ALLOW_ORIGINS")

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

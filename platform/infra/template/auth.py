"""The Cognito user pool and its app client, from the definitions the local twin uses."""

from __future__ import annotations

from typing import Any

from infra.provision import user_pool_client_definition, user_pool_definition
from infra.template import names
from infra.template.context import SynthContext
from infra.template.intrinsics import ref


def resources(ctx: SynthContext) -> dict[str, Any]:
    """The pool (email as username, emailed verification code, the model's password policy) and a
    public client (no secret) with password and refresh-token auth and token revocation."""
    pool_model = ctx.stack.user_pool
    pool = user_pool_definition(pool_model, f"{ctx.prefix}-users")
    pool["UserPoolName"] = pool.pop("PoolName")
    pool.update(
        {
            "AccountRecoverySetting": {"RecoveryMechanisms": [{"Name": "verified_email", "Priority": 1}]},
            "AdminCreateUserConfig": {"AllowAdminCreateUserOnly": False},
            "VerificationMessageTemplate": {"DefaultEmailOption": "CONFIRM_WITH_CODE"},
            "MfaConfiguration": "OFF",
            "DeletionProtection": "ACTIVE" if ctx.stage.protect_data else "INACTIVE",
        }
    )
    if pool_model.threat_protection != "off":
        pool["UserPoolTier"] = "PLUS"
        pool["UserPoolAddOns"] = {"AdvancedSecurityMode": pool_model.threat_protection.upper()}
    client = user_pool_client_definition(pool_model, "")
    client["UserPoolId"] = ref(pool_model.logical_name)
    # Logout revokes refresh tokens (AdminUserGlobalSignOut); revocation must be on.
    client["EnableTokenRevocation"] = True
    return {
        pool_model.logical_name: {
            "Type": "AWS::Cognito::UserPool",
            **ctx.retention_policy(),
            "Properties": pool,
        },
        names.user_pool_client_id(ctx.stack): {"Type": "AWS::Cognito::UserPoolClient", "Properties": client},
    }

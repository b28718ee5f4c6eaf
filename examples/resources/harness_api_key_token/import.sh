# The official Harness provider's formats are accepted. The value cannot be
# recovered: it stays empty until the token is rotated.
# <parent_id>/<apikey_id>/<apikey_type>/<token_id>
terraform import harness_api_key_token.scim entra_scim/entra/SERVICE_ACCOUNT/entra_scim

# <org_id>/<parent_id>/<apikey_id>/<apikey_type>/<token_id>
terraform import harness_api_key_token.org_ci engineering/ci/deploy/SERVICE_ACCOUNT/pipeline

# <org_id>/<project_id>/<parent_id>/<apikey_id>/<apikey_type>/<token_id>
terraform import harness_api_key_token.project_bot engineering/payments/bot/deploy/SERVICE_ACCOUNT/pipeline

# The official Harness provider's formats are accepted:
# <parent_id>/<apikey_id>/<apikey_type>
terraform import harness_api_key.scim entra_scim/entra/SERVICE_ACCOUNT

# <org_id>/<parent_id>/<apikey_id>/<apikey_type>
terraform import harness_api_key.org_ci engineering/ci/deploy/SERVICE_ACCOUNT

# <org_id>/<project_id>/<parent_id>/<apikey_id>/<apikey_type>
terraform import harness_api_key.project_bot engineering/payments/bot/deploy/SERVICE_ACCOUNT

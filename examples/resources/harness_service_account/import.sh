# Account scope: <identifier>
terraform import harness_service_account.scim entra_scim

# Organization scope: <org_id>/<identifier>
terraform import harness_service_account.org_ci engineering/ci

# Project scope: <org_id>/<project_id>/<identifier>
terraform import harness_service_account.project_bot engineering/payments/bot

# The SCIM secret as code (NextGen only: FirstGen SCIM takes FirstGen keys).
# A service account, an API key and a token, as the Harness + Entra ID
# tutorial creates by hand, and a second provider block whose only
# credential is that token, as Entra ID would use it.

resource "harness_service_account" "entra" {
  identifier = "entra_scim"
  name       = "Entra ID provisioning"
  email      = "entra_scim@service.harness.io"
}

resource "harness_api_key" "entra" {
  identifier  = "entra"
  name        = "Entra ID"
  apikey_type = "SERVICE_ACCOUNT"
  parent_id   = harness_service_account.entra.identifier
}

resource "harness_api_key_token" "entra" {
  identifier  = "entra_scim"
  name        = "Entra ID SCIM"
  apikey_id   = harness_api_key.entra.identifier
  apikey_type = harness_api_key.entra.apikey_type
  parent_id   = harness_api_key.entra.parent_id
  lifetime    = "720h" # 30 days
}

# The tenant URL to paste into Entra ID, computed for this account.
data "harness_scim_tenant_url" "this" {}

provider "harness" {
  alias           = "as_entra"
  endpoint        = data.harness_scim_tenant_url.this.endpoint
  account_id      = data.harness_scim_tenant_url.this.account_id
  api_key         = harness_api_key_token.entra.value
  scim_generation = data.harness_scim_tenant_url.this.scim_generation
}

resource "harness_scim_user" "dave" {
  provider     = harness.as_entra
  user_name    = "dave@example.com"
  display_name = "Dave (provisioned with the SCIM token)"
}

output "scim_tenant_url" {
  value = data.harness_scim_tenant_url.this.url
}

output "scim_token" {
  value     = harness_api_key_token.entra.value
  sensitive = true
}

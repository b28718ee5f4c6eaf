resource "harness_service_account" "scim" {
  identifier = "entra_scim"
  name       = "Entra ID provisioning"
  email      = "entra_scim@service.harness.io"
}

# The key the Entra ID SCIM token is issued under.
resource "harness_api_key" "scim" {
  identifier  = "entra"
  name        = "Entra ID"
  description = "Holds the token Entra ID sends to Harness's SCIM API"
  apikey_type = "SERVICE_ACCOUNT"
  parent_id   = harness_service_account.scim.identifier

  # Tokens created without valid_to live 90 days (milliseconds).
  default_time_to_expire_token = 90 * 24 * 60 * 60 * 1000
}

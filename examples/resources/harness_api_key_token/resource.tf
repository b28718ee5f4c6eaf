resource "harness_service_account" "scim" {
  identifier = "entra_scim"
  name       = "Entra ID provisioning"
  email      = "entra_scim@service.harness.io"
}

resource "harness_api_key" "scim" {
  identifier  = "entra"
  name        = "Entra ID"
  apikey_type = "SERVICE_ACCOUNT"
  parent_id   = harness_service_account.scim.identifier

  # A new email replaces the service account, and Harness deletes its keys
  # and tokens with it: replace the key (and below, the token) in the same
  # apply. Refer to email, not to the whole service account, so that editing
  # its description does not revoke the token.
  lifecycle {
    replace_triggered_by = [harness_service_account.scim.email]
  }
}

# The SCIM secret: each value lives 90 days and is rotated in place two weeks
# before it expires; the previous value keeps working for a day.
resource "harness_api_key_token" "scim" {
  identifier  = "entra_scim"
  name        = "Entra ID SCIM"
  apikey_id   = harness_api_key.scim.identifier
  apikey_type = harness_api_key.scim.apikey_type
  parent_id   = harness_api_key.scim.parent_id

  lifetime              = "2160h"
  rotate_before_expiry  = "336h"
  rotation_grace_period = "24h"

  # Change to rotate now, for example after someone saw the value.
  rotation_triggers = {
    rotation = "1"
  }

  lifecycle {
    replace_triggered_by = [harness_service_account.scim.email]
  }
}

# A token with a fixed validity window instead.
resource "harness_api_key_token" "audit" {
  identifier  = "audit_2030"
  name        = "Audit 2030"
  apikey_id   = harness_api_key.scim.identifier
  apikey_type = harness_api_key.scim.apikey_type
  parent_id   = harness_api_key.scim.parent_id
  valid_from  = "2030-01-01T00:00:00Z"
  valid_to    = "2030-12-31T23:59:59Z"
}

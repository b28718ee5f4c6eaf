# A team in Harness, as a module: its users, its SCIM group, and the
# service account, API key and token its identity provider uses to keep
# them in sync. tests/ checks it with `terraform test` against the mock
# Harness (run-tests.sh starts the mock).

resource "harness_scim_user" "member" {
  for_each = var.members

  user_name    = each.value.user_name
  display_name = each.value.display_name
}

resource "harness_scim_group" "team" {
  display_name = var.team_name
  members      = [for u in harness_scim_user.member : u.id]
}

resource "harness_service_account" "idp" {
  identifier = var.idp_identifier
  name       = "${var.team_name} identity provider"
  email      = "${var.idp_identifier}@service.harness.io"
}

resource "harness_api_key" "idp" {
  identifier  = var.idp_identifier
  name        = "${var.team_name} SCIM"
  apikey_type = "SERVICE_ACCOUNT"
  parent_id   = harness_service_account.idp.identifier

  lifecycle {
    replace_triggered_by = [harness_service_account.idp.email]
  }
}

resource "harness_api_key_token" "idp" {
  identifier  = var.idp_identifier
  name        = "${var.team_name} SCIM"
  apikey_id   = harness_api_key.idp.identifier
  apikey_type = harness_api_key.idp.apikey_type
  parent_id   = harness_api_key.idp.parent_id
  lifetime    = var.token_lifetime

  lifecycle {
    replace_triggered_by = [harness_service_account.idp.email]
  }
}

# The tenant URL to paste into the identity provider next to the token.
data "harness_scim_tenant_url" "this" {}


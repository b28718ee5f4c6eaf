# The identity Microsoft Entra ID provisions as. Grant it the Harness role
# that manages users and user groups (in the Harness UI or with the official
# Harness provider).
resource "harness_service_account" "scim" {
  identifier  = "entra_scim"
  name        = "Entra ID provisioning"
  email       = "entra_scim@service.harness.io"
  description = "Used by Microsoft Entra ID to provision users and groups through SCIM"
  tags = {
    managed_by = "terraform"
  }
}

# A service account in an organization.
resource "harness_service_account" "org_ci" {
  identifier = "ci"
  name       = "CI"
  email      = "ci@service.harness.io"
  org_id     = "engineering"
}

# Terraform 1.12 and later. account_id may be omitted (the provider's account);
# org_id and project_id only for a service account in an organization or project.
import {
  to = harness_service_account.scim
  identity = {
    identifier = "entra_scim"
  }
}

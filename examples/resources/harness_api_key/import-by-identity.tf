# Terraform 1.12 and later. account_id may be omitted (the provider's account);
# org_id and project_id only for a key in an organization or project.
import {
  to = harness_api_key.scim
  identity = {
    identifier  = "entra"
    parent_id   = "entra_scim"
    apikey_type = "SERVICE_ACCOUNT"
  }
}

# Terraform 1.12 and later. The token's value stays null after an import:
# Harness never returns it (see "The value" above).
import {
  to = harness_api_key_token.scim
  identity = {
    identifier  = "entra_scim"
    apikey_id   = "entra"
    parent_id   = "entra_scim"
    apikey_type = "SERVICE_ACCOUNT"
  }
}

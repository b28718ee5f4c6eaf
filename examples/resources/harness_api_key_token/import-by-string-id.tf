import {
  to = harness_api_key_token.scim
  id = "entra_scim/entra/SERVICE_ACCOUNT/entra_scim"
}

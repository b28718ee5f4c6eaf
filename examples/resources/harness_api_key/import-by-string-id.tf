import {
  to = harness_api_key.scim
  id = "entra_scim/entra/SERVICE_ACCOUNT"
}

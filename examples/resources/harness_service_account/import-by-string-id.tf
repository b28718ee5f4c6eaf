import {
  to = harness_service_account.scim
  id = "entra_scim"
}

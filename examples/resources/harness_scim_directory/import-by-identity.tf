# Terraform 1.12 and later. account_id may be omitted (the provider's account).
import {
  to = harness_scim_directory.this
  identity = {
    account_id = "<account_id>"
  }
}

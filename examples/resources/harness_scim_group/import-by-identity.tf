# Terraform 1.12 and later. account_id may be omitted (the provider's account).
import {
  to = harness_scim_group.platform
  identity = {
    id = "Platform_Team"
  }
}

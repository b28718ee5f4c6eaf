# Terraform 1.12 and later. account_id may be omitted (the provider's account).
import {
  to = harness_scim_user.alice
  identity = {
    id = "mabZ5n1xRrueqtd6sPBQuA"
  }
}

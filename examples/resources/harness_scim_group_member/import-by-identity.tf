# Terraform 1.12 and later. account_id may be omitted (the provider's account).
import {
  to = harness_scim_group_member.carol_on_call
  identity = {
    group_id = "On_Call"
    user_id  = "mabZ5n1xRrueqtd6sPBQuA"
  }
}

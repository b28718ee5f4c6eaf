import {
  to = harness_scim_group_member.carol_on_call
  id = "On_Call/mabZ5n1xRrueqtd6sPBQuA"
}

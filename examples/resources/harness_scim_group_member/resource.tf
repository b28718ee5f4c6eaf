# A group whose membership Terraform does not own as a whole.
resource "harness_scim_group" "on_call" {
  display_name = "On Call"
}

resource "harness_scim_user" "carol" {
  user_name    = "carol@example.com"
  display_name = "Carol Poe"
}

# Adds Carol to the group and leaves its other members alone. Do not use
# this on a group whose harness_scim_group sets members.
resource "harness_scim_group_member" "carol_on_call" {
  group_id = harness_scim_group.on_call.id
  user_id  = harness_scim_user.carol.id
}

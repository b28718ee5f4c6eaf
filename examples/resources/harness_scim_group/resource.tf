resource "harness_scim_user" "alice" {
  user_name    = "alice@example.com"
  display_name = "Alice Doe"
}

resource "harness_scim_user" "bob" {
  user_name    = "bob@example.com"
  display_name = "Bob Roe"
}

# The group has exactly these members: anyone else is removed. Adding or
# removing any number of members is one PATCH request.
resource "harness_scim_group" "platform" {
  display_name = "Platform Team"
  members = [
    harness_scim_user.alice.id,
    harness_scim_user.bob.id,
  ]
}

# Without members, Terraform manages only the group itself and leaves its
# membership to an identity provider or to harness_scim_group_member.
resource "harness_scim_group" "on_call" {
  display_name = "On Call"
}

resource "harness_scim_user" "alice" {
  user_name    = "alice@example.com"
  display_name = "Alice Doe"
  given_name   = "Alice"
  family_name  = "Doe"
}

# Destroy deactivates instead of deleting, as Entra ID does on unassignment.
resource "harness_scim_user" "contractor" {
  user_name    = "contractor@example.com"
  display_name = "Temporary Contractor"
  external_id  = "00u1ab2cd3EF4gh5I6j7" # the IdP's id; NextGen only
  on_destroy   = "deactivate"
}

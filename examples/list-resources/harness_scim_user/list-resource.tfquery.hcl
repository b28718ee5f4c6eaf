# Every user Harness's SCIM search knows (users created or updated through
# SCIM), up to 5000. Run `terraform query -generate-config-out=users.tf` to
# write an import block and a resource block for each.
list "harness_scim_user" "all" {
  provider = harness
  limit    = 5000
}

# One user, by email in any case (one request).
list "harness_scim_user" "alice" {
  provider         = harness
  include_resource = true
  config {
    user_name = "Alice@Example.com"
  }
}

# Active users whose email or name contains "contractor".
list "harness_scim_user" "contractors" {
  provider = harness
  config {
    search = "contractor"
    active = true
  }
}

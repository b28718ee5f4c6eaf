data "harness_scim_users" "all" {}

# Users that exist in Harness but are not managed by this configuration.
locals {
  managed   = toset([for u in [harness_scim_user.alice] : u.id])
  unmanaged = [for u in data.harness_scim_users.all.users : u.user_name if !contains(local.managed, u.id)]
}

output "unmanaged_users" {
  value = local.unmanaged
}

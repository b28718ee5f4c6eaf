data "harness_scim_groups" "all" {}

# Groups that exist in Harness, keyed by name, with their member counts.
output "group_sizes" {
  value = { for g in data.harness_scim_groups.all.groups : g.display_name => length(g.members) }
}

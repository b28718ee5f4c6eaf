data "harness_scim_group" "platform" {
  display_name = "Platform Team"
}

# Or by id.
data "harness_scim_group" "on_call" {
  id = "On_Call"
}

output "platform_member_emails" {
  value = values(data.harness_scim_group.platform.member_emails)
}

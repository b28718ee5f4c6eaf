output "group_id" {
  description = "Harness id of the team's SCIM group."
  value       = harness_scim_group.team.id
}

output "member_ids" {
  description = "Harness user id of each member, keyed like var.members."
  value       = { for k, u in harness_scim_user.member : k => u.id }
}

output "scim_tenant_url" {
  description = "The SCIM tenant URL for the identity provider."
  value       = data.harness_scim_tenant_url.this.url
}

output "scim_token" {
  description = "The identity provider's SCIM secret token."
  value       = harness_api_key_token.idp.value
  sensitive   = true
}

# The Tenant URL to give Microsoft Entra ID (or Okta's SCIM connector base
# URL), for the provider's account and SCIM generation.
data "harness_scim_tenant_url" "this" {}

output "scim_tenant_url" {
  value = data.harness_scim_tenant_url.this.url
}

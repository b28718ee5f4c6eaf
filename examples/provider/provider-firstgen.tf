# Accounts still provisioned through the FirstGen SCIM endpoint
# (https://app.harness.io/gateway/api/scim/account/<id>, the tenant URL in
# Microsoft's Entra ID tutorial) use a FirstGen API key and:
provider "harness" {
  alias           = "firstgen"
  account_id      = var.harness_account_id
  api_key         = var.harness_firstgen_api_key
  scim_generation = "firstgen"
}

variable "harness_firstgen_api_key" {
  type      = string
  sensitive = true
}

# The service-account tokens of the account scope. Harness never returns a
# token's value, so an imported token has value = null until Terraform
# rotates it.
list "harness_api_key_token" "all" {
  provider = harness
}

# The tokens of one key.
list "harness_api_key_token" "entra" {
  provider = harness
  config {
    parent_id = "entra_scim"
    apikey_id = "entra"
  }
}

# The keys of every service account of the account scope.
list "harness_api_key" "all" {
  provider = harness
}

# The keys of one service account.
list "harness_api_key" "entra" {
  provider = harness
  config {
    parent_id = "entra_scim"
  }
}

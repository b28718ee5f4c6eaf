# The service accounts of the account scope.
list "harness_service_account" "account" {
  provider = harness
}

# Those of one project whose name or identifier contains "scim".
list "harness_service_account" "project_scim" {
  provider = harness
  config {
    org_id     = "default"
    project_id = "platform"
    search     = "scim"
  }
}

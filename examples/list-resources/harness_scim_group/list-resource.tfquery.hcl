# Every SCIM group, with members when include_resource is set.
list "harness_scim_group" "all" {
  provider         = harness
  include_resource = true
  limit            = 1000
}

# Groups whose name or id contains "platform".
list "harness_scim_group" "platform" {
  provider = harness
  config {
    search = "platform"
  }
}

terraform {
  required_version = ">= 1.10"
  required_providers {
    harness = {
      source = "harness-scim/harness"
    }
  }
}

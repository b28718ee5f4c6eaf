terraform {
  required_providers {
    harness = {
      source = "harness-scim/harness"
    }
  }
}

# Credentials can also come from HARNESS_ENDPOINT, HARNESS_ACCOUNT_ID and
# HARNESS_PLATFORM_API_KEY, the variables the official Harness provider reads.
provider "harness" {
  account_id = var.harness_account_id
  api_key    = var.harness_api_key # a pat. or sat. token; Sensitive
}

variable "harness_account_id" {
  type = string
}

variable "harness_api_key" {
  type      = string
  sensitive = true
}

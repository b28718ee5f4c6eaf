# What the identity provider sees: a provider block whose only credential
# is the team's SCIM token. The endpoint and account come from
# HARNESS_ENDPOINT and HARNESS_ACCOUNT_ID, as for the module under test.

terraform {
  required_providers {
    harness = {
      source = "harness-scim/harness"
    }
  }
}

variable "token" {
  description = "The SCIM token the module created."
  type        = string
  sensitive   = true
}

variable "team_name" {
  description = "Display name of the team's group."
  type        = string
}

provider "harness" {
  api_key = var.token
}

data "harness_scim_group" "team" {
  display_name = var.team_name
}

output "group_id" {
  value = data.harness_scim_group.team.id
}

output "member_emails" {
  value = sort(values(data.harness_scim_group.team.member_emails))
}

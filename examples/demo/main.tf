# The configuration `make demo` applies against the mock Harness.
# The provider is configured from HARNESS_ENDPOINT, HARNESS_ACCOUNT_ID,
# HARNESS_PLATFORM_API_KEY and HARNESS_SCIM_GENERATION, which the demo sets.

terraform {
  required_version = ">= 1.10"
  required_providers {
    harness = {
      source = "harness-scim/harness"
    }
  }
}

provider "harness" {}

resource "harness_scim_user" "alice" {
  user_name    = "Alice@Example.com" # Harness stores it lower-cased; no diff.
  display_name = "Alice Doe"
  given_name   = "Alice"
  family_name  = "Doe"
}

resource "harness_scim_user" "bob" {
  user_name    = "bob@example.com"
  display_name = "Bob Smith"
}

resource "harness_scim_user" "carol" {
  user_name    = "carol@example.com"
  display_name = "Carol Jones"
  on_destroy   = "deactivate" # PATCH active=false, as Entra ID does.
}

# Who is in the Platform Team; the demo changes it with a .tfvars file.
variable "platform_team" {
  type    = list(string)
  default = ["alice", "bob"]
}

locals {
  users = {
    alice = harness_scim_user.alice.id
    bob   = harness_scim_user.bob.id
    carol = harness_scim_user.carol.id
  }
}

# Any member change is one PATCH plus one read, whatever its size.
resource "harness_scim_group" "platform" {
  display_name = "Platform Team"
  members      = [for name in var.platform_team : local.users[name]]
}

output "alice_id" {
  value = harness_scim_user.alice.id
}

output "platform_team_id" {
  value = harness_scim_group.platform.id
}

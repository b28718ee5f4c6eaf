# terraform test for the team module, against the mock Harness:
# ../run-tests.sh (or `make module-test`) builds the provider, starts
# harness-mock on 127.0.0.1 and runs `terraform test` with the provider
# pointed at it. Runs share one mock, in order.

variables {
  team_name = "Platform Team"
  members = {
    alice = { user_name = "alice@example.com", display_name = "Alice Doe" }
    bob   = { user_name = "bob@example.com", display_name = "Bob Smith" }
  }
}

# Bad input fails the plan with the module's own message; nothing is sent
# to Harness.
run "rejects_a_member_without_an_email" {
  command = plan

  variables {
    members = {
      alice = { user_name = "alice", display_name = "Alice Doe" }
    }
  }

  expect_failures = [var.members]
}

run "rejects_a_token_lifetime_over_a_year" {
  command = plan

  variables {
    token_lifetime = "9000h"
  }

  expect_failures = [var.token_lifetime]
}

run "creates_the_team" {
  assert {
    condition     = alltrue([for u in harness_scim_user.member : length(u.id) == 22])
    error_message = "Every user must have the 22-character id Harness gave it."
  }

  assert {
    condition     = length(output.member_ids) == 2 && toset(harness_scim_group.team.members) == toset(values(output.member_ids))
    error_message = "The group must hold exactly the two users."
  }

  assert {
    condition     = output.group_id == "Platform_Team"
    error_message = "NextGen derives the group id from its name: want Platform_Team, got ${output.group_id}."
  }

  assert {
    condition     = startswith(nonsensitive(output.scim_token), "sat.${data.harness_scim_tenant_url.this.account_id}.")
    error_message = "The token must be a service-account token (sat.<account>.…) of this account."
  }

  assert {
    condition     = issensitive(output.scim_token)
    error_message = "The token output must be sensitive."
  }

  assert {
    condition     = output.scim_tenant_url == "${data.harness_scim_tenant_url.this.endpoint}/ng/api/scim/account/${data.harness_scim_tenant_url.this.account_id}"
    error_message = "The tenant URL must be the NextGen SCIM URL of the account: got ${output.scim_tenant_url}."
  }

  assert {
    condition     = startswith(output.scim_tenant_url, "http://127.0.0.1:")
    error_message = "These tests must run against the mock on the loopback address, not a real Harness."
  }
}

# The token is a working SCIM credential: a provider block that has only
# the token reads the team's group, as the identity provider would.
run "token_reads_the_group_as_the_identity_provider" {
  module {
    source = "./tests/idp"
  }

  variables {
    token = run.creates_the_team.scim_token
  }

  assert {
    condition     = output.group_id == run.creates_the_team.group_id
    error_message = "The identity provider's view of the group has another id."
  }

  assert {
    condition     = output.member_emails == tolist(["alice@example.com", "bob@example.com"])
    error_message = "The identity provider sees the members ${jsonencode(output.member_emails)}."
  }
}

# Bob leaves and Carol joins: Alice keeps her user and id, the group keeps
# its id and holds exactly Alice and Carol.
run "changes_members_in_place" {
  variables {
    members = {
      alice = { user_name = "alice@example.com", display_name = "Alice Doe" }
      carol = { user_name = "carol@example.com", display_name = "Carol Jones" }
    }
  }

  assert {
    condition     = output.member_ids["alice"] == run.creates_the_team.member_ids["alice"]
    error_message = "Alice's user was replaced."
  }

  assert {
    condition     = output.group_id == run.creates_the_team.group_id
    error_message = "The group was replaced."
  }

  assert {
    condition     = toset(harness_scim_group.team.members) == toset([output.member_ids["alice"], output.member_ids["carol"]])
    error_message = "The group must hold exactly Alice and Carol."
  }

  assert {
    condition     = !contains(harness_scim_group.team.members, run.creates_the_team.member_ids["bob"])
    error_message = "Bob is still in the group."
  }
}

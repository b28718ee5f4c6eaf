# The whole SCIM directory of the account, as data: here from a CSV file
# with the columns email, display_name, given_name, family_name and team.
locals {
  people  = csvdecode(file("${path.module}/people.csv"))
  by_team = { for p in local.people : p.team => lower(p.email)... }
}

resource "harness_scim_directory" "this" {
  users = {
    for p in local.people : lower(p.email) => {
      display_name = p.display_name
      given_name   = p.given_name
      family_name  = p.family_name
    }
  }

  # Members are user names: keys of users, or users Harness already has.
  groups = {
    for team, members in local.by_team : team => { members = members }
  }

  # Remove SCIM users and groups that are not listed above, as an identity
  # provider deprovisions unassigned users.
  exclusive = true
}

# Other resources refer to users and groups by name.
output "platform_team_id" {
  value = harness_scim_directory.this.group_ids["Platform Team"]
}

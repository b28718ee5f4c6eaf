# Import by Harness group id (NextGen derives it from the name: "Platform Team" -> Platform_Team).
terraform import harness_scim_group.platform Platform_Team

# Or by exact display name.
terraform import harness_scim_group.platform "Platform Team"

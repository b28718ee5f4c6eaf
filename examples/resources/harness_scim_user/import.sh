# By Harness user id:
terraform import harness_scim_user.alice mabZ5n1xRrueqtd6sPBQuA

# By user name (email, any case). Harness only finds users created or
# updated through SCIM this way; import others by id.
terraform import harness_scim_user.alice alice@example.com

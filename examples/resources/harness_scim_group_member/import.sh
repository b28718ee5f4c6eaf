# Import as <group_id>/<user_id>.
terraform import harness_scim_group_member.carol_on_call On_Call/mabZ5n1xRrueqtd6sPBQuA

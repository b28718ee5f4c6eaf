data "harness_scim_user" "alice" {
  user_name = "Alice@Example.com"
}

data "harness_scim_user" "by_id" {
  id = "mabZ5n1xRrueqtd6sPBQuA"
}

output "alice_id" {
  value = data.harness_scim_user.alice.id
}

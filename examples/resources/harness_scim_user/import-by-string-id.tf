import {
  to = harness_scim_user.alice
  id = "alice@example.com" # or the Harness user id
}

# The id is the provider's account id. Every SCIM user and group of the
# account is adopted: a configuration that lists them as Harness has them
# (keys and members in any case and order; names it omits are kept) plans
# nothing.
import {
  to = harness_scim_directory.this
  id = "<account_id>"
}

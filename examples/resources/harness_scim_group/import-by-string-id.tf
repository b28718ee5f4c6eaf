# The id may be a group id or an exact display name. Import records the
# group's members: a configuration that lists them, in any order, plans
# nothing, and one without members leaves them alone.
import {
  to = harness_scim_group.platform
  id = "Platform_Team"
}

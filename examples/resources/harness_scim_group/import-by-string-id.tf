# The id may be a group id or an exact display name.
import {
  to = harness_scim_group.platform
  id = "Platform_Team"
}

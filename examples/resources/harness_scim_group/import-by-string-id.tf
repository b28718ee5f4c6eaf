# The id may be a group id or an exact display name. Members are not
# imported: without members in the configuration the import plans nothing;
# with members, the first plan shows them being set.
import {
  to = harness_scim_group.platform
  id = "Platform_Team"
}

variable "team_name" {
  description = "Display name of the team's SCIM group."
  type        = string

  validation {
    condition     = length(trimspace(var.team_name)) > 0
    error_message = "team_name must not be empty."
  }
}

variable "members" {
  description = "The team's users, keyed by a short name: the email Harness knows them by and their display name."
  type = map(object({
    user_name    = string
    display_name = string
  }))

  validation {
    condition     = alltrue([for m in values(var.members) : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", m.user_name))])
    error_message = "Every member's user_name must be an email address, such as alice@example.com."
  }
}

variable "idp_identifier" {
  description = "Identifier of the service account, API key and token the identity provider uses for SCIM."
  type        = string
  default     = "idp_scim"
}

variable "token_lifetime" {
  description = "How long the identity provider's token stays valid, as a Go duration."
  type        = string
  default     = "720h"

  validation {
    condition     = can(regex("^[0-9]+h$", var.token_lifetime)) && tonumber(trimsuffix(var.token_lifetime, "h")) <= 8760
    error_message = "token_lifetime must be whole hours, at most 8760h (one year), such as \"720h\"."
  }
}

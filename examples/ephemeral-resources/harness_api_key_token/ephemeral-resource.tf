# A token that exists only while Terraform runs: it is created when
# Terraform needs the value, deleted when the run ends, and never written to
# the plan or the state.
ephemeral "harness_api_key_token" "run" {
  apikey_id   = "automation"
  apikey_type = "SERVICE_ACCOUNT"
  parent_id   = "terraform_runner"
  lifetime    = "30m"
}

# Use it as another provider block's credential, for example to act as the
# service account the key belongs to.
provider "harness" {
  alias   = "runner"
  api_key = ephemeral.harness_api_key_token.run.value
}

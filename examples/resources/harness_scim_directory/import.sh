# Import by account id: adopts every SCIM user and group of the account.
terraform import harness_scim_directory.this <account_id>

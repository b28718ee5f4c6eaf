module github.com/harness-scim/terraform-provider-harness

go 1.26.8

require (
	github.com/hashicorp/go-cleanhttp v0.5.2
	golang.org/x/text v0.44.0
)

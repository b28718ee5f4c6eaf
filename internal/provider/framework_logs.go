package provider

import (
	"os"
	"strings"
)

// envFrameworkLog is terraform-plugin-framework's log level variable.
const envFrameworkLog = "TF_LOG_SDK_FRAMEWORK"

// QuietFrameworkLogs makes terraform-plugin-framework log only at the level
// Terraform shows, unless TF_LOG_SDK_FRAMEWORK says otherwise. The
// framework logs several TRACE lines per value of every request, and a
// provider logs whatever Terraform's level (Terraform filters the lines
// after the provider has built, written and sent them): a no-change plan of
// a 10,000-user harness_scim_directory spent 82 s of provider CPU with
// them and 7 s without (terraform-plugin-framework issues 721 and 1269).
// Terraform's level reaches the provider through the environment it
// inherits: TF_LOG_PROVIDER, else TF_LOG; none means Terraform shows no
// provider logs at all.
func QuietFrameworkLogs() {
	quietFrameworkLogs(os.Getenv, os.Setenv)
}

func quietFrameworkLogs(getenv func(string) string, setenv func(string, string) error) {
	if getenv(envFrameworkLog) != "" {
		return
	}
	level := strings.ToUpper(strings.TrimSpace(getenv("TF_LOG_PROVIDER")))
	if level == "" {
		level = strings.ToUpper(strings.TrimSpace(getenv("TF_LOG")))
	}
	switch level {
	case "TRACE", "JSON":
		return // everything was asked for
	case "DEBUG", "INFO", "WARN", "ERROR":
	default:
		level = "OFF"
	}
	_ = setenv(envFrameworkLog, level)
}

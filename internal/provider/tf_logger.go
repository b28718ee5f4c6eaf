package provider

import (
	"context"
	"regexp"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/harness-scim/terraform-provider-harness/internal/client"
)

// tfLogger adapts client.Logger to tflog, masking secrets again as a second
// line of defence.
type tfLogger struct {
	secrets []string
}

func newTFLogger(secrets ...string) *tfLogger {
	l := &tfLogger{}
	for _, s := range secrets {
		if s != "" {
			l.secrets = append(l.secrets, s)
		}
	}
	return l
}

var logMaskPatterns = []*regexp.Regexp{client.SecretPattern}

func (l *tfLogger) Debug(ctx context.Context, msg string, fields map[string]any) {
	tflog.Debug(l.masked(ctx), msg, fields)
}

// Info carries the client's rate-limit pauses.
func (l *tfLogger) Info(ctx context.Context, msg string, fields map[string]any) {
	tflog.Info(l.masked(ctx), msg, fields)
}

func (l *tfLogger) masked(ctx context.Context) context.Context {
	ctx = tflog.SetField(ctx, "harness_api", true)
	ctx = tflog.MaskAllFieldValuesRegexes(ctx, logMaskPatterns...)
	ctx = tflog.MaskMessageRegexes(ctx, logMaskPatterns...)
	if len(l.secrets) > 0 {
		ctx = tflog.MaskAllFieldValuesStrings(ctx, l.secrets...)
		ctx = tflog.MaskMessageStrings(ctx, l.secrets...)
	}
	return ctx
}

package provider

import "testing"

func TestQuietFrameworkLogs(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		env  map[string]string
		want string // TF_LOG_SDK_FRAMEWORK afterwards; "" means left unset
	}{
		"no logs asked for":           {env: map[string]string{}, want: "OFF"},
		"TF_LOG=debug":                {env: map[string]string{"TF_LOG": "debug"}, want: "DEBUG"},
		"TF_LOG=trace keeps all":      {env: map[string]string{"TF_LOG": "TRACE"}, want: ""},
		"TF_LOG=json keeps all":       {env: map[string]string{"TF_LOG": "JSON"}, want: ""},
		"TF_LOG_PROVIDER wins":        {env: map[string]string{"TF_LOG": "TRACE", "TF_LOG_PROVIDER": "info"}, want: "INFO"},
		"explicit setting kept":       {env: map[string]string{envFrameworkLog: "TRACE"}, want: "TRACE"},
		"invalid level means no logs": {env: map[string]string{"TF_LOG": "verbose"}, want: "OFF"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			env := map[string]string{}
			for k, v := range tc.env {
				env[k] = v
			}
			quietFrameworkLogs(func(k string) string { return env[k] }, func(k, v string) error { env[k] = v; return nil })
			if got := env[envFrameworkLog]; got != tc.want {
				t.Errorf("%s = %q, want %q", envFrameworkLog, got, tc.want)
			}
		})
	}
}

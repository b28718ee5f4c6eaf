package mockserver

import (
	"strings"
	"testing"
)

func TestRestoreRefusesAnotherProfile(t *testing.T) {
	ng := New(Options{Profile: MustProfile("nextgen")})
	ng.SeedUser(UserSpec{Email: "a@example.com", DisplayName: "A"})
	data, err := ng.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	fg := New(Options{Profile: MustProfile("firstgen")})
	err = fg.Restore(data)
	if err == nil || !strings.Contains(err.Error(), `state was saved by profile "nextgen"`) {
		t.Fatalf("Restore into a firstgen mock: err = %v, want a profile mismatch", err)
	}
	if _, ok := fg.UserByEmail("a@example.com"); ok {
		t.Fatal("the refused state was loaded anyway")
	}
	same := New(Options{Profile: MustProfile("nextgen")})
	if err := same.Restore(data); err != nil {
		t.Fatalf("Restore into the same profile: %v", err)
	}
	if _, ok := same.UserByEmail("a@example.com"); !ok {
		t.Fatal("the user did not survive Snapshot/Restore")
	}
}

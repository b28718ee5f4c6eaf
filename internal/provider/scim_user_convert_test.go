package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/harness-scim/terraform-provider-harness/internal/client"
)

func ptrBool(b bool) *bool { return &b }

func TestSCIMUserToAPI(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		model scimUserResourceModel
		want  client.SCIMUser
	}{
		"lower-cases user_name and sends names when known": {
			model: scimUserResourceModel{
				UserName: newEmailValue("Alice@Example.COM"), DisplayName: types.StringValue("Alice"),
				GivenName: types.StringValue("Alice"), FamilyName: types.StringValue("Doe"),
				ExternalID: types.StringValue("00u1"), Active: types.BoolValue(true),
			},
			want: client.SCIMUser{UserName: "alice@example.com", DisplayName: "Alice", Active: ptrBool(true),
				ExternalID: "00u1", Name: &client.SCIMName{GivenName: "Alice", FamilyName: "Doe"}},
		},
		"unknown names and active default to no name object and active": {
			model: scimUserResourceModel{
				UserName: newEmailValue("bob@example.com"), DisplayName: types.StringValue("Bob"),
				GivenName: types.StringUnknown(), FamilyName: types.StringUnknown(),
				ExternalID: types.StringUnknown(), Active: types.BoolUnknown(),
			},
			want: client.SCIMUser{UserName: "bob@example.com", DisplayName: "Bob", Active: ptrBool(true)},
		},
		"active false is sent, not omitted": {
			model: scimUserResourceModel{
				UserName: newEmailValue("c@example.com"), DisplayName: types.StringValue("C"),
				GivenName: types.StringNull(), FamilyName: types.StringNull(), ExternalID: types.StringNull(),
				Active: types.BoolValue(false),
			},
			want: client.SCIMUser{UserName: "c@example.com", DisplayName: "C", Active: ptrBool(false)},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got := tc.model.toAPI()
			if got.UserName != tc.want.UserName || got.DisplayName != tc.want.DisplayName || got.ExternalID != tc.want.ExternalID ||
				got.Active == nil || *got.Active != *tc.want.Active {
				t.Fatalf("toAPI() = %+v, want %+v", got, tc.want)
			}
			if (got.Name == nil) != (tc.want.Name == nil) || (got.Name != nil && *got.Name != *tc.want.Name) {
				t.Fatalf("toAPI().Name = %+v, want %+v", got.Name, tc.want.Name)
			}
		})
	}
}

func TestSCIMUserApplyAPI(t *testing.T) {
	t.Parallel()
	prior := scimUserResourceModel{
		ID: types.StringValue("old"), UserName: newEmailValue("Alice@Example.com"), DisplayName: types.StringValue("Alice"),
		GivenName: types.StringValue("Alice"), FamilyName: types.StringValue("Doe"), ExternalID: types.StringUnknown(),
		Active: types.BoolValue(true), OnDestroy: types.StringNull(),
	}
	t.Run("NextGen without names keeps the prior names", func(t *testing.T) {
		t.Parallel()
		m := prior
		m.applyAPI(&client.SCIMUser{ID: "id1", UserName: "alice@example.com", DisplayName: "Alice D",
			Active: ptrBool(false), Name: &client.SCIMName{DisplayName: "Alice D"}}, client.NextGen)
		if m.ID.ValueString() != "id1" || m.DisplayName.ValueString() != "Alice D" || m.Active.ValueBool() {
			t.Fatalf("applyAPI: %+v", m)
		}
		if m.GivenName.ValueString() != "Alice" || m.FamilyName.ValueString() != "Doe" {
			t.Fatalf("names not kept: %s %s", m.GivenName, m.FamilyName)
		}
		if !m.ExternalID.IsNull() || m.OnDestroy.ValueString() != onDestroyDelete {
			t.Fatalf("external_id %s (want null), on_destroy %s (want delete)", m.ExternalID, m.OnDestroy)
		}
	})
	t.Run("reported names and externalId win", func(t *testing.T) {
		t.Parallel()
		m := prior
		m.applyAPI(&client.SCIMUser{ID: "id1", UserName: "alice@example.com", DisplayName: "Alice", ExternalID: "00u9",
			Name: &client.SCIMName{GivenName: "Al", FamilyName: "D"}}, client.NextGen)
		if m.GivenName.ValueString() != "Al" || m.FamilyName.ValueString() != "D" || m.ExternalID.ValueString() != "00u9" {
			t.Fatalf("applyAPI: %+v", m)
		}
		if !m.Active.ValueBool() {
			t.Fatal("a missing active must read as active")
		}
	})
	t.Run("FirstGen never reports externalId, so the prior value stays", func(t *testing.T) {
		t.Parallel()
		m := prior
		m.ExternalID = types.StringNull()
		m.applyAPI(&client.SCIMUser{ID: "id1", UserName: "alice@example.com", DisplayName: "Alice"}, client.FirstGen)
		if !m.ExternalID.IsNull() {
			t.Fatalf("external_id = %s", m.ExternalID)
		}
	})
	t.Run("unknown computed names become null", func(t *testing.T) {
		t.Parallel()
		m := prior
		m.GivenName, m.FamilyName = types.StringUnknown(), types.StringUnknown()
		m.applyAPI(&client.SCIMUser{ID: "id1", UserName: "alice@example.com", DisplayName: "Alice"}, client.NextGen)
		if !m.GivenName.IsNull() || !m.FamilyName.IsNull() {
			t.Fatalf("names = %s %s, want null", m.GivenName, m.FamilyName)
		}
	})
}

func TestKeepConfigured(t *testing.T) {
	t.Parallel()
	var diags diag.Diagnostics
	got := types.StringValue("Al")
	unknownPlanned := types.StringValue("kept")
	keepConfigured(&diags, "alice@example.com",
		namedString("given_name", types.StringValue("Alice"), &got),
		namedString("family_name", types.StringUnknown(), &unknownPlanned),
	)
	if got.ValueString() != "Alice" || unknownPlanned.ValueString() != "kept" {
		t.Fatalf("got %s / %s", got, unknownPlanned)
	}
	if diags.WarningsCount() != 1 || diags.HasError() {
		t.Fatalf("diagnostics: %v", diags)
	}
}

func TestUserChangesHarness(t *testing.T) {
	t.Parallel()
	base := scimUserResourceModel{
		UserName: newEmailValue("Alice@Example.com"), DisplayName: types.StringValue("Alice"),
		GivenName: types.StringValue("A"), FamilyName: types.StringValue("D"), Active: types.BoolValue(true),
		OnDestroy: types.StringValue(onDestroyDelete),
	}
	same := base
	same.UserName = newEmailValue("alice@example.com")
	same.OnDestroy = types.StringValue(onDestroyDeactivate)
	if userChangesHarness(same, base) {
		t.Error("a case-only user_name change and on_destroy must not call Harness")
	}
	for name, edit := range map[string]func(*scimUserResourceModel){
		"user_name":    func(m *scimUserResourceModel) { m.UserName = newEmailValue("alicia@example.com") },
		"display_name": func(m *scimUserResourceModel) { m.DisplayName = types.StringValue("Alicia") },
		"given_name":   func(m *scimUserResourceModel) { m.GivenName = types.StringValue("B") },
		"family_name":  func(m *scimUserResourceModel) { m.FamilyName = types.StringValue("E") },
		"active":       func(m *scimUserResourceModel) { m.Active = types.BoolValue(false) },
	} {
		changed := base
		edit(&changed)
		if !userChangesHarness(changed, base) {
			t.Errorf("a change of %s must call Harness", name)
		}
	}
}

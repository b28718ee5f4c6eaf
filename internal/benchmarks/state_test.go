package benchmarks

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// Terraform needs over ten minutes to apply 10,000 objects on two cores, so
// the benchmarks never do: they apply a small template of the configuration
// for real, then copy its state instances for every other key, rewriting
// the key, the id and the ids it refers to. Whatever the schema holds
// (identity, private state, new attributes) is copied as Terraform wrote it.

type tfState struct {
	Version          int             `json:"version"`
	TerraformVersion string          `json:"terraform_version"`
	Serial           int             `json:"serial"`
	Lineage          string          `json:"lineage"`
	Outputs          json.RawMessage `json:"outputs"`
	Resources        []tfResource    `json:"resources"`
	CheckResults     json.RawMessage `json:"check_results,omitempty"`
}

type tfResource struct {
	Module    string            `json:"module,omitempty"`
	Mode      string            `json:"mode"`
	Type      string            `json:"type"`
	Name      string            `json:"name"`
	Provider  string            `json:"provider"`
	Instances []json.RawMessage `json:"instances"`
}

// instanceHead is what the cloning reads of an instance.
type instanceHead struct {
	IndexKey   string `json:"index_key"`
	Attributes struct {
		ID string `json:"id"`
	} `json:"attributes"`
}

// clone is one copy of a template instance: every old string of the
// template's JSON becomes the new one (pairs as for strings.NewReplacer).
type clone struct{ pairs []string }

// stateFile is a terraform.tfstate being extended.
type stateFile struct {
	tb    testing.TB
	path  string
	state tfState
}

func readState(tb testing.TB, path string) *stateFile {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	sf := &stateFile{tb: tb, path: path}
	if err := json.Unmarshal(data, &sf.state); err != nil {
		tb.Fatalf("reading %s: %v", path, err)
	}
	return sf
}

// template returns the instance of typ.name at key and its id.
func (sf *stateFile) template(typ, name, key string) (json.RawMessage, string) {
	sf.tb.Helper()
	r := sf.resource(typ, name)
	for _, inst := range r.Instances {
		var h instanceHead
		if err := json.Unmarshal(inst, &h); err != nil {
			sf.tb.Fatal(err)
		}
		if h.IndexKey == key {
			return inst, h.Attributes.ID
		}
	}
	sf.tb.Fatalf("%s.%s[%q] is not in the template state", typ, name, key)
	return nil, ""
}

func (sf *stateFile) resource(typ, name string) *tfResource {
	sf.tb.Helper()
	for i := range sf.state.Resources {
		if r := &sf.state.Resources[i]; r.Mode == "managed" && r.Type == typ && r.Name == name {
			return r
		}
	}
	sf.tb.Fatalf("%s.%s is not in the template state", typ, name)
	return nil
}

// add appends one instance of typ.name per clone, made from tmpl.
func (sf *stateFile) add(typ, name string, tmpl json.RawMessage, clones []clone) {
	r := sf.resource(typ, name)
	for _, c := range clones {
		r.Instances = append(r.Instances, json.RawMessage(strings.NewReplacer(c.pairs...).Replace(string(tmpl))))
	}
}

// save writes the state back with the next serial.
func (sf *stateFile) save() {
	sf.tb.Helper()
	sf.state.Serial++
	data, err := json.Marshal(sf.state)
	if err != nil {
		sf.tb.Fatal(err)
	}
	if err := os.WriteFile(sf.path, data, 0o600); err != nil {
		sf.tb.Fatal(err)
	}
}

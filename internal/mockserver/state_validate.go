package mockserver

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
)

// Validation of saved state (Restore, the standalone command's -state
// file): a state the handlers could not serve (a null user, a group member
// that does not exist, a key stored under another identifier) is refused
// with every problem named by its field, instead of making later requests
// panic or misbehave.

// maxStateProblems bounds how many problems one error lists.
const maxStateProblems = 20

// StateError lists what is wrong with saved state, one problem per field.
type StateError struct {
	Problems []string // "users[\"x\"]: is null"
}

func (e *StateError) Error() string {
	list := e.Problems
	more := ""
	if len(list) > maxStateProblems {
		more = fmt.Sprintf("\n  (and %d more)", len(list)-maxStateProblems)
		list = list[:maxStateProblems]
	}
	return strings.Join(list, "\n  ") + more
}

// stateChecker collects problems.
type stateChecker struct{ problems []string }

func (c *stateChecker) add(field, format string, args ...any) {
	c.problems = append(c.problems, field+": "+fmt.Sprintf(format, args...))
}

func (c *stateChecker) err() error {
	if len(c.problems) == 0 {
		return nil
	}
	return &StateError{Problems: c.problems}
}

// at names an entry of a collection: users["id"].
func at(collection, key string) string { return fmt.Sprintf("%s[%q]", collection, key) }

// decodeState decodes saved state strictly (unknown fields are refused, so
// a misspelt collection is not silently empty) and turns JSON errors into
// "line L, column C" and the field they concern.
func decodeState(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		if _, extra := dec.Token(); extra != io.EOF {
			return errors.New("unexpected data after the JSON object")
		}
		return nil
	}
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Errorf("%s: %s", lineCol(data, syn.Offset-1), syn.Error())
	case errors.As(err, &typ):
		// Field is the Go path ("store.users.seq"): the embedded store is
		// not part of the file, and map keys are not recorded.
		return fmt.Errorf("%s: %s: cannot use a JSON %s as %s", lineCol(data, typ.Offset-1),
			strings.TrimPrefix(typ.Field, "store."), typ.Value, typ.Type)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return errors.New("the file is empty or truncated")
	}
	return err
}

// lineCol renders the position of byte offset as a 1-based line and
// column.
func lineCol(data []byte, offset int64) string {
	offset = min(max(offset, 0), int64(len(data)))
	before := data[:offset]
	line := bytes.Count(before, []byte("\n")) + 1
	col := len(before) - bytes.LastIndexByte(before, '\n')
	return fmt.Sprintf("line %d, column %d", line, col)
}

// validate checks what the handlers rely on and returns a *StateError.
// Entities without a sequence number (hand-written state) get one after
// the highest, in key order, so listings stay in a stable order.
func (st *store) validate() error {
	c := &stateChecker{}
	st.checkUsers(c)
	st.checkGroups(c)
	st.checkServiceAccounts(c)
	st.checkAPIKeys(c)
	st.checkTokens(c)
	if err := c.err(); err != nil {
		return err
	}
	st.renumber()
	return nil
}

func (st *store) checkUsers(c *stateChecker) {
	emails := map[string]string{}
	for _, k := range slices.Sorted(maps.Keys(st.Users)) {
		u, f := st.Users[k], at("users", k)
		switch {
		case u == nil:
			c.add(f, "is null")
			continue
		case u.ID == "":
			c.add(f+".id", "is missing")
		case u.ID != k:
			c.add(f+".id", "is %q, not the key %q", u.ID, k)
		}
		switch {
		case u.Email == "":
			c.add(f+".email", "is missing")
		case u.Email != strings.ToLower(u.Email) || !strings.Contains(u.Email, "@"):
			c.add(f+".email", "%q is not a lower-case email address", u.Email)
		case emails[u.Email] != "":
			c.add(f+".email", "%q is also the email of %s", u.Email, at("users", emails[u.Email]))
		default:
			emails[u.Email] = k
		}
	}
}

func (st *store) checkGroups(c *stateChecker) {
	for _, k := range slices.Sorted(maps.Keys(st.Groups)) {
		g, f := st.Groups[k], at("groups", k)
		switch {
		case g == nil:
			c.add(f, "is null")
			continue
		case g.ID == "":
			c.add(f+".id", "is missing")
		case g.ID != k:
			c.add(f+".id", "is %q, not the key %q", g.ID, k)
		}
		if strings.TrimSpace(g.Name) == "" {
			c.add(f+".name", "is missing")
		}
		seen := map[string]bool{}
		for i, m := range g.Members {
			mf := fmt.Sprintf("%s.members[%d]", f, i)
			switch {
			case seen[m]:
				c.add(mf, "user %q is listed twice", m)
			case st.Users[m] == nil:
				c.add(mf, "user %q does not exist (no users[%q])", m, m)
			}
			seen[m] = true
		}
	}
}

func (st *store) checkServiceAccounts(c *stateChecker) {
	for _, k := range slices.Sorted(maps.Keys(st.ServiceAccounts)) {
		sa, f := st.ServiceAccounts[k], at("serviceAccounts", k)
		switch {
		case sa == nil:
			c.add(f, "is null")
			continue
		case identifierProblem(sa.Identifier) != "":
			c.add(f+".identifier", "%q %s", sa.Identifier, identifierProblem(sa.Identifier))
		case k != saKey(sa.Scope, sa.Identifier):
			c.add(f, "the key does not match its identifier and scope (want the key %q)", saKey(sa.Scope, sa.Identifier))
		}
		checkScope(c, f, sa.Scope)
	}
}

func checkScope(c *stateChecker, f string, sc Scope) {
	if sc.Project != "" && sc.Org == "" {
		c.add(f+".scope", "project %q has no org", sc.Project)
	}
}

func (st *store) checkAPIKeys(c *stateChecker) {
	for _, k := range slices.Sorted(maps.Keys(st.APIKeys)) {
		key, f := st.APIKeys[k], at("apiKeys", k)
		switch {
		case key == nil:
			c.add(f, "is null")
			continue
		case identifierProblem(key.Identifier) != "":
			c.add(f+".identifier", "%q %s", key.Identifier, identifierProblem(key.Identifier))
		case !validKeyType(key.Type):
			c.add(f+".apiKeyType", "%q is not USER or SERVICE_ACCOUNT", key.Type)
		case k != key.Ref().storeKey():
			c.add(f, "the key does not match its scope, type, parent and identifier (want the key %q)", key.Ref().storeKey())
		case key.Type == KindUser && st.Users[key.Parent] == nil:
			c.add(f+".parentIdentifier", "user %q does not exist (no users[%q])", key.Parent, key.Parent)
		case key.Type == KindServiceAccount && st.serviceAccount(key.Scope, key.Parent) == nil:
			c.add(f+".parentIdentifier", "service account %q does not exist in %s", key.Parent, key.Scope)
		}
		checkScope(c, f, key.Scope)
	}
}

func (st *store) checkTokens(c *stateChecker) {
	seen := map[string]string{}
	for _, k := range slices.Sorted(maps.Keys(st.Tokens)) {
		t, f := st.Tokens[k], at("tokens", k)
		switch {
		case t == nil:
			c.add(f, "is null")
			continue
		case t.ID == "":
			c.add(f+".id", "is missing")
		case t.ID != k:
			c.add(f+".id", "is %q, not the key %q", t.ID, k)
		case identifierProblem(t.Identifier) != "":
			c.add(f+".identifier", "%q %s", t.Identifier, identifierProblem(t.Identifier))
		case t.Secret == "":
			c.add(f+".secret", "is missing")
		case st.apiKey(t.KeyRef()) == nil:
			c.add(f+".apiKeyIdentifier", "no API key %s", t.KeyRef())
		case seen[t.KeyRef().storeKey()+"/"+t.Identifier] != "":
			c.add(f+".identifier", "%q is also the identifier of %s under the same key",
				t.Identifier, at("tokens", seen[t.KeyRef().storeKey()+"/"+t.Identifier]))
		default:
			seen[t.KeyRef().storeKey()+"/"+t.Identifier] = k
		}
	}
}

// renumber gives entities without a sequence number one, and makes the
// store's counter at least the highest in use.
func (st *store) renumber() {
	var missing []numbered
	scanSeq(st.Users, &st.Seq, &missing)
	scanSeq(st.Groups, &st.Seq, &missing)
	scanSeq(st.ServiceAccounts, &st.Seq, &missing)
	scanSeq(st.APIKeys, &st.Seq, &missing)
	scanSeq(st.Tokens, &st.Seq, &missing)
	for _, e := range missing {
		e.setSeq(st.nextSeq())
	}
}

type numbered interface {
	seq() int64
	setSeq(int64)
}

// scanSeq raises top to the highest sequence number in m and appends the
// entities without one, in key order.
func scanSeq[E numbered](m map[string]E, top *int64, missing *[]numbered) {
	for _, k := range slices.Sorted(maps.Keys(m)) {
		e := m[k]
		*top = max(*top, e.seq())
		if e.seq() <= 0 {
			*missing = append(*missing, e)
		}
	}
}

func (u *User) setSeq(n int64)           { u.Seq = n }
func (g *Group) setSeq(n int64)          { g.Seq = n }
func (a *ServiceAccount) setSeq(n int64) { a.Seq = n }
func (k *APIKey) setSeq(n int64)         { k.Seq = n }
func (t *Token) setSeq(n int64)          { t.Seq = n }

package client

import (
	"context"
	"errors"
)

// Listings as reads: the provider's batched refresh serves the reads of a
// plan from one listing per family instead of one GET per object. A listed
// row may only stand in for a GET where Harness builds both answers the
// same way; the functions below return rows exactly as GetSCIMUser and
// GetSCIMGroup would have answered, or refuse when Harness's listing
// cannot say what a GET says.

// ErrListingNotARead says that a listing cannot stand in for reads by id.
var ErrListingNotARead = errors.New("this Harness listing cannot stand in for reads by id")

// ListSCIMUsersAsReads lists every SCIM user of the account, each as
// GetSCIMUser answers it. The listing leaves out users a GET finds (users
// not created through SCIM; in NextGen, users NextGen hides from a page
// after cutting it, docs/design/harness-api.md 1.6), so a user missing from it is not
// known to be gone: read it by id.
//
// FirstGen builds search rows and GET answers with the same code
// (ScimUserServiceImpl.buildUserResponse), so its rows are kept as listed.
// NextGen's search is FirstGen's (NGScimUserServiceImpl.searchUser calls
// CG's /ng/user/scim/search, which runs ScimUserServiceImpl.searchUser),
// while its GET is NGScimUserServiceImpl.buildUserResponse; both read the
// same CG user (UserResourceNG.convertUserToNgUser copies name, given and
// family names, disabled, email and externalUserId into the UserInfo the
// GET uses), so id, userName, displayName, active, externalId, emails and,
// with PL_NEW_SCIM_STANDARDS, meta and groups (NextGen adds the same
// getUserGroupNodesForAGivenUser to both) agree. Only "name" differs: see
// asNextGenRead.
func (c *Client) ListSCIMUsersAsReads(ctx context.Context) ([]SCIMUser, error) {
	users, err := c.ListSCIMUsers(ctx)
	if err != nil {
		return nil, err
	}
	for i := range users {
		users[i] = ListedSCIMUserAsRead(users[i], c.cfg.Generation)
	}
	return users, nil
}

// ListedSCIMUserAsRead is a user as a SCIM search of generation gen lists
// it, rebuilt as GetSCIMUser answers it (see ListSCIMUsersAsReads).
func ListedSCIMUserAsRead(u SCIMUser, gen Generation) SCIMUser {
	if gen == NextGen {
		asNextGenRead(&u)
	}
	return u
}

// asNextGenRead rebuilds the "name" of a NextGen search row as a NextGen
// GET writes it (docs/design/harness-api.md 1.5 "Quirk"). FirstGen's builder, which
// the search runs, always writes givenName and familyName (each defaulting
// to the user's name) and, with PL_NEW_SCIM_STANDARDS, formatted; NextGen's
// GET writes displayName and, only with the flag, givenName, familyName and
// formatted, computed by the same rules. The flag shows in a row as its
// meta, which both builders add only with it.
func asNextGenRead(u *SCIMUser) {
	name := &SCIMName{DisplayName: u.DisplayName}
	if u.Meta != nil && u.Name != nil {
		name.GivenName, name.FamilyName, name.Formatted = u.Name.GivenName, u.Name.FamilyName, u.Name.Formatted
	}
	u.Name = name
}

// SCIMGroupListingsAreReads reports whether ListSCIMGroupsAsReads can serve
// reads: in NextGen only. FirstGen's group search rows carry no members:
// ScimGroupServiceImpl.searchUserGroupByGroupName builds them from a plain
// query of UserGroup, whose members field is @Transient and filled only by
// UserGroupServiceImpl.get(accountId, id, loadUsers=true), which the GET
// uses (derived from the code; the mock lists members in both).
func (c *Client) SCIMGroupListingsAreReads() bool { return c.cfg.Generation == NextGen }

// ListSCIMGroupsAsReads lists every SCIM-managed group of the account, each
// as GetSCIMGroup answers it: NextGen builds both with
// NGScimGroupServiceImpl.buildGroupResponse from the same user group. The
// search sees only externally managed groups, while the GET finds any group
// with the id (docs/design/harness-api.md 2.4), so a group missing from the listing is
// not known to be gone. A group listed more than once (one copy per
// harnessScopes entry, all with the same id) is left out: the GET answers
// the first user group with the id, which the listing cannot tell. It
// answers ErrListingNotARead in FirstGen (SCIMGroupListingsAreReads).
func (c *Client) ListSCIMGroupsAsReads(ctx context.Context) ([]SCIMGroup, error) {
	if !c.SCIMGroupListingsAreReads() {
		return nil, ErrListingNotARead
	}
	var all []SCIMGroup
	seen := map[string]int{}
	err := scimPages(ctx, c, "Groups", "", true, func(page []SCIMGroup) bool {
		for _, g := range page {
			if g.ID == "" {
				continue
			}
			if seen[g.ID]++; seen[g.ID] == 1 {
				all = append(all, g)
			}
		}
		return false
	})
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, g := range all {
		if seen[g.ID] == 1 {
			out = append(out, g)
		}
	}
	return out, nil
}

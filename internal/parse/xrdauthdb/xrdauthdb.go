// Package xrdauthdb reads XRootD's authorization database (acc.authdb) as
// XrdAccConfig::ConfigDBrec does: one record per line (with backslash
// continuations), tabs as blanks, a record type letter, an identity and
// path/privilege pairs; `= name spec…` defines a compound identity that
// `x name …` grants to. File:line is kept for every record.
//
// Record types (XrdAccConfig.cc, ConfigDBrec: Group_ID 'g', Host_ID 'h',
// Netgrp_ID 'n', Org_ID 'o', Role_ID 'r', Set_ID 's', Template_ID 't',
// User_ID 'u', Xxx_ID 'x', Def_ID '='), at
// https://github.com/xrootd/xrootd/blob/v5.5.3/src/XrdAcc/XrdAccConfig.cc.
package xrdauthdb

import (
	"fmt"
	"strings"

	"github.com/ttt-wg/ttt-check/internal/inventory"
	"github.com/ttt-wg/ttt-check/internal/parse/xrootdcfg"
)

// Grant is one path and its privileges ("a", "lr", "-w" …).
type Grant struct {
	Path, Privs string
}

// Positive reports whether the privileges grant anything: XrdAcc's
// letters after a '-' take privileges away.
func (g Grant) Positive() bool {
	return g.Privs != "" && !strings.HasPrefix(g.Privs, "-")
}

// Rule is one record of the database.
type Rule struct {
	// Type is the record type letter: g h n o r s t u x or =.
	Type byte
	// ID is the identity the record names (a user, group, organisation,
	// or the name of a compound identity for x and =).
	ID string
	// Grants are the path/privilege pairs.
	Grants []Grant
	// Spec is what a `=` record requires of an identity: o: org, g: group,
	// r: role, u: user, h: host.
	Spec   map[string]string
	Source inventory.Source
}

// Positive reports whether any of the rule's grants gives something.
func (r Rule) Positive() bool {
	for _, g := range r.Grants {
		if g.Positive() {
			return true
		}
	}
	return false
}

// DB is a read database.
type DB struct {
	Rules []Rule
	// Problems are records XrdAcc would refuse or read otherwise than
	// they look.
	Problems []inventory.Problem
	// byID indexes Rules by type and identity, built on the first Find:
	// looking every identity up in every rule would cost the square of a
	// large database.
	byID map[ruleKey][]int
}

type ruleKey struct {
	t  byte
	id string
}

// Parse reads an acc.authdb.
func Parse(file string, data []byte) *DB {
	recs, problems := xrootdcfg.Records(file, data)
	db := &DB{Problems: problems}
	var problem string
	for _, rec := range recs {
		w := rec.Words
		if len(w[0]) != 1 || !strings.Contains("ghnorstux=", w[0]) {
			db.Problems = append(db.Problems, inventory.Problem{Source: rec.Source, Reason: fmt.Sprintf("unknown authorization record type %q: XrdAcc refuses the database", truncate(w[0]))})
			continue
		}
		if len(w) < 2 {
			db.Problems = append(db.Problems, inventory.Problem{Source: rec.Source, Reason: "authorization record without an identity: XrdAcc refuses the database"})
			continue
		}
		r := Rule{Type: w[0][0], ID: w[1], Source: rec.Source}
		rest := w[2:]
		if r.Type == '=' {
			r.Spec = map[string]string{}
			for i := 0; i+1 < len(rest); i += 2 {
				r.Spec[strings.TrimSuffix(rest[i], ":")] = rest[i+1]
			}
			db.add(r)
			continue
		}
		r.Grants, problem = db.grants(rest)
		if problem != "" {
			db.Problems = append(db.Problems, inventory.Problem{Source: rec.Source, Reason: problem})
		}
		db.add(r)
	}
	return db
}

// grants reads a record's path/privilege pairs as XrdAccAuthFile::getPP
// and XrdAccConfig::ConfigDBrec do
// (https://github.com/xrootd/xrootd/blob/v5.7.0/src/XrdAcc/XrdAccAuthFile.cc#L194-L252,
// https://github.com/xrootd/xrootd/blob/v5.7.0/src/XrdAcc/XrdAccConfig.cc#L719-L751):
// a word starting with '/' is a path followed by its privileges; one
// starting with '\' is a path without the backslash (an object id),
// also followed by privileges; any other word names a template (a `t`
// record above), whose grants are copied in. The first word XrdAcc
// refuses ends the record and is the problem returned.
func (db *DB) grants(words []string) ([]Grant, string) {
	var out []Grant
	for i := 0; i < len(words); i++ {
		w := words[i]
		switch {
		case w == "\\":
			return out, "object id missing after '\\': XrdAcc refuses the record"
		case strings.HasPrefix(w, "\\"):
			w = w[1:]
		case !strings.HasPrefix(w, "/"):
			t := db.Find('t', w)
			if len(t) == 0 {
				return out, fmt.Sprintf("template %q is not defined above: XrdAcc refuses the record (\"Missing template\")", truncate(w))
			}
			out = append(out, t[0].Grants...)
			continue
		}
		if i+1 == len(words) {
			return out, fmt.Sprintf("path %q has no privileges: XrdAcc refuses the record", truncate(w))
		}
		out = append(out, Grant{Path: w, Privs: words[i+1]})
		i++
	}
	return out, ""
}

func truncate(s string) string {
	if len(s) > 60 {
		return s[:60] + "…"
	}
	return s
}

// add appends a rule, and to the index once Find has built it: templates
// are looked up while the file is still being read.
func (db *DB) add(r Rule) {
	db.Rules = append(db.Rules, r)
	if db.byID != nil {
		k := ruleKey{r.Type, r.ID}
		db.byID[k] = append(db.byID[k], len(db.Rules)-1)
	}
}

// Find returns the rules of type t naming id.
func (db *DB) Find(t byte, id string) []Rule {
	if db.byID == nil {
		db.byID = map[ruleKey][]int{}
		for i, r := range db.Rules {
			k := ruleKey{r.Type, r.ID}
			db.byID[k] = append(db.byID[k], i)
		}
	}
	var out []Rule
	for _, i := range db.byID[ruleKey{t, id}] {
		out = append(out, db.Rules[i])
	}
	return out
}

// Granting returns the first rule of type t naming id that grants
// something.
func (db *DB) Granting(t byte, id string) (Rule, bool) {
	for _, r := range db.Find(t, id) {
		if r.Positive() {
			return r, true
		}
	}
	return Rule{}, false
}

// Compound returns the x rules whose compound identity (= record)
// requires every key/value given (e.g. "o" → an issuer), with the
// definition.
func (db *DB) Compound(match func(spec map[string]string) bool) []Rule {
	var out []Rule
	for _, def := range db.Rules {
		if def.Type != '=' || !match(def.Spec) {
			continue
		}
		for _, x := range db.Find('x', def.ID) {
			if x.Positive() {
				out = append(out, x)
			}
		}
	}
	return out
}

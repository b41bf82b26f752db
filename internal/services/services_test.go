package services

import (
	"encoding/json"
	"path"
	"slices"
	"testing"

	"github.com/ttt-wg/ttt-check/internal/output"
	"github.com/ttt-wg/ttt-check/internal/vocab"
	"github.com/ttt-wg/ttt-check/recipes"
)

// TestRegistryMatchesRecipes keeps the service registry and the recipes'
// service blocks in step: a service the tool reads but the recipes do not
// describe would be judged without expectations, and a recipe block for a
// service no reader reads would never apply.
func TestRegistryMatchesRecipes(t *testing.T) {
	set, err := recipes.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range Names() {
		if _, ok := set.Services[name]; !ok {
			t.Errorf("service %s is registered but recipes/ have no service %q block", name, name)
		}
	}
	for name := range set.Services {
		if _, ok := Lookup(name); !ok {
			t.Errorf("recipes/ have a service %q block but no reader is registered for it (internal/services)", name)
		}
	}
}

func TestDescriptors(t *testing.T) {
	for _, s := range All() {
		t.Run(s.Name, func(t *testing.T) {
			if s.Title == "" || s.Files == "" || s.Reads == "" || s.Reader == nil {
				t.Errorf("incomplete descriptor: %+v", s)
			}
			if s.Kind != vocab.KindStorage && s.Kind != vocab.KindCompute {
				t.Errorf("kind %q is neither storage nor compute", s.Kind)
			}
			if len(s.LogDirs) == 0 {
				t.Error("no log directory: ttt-check logs would search nothing for it")
			}
			for _, d := range s.LogDirs {
				if !path.IsAbs(d) || path.Clean(d) != d {
					t.Errorf("log directory %q is not a clean absolute host path", d)
				}
				if got := OfLog(d + "/x.log"); got != s.Name {
					t.Errorf("OfLog(%s/x.log) = %q", d, got)
				}
			}
		})
	}
	if OfLog("/var/log/messages") != "" || OfLog("/var/log/xrootdx/a") != "" {
		t.Error("OfLog attributes a log outside every service's directory")
	}
}

// TestSchemaNamesEveryService: the JSON schema enumerates service names
// for the scripts that read reports; it must list exactly the registry.
func TestSchemaNamesEveryService(t *testing.T) {
	var schema struct {
		Defs struct {
			Service struct {
				Properties struct {
					Name struct {
						Enum []string `json:"enum"`
					} `json:"name"`
				} `json:"properties"`
			} `json:"service"`
		} `json:"$defs"`
	}
	if err := json.Unmarshal(output.Schema(), &schema); err != nil {
		t.Fatal(err)
	}
	got := slices.Sorted(slices.Values(schema.Defs.Service.Properties.Name.Enum))
	if !slices.Equal(got, Names()) {
		t.Errorf("schema service names %v, registry %v", got, Names())
	}
}

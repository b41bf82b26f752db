package rules

import (
	"encoding/json"
	"reflect"
	"slices"
	"sort"
	"testing"

	"github.com/ttt-wg/ttt-check/internal/inventory"
)

// TestAttributesAreTheJSONNames: rules name attributes exactly as the
// JSON inventory does (every key, omitted-when-empty ones included), plus
// the derived ones, and nothing the JSON never shows.
func TestAttributesAreTheJSONNames(t *testing.T) {
	full := func(v any) any {
		// Fill every field so that omitempty keys appear.
		rv := reflect.New(reflect.TypeOf(v)).Elem()
		for i := range rv.NumField() {
			f := rv.Field(i)
			switch f.Kind() {
			case reflect.String:
				f.SetString("x")
			case reflect.Bool:
				f.SetBool(true)
			case reflect.Int, reflect.Int64:
				f.SetInt(1)
			case reflect.Slice:
				f.Set(reflect.MakeSlice(f.Type(), 1, 1))
			case reflect.Struct:
				// zero structs are never omitted
			}
		}
		return rv.Interface()
	}
	tests := []struct {
		name    string
		value   any
		schema  *schema
		derived []string
	}{
		{"trust", inventory.Trust{}, trustSchema(), nil},
		{"service", inventory.Service{}, serviceSchema(), []string{"label"}},
		{"ban", inventory.Ban{}, banSchema(), nil},
		{"setting", inventory.Setting{}, settingSchema(), nil},
		{"package", inventory.Package{}, packageSchema(), nil},
		{"unit", inventory.Unit{}, unitSchema(), nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data, err := json.Marshal(full(tc.value))
			if err != nil {
				t.Fatal(err)
			}
			var m map[string]any
			if err := json.Unmarshal(data, &m); err != nil {
				t.Fatal(err)
			}
			var keys []string
			for k := range m {
				keys = append(keys, k)
			}
			keys = append(keys, tc.derived...)
			sort.Strings(keys)
			if got := tc.schema.names(); !slices.Equal(got, keys) {
				t.Errorf("attributes %v\nJSON keys  %v", got, keys)
			}
		})
	}
}

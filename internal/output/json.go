package output

import (
	"fmt"
	json "github.com/go-json-experiment/json/v1"
	"io"

	"github.com/ttt-wg/ttt-check/internal/finding"
	"github.com/ttt-wg/ttt-check/internal/inventory"
)

// JSON writes the report as indented JSON following schema/report.schema.json.
func JSON(w io.Writer, r *finding.Report, _ Options) error {
	return writeJSON(w, sanitize(r))
}

// InventoryJSON writes the inventory alone as JSON.
func InventoryJSON(w io.Writer, inv *inventory.Inventory, _ Options) error {
	c := sanitizeInventory(inv)
	return writeJSON(w, &c)
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("write json: %w", err)
	}
	return nil
}

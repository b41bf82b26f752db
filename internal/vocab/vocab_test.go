package vocab

import (
	"encoding/json"
	"testing"
)

func TestSeverity(t *testing.T) {
	for _, name := range SeverityNames() {
		s, err := ParseSeverity(name)
		if err != nil || s.String() != name {
			t.Errorf("ParseSeverity(%s) = %v, %v", name, s, err)
		}
	}
	if s, err := ParseSeverity("HIGH"); err != nil || s != High {
		t.Errorf("case-insensitive parse failed: %v %v", s, err)
	}
	if _, err := ParseSeverity("severe"); err == nil {
		t.Error("ParseSeverity accepted severe")
	}
	b, _ := json.Marshal(struct{ S Severity }{Critical})
	if string(b) != `{"S":"critical"}` {
		t.Errorf("JSON = %s", b)
	}
}

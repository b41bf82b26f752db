// Package archtest holds no code, only the test that keeps the layer rules
// of ARCHITECTURE.md: read → inventory → evaluate → report, one direction.
package archtest

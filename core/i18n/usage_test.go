package i18n

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// keyLiteral matches message keys written out in Go source: a known area,
// a dot, and at least one more part.
var keyLiteral = regexp.MustCompile(`"((?:account|cli|oauth|tokens|mailcheck|secret|entra|card|report|common|lang|ui|results|watch|settings|graph|appreg)\.[a-z0-9_]+(?:\.[a-z0-9_]+)*)"`)

// TestEveryKeyUsedInCodeExists scans the Go sources of the program for
// message keys and fails for any key the catalogue lacks, so a text cannot
// be forgotten in both languages at once.
func TestEveryKeyUsedInCodeExists(t *testing.T) {
	root := filepath.Join("..", "..")
	seen := 0
	filepath.Walk(root, func(p string, fi os.FileInfo, err error) error {
		if err != nil || fi.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		src, _ := os.ReadFile(p)
		for _, m := range keyLiteral.FindAllStringSubmatch(string(src), -1) {
			key := m[1]
			// Prefixes that code completes at run time ("cli.check.level." + level).
			// File names of the config folder ("results.json") are no keys.
			if strings.HasSuffix(key, ".") || strings.Count(key, ".") < 1 || strings.HasSuffix(key, ".json") {
				continue
			}
			// Host names of the cloud table (graph.microsoft.us) are no keys.
			if strings.Contains(key, ".microsoft") || strings.HasSuffix(key, ".cn") {
				continue
			}
			seen++
			for _, l := range Langs {
				if !Has(l, key) {
					t.Errorf("%s uses %q, which has no %s text", p, key, l)
				}
			}
		}
		return nil
	})
	if seen < 50 {
		t.Fatalf("only %d keys found in the sources; the scan is broken", seen)
	}
}

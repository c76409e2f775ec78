package repo

import (
	"bytes"
	"strings"

	"github.com/mdrgate/mdrgate/evidence"
	"github.com/mdrgate/mdrgate/evidence/source"
)

// parseCodeowners parses a CODEOWNERS file: one rule per line, a pattern followed
// by owners; blank lines and comments (from a "#" that starts a field to the end
// of the line) are skipped. Rules stay in file order, since the last matching rule
// wins. A pattern may have no owners (the path then has none). A file that is not
// UTF-8 is a *source.Error.
func parseCodeowners(f *source.File) (*evidence.Codeowners, error) {
	if err := f.CheckUTF8(); err != nil {
		return nil, err
	}
	co := &evidence.Codeowners{FileRef: f.Ref(MediaText), Rules: []evidence.CodeownersRule{}}
	data := bytes.TrimPrefix(f.Data, utf8BOM)
	for i, l := range strings.Split(string(data), "\n") {
		fields := strings.Fields(l)
		for j, fl := range fields {
			if strings.HasPrefix(fl, "#") {
				fields = fields[:j]
				break
			}
		}
		if len(fields) == 0 {
			continue
		}
		co.Rules = append(co.Rules, evidence.CodeownersRule{
			Pattern: fields[0],
			Owners:  append([]string{}, fields[1:]...),
			Line:    i + 1,
		})
	}
	return co, nil
}

package repo

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"

	"github.com/mdrgate/mdrgate/evidence"
	"github.com/mdrgate/mdrgate/evidence/source"
)

// isDockerfile reports whether a file name is a Dockerfile or Containerfile:
// Dockerfile, Containerfile, Dockerfile.*, Containerfile.*, *.Dockerfile or
// *.dockerfile (but not the per-Dockerfile ignore files, *.dockerignore).
func isDockerfile(name string) bool {
	if strings.HasSuffix(name, ".dockerignore") {
		return false
	}
	return name == "Dockerfile" || name == "Containerfile" ||
		strings.HasPrefix(name, "Dockerfile.") || strings.HasPrefix(name, "Containerfile.") ||
		strings.HasSuffix(name, ".Dockerfile") || strings.HasSuffix(name, ".dockerfile")
}

var (
	escapeDirectiveRE = regexp.MustCompile(`(?i)^#\s*escape\s*=\s*(\S)\s*$`)
	directiveRE       = regexp.MustCompile(`^#\s*[a-zA-Z0-9_-]+\s*=`)
	heredocRE         = regexp.MustCompile(`<<(-?)["']?([A-Za-z_][A-Za-z0-9_]*)["']?`)
)

// parseDockerfile reads the FROM instructions of a Dockerfile. It follows line
// continuations (with the escape character set by a "# escape=" directive), drops
// comment lines, skips heredoc bodies, and leaves ARG references such as ${BASE}
// as written. It never fails: a FROM without an image is recorded with an empty
// Image (which is not pinned) and a warning, so a malformed file cannot hide an
// unpinned base image.
//
// A heredoc that is never terminated would hide the rest of the file, so then the
// file is read again without heredoc handling.
func parseDockerfile(f *source.File) (evidence.Dockerfile, []evidence.Warning) {
	df := evidence.Dockerfile{FileRef: f.Ref(MediaDockerfile)}
	from, warnings, ok := fromLines(f, true)
	if !ok {
		from, warnings, _ = fromLines(f, false)
	}
	df.From = from
	return df, warnings
}

// fromLines returns the FROM lines, and false when a heredoc was not terminated.
func fromLines(f *source.File, heredoc bool) ([]evidence.FromLine, []evidence.Warning, bool) {
	from := []evidence.FromLine{}
	var warnings []evidence.Warning
	text := strings.ToValidUTF8(string(bytes.TrimPrefix(f.Data, utf8BOM)), "\uFFFD")
	lines := strings.Split(text, "\n")
	escape := byte('\\')
	aliases := map[string]bool{}

	// Parser directives are comment lines at the very top.
	i := 0
	for ; i < len(lines); i++ {
		l := strings.TrimSpace(strings.TrimRight(lines[i], "\r"))
		if !directiveRE.MatchString(l) {
			break
		}
		if m := escapeDirectiveRE.FindStringSubmatch(l); m != nil && (m[1] == "`" || m[1] == `\`) {
			escape = m[1][0]
		}
	}

	var heredocs []string // terminators still to skip, in order
	var stripTabs []bool
	for ; i < len(lines); i++ {
		l := strings.TrimRight(lines[i], "\r")
		if len(heredocs) > 0 {
			check := l
			if stripTabs[0] {
				check = strings.TrimLeft(check, "\t")
			}
			if check == heredocs[0] {
				heredocs, stripTabs = heredocs[1:], stripTabs[1:]
			}
			continue
		}
		trimmed := strings.TrimSpace(l)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		start := i + 1
		// Join continuation lines; comment lines inside are dropped.
		var sb strings.Builder
		for {
			t := strings.TrimRight(l, " \t")
			if len(t) > 0 && t[len(t)-1] == escape {
				sb.WriteString(t[:len(t)-1])
				sb.WriteByte(' ')
				i++
				for i < len(lines) {
					l = strings.TrimRight(lines[i], "\r")
					if c := strings.TrimSpace(l); c != "" && strings.HasPrefix(c, "#") {
						i++
						continue
					}
					break
				}
				if i >= len(lines) {
					break
				}
				continue
			}
			sb.WriteString(l)
			break
		}
		logical := sb.String()
		fields := strings.Fields(logical)
		if len(fields) == 0 {
			continue
		}
		instr := strings.ToUpper(fields[0])
		if heredoc && (instr == "RUN" || instr == "COPY" || instr == "ADD") {
			for _, m := range heredocRE.FindAllStringSubmatch(logical, -1) {
				heredocs = append(heredocs, m[2])
				stripTabs = append(stripTabs, m[1] == "-")
			}
		}
		if instr != "FROM" {
			continue
		}
		args := fields[1:]
		for len(args) > 0 && strings.HasPrefix(args[0], "--") {
			args = args[1:]
		}
		fl := evidence.FromLine{Line: start}
		if len(args) == 0 {
			warnings = append(warnings, evidence.Warning{Path: f.Path, Message: fmt.Sprintf("line %d: FROM without an image", start)})
			from = append(from, fl)
			continue
		}
		fl.Image = args[0]
		if len(args) >= 3 && strings.EqualFold(args[1], "AS") {
			fl.Alias = args[2]
		}
		lower := strings.ToLower(fl.Image)
		fl.Stage = aliases[lower]
		fl.Scratch = lower == "scratch"
		fl.DigestPinned = digestPinned(fl.Image)
		if fl.Alias != "" {
			aliases[strings.ToLower(fl.Alias)] = true
		}
		from = append(from, fl)
	}
	return from, warnings, len(heredocs) == 0
}

// digestPinned reports whether an image reference ends in @sha256: and 64 hex
// digits; anything else after @sha256: pins nothing.
func digestPinned(image string) bool {
	_, d, ok := strings.Cut(image, "@sha256:")
	if !ok || len(d) != 64 {
		return false
	}
	for _, c := range d {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

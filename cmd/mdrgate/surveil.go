package main

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mdrgate/mdrgate/internal/atomicfile"
	"github.com/mdrgate/mdrgate/internal/config"
	"github.com/mdrgate/mdrgate/internal/surveil"
)

// defaultUpdatePolicy is where GOV-04's update policy lives in a checked directory.
const defaultUpdatePolicy = "docs/security/update-policy.md"

func newSurveil(e env) *cobra.Command {
	var (
		cfgPath, kev, state, at, policy, drafts string
		sboms, vexes, osvs, outputs             []string
	)
	cmd := &cobra.Command{
		Use:   "surveil [DIR]",
		Short: "Re-check released versions against new vulnerabilities, offline",
		Long: `surveil matches the SBOM of each supported version against OSV exports (the
per-ecosystem all.zip files OSV publishes, or directories of OSV JSON) with each
ecosystem's version rules, applies VEX decisions and the CISA KEV catalogue, and
keeps in a state file when each finding was first seen, so that SLA clocks hold
across scheduled runs. Nothing is fetched: every input is a local file.

The SLA comes from sla_days in the front matter of DIR/` + defaultUpdatePolicy + `
(GOV-04), or --update-policy. Inputs may also be set in .mdrgate.yaml under
surveil: {sboms, vex, osv, kev, state}; flags replace them.

Output formats (-o FORMAT[=FILE], repeatable): ` + strings.Join(surveil.Formats, ", ") + `. The JSON is
the evidence document's surveillance, read back by 'mdrgate check --evidence
surveillance=FILE'. With --drafts DIR, each vulnerability that needs
out-of-cycle action gets a draft CSAF 2.0 advisory and a notice for users.

Exit codes: 0 no SLA breached and no KEV-listed vulnerability unresolved, 1
otherwise, 2 on a usage or input error.`,
		Example: `  mdrgate surveil --sbom release/2.3.cdx.json --sbom release/2.4.cdx.json \
    --osv osv/npm-all.zip --osv osv/Maven-all.zip --kev known_exploited_vulnerabilities.json \
    --vex vex/ --state .mdrgate/surveil-state.json -o text -o json=surveillance.json --drafts advisories/`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := "."
			if len(args) == 1 {
				dir = args[0]
			}
			outs, err := parseOutputs(outputs, surveil.Formats)
			if err != nil {
				return err
			}
			var cfg *config.Config
			if cfgPath != "" {
				cfg, err = config.Load(cfgPath)
			} else {
				cfg, err = config.Find(dir)
			}
			if err != nil {
				return err
			}
			base := dir
			if cfg.Path != "" {
				base = filepath.Dir(cfg.Path)
			}
			rel := func(ps []string) []string {
				out := make([]string, 0, len(ps))
				for _, p := range ps {
					if p != "" && !filepath.IsAbs(p) {
						p = filepath.Join(base, filepath.FromSlash(p))
					}
					out = append(out, p)
				}
				return out
			}
			o := surveil.Options{SBOMs: sboms, VEX: vexes, OSV: osvs, KEV: kev, State: state, MaxFileSize: cfg.Limits.MaxFileSize}
			if !cmd.Flags().Changed("sbom") {
				o.SBOMs = rel(cfg.Surveil.SBOMs)
			}
			if !cmd.Flags().Changed("vex") {
				o.VEX = rel(cfg.Surveil.VEX)
			}
			if !cmd.Flags().Changed("osv") {
				o.OSV = rel(cfg.Surveil.OSV)
			}
			if !cmd.Flags().Changed("kev") && cfg.Surveil.KEV != "" {
				o.KEV = rel([]string{cfg.Surveil.KEV})[0]
			}
			if !cmd.Flags().Changed("state") && cfg.Surveil.State != "" {
				o.State = rel([]string{cfg.Surveil.State})[0]
			}
			if o.VEX, err = expandVEX(o.VEX); err != nil {
				return err
			}
			o.UpdatePolicy = policy
			if policy == "" {
				p := filepath.Join(dir, filepath.FromSlash(defaultUpdatePolicy))
				if _, err := os.Stat(p); err == nil {
					o.UpdatePolicy = p
				}
			}
			if at != "" {
				if o.At, err = parseAt(at); err != nil {
					return err
				}
			}
			res, err := surveil.Run(o)
			if err != nil {
				return err
			}
			rendered := make([][]byte, len(outs))
			for i, out := range outs {
				if rendered[i], err = surveil.Render(out.Format, res); err != nil {
					return err
				}
			}
			var ds []surveil.Draft
			if drafts != "" {
				ds, err = surveil.Drafts(res, surveil.DraftOptions{Product: cfg.Product.Name, Manufacturer: cfg.Product.Manufacturer})
				if err != nil {
					return err
				}
			}
			if o.State != "" {
				data, err := res.State.Marshal()
				if err != nil {
					return err
				}
				if err := atomicfile.Write(o.State, data); err != nil {
					return fmt.Errorf("--state: %w", err)
				}
			}
			for i, out := range outs {
				if out.File == "" {
					if _, err := e.stdout.Write(rendered[i]); err != nil {
						return err
					}
				} else if err := atomicfile.Write(out.File, rendered[i]); err != nil {
					return err
				}
			}
			written, err := surveil.WriteDrafts(drafts, ds)
			if err != nil {
				return err
			}
			for _, p := range written {
				fmt.Fprintf(e.stderr, "mdrgate: wrote draft %s (for review before publication)\n", p)
			}
			if br := surveil.Breaches(res.Surveillance); len(br) > 0 {
				for _, b := range br {
					fmt.Fprintf(e.stderr, "mdrgate: %s\n", b)
				}
				return errVerdictFailed
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVarP(&cfgPath, "config", "c", "", "configuration file (default DIR/.mdrgate.yaml when present)")
	f.StringArrayVar(&sboms, "sbom", nil, "SBOM of a supported version (repeatable; CycloneDX or SPDX, one per version)")
	f.StringArrayVar(&vexes, "vex", nil, "VEX document or directory of them (repeatable; OpenVEX, CycloneDX VEX, CSAF VEX)")
	f.StringArrayVar(&osvs, "osv", nil, "OSV export: an all.zip of OSV records or a directory of OSV JSON (repeatable)")
	f.StringVar(&kev, "kev", "", "CISA Known Exploited Vulnerabilities catalogue (JSON)")
	f.StringVar(&state, "state", "", "state file keeping first-seen times across runs (created when absent, written atomically)")
	f.StringVar(&at, "at", "", "time of the run (RFC 3339, default now)")
	f.StringVar(&policy, "update-policy", "", "update policy document with sla_days in its front matter (default DIR/"+defaultUpdatePolicy+")")
	f.StringVar(&drafts, "drafts", "", "write draft CSAF advisories and user notices for findings that need out-of-cycle action into this directory")
	f.StringArrayVarP(&outputs, "output", "o", nil, "output format, repeatable: "+strings.Join(surveil.Formats, ", ")+", each optionally =FILE (default text on standard output)")
	return cmd
}

// expandVEX replaces each directory by the JSON and XML files under it, sorted.
func expandVEX(paths []string) ([]string, error) {
	var out []string
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("--vex %s: %w", p, unwrapPathErr(err))
		}
		if !fi.IsDir() {
			out = append(out, p)
			continue
		}
		var found []string
		err = filepath.WalkDir(p, func(q string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.Type().IsRegular() && (strings.HasSuffix(q, ".json") || strings.HasSuffix(q, ".xml")) {
				found = append(found, q)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("--vex %s: %w", p, unwrapPathErr(err))
		}
		if len(found) == 0 {
			return nil, fmt.Errorf("--vex %s: no .json or .xml files in the directory", p)
		}
		slices.Sort(found)
		out = append(out, found...)
	}
	return out, nil
}

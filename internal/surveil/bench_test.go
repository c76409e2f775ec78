package surveil_test

import (
	"archive/zip"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/mdrgate/mdrgate/internal/surveil"
)

// BenchmarkSurveil surveils 50 versions of 5,000 components each against an
// OSV export of 200,000 records (npm, PyPI and Maven, about a tenth of them
// naming packages the SBOMs hold), generated here. One iteration is one whole
// run: reading the zip, parsing every record, matching, VEX and state.
func BenchmarkSurveil(b *testing.B) {
	const (
		versions   = 50
		components = 5000
		records    = 200_000
	)
	dir := b.TempDir()
	ecos := []struct{ purl, osv string }{{"npm", "npm"}, {"pypi", "PyPI"}, {"maven", "Maven"}}
	name := func(i int) (purlName, osvName string) {
		e := ecos[i%3]
		switch e.purl {
		case "maven":
			return fmt.Sprintf("org.example%d/lib%d", i%97, i), fmt.Sprintf("org.example%d:lib%d", i%97, i)
		default:
			return fmt.Sprintf("lib%d", i), fmt.Sprintf("lib%d", i)
		}
	}
	zpath := filepath.Join(dir, "all.zip")
	fh, err := os.Create(zpath)
	if err != nil {
		b.Fatal(err)
	}
	zw := zip.NewWriter(fh)
	for i := range records {
		// Package index: 10% within the components the SBOMs use, the rest elsewhere.
		pkg := components + i
		if i%10 == 0 {
			pkg = i % components
		}
		_, osvName := name(pkg)
		r := rec{id: fmt.Sprintf("GHSA-%06d", i), aliases: []string{fmt.Sprintf("CVE-2026-%06d", i)}, eco: ecos[pkg%3].osv, name: osvName,
			events: ev("introduced", "1.0.0", "fixed", fmt.Sprintf("1.%d.0", i%40)), severity: "HIGH"}
		w, err := zw.Create(r.id + ".json")
		if err != nil {
			b.Fatal(err)
		}
		if err := encodeJSON(w, r.json()); err != nil {
			b.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		b.Fatal(err)
	}
	fh.Close()
	var sboms []string
	for v := range versions {
		purls := make([]string, components)
		for c := range components {
			pn, _ := name(c)
			purls[c] = fmt.Sprintf("pkg:%s/%s@1.%d.%d", ecos[c%3].purl, pn, (c+v)%45, v)
		}
		sboms = append(sboms, cdx(b, dir, "", "product", "product", fmt.Sprintf("1.%d.0", v), purls...))
	}
	pol := policy(b, dir, 30, 60, 90, 180)
	// CPU time of the runs alone (user + system), which a loaded machine
	// does not inflate the way it does wall time.
	var before, after syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &before)
	b.ResetTimer()
	for b.Loop() {
		res, err := surveil.Run(surveil.Options{SBOMs: sboms, OSV: []string{zpath}, UpdatePolicy: pol, State: filepath.Join(dir, "state.json"), At: runAt})
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for _, v := range res.Surveillance.Versions {
			n += len(v.Findings)
		}
		b.ReportMetric(float64(n), "findings")
	}
	syscall.Getrusage(syscall.RUSAGE_SELF, &after)
	cpu := time.Duration(after.Utime.Nano()+after.Stime.Nano()-before.Utime.Nano()-before.Stime.Nano()) * time.Nanosecond
	b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
}

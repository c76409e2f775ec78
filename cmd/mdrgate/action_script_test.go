package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"gopkg.in/yaml.v3"
)

var (
	binOnce sync.Once
	binPath string
	binErr  error
	binOut  []byte
)

// TestMain removes the binary built by binary once every test has run.
func TestMain(m *testing.M) {
	code := m.Run()
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
}

// binary builds the mdrgate binary once per test run and returns its path.
func binary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "mdrgate-bin-")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "mdrgate")
		build := exec.Command("go", "build", "-o", binPath, "./cmd/mdrgate")
		build.Dir = repoRoot(t)
		binOut, binErr = build.CombinedOutput()
	})
	if binErr != nil {
		t.Fatalf("go build: %v\n%s", binErr, binOut)
	}
	return binPath
}

// actionScript returns the script of action.yml's "Run mdrgate" step.
func actionScript(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot(t), "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var a struct {
		Runs struct {
			Steps []struct {
				ID  string `yaml:"id"`
				Run string `yaml:"run"`
			} `yaml:"steps"`
		} `yaml:"runs"`
	}
	if err := yaml.Unmarshal(b, &a); err != nil {
		t.Fatal(err)
	}
	for _, s := range a.Runs.Steps {
		if s.ID == "run" {
			return s.Run
		}
	}
	t.Fatal("action.yml has no step with id run")
	return ""
}

// TestActionScript runs action.yml's own script, as the runner would, with a
// freshly built mdrgate: sign, verify and attest a file through the action's
// inputs, and check the outputs the attest step sets.
func TestActionScript(t *testing.T) {
	if testing.Short() {
		t.Skip("builds mdrgate and the cosign tool")
	}
	script := actionScript(t)
	temp := t.TempDir()
	bin := filepath.Join(temp, "mdrgate-action", "mdrgate")
	if err := os.MkdirAll(filepath.Dir(bin), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(binary(t), bin); err != nil {
		t.Fatal(err)
	}
	keys := t.TempDir()
	const pw = "action-pw-77"
	priv, pub := cosignKeys(t, keys, "cosign", pw)
	work := demo(t, nil)
	if err := os.WriteFile(filepath.Join(work, "fw.bin"), []byte("firmware"), 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(inputs map[string]string) (string, map[string]string, error) {
		t.Helper()
		outFile := filepath.Join(t.TempDir(), "github_output")
		if err := os.WriteFile(outFile, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("bash", "-c", script)
		cmd.Dir = work
		cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + temp, "RUNNER_TEMP=" + temp, "GITHUB_OUTPUT=" + outFile, "COSIGN_PASSWORD=" + pw}
		for _, k := range []string{"COMMAND", "ARGS", "CONFIG", "EVENT", "EVIDENCE", "FORMATS", "IMAGES", "ARTEFACTS", "KEY"} {
			cmd.Env = append(cmd.Env, "MDRGATE_"+k+"="+inputs[strings.ToLower(k)])
		}
		out, err := cmd.CombinedOutput()
		outputs := map[string]string{}
		b, _ := os.ReadFile(outFile)
		for _, l := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(l, "="); ok {
				outputs[k] = v
			}
		}
		return string(out), outputs, err
	}

	out, _, err := run(map[string]string{"command": "sign", "key": priv, "artefacts": "fw.bin\n", "args": "--at=" + at})
	if err != nil || !strings.Contains(out, "signed: file fw.bin -> fw.bin.sigstore.json") {
		t.Fatalf("sign through the action: %v\n%s", err, out)
	}
	assertNoSecrets(t, out, priv, pw)
	out, _, err = run(map[string]string{"command": "verify", "key": pub, "artefacts": "  fw.bin  \n", "args": "--insecure-ignore-tlog"})
	if err != nil || !strings.Contains(out, "fw.bin") {
		t.Fatalf("verify through the action: %v\n%s", err, out)
	}
	out, _, err = run(map[string]string{"command": "verify", "key": priv + ".missing", "artefacts": "fw.bin", "args": "--insecure-ignore-tlog"})
	if err == nil {
		t.Fatalf("verify with a missing key passed:\n%s", out)
	}
	out, outputs, err := run(map[string]string{"command": "attest", "key": priv, "args": "--at=" + at})
	if err != nil {
		t.Fatalf("attest through the action: %v\n%s", err, out)
	}
	for _, k := range []string{"attestation", "evidence-archive"} {
		if p := outputs[k]; !filepath.IsAbs(p) || !strings.HasPrefix(p, work) {
			t.Errorf("output %s = %q, want an absolute path in the working directory", k, p)
		} else if _, err := os.Stat(p); err != nil {
			t.Errorf("output %s: %v", k, err)
		}
	}
	assertNoSecrets(t, out, priv, pw)
}

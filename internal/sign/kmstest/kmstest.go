// Package kmstest runs a real AWS KMS API on loopback for tests: local-kms
// (github.com/nsmithuk/local-kms, a go.mod tool) with a fresh data directory,
// behind a TLS reverse proxy on 127.0.0.1 because sigstore's AWS provider
// always speaks https to the endpoint named in an awskms:// URI. The proxy's
// certificate is trusted through AWS_CA_BUNDLE, so TLS is verified as in
// production. Keys are created through the AWS SDK, as an operator would.
package kmstest

import (
	"bufio"
	"context"
	"encoding/pem"
	"fmt"
	"io"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
)

// Region and account of the emulated KMS; the credentials are dummies (local-kms
// does not check signatures).
const (
	Region    = "eu-central-1"
	AccountID = "111122223333"
)

// KMS is a running local-kms.
type KMS struct {
	// Endpoint is the TLS front's HOST:PORT on 127.0.0.1, the ENDPOINT of
	// awskms://ENDPOINT/alias/NAME.
	Endpoint string
	// Env is the AWS environment clients need: dummy credentials, the
	// region and AWS_CA_BUNDLE trusting the front's certificate.
	Env map[string]string
}

var (
	binOnce sync.Once
	bin     string
	binErr  error
)

// localKMS builds the go.mod tool once (go tool -n local-kms).
func localKMS(t testing.TB) string {
	t.Helper()
	binOnce.Do(func() {
		gomod, err := exec.Command("go", "env", "GOMOD").Output()
		if err != nil {
			binErr = fmt.Errorf("go env GOMOD: %w", err)
			return
		}
		cmd := exec.Command("go", "tool", "-n", "local-kms")
		cmd.Dir = filepath.Dir(strings.TrimSpace(string(gomod)))
		out, err := cmd.CombinedOutput()
		if err != nil {
			binErr = fmt.Errorf("go tool -n local-kms: %w\n%s", err, out)
			return
		}
		bin = strings.TrimSpace(string(out))
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return bin
}

var startedRE = regexp.MustCompile(`Local KMS started on [0-9.]+:(\d+)`)

// Start runs local-kms on a free port (PORT=0; local-kms binds all interfaces,
// the clients only ever reach it through the 127.0.0.1 front) until the test
// ends.
func Start(t testing.TB) *KMS {
	t.Helper()
	dir := t.TempDir()
	cmd := exec.Command(localKMS(t))
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"),
		"PORT=0",
		"KMS_REGION=" + Region,
		"KMS_ACCOUNT_ID=" + AccountID,
		"KMS_DATA_PATH=" + filepath.Join(dir, "data"),
		"KMS_SEED_PATH=" + filepath.Join(dir, "no-seed.yaml"),
	}
	logs, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting local-kms: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	port := make(chan string, 1)
	var logMu sync.Mutex
	var logText strings.Builder
	go func() {
		sc := bufio.NewScanner(logs)
		for sc.Scan() {
			logMu.Lock()
			logText.WriteString(sc.Text() + "\n")
			logMu.Unlock()
			if m := startedRE.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case port <- m[1]:
				default:
				}
			}
		}
	}()
	var p string
	select {
	case p = <-port:
	case <-time.After(30 * time.Second):
		logMu.Lock()
		defer logMu.Unlock()
		t.Fatalf("local-kms did not start within 30s:\n%s", logText.String())
	}
	backend, _ := url.Parse("http://127.0.0.1:" + p)
	front := httptest.NewTLSServer(httputil.NewSingleHostReverseProxy(backend))
	t.Cleanup(front.Close)
	ca := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: front.Certificate().Raw}), 0o644); err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(front.URL)
	return &KMS{
		Endpoint: u.Host,
		Env: map[string]string{
			"AWS_ACCESS_KEY_ID":     "AKIAKMSTEST000000000",
			"AWS_SECRET_ACCESS_KEY": "kmstest-dummy-secret",
			"AWS_REGION":            Region,
			"AWS_CA_BUNDLE":         ca,
			// No shared configuration or instance metadata from the host.
			"AWS_CONFIG_FILE":             filepath.Join(dir, "no-aws-config"),
			"AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "no-aws-credentials"),
			"AWS_EC2_METADATA_DISABLED":   "true",
			"AWS_PROFILE":                 "",
			"AWS_SESSION_TOKEN":           "",
		},
	}
}

// Setenv puts Env into the process environment for the test (the AWS SDK
// reads os.Getenv), so the test must not be parallel.
func (k *KMS) Setenv(t testing.TB) {
	t.Helper()
	for n, v := range k.Env {
		t.Setenv(n, v)
	}
}

// Environ is Env as NAME=VALUE lines, sorted, for a subprocess.
func (k *KMS) Environ() []string {
	out := make([]string, 0, len(k.Env))
	for n, v := range k.Env {
		out = append(out, n+"="+v)
	}
	sort.Strings(out)
	return out
}

// URI is the awskms:// reference of a key ID or "alias/NAME" at this KMS.
func (k *KMS) URI(keyOrAlias string) string { return "awskms://" + k.Endpoint + "/" + keyOrAlias }

// CreateKey creates a SIGN_VERIFY key of the given spec (such as
// types.KeySpecEccNistP256) with the alias "alias/"+name through the AWS SDK
// and returns the key ID.
func (k *KMS) CreateKey(t testing.TB, spec types.KeySpec, name string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	ca, err := os.Open(k.Env["AWS_CA_BUNDLE"])
	if err != nil {
		t.Fatal(err)
	}
	defer ca.Close()
	cfg, err := config.LoadDefaultConfig(ctx,
		config.WithRegion(Region),
		config.WithCustomCABundle(ca),
		config.WithCredentialsProvider(aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: k.Env["AWS_ACCESS_KEY_ID"], SecretAccessKey: k.Env["AWS_SECRET_ACCESS_KEY"]}, nil
		})),
	)
	if err != nil {
		t.Fatal(err)
	}
	c := kms.NewFromConfig(cfg, func(o *kms.Options) { o.BaseEndpoint = aws.String("https://" + k.Endpoint) })
	out, err := c.CreateKey(ctx, &kms.CreateKeyInput{KeySpec: spec, KeyUsage: types.KeyUsageTypeSignVerify, Description: aws.String("mdrgate test " + name)})
	if err != nil {
		t.Fatalf("CreateKey %s: %v", spec, err)
	}
	id := aws.ToString(out.KeyMetadata.KeyId)
	if _, err := c.CreateAlias(ctx, &kms.CreateAliasInput{AliasName: aws.String("alias/" + name), TargetKeyId: aws.String(id)}); err != nil {
		t.Fatalf("CreateAlias alias/%s: %v", name, err)
	}
	return id
}

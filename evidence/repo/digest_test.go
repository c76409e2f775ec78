package repo

import "testing"

func TestDigestPinned(t *testing.T) {
	hex := "3f2a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a"
	for image, want := range map[string]bool{
		"debian@sha256:" + hex:            true,
		"ubuntu:24.04@sha256:" + hex:      true,
		"debian@sha256:deadbeef":          false,
		"ubuntu:24.04@sha256:zz":          false,
		"debian@sha256:" + hex + "0":      false,
		"debian@sha256:" + hex[:63] + "G": false,
		"debian:12":                       false,
		"debian@sha512:" + hex + hex:      false,
	} {
		if got := digestPinned(image); got != want {
			t.Errorf("digestPinned(%q) = %v, want %v", image, got, want)
		}
	}
}

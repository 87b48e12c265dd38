//go:build tools

// Package tools exists only so that `go mod tidy` records every module the
// CLI needs in go.sum; it is never compiled.
package tools

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"

//go:build tools

// Package tools exists only so that `go mod tidy` records every module the
// language host needs in go.sum; it is never compiled.
package tools

import _ "github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3"

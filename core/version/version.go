// Package version says which mailoauth this is. FyneApp.toml at the root is
// the single source; the build copies its version in with -ldflags, and a
// test keeps this default from drifting away from the file.
package version

// Version is overwritten at build time by
// -ldflags "-X mailoauth/core/version.Version=…".
var Version = "0.1.0"

// Name is the program name shown to users.
const Name = "mailoauth"

// String is "mailoauth <version>".
func String() string { return Name + " " + Version }

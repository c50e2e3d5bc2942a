//go:build !windows

package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "trustca works on Windows (or Wine) only")
	os.Exit(3)
}

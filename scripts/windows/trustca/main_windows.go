// Command trustca adds a PEM certificate to the current user's Windows root
// store. The Wine smoke test uses it to trust the sandbox's CA, because Go
// on Windows verifies TLS through the system store and ignores SSL_CERT_FILE.
// Test-only: never shipped.
package main

import (
	"encoding/pem"
	"fmt"
	"os"
	"syscall"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: trustca CA.pem")
		os.Exit(3)
	}
	data, err := os.ReadFile(os.Args[1])
	if err != nil {
		fail(err)
	}
	block, _ := pem.Decode(data)
	if block == nil || block.Type != "CERTIFICATE" {
		fail(fmt.Errorf("%s holds no PEM certificate", os.Args[1]))
	}
	root, _ := syscall.UTF16PtrFromString("ROOT")
	store, err := syscall.CertOpenSystemStore(0, root)
	if err != nil {
		fail(err)
	}
	defer syscall.CertCloseStore(store, 0)
	cert, err := syscall.CertCreateCertificateContext(syscall.X509_ASN_ENCODING|syscall.PKCS_7_ASN_ENCODING, &block.Bytes[0], uint32(len(block.Bytes)))
	if err != nil {
		fail(err)
	}
	defer syscall.CertFreeCertificateContext(cert)
	const replaceExisting = 3 // CERT_STORE_ADD_REPLACE_EXISTING
	if err := syscall.CertAddCertificateContextToStore(store, cert, replaceExisting, nil); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "trustca:", err)
	os.Exit(2)
}
